// gslbadm monitor add|set|list|show|delete|test: how gslb-healthd checks a pool's members,
// and one probe run now with healthd's own engine to try a monitor out.
#include <arpa/inet.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/gslb_edit.h"
#include "admin/gslbadm/table.h"
#include "healthd/probe.h"
#include "zones/gslb_json.h"

namespace gslbadm {
namespace {

struct MonitorFlags {
  std::string name;
  std::optional<std::string> type;
  std::optional<uint16_t> port;
  // http/https
  std::optional<std::string> method, path, host, expect_body, load_field, load_header, ca_file;
  std::vector<uint16_t> expect_status;
  CLI::Option* expect_status_flag = nullptr;
  std::optional<std::string> tls_verify, follow_redirects;  // "on" | "off"
  bool no_tls_verify = false;
  // dns
  std::optional<std::string> query_name, query_type, expect_rcode;
  std::optional<std::string> expect_answer;  // "on" | "off"
  // scheduling
  std::optional<std::string> interval, timeout, jitter;
  std::optional<uint32_t> rise, fall, max_concurrent;
};

// An empty value clears an optional text field.
std::optional<std::string> unless_empty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

bool is_on(const std::string& on_or_off) {
  return on_or_off == "on";
}

void assign_http(zones::Monitor& m, const MonitorFlags& f) {
  if (f.method) m.method = *f.method;
  if (f.path) m.path = *f.path;
  if (f.host) m.host = *f.host;
  if (f.expect_status_flag->count() > 0) m.expect_status = f.expect_status;
  if (f.expect_body) m.expect_body = unless_empty(*f.expect_body);
  if (f.tls_verify) m.tls_verify = is_on(*f.tls_verify);
  if (f.no_tls_verify) m.tls_verify = false;
  if (f.ca_file) m.ca_file = unless_empty(*f.ca_file);
  if (f.follow_redirects) m.follow_redirects = is_on(*f.follow_redirects);
  if (f.load_field) m.load_field = unless_empty(*f.load_field);
  if (f.load_header) m.load_header = unless_empty(*f.load_header);
}

void assign_dns(zones::Monitor& m, const MonitorFlags& f) {
  if (f.query_name) m.query_name = unless_empty(*f.query_name);
  if (f.query_type) m.query_type = *f.query_type;
  if (f.expect_rcode) m.expect_rcode = *f.expect_rcode;
  if (f.expect_answer) m.expect_answer = is_on(*f.expect_answer);
}

void assign_schedule(zones::Monitor& m, const MonitorFlags& f) {
  if (f.interval) m.interval_ms = duration_ms(*f.interval);
  if (f.timeout) m.timeout_ms = duration_ms(*f.timeout);
  if (f.jitter) {  // "" goes back to the default, a tenth of the interval
    m.jitter_ms = f.jitter->empty() ? std::nullopt : std::optional(duration_ms(*f.jitter));
  }
  if (f.rise) m.rise = *f.rise;
  if (f.fall) m.fall = *f.fall;
  if (f.max_concurrent) m.max_concurrent = *f.max_concurrent;
}

void assign(zones::Monitor& m, const MonitorFlags& f) {
  if (f.type) m.type = *f.type;
  if (f.port) m.port = *f.port;
  assign_http(m, f);
  assign_dns(m, f);
  assign_schedule(m, f);
}

int run_monitor_add(const Context& ctx, const MonitorFlags& f) {
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

int run_monitor_set(const Context& ctx, const MonitorFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto monitor = need(config.monitors, "monitor", f.name);
    if (!monitor) return std::unexpected(monitor.error());
    assign(**monitor, f);
    return {};
  });
}

int run_monitor_delete(const Context& ctx, const std::string& name) {
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

int run_monitor_list(const Context& ctx) {
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

using Fields = std::vector<std::pair<std::string, std::string>>;

const char* on_off(bool value) {
  return value ? "on" : "off";
}

void add_http_fields(Fields& out, const zones::Monitor& m) {
  out.insert(out.end(), {{"method", m.method},
                         {"path", m.path},
                         {"host", m.host.empty() ? "- (the member's address)" : m.host},
                         {"expect_status", statuses(m)},
                         {"expect_body", m.expect_body.value_or("-")},
                         {"follow_redirects", on_off(m.follow_redirects)}});
  if (m.type == "https") {
    out.insert(out.end(), {{"tls_verify", on_off(m.tls_verify)},
                           {"ca_file", m.ca_file.value_or("- (the system's CAs)")}});
  }
  out.insert(out.end(), {{"load_field", m.load_field.value_or("-")},
                         {"load_header", m.load_header.value_or("-")}});
}

void add_dns_fields(Fields& out, const zones::Monitor& m) {
  out.insert(out.end(), {{"query_name", m.query_name.value_or("-")},
                         {"query_type", m.query_type},
                         {"expect_rcode", m.expect_rcode},
                         {"expect_answer", on_off(m.expect_answer)}});
}

std::string jitter_text(const zones::Monitor& m) {
  if (m.jitter_ms) return zones::format_duration_ms(*m.jitter_ms);
  return zones::format_duration_ms(m.interval_ms / 10) + " (a tenth of the interval)";
}

void add_schedule_fields(Fields& out, const zones::Monitor& m) {
  out.insert(out.end(),
             {{"interval", zones::format_duration_ms(m.interval_ms)},
              {"timeout", zones::format_duration_ms(m.timeout_ms)},
              {"jitter", jitter_text(m)},
              {"rise", std::to_string(m.rise)},
              {"fall", std::to_string(m.fall)},
              {"max_concurrent",
               m.max_concurrent == 0 ? "0 (no cap)" : std::to_string(m.max_concurrent)}});
}

// The fields that apply to the monitor's type (a tcp monitor has no path to show).
int run_monitor_show(const Context& ctx, const std::string& name) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::Monitor* m = find_named(stored->config.monitors, name);
  if (m == nullptr) return report(not_found("monitor/" + name));
  if (ctx.json) return print_json(zones::gslb_json(*m));
  Fields fields = {{"monitor", m->name}, {"type", m->type}, {"port", std::to_string(m->port)}};
  if (m->type == "http" || m->type == "https") add_http_fields(fields, *m);
  if (m->type == "dns") add_dns_fields(fields, *m);
  add_schedule_fields(fields, *m);
  fields.emplace_back("pools", pools_using(stored->config, m->name));
  print_fields(std::cout, fields);
  return kExitOk;
}

// ---- monitor test ----

struct TestFlags {
  std::string monitor;
  std::string target;
  std::optional<uint16_t> port;
};

// The canonical text of an IPv4/IPv6 address, or nullopt when `text` is not one (a probe
// target is an address: members are, and a name would test the resolver, not the member).
std::optional<std::string> ip_address(const std::string& text) {
  unsigned char bytes[16];
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, text.c_str(), bytes) == 1) return canonical_address(text);
  }
  return std::nullopt;
}

