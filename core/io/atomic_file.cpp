#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "model/error.hpp"

namespace basketlift {

namespace {

// The registry of live temps: fixed storage, lock-free atomics, nothing a signal handler
// could find half-built. A slot is Free, Claimed (its path being written) or Live.
enum : int { kFree = 0, kClaimed = 1, kLive = 2 };
constexpr std::size_t kTempSlots = 64;
struct TempSlot {
  std::atomic<int> state{kFree};
  char path[PATH_MAX];
};
TempSlot g_temps[kTempSlots];
static_assert(std::atomic<int>::is_always_lock_free);

// Claims a slot and lists `path` in it; -1 when the path is too long or all slots are taken
// (the file is still written atomically, only not cleaned up by a signal).
int register_temp(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (std::size_t k = 0; k < kTempSlots; ++k) {
    int expected = kFree;
    if (g_temps[k].state.compare_exchange_strong(expected, kClaimed)) {
      std::memcpy(g_temps[k].path, path.c_str(), path.size() + 1);
      g_temps[k].state.store(kLive, std::memory_order_release);
      return static_cast<int>(k);
    }
  }
  return -1;
}

void unregister_temp(int slot) {
  if (slot >= 0) g_temps[slot].state.store(kFree, std::memory_order_release);
}

std::atomic<unsigned> g_temp_counter{0};

}  // namespace

void remove_temp_files() noexcept {
  for (auto& slot : g_temps)
    if (slot.state.load(std::memory_order_acquire) == kLive) unlink(slot.path);
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  // The temp is listed before it is created, so no moment exists where it is on disk but
  // unknown to the signal handler. Its name holds the pid: only this process makes it.
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp_ = path_ + ".tmp." + std::to_string(getpid()) + "." +
            std::to_string(g_temp_counter.fetch_add(1));
    slot_ = register_temp(temp_);
    fd = open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      const int error = errno;
      unregister_temp(slot_);
      slot_ = -1;
      errno = error;
      if (error != EEXIST) break;
    }
  }
  if (fd < 0 || !(file_ = fdopen(fd, "wb"))) {
    const int error = errno;
    if (fd >= 0) {
      close(fd);
      unlink(temp_.c_str());
      unregister_temp(slot_);
    }
    throw InputError(path_ + ": cannot create output (" + std::strerror(error) + ")");
  }
}

AtomicFile::~AtomicFile() {
  if (file_) std::fclose(file_);
  if (!committed_) {
    unlink(temp_.c_str());
    unregister_temp(slot_);
  }
}

void AtomicFile::write(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
    throw InputError(path_ + ": write failed (" + std::strerror(errno) + ")");
}

void AtomicFile::finish() {
  if (!file_) return;
  bool ok = std::fflush(file_) == 0 && fsync(fileno(file_)) == 0;
  const int error = errno;
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok) throw InputError(path_ + ": cannot write output (" + std::strerror(error) + ")");
}

void AtomicFile::publish() {
  if (std::rename(temp_.c_str(), path_.c_str()) != 0)
    throw InputError(path_ + ": cannot write output (" + std::strerror(errno) + ")");
  committed_ = true;
  unregister_temp(slot_);  // a signal in between unlinks a name that is gone: harmless
}

void AtomicFile::commit() {
  finish();
  publish();
}

void commit_together(std::span<AtomicFile* const> files) {
  for (auto* f : files) f->finish();
  sigset_t held, previous;
  sigemptyset(&held);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&held, sig);
  pthread_sigmask(SIG_BLOCK, &held, &previous);
  std::exception_ptr error;
  try {
    for (auto* f : files) f->publish();
  } catch (...) {
    error = std::current_exception();
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);  // a held signal is delivered here
  if (error) std::rethrow_exception(error);
}

}  // namespace basketlift
