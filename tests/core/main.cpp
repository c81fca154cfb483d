// The Catch2 (v2) runner for the core tests; every other file in tests/core adds test cases.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
