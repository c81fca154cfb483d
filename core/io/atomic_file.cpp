#include "io/atomic_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>

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

// A temp name must stay within NAME_MAX (255) whatever the destination's name: the marker, a pid
// and a counter take at most 38 bytes, so the destination's name is cut to 200 in it.
constexpr std::size_t kTempNameKeeps = 200;

std::string temp_prefix(std::string_view name) {
  std::string out = ".";
  out += name.substr(0, kTempNameKeeps);
  out += kTempMarker;
  return out;
}

[[noreturn]] void fail(int error, const std::string& what) {
  throw InputError(what + " (" + std::strerror(error) + ")");
}
// errno is read before the message is built: building it may allocate, which may set errno.
template <class Message>
[[noreturn]] void fail_errno(Message&& message) {
  const int error = errno;
  fail(error, message());
}

// Splits a real path into its directory and its last component.
std::pair<std::string, std::string> split_path(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

std::string join_path(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::string real_path(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> real(realpath(path.c_str(), nullptr), &std::free);
  if (!real) return {};
  return real.get();
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

std::string stdout_name(const OutputTarget& t) { return t.path == kStdoutPath ? "stdout" : t.path; }

// write(2) until done; false with errno set on failure.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string temp_name(std::string_view name, pid_t pid, unsigned n) {
  return temp_prefix(name) + std::to_string(pid) + "." + std::to_string(n);
}

std::optional<pid_t> temp_owner(std::string_view entry, std::string_view name) {
  const auto prefix = temp_prefix(name);
  if (!entry.starts_with(prefix)) return std::nullopt;
  entry.remove_prefix(prefix.size());
  const auto dot = entry.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == entry.size()) return std::nullopt;
  const auto digits = [](std::string_view s) {
    return s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  const auto pid_text = entry.substr(0, dot), counter = entry.substr(dot + 1);
  if (!digits(pid_text) || !digits(counter)) return std::nullopt;
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
  if (ec != std::errc() || end != pid_text.data() + pid_text.size() || pid <= 0)
    return std::nullopt;
  return pid;
}

namespace {
// Unlinks the regular files in `dir` that `owner` names as temps of a process that is gone.
template <class Owner>
std::size_t remove_dead_temps(const std::string& dir, Owner&& owner) {
  struct CloseDir {
    void operator()(DIR* d) const { closedir(d); }
  };
  std::unique_ptr<DIR, CloseDir> listing(opendir(dir.c_str()));
  if (!listing) return 0;  // creating the temp there reports the real problem
  std::size_t removed = 0;
  while (const dirent* entry = readdir(listing.get())) {
    const auto pid = owner(std::string_view(entry->d_name));
    // kill(pid, 0) fails with ESRCH only when no such process exists; EPERM means it does. A pid
    // reused since then keeps the temp: left alone, never wrongly removed.
    if (!pid || *pid == getpid() || kill(*pid, 0) == 0 || errno != ESRCH) continue;
    const auto path = join_path(dir, entry->d_name);
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && unlink(path.c_str()) == 0)
      ++removed;
  }
  return removed;
}
}  // namespace

std::size_t remove_stale_temps(const std::string& destination) {
  const auto where = split_path(destination);  // (clang before 16 cannot capture a binding)
  const std::string& name = where.second;
  return remove_dead_temps(where.first,
                           [&](std::string_view entry) { return temp_owner(entry, name); });
}

std::size_t remove_stale_temps_in(const std::string& dir) {
  return remove_dead_temps(dir, [](std::string_view entry) -> std::optional<pid_t> {
    const auto marker = entry.rfind(kTempMarker);
    if (!entry.starts_with('.') || marker == std::string_view::npos || marker < 2)
      return std::nullopt;
    return temp_owner(entry, entry.substr(1, marker - 1));
  });
}

OutputTarget resolve_output(const std::string& path) {
  using Kind = OutputTarget::Kind;
  if (path == kStdoutPath) return {Kind::Stream, path, ""};
  if (path.empty()) throw InputError("output path is empty");
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw InputError(path + ": is a directory (expected a file name)");
    // A file or FIFO that stdout already writes to is stdout (/dev/stdout, or `-o x >x`): the
    // bytes go through the descriptor. A character device (/dev/null) is the same by either way.
    struct stat out {};
    if (!S_ISCHR(st.st_mode) && fstat(STDOUT_FILENO, &out) == 0 && same_file(st, out))
      return {Kind::Stream, path, ""};
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return {Kind::Stream, path, path};
    if (!S_ISREG(st.st_mode))
      throw InputError(path + ": not a regular file, character device or FIFO");
    auto real = real_path(path);
    if (real.empty()) fail_errno([&] { return path + ": cannot resolve"; });
    return {Kind::File, path, real};
  }
  if (errno != ENOENT) fail_errno([&] { return path + ": cannot write output"; });
  // Nothing there yet, or a symlink to nothing yet: the file it names is the one to create, so
  // the link stays a link.
  std::string p = path;
  for (int hops = 0;; ++hops) {
    struct stat link {};
    if (lstat(p.c_str(), &link) != 0 || !S_ISLNK(link.st_mode)) break;
    if (hops == 40) throw InputError(path + ": cannot write output (too many symlinks)");
    std::string target(PATH_MAX, '\0');
    const ssize_t n = readlink(p.c_str(), target.data(), target.size());
    if (n < 0) fail_errno([&] { return path + ": cannot read symlink"; });
    target.resize(static_cast<std::size_t>(n));
    p = target.starts_with('/') ? target : join_path(split_path(p).first, target);
  }
  if (p.ends_with('/')) throw InputError(path + ": names a directory (expected a file name)");
  // Plain variables, not a structured binding: clang before 16 cannot capture bindings.
  const std::pair<std::string, std::string> parts = split_path(p);
  const auto real_dir = real_path(parts.first);
  if (real_dir.empty())
    fail_errno([&] { return path + ": cannot write output: directory " + parts.first; });
  return {Kind::File, path, join_path(real_dir, parts.second)};
}

