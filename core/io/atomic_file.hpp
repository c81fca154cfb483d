// Files written to a temporary beside their destination and renamed into place only when
// complete, so a failure or a signal never leaves a half-written output.
#pragma once

#include <cstdio>
#include <span>
#include <string>
#include <string_view>

namespace basketlift {

// A file written to a temporary beside its destination ("PATH.tmp.PID.N") and renamed over it
// when complete. Every live temporary is listed in a fixed, lock-free registry, so a signal
// handler can remove them all (remove_temp_files) before the process dies.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);  // throws InputError when the temp cannot be made
  ~AtomicFile();                          // removes the temp unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  void commit();   // finish(), then publish()
  void finish();   // flush, fsync, close
  void publish();  // rename over the destination (after finish)
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_; }

 private:
  std::string path_, temp_;
  std::FILE* file_ = nullptr;
  int slot_ = -1;  // in the registry of live temps
  bool committed_ = false;
};

// Commits several files as one: all are finished first, then renamed while SIGINT, SIGTERM,
// SIGHUP and SIGQUIT are held back (in the calling thread; call it with no other threads
// running), so an interruption leaves either all the previous files or all the new ones.
void commit_together(std::span<AtomicFile* const> files);

// Async-signal-safe: unlinks the temp file of every AtomicFile not yet committed or destroyed.
void remove_temp_files() noexcept;

}  // namespace basketlift
