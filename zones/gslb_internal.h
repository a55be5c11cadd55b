// Internal to zones/: the pieces GslbStore is made of (validation with configurable paths,
// planning with the objects' keys, row-level reads and writes). Callers hold the transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zones/db.h"
#include "zones/gslb_model.h"
#include "zones/gslb_store.h"
#include "zones/model.h"
#include "zones/result.h"
#include "zones/service_table.h"

namespace zones::gslb {

// ---- validation (gslb_validate.cpp) ----

// How errors name the top-level objects: object i of a kind is "<kind>[<label i>]", with
// label i = i unless a label is given (apply names objects kept from the store by name,
// "pools[us-east]", since they are not in the caller's file).
struct PathLabels {
  std::vector<std::string> monitors, regions, pools, services, overrides;
};

struct ValidateContext {
  const PathLabels* labels = nullptr;
  // The stored state, when validating an apply: a reference to an object that exists there
  // but not in `config` is reported as the deletion of a still-used object.
  const GslbConfig* previous = nullptr;
};

std::vector<Error> validate(const GslbConfig& config, const std::vector<ZoneContent>& zones,
                            const ValidateContext& context);

// The index of the deepest zone holding `name` (canonical), if any.
std::optional<size_t> deepest_zone(std::string_view name, const std::vector<ZoneInfo>& zones);
std::optional<size_t> deepest_zone(std::string_view name, const std::vector<ZoneContent>& zones);

// Where a service named `name` (canonical) may live among `zones`: inside a zone (the deepest
// wins), not at or below a delegation or DNAME, no static CNAME/A/AAAA at the name. The
// problems found (kInvalid, at `where`); none when the service may live there.
// What is wrong with static `record` of the zone at `apex` for the service `name` (both
// canonical), or "" when they can coexist.
std::string record_problem(std::string_view name, std::string_view apex, const RecordRow& record);
std::vector<Error> check_placement(std::string_view name, const std::vector<ZoneContent>& zones,
                                   const std::string& where);

// ---- addresses and networks (gslb_net.cpp) ----

// Canonical text of an IPv4/IPv6 address (inet_ntop); nullopt when `text` is not one.
std::optional<std::string> canonical_address(std::string_view text);

// "NET/LEN" (a bare address is a host route): `text` canonical with the host bits cleared,
// `host_bits` true when the input had some set. nullopt when malformed.
struct ParsedNetwork {
  std::string text;
  bool host_bits = false;
};
std::optional<ParsedNetwork> parse_network(std::string_view text);

// The binary forms the snapshot compiler needs: family 1 (IPv4) or 2 (IPv6)
// as in ECS, and the address octets (16 bytes of room).
bool address_bytes(std::string_view text, uint8_t& family, uint8_t* bytes);
std::optional<Network> network_of(std::string_view text);  // host bits cleared

// Why a canonical address cannot be handed to clients (unspecified, multicast, broadcast,
// IPv4-mapped), or nullptr when it can.
const char* unusable_address(std::string_view canonical);

// ---- planning (gslb_plan.cpp) ----

enum class Kind : uint8_t { kMonitor, kRegion, kPool, kMember, kService, kOverride };

struct PlannedChange {
  Change change;
  Kind kind = Kind::kMonitor;
  std::string key;   // the object's name; a member's pool; an override's network
  std::string key2;  // a member's address
};

// plan_gslb with the keys the writer needs.
std::vector<PlannedChange> plan(const GslbConfig& current, const GslbConfig& desired);
// The audit action of a change: "pool.create", "member.change", "service.delete".
std::string action_of(Kind kind, ChangeKind change);

// ---- rows (gslb_load.cpp, gslb_write.cpp) ----

Result<GslbConfig> load_config(Db& db);

// Writes `changes` (turning the stored state into `desired`) with one audit row each.
// `zones` are the zones as stored now (ids filled), to place services.
Result<void> write_changes(Db& db, const std::vector<PlannedChange>& changes,
                           const GslbConfig& desired, const std::vector<ZoneInfo>& zones,
                           std::string_view actor);

// Points every service at its deepest zone (zones created later may be deeper).
Result<void> rehome_services(Db& db);

// Services stored under a zone (their deepest zone); every service's name, or those of a zone.
Result<int64_t> count_services(Db& db, int64_t zone_id);
Result<std::vector<std::string>> service_names(Db& db, std::optional<int64_t> zone_id = {});

}  // namespace zones::gslb
