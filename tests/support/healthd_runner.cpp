// HealthdRunner and health_row (see healthd_runner.h).
#include "tests/support/healthd_runner.h"

#include <signal.h>

#include <stdexcept>
#include <thread>

#include "zones/db.h"
#include "zones/gslb_store.h"

namespace testsupport {

HealthdRunner::HealthdRunner(const std::filesystem::path& db, const std::string& vantage,
                             std::vector<std::string> extra_args) {
  std::vector<std::string> argv{GSLB_HEALTHD_PATH, "--db",          db.string(), "--vantage",
                                vantage,           "--config-poll", "100"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Process>(argv);
  if (!process_->wait_for_line("event=healthd_started", std::chrono::seconds(15)))
    throw std::runtime_error("gslb-healthd did not start; its output:\n" + process_->output());
}

void HealthdRunner::kill_hard() {
  ::kill(process_->pid(), SIGKILL);
  process_->stop();
}

std::optional<zones::HealthRow> health_row(const std::filesystem::path& db, const std::string& pool,
                                           const std::string& address, const std::string& vantage) {
  auto opened = zones::Db::open(db.string(), {zones::OpenMode::kExisting});
  if (!opened) throw std::runtime_error(opened.error().text());
  auto rows = zones::GslbStore(*opened).health_since(0);
  if (!rows) throw std::runtime_error(rows.error().text());
  for (const zones::HealthRow& row : *rows) {
    if (row.pool == pool && row.address == address && row.vantage == vantage) return row;
  }
  return std::nullopt;
}

bool eventually(const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace testsupport
