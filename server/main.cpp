// gslbd: the authoritative DNS server. Parses flags, opens the store, builds
// the first snapshot, binds listeners, starts workers, then polls the store
// for changes until SIGTERM/SIGINT.
#include <unistd.h>
#include <uv.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>

#include "admin/api/api_server.h"
#include "admin/api/gslbd_hooks.h"
#include "admin/api/status_page.h"
#include "admin/fleet/fleet_flags.h"
#include "geo/geo_db.h"
#include "server/drill_watch.h"
#include "server/feed_status.h"
#include "server/listeners.h"
#include "server/privileges.h"
#include "server/rate_limit.h"
#include "server/settings.h"
#include "server/snapshot_feed.h"
#include "server/worker.h"
#include "zones/clock.h"
#include "zones/log.h"

namespace {

using server::GslbdSettings;

void add_flags(CLI::App& app, GslbdSettings& s) {
  app.add_option("--db", s.db, "SQLite store (create it with: gslbadm --db FILE init)")->required();
  app.add_option("--listen", s.listen,
                 "ADDR:PORT or [IPV6]:PORT for UDP and TCP, repeatable; port 0 picks a free one")
      ->default_str("0.0.0.0:53 [::]:53");
  for (const auto& row : server::kIntSettings)
    app.add_option(row.flag, s.*row.field, row.help)
        ->check(CLI::Range(row.min, row.max))
        ->capture_default_str();
  app.add_option("--chaos-id", s.chaos_id, "answer id.server/hostname.bind CH TXT with this");
  app.add_option("--chaos-version", s.chaos_version,
                 "answer version.bind/version.server CH TXT with this");
  app.add_option("--geoip", s.geoip,
                 "MaxMind DB (GeoIP2/GeoLite2 City or Country) for client locations");
  app.add_option("--health-quorum", s.health_quorum,
                 "fresh vantage reports saying down that make a member down: majority | any | "
                 "all | N")
      ->check([](const std::string& text) {
        return server::parse_quorum(text) ? std::string()
                                          : "must be majority, any, all or a number >= 1";
      })
      ->capture_default_str();
  app.add_option("--admin", s.admin,
                 "admin API ADDR:PORT or [IPV6]:PORT (port 0 picks one), or none; on by default "
                 "only when --admin-tokens is given")
      ->each([&s](const std::string&) { s.admin_given = true; })
      ->capture_default_str();
  app.add_option("--admin-tokens", s.admin_tokens,
                 "admin API tokens: NAME ROLE SECRET per line, ROLE read|write; mode 0600")
      ->check(CLI::ExistingFile);
  app.add_option("--admin-cert", s.admin_cert, "PEM certificate: serve the admin API over HTTPS")
      ->check(CLI::ExistingFile);
  app.add_option("--admin-key", s.admin_key, "PEM private key of --admin-cert")
      ->check(CLI::ExistingFile);
  app.add_option("--status-vantage", s.status_vantages,
                 "NAME=ADDRESS: a client whose answers the admin status page (GET /) shows, "
                 "repeatable")
      ->check([](const std::string& text) {
        auto vantage = admin::api::parse_status_vantage(text);
        return vantage ? std::string() : vantage.error().text();
      });
  app.add_option("--rrl-exempt", s.rrl_exempt,
                 "NET/LEN never rate limited, repeatable; none = no exemption")
      ->default_str("127.0.0.0/8 ::1/128")
      ->check([](const std::string& text) {
        auto parsed = server::parse_rrl_exempt({text});
        return parsed ? std::string() : parsed.error().message;
      });
  app.add_option("--user", s.user,
                 "after binding the DNS sockets, run as this user (name or uid; needs root)");
  app.add_option("--log-level", s.log_level, "debug | info | warn | error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.set_help_flag("-h,--help", "print this help and exit");
  app.set_version_flag("--version", std::string("gslbd ") + GSLB_VERSION,
                       "print the version and exit");
  app.footer("Every flag, log event and DNS behaviour: docs/gslbd.md");
}

int fail(const std::string& message) {
  zones::log_event(zones::LogLevel::kError, "startup_failed", {{"error", message}});
  std::fprintf(stderr, "gslbd: %s\n", message.c_str());
  return 1;
}

// The control thread: polls the store, and wakes at once when the admin API
// wrote (uv_async: its changes show in answers without waiting for a poll).
struct ControlLoop {
  uv_loop_t loop{};
  uv_timer_t poll{};
  uv_timer_t watch_again{};  // a drill waits for the workers to switch snapshots
  uv_async_t wake{};
  uv_signal_t sigterm{};
  uv_signal_t sigint{};
  server::SnapshotFeed* feed = nullptr;
  server::DrillWatch* drill_watch = nullptr;
  server::GeoReloader* geo = nullptr;  // null without --geoip
  uint64_t query_samples_dropped = 0;  // the workers' dropped samples already warned of
  std::vector<server::Worker*> workers;
  std::unique_ptr<admin::api::ApiServer> api;
  admin::fleet::FleetNode* fleet = nullptr;  // fleet mode: its syncer wakes the loop
};

uint64_t oldest_served(const std::vector<server::Worker*>& workers) {
  uint64_t oldest = UINT64_MAX;
  for (const server::Worker* w : workers) oldest = std::min(oldest, w->serving_generation());
  return oldest;
}

server::QueryTotals collect_totals(const std::vector<server::Worker*>& workers) {
  server::QueryTotals totals;
  for (const server::Worker* w : workers) w->metrics().collect(totals, /*with_members=*/true);
  return totals;
}

// After every poll: the drill watch counts answers for running drills'
// reports (the workers' totals are summed only when it asks).
void watch_drills(ControlLoop& c) {
  const int64_t now = zones::unix_ms();
  const server::DrillWatch::Serving serving{c.feed->live_drills(), c.feed->generation(),
                                            oldest_served(c.workers)};
  if (!c.drill_watch->wants_tick(now, serving)) return;
  c.drill_watch->tick(now, serving, collect_totals(c.workers));
  // Workers switch within a millisecond of a publish: a new drill goes live
  // at the next look, not a poll interval later.
  if (c.drill_watch->awaiting_live())
    uv_timer_start(
        &c.watch_again, [](uv_timer_t* t) { watch_drills(*static_cast<ControlLoop*>(t->data)); }, 1,
        0);
}

// The sampled query log: what the workers kept since the last poll, as event=query lines.
void write_query_samples(ControlLoop& c) {
  uint64_t dropped = 0;
  for (server::Worker* w : c.workers) {
    server::QuerySampler& sampler = w->query_sampler();
    if (!sampler.enabled()) return;  // the same setting for every worker
    sampler.drain(server::log_query_sample);
    dropped += sampler.dropped();
  }
  if (dropped > c.query_samples_dropped)
    zones::log_event(zones::LogLevel::kWarn, "query_samples_dropped",
                     {{"total", std::to_string(dropped)}});
  c.query_samples_dropped = dropped;
}

// A changed --geoip file goes to the workers like a new snapshot.
void reload_geoip(ControlLoop& c) {
  if (!c.geo) return;
  if (server::GeoDbPtr changed = c.geo->check(zones::unix_ms()))
    for (server::Worker* w : c.workers) w->publish_geo(changed);
}

void poll_store(ControlLoop& c) {
  c.feed->poll(c.workers);
  reload_geoip(c);
  write_query_samples(c);
  watch_drills(c);
}

void close_handles(ControlLoop& c) {
  // First the API and the syncer: their threads may still wake this loop.
  if (c.api) c.api->stop();
  if (c.fleet) c.fleet->syncer().set_on_applied(nullptr);
  for (uv_handle_t* h :
       {reinterpret_cast<uv_handle_t*>(&c.poll), reinterpret_cast<uv_handle_t*>(&c.watch_again),
        reinterpret_cast<uv_handle_t*>(&c.wake), reinterpret_cast<uv_handle_t*>(&c.sigterm),
        reinterpret_cast<uv_handle_t*>(&c.sigint)})
    uv_close(h, nullptr);
}

void stop_control(uv_signal_t* handle, int signum) {
  zones::log_event(zones::LogLevel::kInfo, "stopping", {{"signal", std::to_string(signum)}});
  close_handles(*static_cast<ControlLoop*>(handle->data));
}

// Handles are set up before the API starts (it may wake the loop at once).
void init_control(ControlLoop& c, int poll_ms) {
  uv_loop_init(&c.loop);
  c.poll.data = c.watch_again.data = c.wake.data = c.sigterm.data = c.sigint.data = &c;
  uv_timer_init(&c.loop, &c.poll);
  uv_timer_init(&c.loop, &c.watch_again);
  c.feed->set_before_publish(
      [&c] { c.drill_watch->before_publish(zones::unix_ms(), collect_totals(c.workers)); });
  uv_timer_start(
      &c.poll, [](uv_timer_t* t) { poll_store(*static_cast<ControlLoop*>(t->data)); }, poll_ms,
      poll_ms);
  uv_async_init(&c.loop, &c.wake,
                [](uv_async_t* a) { poll_store(*static_cast<ControlLoop*>(a->data)); });
  uv_signal_init(&c.loop, &c.sigterm);
  uv_signal_start(&c.sigterm, stop_control, SIGTERM);
  uv_signal_init(&c.loop, &c.sigint);
  uv_signal_start(&c.sigint, stop_control, SIGINT);
}

void run_control(ControlLoop& c) {
  uv_run(&c.loop, UV_RUN_DEFAULT);
  uv_loop_close(&c.loop);
}

std::string joined(const std::vector<server::ListenAddress>& addrs) {
  std::string out;
  for (const auto& a : addrs) out += (out.empty() ? "" : ",") + a.text();
  return out;
}

// The admin API is on when asked for: --admin-tokens given, or --admin given
// (then it must have tokens). The default address without tokens leaves it
// off, so a plain `gslbd --db X` needs no secrets.
bool admin_wanted(const GslbdSettings& s) {
  if (s.admin == "none") return false;
  return s.admin_given || !s.admin_tokens.empty();
}

admin::api::ApiSettings api_settings(const GslbdSettings& s) {
  admin::api::ApiSettings settings;
  settings.listen = s.admin;
  settings.tokens_file = s.admin_tokens;
  settings.cert_file = s.admin_cert;
  settings.key_file = s.admin_key;
  settings.status_vantages = s.status_vantages;
  settings.io_timeout_s = s.admin_io_timeout_s;
  return settings;
}

zones::Result<void> start_admin_api(const GslbdSettings& s, const admin::api::GslbdFacts& facts,
                                    ControlLoop& control, admin::fleet::FleetNode* fleet) {
  if (!admin_wanted(s)) {
    zones::log_event(zones::LogLevel::kInfo, "admin_api_off",
                     {{"reason", s.admin == "none" ? "--admin none" : "no --admin-tokens"}});
    return {};
  }
  const admin::api::ApiSettings settings = api_settings(s);
  admin::api::ApiContext context;
  context.db_path = s.db;
  context.geoip = s.geoip;
  context.health_quorum = *server::parse_quorum(s.health_quorum);
  context.ecs_max_prefix_v4 = static_cast<uint8_t>(s.ecs_max_prefix_v4);
  context.ecs_max_prefix_v6 = static_cast<uint8_t>(s.ecs_max_prefix_v6);
  uv_async_t* wake = &control.wake;
  context.config_written = [wake] { uv_async_send(wake); };
  server::DrillWatch* watch = control.drill_watch;
  context.drill_report = [watch](const zones::Drill& drill) {
    return watch->live_report(drill.id);
  };
  if (fleet != nullptr) {
    context.fleet_writer = &fleet->writer();
    context.fleet_syncer = &fleet->syncer();
  }
  auto api = admin::api::ApiServer::start(settings, context, admin::api::gslbd_api_hooks(facts));
  if (!api) return std::unexpected(api.error());
  control.api = std::move(*api);
  return {};
}

// Null when --rrl-rate is 0.
zones::Result<std::unique_ptr<server::ResponseRateLimiter>> make_rate_limiter(
    const GslbdSettings& s) {
  if (s.rrl_rate == 0) return nullptr;
  auto exempt =
      server::parse_rrl_exempt(s.rrl_exempt.empty() ? server::kDefaultRrlExempt : s.rrl_exempt);
  if (!exempt) return std::unexpected(exempt.error());
  return std::make_unique<server::ResponseRateLimiter>(
      server::RrlSettings{s.rrl_rate, s.rrl_slip, s.rrl_ipv4_prefix, s.rrl_ipv6_prefix, *exempt});
}

int serve(GslbdSettings& s, const admin::fleet::FleetFlags& fleet_flags) {
  const int64_t started_at_ms = zones::unix_ms();
  zones::LogLevel level;
  zones::parse_log_level(s.log_level, level);
  zones::set_log_level(level);
  if (s.listen.empty()) s.listen = server::kDefaultListen;
  const int threads = s.threads > 0 ? s.threads : std::max(1u, std::thread::hardware_concurrency());

  std::vector<server::ListenAddress> addrs;
  for (const std::string& text : s.listen) {
    auto addr = server::parse_listen_address(text);
    if (!addr) return fail(addr.error().text());
    addrs.push_back(*addr);
  }
  // Port 53 needs root (or CAP_NET_BIND_SERVICE): bind, then become --user before any file
  // is opened, so the store, the GeoIP file and the tokens are read with the user's rights.
  auto sockets = server::open_sockets(addrs, threads);
  if (!sockets) return fail(sockets.error().text());
  if (!s.user.empty())
    if (auto dropped = server::drop_privileges(s.user); !dropped)
      return fail(dropped.error().text());
  auto rrl = make_rate_limiter(s);
  if (!rrl) return fail(rrl.error().text());
  // Bad admin flags are refused before the store is touched (the first build closes expired
  // drills: a refused start must change nothing).
  if (admin_wanted(s))
    if (auto checked = admin::api::ApiServer::check(api_settings(s)); !checked)
      return fail(checked.error().text());
  const bool in_fleet = !fleet_flags.etcd.empty();
  if (in_fleet)
    if (auto checked = admin::fleet::etcd_settings(fleet_flags); !checked)
      return fail(checked.error().text());
  auto feed = server::SnapshotFeed::open(s.db, *server::parse_quorum(s.health_quorum));
  if (!feed)
    return fail(feed.error().where == "--db" ? feed.error().text()
                                             : "--db " + s.db + ": " + feed.error().message);
  server::FeedStatusBoard board;  // the admin API's view of the feed
  feed->set_status_board(&board);
  // Fleet mode: the syncer keeps the store a copy of etcd; gslbd serves whatever the store
  // holds, at once (a node restarted while etcd is down serves its last copy).
  std::unique_ptr<admin::fleet::FleetNode> fleet;
  if (in_fleet) {
    auto started = admin::fleet::FleetNode::start(fleet_flags, s.db, /*import_health=*/true);
    if (!started) return fail(started.error().text());
    fleet = std::move(*started);
    feed->set_stale_data_check([node = fleet.get()](int64_t now) { return node->data_stale(now); });
  }
  auto snapshot = feed->build_initial();
  if (!snapshot) return fail("cannot build the first snapshot: " + snapshot.error().text());
  std::unique_ptr<server::GeoReloader> geo;
  if (!s.geoip.empty()) {
    auto opened = server::GeoReloader::open(s.geoip, zones::unix_ms());
    if (!opened) return fail("--geoip: " + opened.error().text());
    geo = std::move(*opened);
  }
  server::ResponderConfig config;
  config.max_udp_payload = static_cast<uint16_t>(s.max_udp_payload);
  config.chaos_id = s.chaos_id;
  config.chaos_version = s.chaos_version;
  config.ecs_max_prefix_v4 = static_cast<uint8_t>(s.ecs_max_prefix_v4);
  config.ecs_max_prefix_v6 = static_cast<uint8_t>(s.ecs_max_prefix_v6);
  const server::IoSettings io{s.tcp_idle_timeout_ms,
                              std::max(1, (s.max_tcp_connections + threads - 1) / threads),
                              s.udp_coalesce_us,
                              static_cast<uint32_t>(s.query_log_sample),
                              s.max_tcp_per_client,
                              s.tcp_read_timeout_ms,
                              rrl->get()};
  std::vector<std::unique_ptr<server::Worker>> workers;
  ControlLoop control;
  control.feed = &*feed;
  server::DrillWatch drill_watch(feed->db(), started_at_ms);
  control.drill_watch = &drill_watch;
  control.geo = geo.get();
  admin::api::GslbdFacts facts{GSLB_VERSION, started_at_ms, {},        threads,
                               {},           &board,        geo.get(), fleet.get()};
  for (const auto& a : addrs) facts.listeners.push_back(a.text());
  for (int i = 0; i < threads; ++i) {
    workers.push_back(std::make_unique<server::Worker>(i, config, io, std::move((*sockets)[i]),
                                                       *snapshot, geo ? geo->current() : nullptr));
    control.workers.push_back(workers.back().get());
    facts.workers.push_back(&workers.back()->metrics());
  }
  init_control(control, s.poll_interval_ms);
  if (fleet) {
    control.fleet = fleet.get();
    uv_async_t* wake = &control.wake;
    fleet->syncer().set_on_applied([wake] { uv_async_send(wake); });
  }
  if (auto api = start_admin_api(s, facts, control, fleet.get()); !api) {
    close_handles(control);  // a clean exit: the loop is closed, nothing leaks
    run_control(control);
    return fail(api.error().text());
  }
  for (auto& w : workers) w->start();
  zones::log_event(zones::LogLevel::kInfo, "ready",
                   {{"addrs", joined(addrs)},
                    {"threads", std::to_string(threads)},
                    {"geoip", geo ? s.geoip : "none"},
                    {"admin", control.api ? control.api->address() : "none"},
                    {"user", s.user.empty() ? std::to_string(geteuid()) : s.user},
                    {"rrl", *rrl ? std::to_string(s.rrl_rate) + "/s" : "off"},
                    {"fleet", in_fleet ? fleet_flags.etcd : "off"},
                    {"services", std::to_string((*snapshot)->services.services.size())},
                    {"generation", std::to_string((*snapshot)->generation)}});
  run_control(control);
  if (fleet) fleet->stop();
  drill_watch.save_all(zones::unix_ms());  // a restarted gslbd carries the counts on
  for (auto& w : workers) w->stop();
  zones::log_event(zones::LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"gslbd: authoritative DNS server for GSLB zones"};
  GslbdSettings settings;
  add_flags(app, settings);
  admin::fleet::FleetFlags fleet_flags;
  admin::fleet::add_fleet_flags(app, fleet_flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return serve(settings, fleet_flags);
}
