// What the GSLB object commands (region, monitor, pool, member, service, geomap, override,
// health) share: load the whole configuration, edit a copy, hand it to zones::GslbStore::apply
// (which validates it whole, so the CLI never re-implements a rule) and print what changed;
// plus name lookups, flag validators and the formatting of health and numbers.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/gslbadm/context.h"
#include "zones/gslb_model.h"
#include "zones/result.h"

namespace gslbadm {

// Changes the loaded configuration in place. Fails (exit 1) when the object named on the
// command line is missing, or already there for an `add`.
using Edit = std::function<zones::Result<void>(zones::GslbConfig&)>;

// load() -> edit(copy) -> apply(copy, {.prune = true}, local_actor()) -> prints one line per
// change ("created pool/us-east", "changed pool/us-east: min_healthy: 1 -> 2", ...) or
// "no change"; with --json, the plan as `apply --json` prints it (admin::plan_json). A refused
// apply prints the store's errors, naming objects as the command line does.
int edit_config(const Context& ctx, const Edit& edit);

// The stored configuration and, when asked, every health row, for the reading commands.
struct Stored {
  zones::GslbConfig config;
  std::vector<zones::HealthRow> health;
  std::vector<zones::Vantage> vantages;  // heartbeats, loaded with the health rows
};
zones::Result<Stored> load_stored(const Context& ctx, bool with_health);

// Registers `run` as what `cmd` does once the command line is parsed.
void on_run(CLI::App* cmd, Context& ctx, std::function<int()> run);

// A subcommand that inherits the global flags (--db, --json may come after it).
CLI::App* add_command(CLI::App& parent, const char* name, const char* help);

// A subcommand taking one positional argument, e.g. `region show NAME`: `arg` is its name in
// the help ("name", "pool"), `what` its description.
void add_named_command(CLI::App& parent, Context& ctx, const char* name, const char* help,
                       const char* arg, const char* what,
                       std::function<int(const Context&, const std::string&)> run);

// Errors for the object named on the command line: "region/x: not found" and
// "region/x: already exists". `object` is named as in the audit log.
zones::Error not_found(std::string object);
zones::Error already_exists(std::string object);

template <typename T>
T* find_named(std::vector<T>& items, std::string_view name) {
  for (T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

template <typename T>
const T* find_named(const std::vector<T>& items, std::string_view name) {
  for (const T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

// The object or not_found("<kind>/<name>").
template <typename T>
zones::Result<T*> need(std::vector<T>& items, std::string_view kind, std::string_view name) {
  if (T* item = find_named(items, name)) return item;
  return std::unexpected(not_found(std::string(kind) + "/" + std::string(name)));
}

// Removes the object named `name` or fails with not_found("<kind>/<name>").
template <typename T>
zones::Result<void> erase_named(std::vector<T>& items, std::string_view kind,
                                std::string_view name) {
  for (auto it = items.begin(); it != items.end(); ++it) {
    if (it->name == name) {
      items.erase(it);
      return {};
    }
  }
  return std::unexpected(not_found(std::string(kind) + "/" + std::string(name)));
}

// A service name as stored: lowercase with the trailing dot ("WWW.gslb.example.com" ->
// "www.gslb.example.com."). The store checks that it is a valid name inside a served zone.
std::string service_name(std::string_view text);

// The canonical text of an IPv4/IPv6 address ("2001:DB8::0010" -> "2001:db8::10"), or the
// text unchanged when it is not an address (the store then refuses it by name).
std::string canonical_address(std::string_view text);

// A geo map match as the store spells it: "country:JP", "continent:EU", "cidr:2001:db8::/32",
// "default". nullopt when the kind is unknown; the store checks the value itself.
std::optional<std::string> normal_match(std::string_view text);

// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> split_list(const std::string& text);

// A pool's member by address (compared canonically), or nullptr.
zones::Member* find_member(zones::Pool& pool, std::string_view address);
// "member/<pool>/<address>", as the audit log names it.
std::string member_object(std::string_view pool, std::string_view address);

// Flag checks for CLI11 (a malformed value is a usage error, exit 2, naming the flag).
// A duration: "500ms", "1s", "10m", "1h", or bare seconds; at most 2^32-1 ms.
CLI::Validator duration_check();
CLI::Validator match_check();                   // normal_match() accepts it
uint32_t duration_ms(const std::string& text);  // after duration_check() passed

// Operator overrides of health, shared by `pool` and `member`.
struct AdminVerb {
  const char* name;
  zones::AdminState state;
  const char* help;
};
inline constexpr AdminVerb kAdminVerbs[] = {
    {"drain", zones::AdminState::kDrain,
     "take out of answers but keep probing (not counted as down)"},
    {"undrain", zones::AdminState::kEnabled, "back in answers (same as enable)"},
    {"disable", zones::AdminState::kFail,
     "treat as down: failover happens and the degraded TTL applies"},
    {"enable", zones::AdminState::kEnabled, "clear drain or disable: health decides again"},
};

// "enabled", "drain (out of answers, still probed)", "fail (treated as down)".
std::string admin_text(zones::AdminState state);

// "a,b,c" for a table cell; "-" for none.
std::string join_names(const std::vector<std::string>& names);

// A member's health rows (one per vantage that reported), by vantage name.
std::vector<const zones::HealthRow*> member_health(const std::vector<zones::HealthRow>& health,
                                                   const zones::Pool& pool,
                                                   const zones::Member& member);

// Numbers for tables: "40.7", "-74", "0.25" (shortest round-trip form).
std::string number_text(double value);

// Health rows as people read them.
int64_t now_ms();
std::string age_text(int64_t age_ms);  // "850ms ago", "3.2s ago", "4m10s ago", "2h3m ago"
std::string rtt_text(const std::optional<int64_t>& rtt_us);  // "1.25ms", "-"
// A row older than 3 x the pool monitor's interval is stale (ignored by gslbd); rows of a pool
// without a monitor are never probed and count as stale.
// A report's age counts from the later of its write and its vantage's last
// heartbeat, as gslbd counts it; stale beyond 3 x the monitor interval.
int64_t report_age(const zones::HealthRow& row, const Stored& stored, int64_t now);
bool is_stale(const zones::HealthRow& row, const Stored& stored, int64_t now);
nlohmann::json health_json(const zones::HealthRow& row, const Stored& stored, int64_t now);

}  // namespace gslbadm