std::vector<OutputTarget> check_outputs(std::span<const NamedPath> outputs,
                                        std::span<const NamedPath> inputs) {
  std::vector<OutputTarget> targets;
  std::vector<std::optional<struct stat>> ids;  // of each target that exists and is not a device
  const auto named = [](const NamedPath& p) { return p.what + " " + p.path; };
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    const auto& out = outputs[k];
    // Messages name the option as well as the path: with several outputs, which one is wrong?
    const auto with_option = [&](auto&& step) {
      try {
        return step();
      } catch (const InputError& e) {
        throw InputError(out.what + " " + e.what());
      }
    };
    auto target = with_option([&] { return resolve_output(out.path); });
    std::optional<struct stat> id;
    struct stat st {};
    if (target.is_stdout()) {
      const int flags = fcntl(STDOUT_FILENO, F_GETFL);
      if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
        throw InputError(named(out) + ": stdout is not open for writing");
      if (fstat(STDOUT_FILENO, &st) == 0 && !S_ISCHR(st.st_mode)) id = st;
    } else if (target.kind == OutputTarget::Kind::Stream) {
      if (access(target.real.c_str(), W_OK) != 0)
        fail_errno([&] { return named(out) + ": cannot write output"; });
      if (stat(target.real.c_str(), &st) == 0 && !S_ISCHR(st.st_mode)) id = st;
    } else if (stat(target.real.c_str(), &st) == 0) {
      id = st;
    }
    for (std::size_t j = 0; j < k; ++j) {
      const bool same =
          (ids[j] && id && same_file(*ids[j], *id)) ||
          (target.kind == OutputTarget::Kind::File && targets[j].kind == OutputTarget::Kind::File &&
           targets[j].real == target.real) ||
          (target.is_stdout() && targets[j].is_stdout());
      if (same)
        throw InputError(named(outputs[j]) + " and " + named(out) +
                         " are the same output; give each its own file");
    }
    if (target.kind == OutputTarget::Kind::File && id) {
      for (const auto& in : inputs) {
        struct stat input {};
        if (stat(in.path.c_str(), &input) == 0 && same_file(input, *id))
          throw InputError(named(out) + " is the same file as " + named(in) +
                           "; refusing to overwrite an input");
      }
    }
    if (target.kind == OutputTarget::Kind::File) {
      // Its directory takes a new file; the temp goes again at once.
      with_option([&] {
        AtomicFile probe(out.path);
        return true;
      });
    }
    targets.push_back(std::move(target));
    ids.push_back(id);
  }
  return targets;
}

