// Whole files in and out: a bundle written atomically, any file read into memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bundle/bundle.hpp"
#include "io/atomic_file.hpp"

namespace basketlift {

// encode_bundle, written atomically.
void write_bundle(const std::string& path, const BundleContent& content);
// The same into an AtomicFile, left uncommitted (to commit with other outputs).
void write_bundle(AtomicFile& file, const BundleContent& content);

// The whole file, or InputError naming it.
std::vector<std::uint8_t> read_file_bytes(const std::string& path);

}  // namespace basketlift
