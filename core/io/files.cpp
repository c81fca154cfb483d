#include "io/files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "model/error.hpp"

namespace basketlift {

void write_bundle(AtomicFile& file, const BundleContent& content) {
  auto bytes = encode_bundle(content);
  file.write(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

void write_bundle(const std::string& path, const BundleContent& content) {
  auto bytes = encode_bundle(content);
  AtomicFile file(path);
  file.write(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  file.commit();
}

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  std::vector<std::uint8_t> bytes;
  std::uint8_t buf[1 << 16];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + got);
  const bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) throw InputError(path + ": read error");
  return bytes;
}

}  // namespace basketlift