CLI::Validator ip_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (ip_address(text)) return {};
        return "not an IPv4 or IPv6 address: \"" + text + "\"";
      },
      "ADDR");
}

std::optional<double> rtt_ms(const healthd::ProbeResult& result) {
  if (!result.rtt_us) return std::nullopt;
  return static_cast<double>(*result.rtt_us) / 1000.0;
}

std::string ms_text(const std::optional<double>& ms) {
  if (!ms) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2fms", *ms);
  return buffer;
}

nlohmann::json test_json(const zones::Monitor& m, const std::string& target,
                         const healthd::ProbeResult& result) {
  auto optional = [](const auto& value) -> nlohmann::json {
    if (value) return *value;
    return nullptr;
  };
  return {{"monitor", m.name},
          {"type", m.type},
          {"target", target},
          {"port", m.port},
          {"up", result.up},
          {"state", result.up ? "up" : "down"},
          {"rtt_ms", optional(rtt_ms(result))},
          {"load", optional(result.load)},
          {"reason", result.reason}};
}

void print_test(const zones::Monitor& m, const std::string& target,
                const healthd::ProbeResult& result) {
  print_fields(std::cout,
               {{"monitor", m.name + " (" + m.type + ", port " + std::to_string(m.port) + ")"},
                {"target", target},
                {"state", result.up ? "up" : "down"},
                {"rtt", ms_text(rtt_ms(result))},
                {"load", result.load ? number_text(*result.load) : "-"},
                {"reason", result.reason.empty() ? "-" : result.reason}});
}

// Exit 0 when the probe says up, 1 when it says down (or the monitor is not there).
int run_monitor_test(const Context& ctx, const TestFlags& f) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::Monitor* stored_monitor = find_named(stored->config.monitors, f.monitor);
  if (stored_monitor == nullptr) return report(not_found("monitor/" + f.monitor));
  auto monitor = std::make_shared<zones::Monitor>(*stored_monitor);
  if (f.port) monitor->port = *f.port;
  const std::string target = ip_address(f.target).value_or(f.target);
  const healthd::ProbeResult result = healthd::probe_once({monitor, target});
  if (ctx.json) {
    print_json(test_json(*monitor, target, result));
  } else {
    print_test(*monitor, target, result);
  }
  return result.up ? kExitOk : kExitRefused;
}

