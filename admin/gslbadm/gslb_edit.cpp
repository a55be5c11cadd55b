// Load-edit-apply-print for the GSLB object commands, and their shared helpers (see
// gslb_edit.h).
#include "admin/gslbadm/gslb_edit.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string_view>

#include "admin/config_plan.h"
#include "admin/gslbadm/backend.h"
#include "server/health_view.h"
#include "zones/gslb_json.h"
#include "zones/gslb_store.h"

namespace gslbadm {
namespace {

const char* past_tense(zones::ChangeKind kind) {
  switch (kind) {
    case zones::ChangeKind::kCreate:
      return "created";
    case zones::ChangeKind::kChange:
      return "changed";
    case zones::ChangeKind::kDelete:
      return "deleted";
  }
  return "?";
}

void print_plan(const zones::Plan& plan) {
  if (plan.empty()) {
    std::cout << "no change\n";
    return;
  }
  for (const zones::Change& c : plan.changes) {
    std::cout << past_tense(c.kind) << " " << c.object;
    for (size_t i = 0; i < c.fields.size(); ++i) std::cout << (i == 0 ? ": " : ", ") << c.fields[i];
    std::cout << "\n";
  }
}

const zones::Pool* pool_of(const zones::HealthRow& row, const zones::GslbConfig& config) {
  return find_named(config.pools, row.pool);
}

const zones::Member* member_of(const zones::HealthRow& row, const zones::GslbConfig& config) {
  const zones::Pool* pool = pool_of(row, config);
  if (pool == nullptr) return nullptr;
  for (const zones::Member& m : pool->members) {
    if ((row.member_id != 0 && m.id == row.member_id) || m.address == row.address) return &m;
  }
  return nullptr;
}

// "3.2" from 3.24: one decimal, rounded down so "0.9s" never reads as "1.0s" too early.
std::string one_decimal(int64_t value, int64_t unit) {
  return std::to_string(value / unit) + "." + std::to_string(value % unit * 10 / unit);
}

}  // namespace

int edit_config(const Context& ctx, const Edit& edit) {
  auto plan = make_backend(ctx)->edit(edit);
  if (!plan) return report(plan.error());
  if (ctx.json) return print_json(admin::plan_json(*plan, /*dry_run=*/false));
  print_plan(*plan);
  return kExitOk;
}

zones::Result<Stored> load_stored(const Context& ctx, bool with_health) {
  return make_backend(ctx)->load(with_health);
}

void on_run(CLI::App* cmd, Context& ctx, std::function<int()> run) {
  cmd->callback([&ctx, run = std::move(run)] { ctx.run = run; });
}

CLI::App* add_command(CLI::App& parent, const char* name, const char* help) {
  auto* cmd = parent.add_subcommand(name, help);
  cmd->fallthrough();
  return cmd;
}

void add_named_command(CLI::App& parent, Context& ctx, const char* name, const char* help,
                       const char* arg, const char* what,
                       std::function<int(const Context&, const std::string&)> run) {
  auto value = std::make_shared<std::string>();
  auto* cmd = add_command(parent, name, help);
  cmd->add_option(arg, *value, what)->required();
  on_run(cmd, ctx, [&ctx, value, run = std::move(run)] { return run(ctx, *value); });
}

zones::Error not_found(std::string object) {
  return {zones::ErrorCode::kNotFound, std::move(object), "not found"};
}

zones::Error already_exists(std::string object) {
  return {zones::ErrorCode::kConflict, std::move(object), "already exists"};
}

std::string service_name(std::string_view text) {
  std::string name(text);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name.empty() || name.back() != '.') name += '.';
  return name;
}

std::string canonical_address(std::string_view text) {
  const std::string input(text);
  unsigned char bytes[16];
  char out[INET6_ADDRSTRLEN];
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, input.c_str(), bytes) == 1 &&
        inet_ntop(family, bytes, out, sizeof out) != nullptr) {
      return out;
    }
  }
  return input;
}