void remove_temp_files() noexcept {
  for (auto& slot : g_temps)
    if (slot.state.load(std::memory_order_acquire) == kLive) unlink(slot.path);
}

AtomicFile::AtomicFile(std::string path, bool sweep) : target_(resolve_output(path)) {
  if (target_.kind == OutputTarget::Kind::Stream) return;
  if (sweep) remove_stale_temps(target_.real);
  // The temp is listed before it is created, so no moment exists where it is on disk but
  // unknown to the signal handler. Its name holds the pid: only this process makes it.
  // 0666: open applies the umask, so the output gets the mode any new file would.
  const auto [dir, name] = split_path(target_.real);
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp_ = join_path(dir, temp_name(name, getpid(), g_temp_counter.fetch_add(1)));
    slot_ = register_temp(temp_);
    fd = open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
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
    fail(error, path + ": cannot create output in " + dir);
  }
}

AtomicFile::~AtomicFile() {
  if (file_) std::fclose(file_);
  if (!published_ && !temp_.empty()) {
    unlink(temp_.c_str());
    unregister_temp(slot_);
  }
}

void AtomicFile::write(std::string_view bytes) {
  if (target_.kind == OutputTarget::Kind::Stream) {
    pending_ += bytes;
    return;
  }
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
    fail_errno([&] { return path() + ": write failed"; });
#ifdef __linux__
  // finish() waits in fsync for every byte still in the page cache: 70 ms of chess.dat's 0.45 s
  // for its 100 MB of itemsets. Asking the kernel to start writing each few MiB as they come
  // lets the disk work while the command goes on, so that wait covers only the tail. Errors
  // here are fsync's to report.
  written_ += bytes.size();
  if (written_ - kicked_ >= kWritebackBytes && std::fflush(file_) == 0) {
    sync_file_range(fileno(file_), static_cast<off_t>(kicked_),
                    static_cast<off_t>(written_ - kicked_), SYNC_FILE_RANGE_WRITE);
    kicked_ = written_;
  }
#endif
}

void AtomicFile::finish() {
  if (!file_) return;
  bool ok = std::fflush(file_) == 0 && fsync(fileno(file_)) == 0;
  const int error = errno;
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok) fail(error, path() + ": cannot write output");
}

void AtomicFile::publish() {
  if (published_) return;
  if (target_.kind == OutputTarget::Kind::File) {
    if (std::rename(temp_.c_str(), target_.real.c_str()) != 0)
      fail_errno([&] { return path() + ": cannot write output"; });
    published_ = true;
    unregister_temp(slot_);  // a signal in between unlinks a name that is gone: harmless
    return;
  }
  if (target_.is_stdout()) {
    std::fflush(stdout);  // whatever was printed before comes first
    if (!write_all(STDOUT_FILENO, pending_))
      fail_errno([&] { return stdout_name(target_) + ": cannot write output"; });
  } else {
    // No O_CREAT: the device or FIFO was there when the path was resolved; if it has gone,
    // creating a regular file in its place is not what was asked. A FIFO's open waits for a
    // reader.
    const int fd = open(target_.real.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) fail_errno([&] { return path() + ": cannot open output"; });
    struct stat st {};
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      close(fd);
      throw InputError(path() + ": became a regular file during the run; not overwritten");
    }
    const bool ok = write_all(fd, pending_);
    const int error = errno;
    close(fd);
    if (!ok) fail(error, path() + ": cannot write output");
  }
  published_ = true;
  pending_.clear();
  pending_.shrink_to_fit();
}

void AtomicFile::commit() {
  AtomicFile* self = this;
  commit_together(std::span<AtomicFile* const>(&self, 1));
}

void commit_together(std::span<AtomicFile* const> files) {
  for (auto* f : files) f->finish();
  // Streams cannot be taken back, so they go before any file is replaced: the failures that are
  // likely (a closed pipe, a full device) then leave every previous file as it was.
  for (auto* f : files)
    if (f->target().kind == OutputTarget::Kind::Stream) f->publish();
  sigset_t held, previous;
  sigemptyset(&held);
  for (int sig : kCleanupSignals) sigaddset(&held, sig);
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