void add_test_command(CLI::App& monitor, Context& ctx) {
  auto f = std::make_shared<TestFlags>();
  auto* cmd = add_command(monitor, "test",
                          "probe one address now with the monitor, as gslb-healthd would; "
                          "exit 0 when up, 1 when down");
  cmd->add_option("monitor", f->monitor, "the monitor")->required();
  cmd->add_option("--target", f->target, "the address to probe (IPv4 or IPv6)")
      ->required()
      ->check(ip_check());
  cmd->add_option("--port", f->port, "probe this port instead of the monitor's")
      ->check(CLI::Range(1, 65535));
  on_run(cmd, ctx, [&ctx, f] { return run_monitor_test(ctx, *f); });
}

// ---- add / set flags ----

CLI::Validator on_off_check() {
  return CLI::IsMember({"on", "off"});
}

// A duration, or "" for the default.
CLI::Validator optional_duration_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (text.empty()) return {};
        auto ms = zones::parse_duration_ms(text);
        if (!ms || *ms > UINT32_MAX) {
          return "not a duration: \"" + text + "\" (use e.g. 100ms, 1s; \"\" for the default)";
        }
        return {};
      },
      "DURATION");
}

void add_http_flags(CLI::App* cmd, MonitorFlags& f) {
  cmd->add_option("--method", f.method, "http(s): GET (default) or HEAD");
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
  cmd->add_option("--follow-redirects", f.follow_redirects,
                  "http(s): on follows 3xx answers, off (default) takes them as the answer")
      ->check(on_off_check());
  auto* verify = cmd->add_option("--tls-verify", f.tls_verify,
                                 "https: on (default) verifies the certificate chain and name")
                     ->check(on_off_check());
  cmd->add_flag("--no-tls-verify", f.no_tls_verify, "https: same as --tls-verify off")
      ->excludes(verify);
  cmd->add_option("--ca-file", f.ca_file,
                  "https: trust the CAs in this PEM file instead of the system's (\"\" clears)");
  cmd->add_option("--load-field", f.load_field,
                  "http(s): dotted JSON path in the body holding the load, 0..1 (\"\" clears)");
  cmd->add_option("--load-header", f.load_header,
                  "http(s): response header holding the load, 0..1, e.g. X-Load (\"\" clears)");
}

void add_dns_flags(CLI::App* cmd, MonitorFlags& f) {
  cmd->add_option("--query-name", f.query_name, "dns: the name to query (\"\" clears)");
  cmd->add_option("--query-type", f.query_type, "dns: the record type to query (default A)");
  cmd->add_option("--expect-rcode", f.expect_rcode,
                  "dns: the response code that means up (default NOERROR)");
  cmd->add_option("--expect-answer", f.expect_answer,
                  "dns: on (default) also needs a non-empty answer section")
      ->check(on_off_check());
}

void add_schedule_flags(CLI::App* cmd, MonitorFlags& f) {
  cmd->add_option("--interval", f.interval, "time between probes (default 1s)")
      ->check(duration_check());
  cmd->add_option("--timeout", f.timeout, "probe timeout, less than the interval (default 800ms)")
      ->check(duration_check());
  cmd->add_option("--jitter", f.jitter,
                  "each probe starts up to this much early or late, less than half the "
                  "interval (default: a tenth of the interval; \"\" restores it)")
      ->check(optional_duration_check());
  cmd->add_option("--rise", f.rise, "successes in a row before a member is up (default 2)");
  cmd->add_option("--fall", f.fall, "failures in a row before a member is down (default 2)");
  cmd->add_option("--max-concurrent", f.max_concurrent,
                  "probes of this monitor in flight at once per vantage (default 0: no cap)");
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
  add_http_flags(cmd, f);
  add_dns_flags(cmd, f);
  add_schedule_flags(cmd, f);
  return cmd;
}

}  // namespace

void add_monitor_commands(CLI::App& app, Context& ctx) {
  auto* monitor =
      add_command(app, "monitor", "monitors (health checks): add, set, list, show, delete, test");
  monitor->require_subcommand(1);

  auto add = std::make_shared<MonitorFlags>();
  on_run(add_write(*monitor, "add", "create a monitor", *add, true), ctx,
         [&ctx, add] { return run_monitor_add(ctx, *add); });
  auto set = std::make_shared<MonitorFlags>();
  on_run(add_write(*monitor, "set", "change a monitor's given fields", *set, false), ctx,
         [&ctx, set] { return run_monitor_set(ctx, *set); });
  on_run(add_command(*monitor, "list", "list monitors and the pools using them"), ctx,
         [&ctx] { return run_monitor_list(ctx); });
  add_named_command(*monitor, ctx, "show", "show one monitor", "name", "the monitor",
                    run_monitor_show);
  add_named_command(*monitor, ctx, "delete", "delete a monitor no pool uses", "name", "the monitor",
                    run_monitor_delete);
  add_test_command(*monitor, ctx);
}

}  // namespace gslbadm