std::optional<std::string> normal_match(std::string_view text) {
  auto lower = [](std::string t) {
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
  };
  const size_t colon = text.find(':');
  const std::string kind = lower(std::string(text.substr(0, colon)));
  if (colon == std::string_view::npos) {
    if (kind == "default") return kind;
    return std::nullopt;
  }
  std::string value(text.substr(colon + 1));
  if (kind == "country" || kind == "continent") {
    for (char& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return kind + ":" + value;
  }
  if (kind == "cidr") {
    const size_t slash = value.find('/');
    if (slash == std::string::npos) return kind + ":" + value;
    return kind + ":" + canonical_address(value.substr(0, slash)) + value.substr(slash);
  }
  return std::nullopt;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  for (size_t start = 0;;) {
    const size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma - start);
    if (!item.empty()) items.push_back(std::move(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

zones::Member* find_member(zones::Pool& pool, std::string_view address) {
  const std::string wanted = canonical_address(address);
  for (zones::Member& m : pool.members) {
    if (canonical_address(m.address) == wanted) return &m;
  }
  return nullptr;
}

std::string member_object(std::string_view pool, std::string_view address) {
  return "member/" + std::string(pool) + "/" + canonical_address(address);
}

CLI::Validator duration_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto ms = zones::parse_duration_ms(text);
        if (!ms || *ms > UINT32_MAX) {
          return "not a duration: \"" + text + "\" (use e.g. 500ms, 1s, 10m)";
        }
        return {};
      },
      "DURATION");
}

CLI::Validator match_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (normal_match(text)) return {};
        return "not cidr:NET/LEN, country:CC, continent:CC or default: \"" + text + "\"";
      },
      "MATCH");
}

uint32_t duration_ms(const std::string& text) {
  return static_cast<uint32_t>(zones::parse_duration_ms(text).value_or(0));
}

std::string admin_text(zones::AdminState state) {
  switch (state) {
    case zones::AdminState::kEnabled:
      return "enabled";
    case zones::AdminState::kDrain:
      return "drain (out of answers, still probed)";
    case zones::AdminState::kFail:
      return "fail (treated as down)";
  }
  return "?";
}

std::string join_names(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ",") + n;
  return text.empty() ? "-" : text;
}

std::vector<const zones::HealthRow*> member_health(const std::vector<zones::HealthRow>& health,
                                                   const zones::Pool& pool,
                                                   const zones::Member& member) {
  std::vector<const zones::HealthRow*> rows;
  for (const zones::HealthRow& h : health) {
    if (h.pool != pool.name) continue;
    if ((member.id != 0 && h.member_id == member.id) || h.address == member.address) {
      rows.push_back(&h);
    }
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto* a, const auto* b) { return a->vantage < b->vantage; });
  return rows;
}

std::string number_text(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string age_text(int64_t age_ms) {
  if (age_ms < 0) age_ms = 0;  // another host's clock slightly ahead
  std::string text;
  if (age_ms < 1000) {
    text = std::to_string(age_ms) + "ms";
  } else if (age_ms < 60'000) {
    text = one_decimal(age_ms, 1000) + "s";
  } else if (age_ms < 3'600'000) {
    text = std::to_string(age_ms / 60'000) + "m" + std::to_string(age_ms % 60'000 / 1000) + "s";
  } else if (age_ms < 86'400'000) {
    text = std::to_string(age_ms / 3'600'000) + "h" + std::to_string(age_ms % 3'600'000 / 60'000) +
           "m";
  } else {
    text = std::to_string(age_ms / 86'400'000) + "d" +
           std::to_string(age_ms % 86'400'000 / 3'600'000) + "h";
  }
  return text + " ago";
}

std::string rtt_text(const std::optional<int64_t>& rtt_us) {
  if (!rtt_us) return "-";
  if (*rtt_us < 1000) return std::to_string(*rtt_us) + "us";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2fms", static_cast<double>(*rtt_us) / 1000.0);
  return buffer;
}

int64_t report_age(const zones::HealthRow& row, const Stored& stored, int64_t now) {
  server::VantageBeats beats;
  for (const zones::Vantage& v : stored.vantages) beats[v.name] = v.seen_at_ms;
  return server::report_age_ms(row, beats, now);
}

bool is_stale(const zones::HealthRow& row, const Stored& stored, int64_t now) {
  const zones::Pool* pool = pool_of(row, stored.config);
  if (pool == nullptr || pool->monitor.empty()) return true;
  const zones::Monitor* monitor = find_named(stored.config.monitors, pool->monitor);
  if (monitor == nullptr) return true;
  return report_age(row, stored, now) > 3 * static_cast<int64_t>(monitor->interval_ms);
}

nlohmann::json health_json(const zones::HealthRow& row, const Stored& stored, int64_t now) {
  const zones::GslbConfig& config = stored.config;
  const zones::Member* member = member_of(row, config);
  auto optional = [](const auto& value) -> nlohmann::json {
    if (value) return *value;
    return nullptr;
  };
  return {{"pool", row.pool},
          {"member", row.address},
          {"name", member != nullptr ? member->name : ""},
          {"vantage", row.vantage},
          {"state", zones::to_string(row.state)},
          {"rtt_us", optional(row.rtt_us)},
          {"rtt_ewma_us", optional(row.rtt_ewma_us)},
          {"load", optional(row.load)},
          {"checked_at_ms", row.checked_at_ms},
          {"changed_at_ms", row.changed_at_ms},
          {"age_ms", report_age(row, stored, now)},
          {"stale", is_stale(row, stored, now)},
          {"reason", row.reason}};
}

}  // namespace gslbadm
