// GslbdRunner: gslbadm init + zone import, then gslbd until its ready line.
#include "tests/support/gslbd_runner.h"

#include <stdexcept>

namespace testsupport {

GslbdRunner::GslbdRunner(GslbdOptions options) : db_(dir_ / "gslb.db") {
  create_store(options.zones);
  if (options.setup) options.setup(db_);
  process_ = std::make_unique<Process>(gslbd_argv(options));
  const auto ready = process_->wait_for_line("event=ready", options.ready_timeout);
  if (!ready)
    throw std::runtime_error("gslbd did not report event=ready; its output:\n" +
                             process_->output());
  addrs_ = parse_addrs(*ready);
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

}  // namespace testsupport
