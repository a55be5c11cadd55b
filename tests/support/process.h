// A child program started by a test: argv in, stderr (and stdout) captured line by line.
// The destructor always stops it, so a failing test never leaks a server.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace testsupport {

using namespace std::chrono_literals;

class Process {
 public:
  // Starts argv[0] (a path) with the given arguments; throws std::runtime_error if fork fails.
  explicit Process(std::vector<std::string> argv);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // The first captured line containing `needle`, waiting up to `timeout` for it. Returns
  // nullopt at the timeout or as soon as the program closes its output (it exited).
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout = 10s);
  // SIGTERM, then SIGKILL after `grace`. Returns the exit code, or 128 + signal number.
  int stop(std::chrono::milliseconds grace = 5s);
  // Waits up to `timeout` for the program to exit by itself (no signal): its exit code, or
  // 128 + signal number; nullopt while it still runs.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool alive();
  pid_t pid() const { return pid_; }
  std::string output() const;  // everything captured so far

 private:
  void read_loop(int fd);
  std::optional<int> reap(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  std::optional<int> status_;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool eof_ = false;
};

struct RunResult {
  int status = -1;  // exit code, or 128 + signal
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a program to completion (killed after `timeout`), capturing stdout and stderr.
RunResult run_program(const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout = 30s);

// "a b 'c d'" for messages.
std::string join_args(const std::vector<std::string>& argv);

}  // namespace testsupport
