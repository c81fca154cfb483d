// Output files written so that a failure, a signal or a bad path never leaves a half-written or
// misplaced output: regular files go to a temporary beside their real destination and are renamed
// into place when complete; streams (stdout, FIFOs, character devices) are written through.
// The behaviour as users see it is documented in docs/cli-outputs.md.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace basketlift {

// The output path that means standard output.
inline constexpr std::string_view kStdoutPath = "-";

// Signals that end the process with its outputs' temps removed (the CLI's handler) and that
// commit_together holds back while it renames. SIGPIPE is among them because a reader of a
// stdout or FIFO output may go away mid-write.
inline constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

// A temp's name beside a destination named `name`: ".NAME.basketlift-tmp.PID.N", hidden and
// recognisable; the pid says which process owns it, so a later run can tell a dead one's.
inline constexpr std::string_view kTempMarker = ".basketlift-tmp.";
std::string temp_name(std::string_view name, pid_t pid, unsigned n);
// The pid in `entry` when it is exactly a temp name for a destination named `name`.
std::optional<pid_t> temp_owner(std::string_view entry, std::string_view name);
// Unlinks the temps beside `destination` (a real path) whose process no longer exists
// (kill(pid, 0) fails with ESRCH); only regular files named exactly as temp_name makes them.
// Returns how many were removed.
std::size_t remove_stale_temps(const std::string& destination);
// The same for every destination in `dir` at once: a writer of many files in one directory sweeps
// it once rather than once per file (each sweep reads the whole directory).
std::size_t remove_stale_temps_in(const std::string& dir);

// Where an output path leads, decided before anything is written.
struct OutputTarget {
  enum class Kind {
    File,    // replaced atomically at `real`, the path with every symlink followed
    Stream,  // written through: stdout (`real` empty) or a character device or FIFO (`real`)
  };
  Kind kind = Kind::File;
  std::string path;  // as given; messages name it
  std::string real;
  bool is_stdout() const { return kind == Kind::Stream && real.empty(); }
};

// "-", and a path to the regular file or FIFO stdout writes to (such as /dev/stdout), are stdout;
// a character device or FIFO is a stream; a regular file, or a name not yet taken, is a file.
// Throws InputError naming `path` for a directory, a missing directory, a symlink loop, a block
// device or socket, or an empty path.
OutputTarget resolve_output(const std::string& path);

// A path on the command line and what named it ("-o", "--catalog", "the order log").
struct NamedPath {
  std::string what;
  std::string path;
};

// Everything about the outputs that can be known before a command does its work: each resolves
// (resolve_output); each file's directory takes a new file (a temp is made there and removed,
// which also clears stale temps); each stream other than stdout is writable; no two outputs are
// the same file or stream (the same character device twice, e.g. /dev/null, is fine); no output
// file is the same file as an input (by device and inode, so a symlink, a hard link or "./x" is
// caught). Inputs that do not exist are skipped: reading them reports that. Throws InputError
// naming both paths. Returns the targets, in order.
std::vector<OutputTarget> check_outputs(std::span<const NamedPath> outputs,
                                        std::span<const NamedPath> inputs);

// One output. A file's temp is created in the constructor (mode 0666 less the umask, the mode the
// destination ends up with) and listed in a fixed, lock-free registry, so a signal handler can
// remove every live temp (remove_temp_files) before the process dies. A stream's bytes are held
// in memory until published, so a failure before then sends nothing.
class AtomicFile {
 public:
  // Throws InputError when the output cannot be made. `sweep`: remove_stale_temps first (false
  // when the caller has swept the directory with remove_stale_temps_in).
  explicit AtomicFile(std::string path, bool sweep = true);
  ~AtomicFile();  // removes the temp unless published
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  void commit();   // commit_together on this file alone
  void finish();   // file: flush, fsync, close; stream: nothing
  void publish();  // file: rename over the destination (after finish); stream: write it out
  const std::string& path() const { return target_.path; }
  const OutputTarget& target() const { return target_; }
  const std::string& temp_path() const { return temp_; }  // empty for a stream

 private:
  OutputTarget target_;
  std::string temp_;
  std::string pending_;  // a stream's bytes
  std::FILE* file_ = nullptr;
  // Bytes written, and those the kernel was asked to start writing to disk (write()).
  static constexpr std::uint64_t kWritebackBytes = std::uint64_t{8} << 20;
  std::uint64_t written_ = 0, kicked_ = 0;
  int slot_ = -1;  // in the registry of live temps
  bool published_ = false;
};

// Commits several outputs as one: every file is finished first, then the streams are written
// (a closed pipe or a full device fails here, with every previous file still in place), then the
// files are renamed while kCleanupSignals are held back (in the calling thread; call it with no
// other threads running), so an interruption leaves either all the previous files or all the
// new ones.
void commit_together(std::span<AtomicFile* const> files);

// Async-signal-safe: unlinks the temp file of every AtomicFile not yet published or destroyed.
void remove_temp_files() noexcept;

}  // namespace basketlift
