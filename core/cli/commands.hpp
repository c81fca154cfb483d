#pragma once

namespace basketlift::cli {

// Each returns the process exit code; InputError escapes to main, which maps it to 2.
int run_mine(int argc, char** argv);
int run_inspect(int argc, char** argv);
int run_shard(int argc, char** argv);
int run_recommend(int argc, char** argv);
int run_catalog(int argc, char** argv);
int run_customers(int argc, char** argv);
int run_upsell(int argc, char** argv);
int run_categories(int argc, char** argv);
int run_next(int argc, char** argv);
int run_eval(int argc, char** argv);
int run_import_spark(int argc, char** argv);

}  // namespace basketlift::cli
