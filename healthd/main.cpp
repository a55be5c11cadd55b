// gslb-healthd: probes every pool member with its pool's monitor and writes
// the verdicts to the store for gslbd (see healthd/README.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "admin/fleet/fleet_flags.h"
#include "admin/fleet/fleet_keys.h"
#include "admin/fleet/health_publisher.h"
#include "healthd/daemon.h"
#include "healthd/probe_workers.h"
#include "zones/clock.h"
#include "zones/log.h"

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "local";
  std::string text(name);
  return text.substr(0, text.find('.'));  // the short name
}

// Fleet mode: a syncer keeps --db a copy of etcd's configuration, verdicts go to etcd.
int run_in_fleet(healthd::DaemonOptions options, const admin::fleet::FleetFlags& flags) {
  auto node = admin::fleet::FleetNode::start(flags, options.db, /*import_health=*/false);
  if (!node) {
    std::fprintf(stderr, "gslb-healthd: %s\n", node.error().text().c_str());
    return 1;
  }
  // The configuration first, when etcd answers soon: probing starts with every target.
  (*node)->syncer().wait_first_attempt(5000);
  auto settings = admin::fleet::etcd_settings(flags);
  admin::fleet::HealthPublisher publisher(*settings, admin::fleet::canonical_prefix(flags.prefix),
                                          {options.vantage, 0, zones::unix_ms(), GSLB_VERSION},
                                          (*node)->syncer());
  options.link = &publisher;
  const int rc = healthd::run_daemon(options);
  (*node)->stop();
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  healthd::DaemonOptions options;
  options.vantage = host_name();
  std::string log_level = "info";
  CLI::App app{"gslb-healthd: probes the regional load balancers and records their health"};
  app.add_option("--db", options.db, "SQLite store shared with gslbd (gslbadm --db FILE init)")
      ->required();
  app.add_option("--vantage", options.vantage,
                 "name of this vantage point; several daemons (one per place) report on the "
                 "same members and gslbd combines them")
      ->capture_default_str()
      ->check([](const std::string& name) { return healthd::vantage_name_problem(name); });
  app.add_option("--max-concurrent", options.max_concurrent,
                 "probes in flight at once over all monitors; more wait their turn")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  options.probe_threads = healthd::default_probe_threads();
  app.add_option("--probe-threads", options.probe_threads,
                 "worker threads that run the probes (each its own loop and curl multi "
                 "handle); default: the machine's cores, at most 8")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--config-poll", options.config_poll_ms,
                 "milliseconds between checks of the store for configuration changes")
      ->check(CLI::Range(50, 60000))
      ->capture_default_str();
  app.add_option("--stats-interval", options.stats_interval_ms,
                 "milliseconds between healthd_stats log lines (0 = none)")
      ->check(CLI::Range(0, 3600000))
      ->capture_default_str();
  admin::fleet::FleetFlags fleet;
  admin::fleet::add_fleet_flags(app, fleet);
  app.add_option("--vantages-per-member", options.vantages_per_member,
                 "fleet mode: how many of the live vantages probe each member (0: all)")
      ->capture_default_str()
      ->group("Fleet (etcd, docs/fleet.md)");
  app.add_option("--log-level", log_level, "debug | info | warn | error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.set_help_flag("-h,--help", "print this help and exit");
  app.set_version_flag("--version", std::string("gslb-healthd ") + GSLB_VERSION,
                       "print the version and exit");
  app.footer("Monitors, rise/fall, vantages and every flag: docs/health-checks.md");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 2, as gslbd's and gslbadm's do (CLI11's own codes are 100 and up).
    return app.exit(e) == 0 ? 0 : 2;
  }
  zones::LogLevel level;
  zones::parse_log_level(log_level, level);
  zones::set_log_level(level);
  if (!fleet.etcd.empty()) return run_in_fleet(options, fleet);
  return healthd::run_daemon(options);
}
