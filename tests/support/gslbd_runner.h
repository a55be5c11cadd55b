// gslbd under test: a temp store made with gslbadm, zone files imported, gslbd started on
// loopback port 0, its bound addresses read back from the `event=ready` log line.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/net.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/zone_file.h"

namespace testsupport {

struct GslbdOptions {
  std::vector<ZoneFile> zones{};  // imported with --origin
  bool ipv4 = true;               // listen on 127.0.0.1:0
  bool ipv6 = false;              // listen on [::1]:0
  int threads = 0;                // 0: gslbd's default
  std::string chaos_id{};         // empty: no --chaos-id
  std::string chaos_version{};    // empty: no --chaos-version
  int tcp_idle_timeout_ms = 0;    // 0: gslbd's default
  int max_tcp_connections = 0;    // 0: gslbd's default
  std::vector<std::string> extra_args{};
  // Runs on the store after the zones are imported, before gslbd starts
  // (e.g. to write GSLB configuration or health rows).
  std::function<void(const std::filesystem::path& db)> setup{};
  std::chrono::milliseconds ready_timeout = std::chrono::seconds(15);
  // The admin API on 127.0.0.1:0 with a 0600 tokens file in the temp dir: a write token
  // "ops" and a read token "viewer", random secrets (admin_url(), write_token()...).
  bool admin_api = false;
};

// Writes gslb.test. (kGslbTestZone) and `config_yaml` (a config file's keys after `zones:`)
// beside the store and runs `gslbadm apply` on it; throws with gslbadm's output when refused.
// For GslbdOptions::setup.
void apply_gslb_test_config(const std::filesystem::path& db, const std::string& config_yaml);

class GslbdRunner {
 public:
  // Throws std::runtime_error (with gslbadm's or gslbd's output) when any step fails.
  explicit GslbdRunner(GslbdOptions options);

  const std::vector<Endpoint>& addrs() const { return addrs_; }
  const Endpoint& v4() const;  // throws when gslbd has no IPv4 listener
  const Endpoint& v6() const;
  Process& process() { return *process_; }
  const std::filesystem::path& db() const { return db_; }
  const TempDir& dir() const { return dir_; }
  // Runs `gslbadm --db <store> args...`.
  RunResult admin(const std::vector<std::string>& args) const;
  int stop() { return process_->stop(); }
  // Stops gslbd and starts it again on the same store with the same arguments (the tokens
  // file too), then reads the new addresses back from its ready line.
  void restart();
  // Starts gslbd again after stop() (same as restart() when it is still running).
  void start() { restart(); }

  // With admin_api: "http://127.0.0.1:PORT" (no trailing slash); throws without it.
  std::string admin_url() const;
  const std::string& write_token() const { return write_token_; }  // token "ops"
  const std::string& read_token() const { return read_token_; }    // token "viewer"
  const std::filesystem::path& tokens_file() const { return tokens_file_; }

 private:
  void create_store(const std::vector<ZoneFile>& zones) const;
  std::vector<std::string> gslbd_argv(const GslbdOptions& o) const;
  void write_tokens_file();
  void launch();

  std::vector<std::string> argv_;
  std::chrono::milliseconds ready_timeout_{};
  std::filesystem::path tokens_file_;
  std::string write_token_;
  std::string read_token_;
  std::string admin_address_;  // "127.0.0.1:PORT" from the ready line

  TempDir dir_{"gslb-gslbd"};
  std::filesystem::path db_;
  std::unique_ptr<Process> process_;
  std::vector<Endpoint> addrs_;
};

}  // namespace testsupport
