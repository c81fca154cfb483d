#include "io/files.hpp"

#include <sys/stat.h>

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

void make_output_dir(const std::string& dir, const char* option) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      throw InputError(std::string(option) + " " + dir + ": not a directory");
    return;
  }
  if (::mkdir(dir.c_str(), 0777) != 0)
    throw InputError(std::string(option) + " " + dir + ": cannot make the directory (" +
                     std::strerror(errno) + ")");
}

std::vector<std::unique_ptr<AtomicFile>> write_sharded(const std::string& dir,
                                                       const ShardedBundle& sharded) {
  std::vector<std::unique_ptr<AtomicFile>> files;
  // Each part's temp is closed once written (commit_together only renames it): a store of a
  // million items is over 100,000 parts, far more files than a process may hold open.
  // The run's folder is swept for a dead writer's temps once, not once per part: a sweep reads
  // the whole folder, and 100,000 parts made that quadratic (hours for a million items).
  std::string swept;
  auto add = [&](const std::string& name, std::string_view bytes) {
    const auto slash = name.find_last_of('/');
    const auto folder = dir + "/" + (slash == std::string::npos ? "" : name.substr(0, slash));
    if (folder != swept) remove_stale_temps_in(swept = folder);
    files.push_back(std::make_unique<AtomicFile>(dir + "/" + name, false));
    files.back()->write(bytes);
    files.back()->finish();
  };
  auto view = [](const std::vector<std::uint8_t>& b) {
    return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
  };
  for (const auto& part : sharded.parts) {
    const auto slash = part.path.find_last_of('/');
    if (slash != std::string::npos)
      make_output_dir(dir + "/" + part.path.substr(0, slash), "--out");
    add(part.path, view(part.bytes));
  }
  add("manifest.json", sharded.manifest);
  return files;
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
