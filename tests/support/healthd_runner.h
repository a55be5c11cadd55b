// gslb-healthd under test: started on a store until its healthd_started line,
// always stopped by the destructor; plus reading health rows back.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "zones/gslb_model.h"

namespace testsupport {

class HealthdRunner {
 public:
  // Throws std::runtime_error with the daemon's output when it does not start.
  HealthdRunner(const std::filesystem::path& db, const std::string& vantage,
                std::vector<std::string> extra_args = {});
  Process& process() { return *process_; }
  int stop() { return process_->stop(); }
  void kill_hard();  // SIGKILL: no final write, no goodbye

 private:
  std::unique_ptr<Process> process_;
};

// The health row of (pool, address) from `vantage`, read from the store now.
std::optional<zones::HealthRow> health_row(const std::filesystem::path& db, const std::string& pool,
                                           const std::string& address, const std::string& vantage);

// Polls `ready` every 10 ms until true or `timeout`; true when it became true.
bool eventually(const std::function<bool()>& ready, std::chrono::milliseconds timeout);

}  // namespace testsupport
