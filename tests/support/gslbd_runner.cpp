// GslbdRunner: gslbadm init + zone import, then gslbd until its ready line.
#include "tests/support/gslbd_runner.h"

#include <sys/stat.h>

#include <fstream>
#include <random>
#include <stdexcept>

namespace testsupport {

namespace {

std::string random_secret() {
  static const char* const kHex = "0123456789abcdef";
  std::random_device device;
  std::string secret;
  for (int i = 0; i < 40; ++i) secret += kHex[device() % 16];
  return secret;
}

// The value of `key=` in a log line ("admin=127.0.0.1:5300 ..."), empty when absent.
std::string field_value(const std::string& line, const std::string& key) {
  const std::string needle = " " + key + "=";
  size_t at = line.find(needle);
  if (at == std::string::npos) return "";
  at += needle.size();
  const size_t end = line.find_first_of(" \t\r\n", at);
  std::string value = line.substr(at, end == std::string::npos ? std::string::npos : end - at);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
    value = value.substr(1, value.size() - 2);
  return value;
}

}  // namespace

GslbdRunner::GslbdRunner(GslbdOptions options) : db_(dir_ / "gslb.db") {
  create_store(options.zones);
  if (options.setup) options.setup(db_);
  argv_ = gslbd_argv(options);
  if (options.admin_api) {
    write_tokens_file();
    argv_.insert(argv_.end(), {"--admin", "127.0.0.1:0", "--admin-tokens", tokens_file_.string()});
  }
  ready_timeout_ = options.ready_timeout;
  launch();
}

void GslbdRunner::launch() {
  process_ = std::make_unique<Process>(argv_);
  const auto ready = process_->wait_for_line("event=ready", ready_timeout_);
  if (!ready)
    throw std::runtime_error("gslbd did not report event=ready; its output:\n" +
                             process_->output());
  addrs_ = parse_addrs(*ready);
  admin_address_ = field_value(*ready, "admin");
  if (!tokens_file_.empty() && (admin_address_.empty() || admin_address_ == "none"))
    throw std::runtime_error("gslbd's ready line has no admin= address: " + *ready);
}

void GslbdRunner::restart() {
  process_->stop();
  process_.reset();  // joins the output reader before the next process starts
  launch();
}

void GslbdRunner::write_tokens_file() {
  write_token_ = random_secret();
  read_token_ = random_secret();
  tokens_file_ = dir_.write("admin-tokens",
                            "# NAME ROLE SECRET\n"
                            "ops write " +
                                write_token_ + "\nviewer read " + read_token_ + "\n");
  if (::chmod(tokens_file_.c_str(), 0600) != 0)
    throw std::runtime_error("chmod 600 " + tokens_file_.string() + " failed");
}

std::string GslbdRunner::admin_url() const {
  if (admin_address_.empty() || admin_address_ == "none")
    throw std::runtime_error("gslbd runs without the admin API (GslbdOptions::admin_api)");
  return "http://" + admin_address_;
}

RunResult GslbdRunner::admin(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{GSLBADM_PATH, "--db", db_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

void GslbdRunner::create_store(const std::vector<ZoneFile>& zones) const {
  auto check = [](const RunResult& r, const std::string& what) {
    if (r.status != 0)
      throw std::runtime_error(what + " exited " + std::to_string(r.status) + ":\n" + r.err +
                               r.out);
  };
  check(admin({"init"}), "gslbadm init");
  for (const auto& z : zones)
    check(admin({"zone", "import", z.path.string(), "--origin", z.origin}),
          "gslbadm zone import " + z.path.string());
}

std::vector<std::string> GslbdRunner::gslbd_argv(const GslbdOptions& o) const {
  std::vector<std::string> argv{GSLBD_PATH, "--db", db_.string()};
  if (o.ipv4) argv.insert(argv.end(), {"--listen", "127.0.0.1:0"});
  if (o.ipv6) argv.insert(argv.end(), {"--listen", "[::1]:0"});
  if (o.threads > 0) argv.insert(argv.end(), {"--threads", std::to_string(o.threads)});
  if (!o.chaos_id.empty()) argv.insert(argv.end(), {"--chaos-id", o.chaos_id});
  if (!o.chaos_version.empty()) argv.insert(argv.end(), {"--chaos-version", o.chaos_version});
  if (o.tcp_idle_timeout_ms > 0)
    argv.insert(argv.end(), {"--tcp-idle-timeout", std::to_string(o.tcp_idle_timeout_ms)});
  if (o.max_tcp_connections > 0)
    argv.insert(argv.end(), {"--max-tcp-connections", std::to_string(o.max_tcp_connections)});
  argv.insert(argv.end(), o.extra_args.begin(), o.extra_args.end());
  return argv;
}

const Endpoint& GslbdRunner::v4() const {
  for (const auto& a : addrs_)
    if (!a.is_v6()) return a;
  throw std::runtime_error("gslbd has no IPv4 listener");
}

const Endpoint& GslbdRunner::v6() const {
  for (const auto& a : addrs_)
    if (a.is_v6()) return a;
  throw std::runtime_error("gslbd has no IPv6 listener");
}

void apply_gslb_test_config(const std::filesystem::path& db, const std::string& config_yaml) {
  const auto dir = db.parent_path();
  std::ofstream(dir / "gslb.test.zone") << kGslbTestZone;
  std::ofstream(dir / "gslb.yaml") << "zones:\n  - {name: gslb.test., file: gslb.test.zone}\n"
                                   << config_yaml;
  const RunResult r =
      run_program({GSLBADM_PATH, "--db", db.string(), "apply", "-f", (dir / "gslb.yaml").string()});
  if (r.status != 0) throw std::runtime_error("gslbadm apply failed: " + r.err + r.out);
}

}  // namespace testsupport
