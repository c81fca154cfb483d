// Whole files in and out: a bundle written atomically, any file read into memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.hpp"
#include "bundle/shards.hpp"
#include "io/atomic_file.hpp"

namespace basketlift {

// encode_bundle, written atomically.
void write_bundle(const std::string& path, const BundleContent& content);
// The same into an AtomicFile, left uncommitted (to commit with other outputs).
void write_bundle(AtomicFile& file, const BundleContent& content);

// A sharded bundle's files in directory `dir` (made if missing, one level): manifest.json and a
// folder of parts named for the run. Each file is in its temp and not yet committed: commit
// them together, the manifest last in the list, so a reader never finds a manifest naming files
// that are not there. Earlier runs' folders are left: a page still holding an old manifest keeps
// working while caches turn (delete them when no page can hold it any more).
std::vector<std::unique_ptr<AtomicFile>> write_sharded(const std::string& dir,
                                                       const ShardedBundle& sharded);
// Makes `dir` unless it is a directory already; InputError naming `option` otherwise.
void make_output_dir(const std::string& dir, const char* option);

// The whole file, or InputError naming it.
std::vector<std::uint8_t> read_file_bytes(const std::string& path);

}  // namespace basketlift
