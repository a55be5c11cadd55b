// gslbadm monitor add|set|list|show|delete: how gslb-healthd checks a pool's members.
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/gslb_edit.h"
#include "admin/gslbadm/table.h"
#include "zones/gslb_json.h"

namespace gslbadm {
namespace {

struct MonitorFlags {
  std::string name;
  std::optional<std::string> type;
  std::optional<uint16_t> port;
  std::optional<std::string> path, host, expect_body, load_field;
  std::vector<uint16_t> expect_status;
  CLI::Option* expect_status_flag = nullptr;
  std::optional<std::string> interval, timeout;
  std::optional<uint32_t> rise, fall;
};

// An empty value clears an optional text field.
std::optional<std::string> unless_empty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

void assign(zones::Monitor& m, const MonitorFlags& f) {
  if (f.type) m.type = *f.type;
  if (f.port) m.port = *f.port;
  if (f.path) m.path = *f.path;
  if (f.host) m.host = *f.host;
  if (f.expect_status_flag->count() > 0) m.expect_status = f.expect_status;
  if (f.expect_body) m.expect_body = unless_empty(*f.expect_body);
  if (f.interval) m.interval_ms = duration_ms(*f.interval);
  if (f.timeout) m.timeout_ms = duration_ms(*f.timeout);
  if (f.rise) m.rise = *f.rise;
  if (f.fall) m.fall = *f.fall;
  if (f.load_field) m.load_field = unless_empty(*f.load_field);
}

int run_add(const Context& ctx, const MonitorFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    if (find_named(config.monitors, f.name)) {
      return std::unexpected(already_exists("monitor/" + f.name));
    }
    zones::Monitor monitor;
    monitor.name = f.name;
    assign(monitor, f);
    config.monitors.push_back(std::move(monitor));
    return {};
  });
}

int run_set(const Context& ctx, const MonitorFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto monitor = need(config.monitors, "monitor", f.name);
    if (!monitor) return std::unexpected(monitor.error());
    assign(**monitor, f);
    return {};
  });
}

int run_delete(const Context& ctx, const std::string& name) {
  return edit_config(ctx, [&name](zones::GslbConfig& config) {
    return erase_named(config.monitors, "monitor", name);
  });
}

std::string statuses(const zones::Monitor& m) {
  std::string text;
  for (uint16_t s : m.expect_status) text += (text.empty() ? "" : ",") + std::to_string(s);
  return text.empty() ? "-" : text;
}

std::string pools_using(const zones::GslbConfig& config, const std::string& monitor) {
  std::vector<std::string> names;
  for (const zones::Pool& p : config.pools) {
    if (p.monitor == monitor) names.push_back(p.name);
  }
  return join_names(names);
}

int run_list(const Context& ctx) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::GslbConfig& config = stored->config;
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const zones::Monitor& m : config.monitors) list.push_back(zones::gslb_json(m));
    return print_json(list);
  }
  std::vector<Row> rows;
  for (const zones::Monitor& m : config.monitors) {
    rows.push_back({m.name, m.type, std::to_string(m.port), m.path, m.host.empty() ? "-" : m.host,
                    statuses(m), zones::format_duration_ms(m.interval_ms),
                    zones::format_duration_ms(m.timeout_ms), std::to_string(m.rise),
                    std::to_string(m.fall), pools_using(config, m.name)});
  }
  print_table(std::cout,
              {"MONITOR", "TYPE", "PORT", "PATH", "HOST", "EXPECT", "INTERVAL", "TIMEOUT", "RISE",
               "FALL", "POOLS"},
              rows);
  return kExitOk;
}

int run_show(const Context& ctx, const std::string& name) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::Monitor* m = find_named(stored->config.monitors, name);
  if (m == nullptr) return report(not_found("monitor/" + name));
  if (ctx.json) return print_json(zones::gslb_json(*m));
  print_fields(std::cout, {{"monitor", m->name},
                           {"type", m->type},
                           {"port", std::to_string(m->port)},
                           {"path", m->path},
                           {"host", m->host.empty() ? "- (the member's address)" : m->host},
                           {"expect_status", statuses(*m)},
                           {"expect_body", m->expect_body.value_or("-")},
                           {"interval", zones::format_duration_ms(m->interval_ms)},
                           {"timeout", zones::format_duration_ms(m->timeout_ms)},
                           {"rise", std::to_string(m->rise)},
                           {"fall", std::to_string(m->fall)},
                           {"load_field", m->load_field.value_or("-")},
                           {"pools", pools_using(stored->config, m->name)}});
  return kExitOk;
}

CLI::App* add_write(CLI::App& monitor, const char* name, const char* help, MonitorFlags& f,
                    bool add) {
  auto* cmd = add_command(monitor, name, help);
  cmd->add_option("name", f.name, "the monitor's name, e.g. web")->required();
  auto* type = cmd->add_option("--type", f.type, "what to probe: http, https, tcp or dns")
                   ->check(CLI::IsMember({"http", "https", "tcp", "dns"}));
  auto* port = cmd->add_option("--port", f.port, "the port to probe, 1..65535");
  if (add) {
    type->required();
    port->required();
  }
  cmd->add_option("--path", f.path, "http(s): the request path (default /)");
  cmd->add_option("--host", f.host,
                  "http(s): Host header and SNI (default: the member's address; \"\" clears)");
  f.expect_status_flag =
      cmd->add_option("--expect-status", f.expect_status,
                      "http(s): accepted status codes, comma-separated (default 200)")
          ->delimiter(',')
          ->allow_extra_args(false);
  cmd->add_option("--expect-body", f.expect_body,
                  "http(s): a substring the body must contain (\"\" clears)");
  cmd->add_option("--interval", f.interval, "time between probes (default 1s)")
      ->check(duration_check());
  cmd->add_option("--timeout", f.timeout, "probe timeout, less than the interval (default 800ms)")
      ->check(duration_check());
  cmd->add_option("--rise", f.rise, "successes in a row before a member is up (default 2)");
  cmd->add_option("--fall", f.fall, "failures in a row before a member is down (default 2)");
  cmd->add_option("--load-field", f.load_field,
                  "http(s): JSON field of the body holding the load, 0..1 (\"\" clears)");
  return cmd;
}

}  // namespace

void add_monitor_commands(CLI::App& app, Context& ctx) {
  auto* monitor =
      add_command(app, "monitor", "monitors (health checks): add, set, list, show, delete");
  monitor->require_subcommand(1);

  auto add = std::make_shared<MonitorFlags>();
  on_run(add_write(*monitor, "add", "create a monitor", *add, true), ctx,
         [&ctx, add] { return run_add(ctx, *add); });
  auto set = std::make_shared<MonitorFlags>();
  on_run(add_write(*monitor, "set", "change a monitor's given fields", *set, false), ctx,
         [&ctx, set] { return run_set(ctx, *set); });
  on_run(add_command(*monitor, "list", "list monitors and the pools using them"), ctx,
         [&ctx] { return run_list(ctx); });
  add_named_command(*monitor, ctx, "show", "show one monitor", "name", "the monitor", run_show);
  add_named_command(*monitor, ctx, "delete", "delete a monitor no pool uses", "name", "the monitor",
                    run_delete);
}

}  // namespace gslbadm
