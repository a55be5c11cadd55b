// The store's GSLB half: reading the whole configuration, validating a
// desired state, planning the difference and writing it in one transaction
// with an audit row per changed object. gslbadm's object commands, `apply`
// and the admin API all edit a GslbConfig and call apply(): one path for
// validation and writes. Health rows (written by gslb-healthd) live here too.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "zones/db.h"
#include "zones/gslb_model.h"
#include "zones/model.h"
#include "zones/result.h"

namespace zones {

enum class ChangeKind : uint8_t { kCreate, kChange, kDelete };

// One object-level change. Objects are named as in the audit log:
// "monitor/web", "region/us-east", "pool/us-east", "member/us-east/192.0.2.10",
// "service/www.gslb.example.com.", "override/10.0.0.0/8", "zone/gslb.example.com.".
// A service's pool links and geo map, and a pool's own fields, are part of the
// service / pool object; members are objects of their own so that editing a
// pool never drops its members' health.
struct Change {
  ChangeKind kind = ChangeKind::kCreate;
  std::string object;
  std::vector<std::string> fields;  // kChange: "weight: 1 -> 2", one per differing field
  std::string before;               // JSON; empty for kCreate
  std::string after;                // JSON; empty for kDelete
};

struct Plan {
  std::vector<Change> changes;  // in the order they are written
  bool empty() const { return changes.empty(); }
};

struct ApplyOptions {
  // Without prune, top-level objects the desired state does not name are kept
  // (a named pool or service is still replaced whole: its members, links, geo
  // map). With prune, the desired state is the whole configuration.
  bool prune = false;
  bool dry_run = false;  // plan and validate only; nothing is written
};

class GslbStore {
 public:
  // The Db must be migrated (see migrate.h) and outlive the GslbStore.
  explicit GslbStore(Db& db) : db_(db) {}

  // The whole configuration (member ids filled), in a read transaction.
  Result<GslbConfig> load();

  // Validates `desired` (merged with the stored state unless options.prune),
  // plans the difference and, unless options.dry_run, writes it in one
  // transaction. `zones` (zone files named by a config) are replaced in the
  // same transaction, first. Every problem is reported at once, each with a
  // path: "services[1].pools[0].pool: no pool named \"eu\"". A refused apply
  // changes nothing. Returns the plan (empty when there was nothing to do).
  Result<Plan> apply(const GslbConfig& desired, const ApplyOptions& options, std::string_view actor,
                     const std::vector<ZoneContent>& zones = {});

  // Reads the stored configuration, lets `change` edit it, and applies the
  // result as the whole configuration (prune), all under one write lock: two
  // operators editing at once never undo each other's change. An error from
  // `change` is returned as is and nothing is written.
  Result<Plan> edit(const std::function<Result<void>(GslbConfig&)>& change,
                    const ApplyOptions& options, std::string_view actor);

  // Health: upserts rows by (member, vantage); each row gets a fresh seq. A
  // row names its member by member_id, or by pool + address when that is 0.
  // With `beat`, the vantage's heartbeat is written in the same transaction
  // (so a heartbeat never vouches for rows that failed to be written).
  Result<void> write_health(const std::vector<HealthRow>& rows, const Vantage* beat = nullptr);
  // Every vantage that has ever beaten, by name.
  Result<std::vector<Vantage>> vantages();
  // Rows with seq > `after_seq`, ordered by seq (gslbd reads only what changed).
  Result<std::vector<HealthRow>> health_since(int64_t after_seq);

 private:
  Result<Plan> apply_locked(const GslbConfig& desired, const ApplyOptions& options,
                            std::string_view actor, const std::vector<ZoneContent>& zones,
                            Transaction& tx);
  Db& db_;
};

// Checks one whole configuration against itself and the served zones (with
// their static records, to refuse e.g. a service where a CNAME lives). Every
// problem is returned, each with its path. Exposed for the config-file tests.
std::vector<Error> validate_gslb(const GslbConfig& config, const std::vector<ZoneContent>& zones);

// Rewrites what has a canonical spelling, leaving anything malformed for validation to
// report: addresses and networks as inet_ntop writes them ("2001:db8::1", "10.0.0.0/8"),
// service names absolute and lowercase with the trailing dot, continent and country codes
// (also in geo matches, "country:jp" -> "country:JP") upper case, a monitor's method,
// query_type and expect_rcode upper case and its query_name absolute and lowercase. validate_gslb
// and GslbStore::apply normalise a copy first.
void normalise_gslb(GslbConfig& config);

// The changes turning `current` into `desired` (both whole states).
Plan plan_gslb(const GslbConfig& current, const GslbConfig& desired);

}  // namespace zones
