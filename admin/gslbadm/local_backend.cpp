// The store itself as gslbadm's backend (--db): the store opened per call, every write
// audited as local:<user> (see backend.h).
#include <optional>
#include <sstream>
#include <string_view>

#include "admin/config_file.h"
#include "admin/drill_dry_run.h"
#include "admin/fleet/fleet_state.h"
#include "admin/gslbadm/backend.h"
#include "zones/audit.h"
#include "zones/clock.h"
#include "zones/drills.h"
#include "zones/gslb_store.h"
#include "zones/json.h"
#include "zones/store.h"
#include "zones/zonefile.h"

namespace gslbadm {
namespace {

using nlohmann::json;

// "pools[1].members[2].address" -> "member/us-east/192.0.2.300 address": the store names a
// problem by its path in the desired state, which the operator never saw; name the object as
// the command line and the audit log do. Paths that do not resolve are kept as they are.
// Reads "[N]" at `at`, moving past it; false when it is not there.
bool read_index(std::string_view text, size_t& at, size_t& index) {
  if (at >= text.size() || text[at] != '[') return false;
  const size_t close = text.find(']', at);
  if (close == std::string_view::npos || close == at + 1) return false;
  index = 0;
  for (size_t k = at + 1; k < close; ++k) {
    if (text[k] < '0' || text[k] > '9') return false;
    index = index * 10 + static_cast<size_t>(text[k] - '0');
  }
  at = close + 1;
  return true;
}

// "KIND[i]", "pools[i].members[j]", each optionally followed by ".rest".
struct ParsedPath {
  std::string kind;
  size_t index = 0;
  std::optional<size_t> member;
  std::optional<std::string> rest;
};

std::optional<ParsedPath> parse_path(std::string_view path) {
  ParsedPath p;
  const size_t bracket = path.find('[');
  if (bracket == std::string_view::npos) return std::nullopt;
  p.kind = std::string(path.substr(0, bracket));
  size_t at = bracket;
  if (!read_index(path, at, p.index)) return std::nullopt;
  constexpr std::string_view kMembers = ".members";
  size_t j = 0;
  if (p.kind == "pools" && path.substr(at).starts_with(kMembers)) {
    size_t after = at + kMembers.size();
    if (read_index(path, after, j)) {
      p.member = j;
      at = after;
    }
  }
  if (at == path.size()) return p;
  if (path[at] != '.' || at + 1 == path.size()) return std::nullopt;
  p.rest = std::string(path.substr(at + 1));
  return p;
}

std::string object_path(const std::string& path, const zones::GslbConfig& config) {
  const auto m = parse_path(path);
  if (!m) return path;
  const size_t i = m->index;
  std::string object;
  auto name_in = [&](const auto& items, const char* prefix) {
    if (i < items.size()) object = prefix + items[i].name;
  };
  if (m->kind == "monitors") name_in(config.monitors, "monitor/");
  if (m->kind == "regions") name_in(config.regions, "region/");
  if (m->kind == "services") name_in(config.services, "service/");
  if (m->kind == "overrides" && i < config.overrides.size()) {
    object = "override/" + config.overrides[i].network;
  }
  if (m->kind == "pools" && i < config.pools.size()) {
    const zones::Pool& pool = config.pools[i];
    object = "pool/" + pool.name;
    if (m->member) {
      const size_t j = *m->member;
      object = j < pool.members.size() ? member_object(pool.name, pool.members[j].address) : "";
    }
  }
  if (object.empty() || object.back() == '/') return path;
  return m->rest ? object + " " + *m->rest : object;
}

zones::Error named_by_object(const zones::Error& error, const zones::GslbConfig& desired) {
  std::istringstream lines(error.text());
  std::string text;
  for (std::string line; std::getline(lines, line);) {
    const size_t colon = line.find(": ");
    if (colon != std::string::npos) {
      line = object_path(line.substr(0, colon), desired) + line.substr(colon);
    }
    text += (text.empty() ? "" : "\n") + line;
  }
  return {error.code, "", text};
}

class LocalBackend final : public Backend {
 public:
  explicit LocalBackend(const Context& ctx) : ctx_(ctx) {}

  zones::Result<Stored> load(bool with_health) override {
    auto db = open_store(ctx_, false);
    if (!db) return std::unexpected(db.error());
    zones::GslbStore store(*db);
    Stored stored;
    auto config = store.load();
    if (!config) return std::unexpected(config.error());
    stored.config = std::move(*config);
    if (with_health) {
      auto health = store.health_since(0);
      if (!health) return std::unexpected(health.error());
      stored.health = std::move(*health);
      auto vantages = store.vantages();
      if (!vantages) return std::unexpected(vantages.error());
      stored.vantages = std::move(*vantages);
    }
    return stored;
  }

  zones::Result<zones::Plan> edit(const Edit& edit) override {
    auto db = open_for_write();
    if (!db) return std::unexpected(db.error());
    zones::GslbStore store(*db);
    // The edit runs inside the store's write transaction (GslbStore::edit), so a
    // concurrent writer cannot be undone. Its own refusals ("not found") are
    // returned as they are; the store's are renamed by object using the copy.
    zones::GslbConfig desired;
    bool edited = false;
    auto plan = store.edit(
        [&](zones::GslbConfig& config) -> zones::Result<void> {
          if (auto r = edit(config); !r) return r;
          desired = config;
          edited = true;
          return {};
        },
        {}, local_actor());
    if (!plan && edited) return std::unexpected(named_by_object(plan.error(), desired));
    return plan;
  }

  zones::Result<admin::ExplainResult> explain(const admin::ExplainRequest& request) override {
    auto db = open_store(ctx_, false);
    if (!db) return std::unexpected(db.error());
    return admin::explain(*db, request);
  }

  // As the API does: drills past their end are closed before one is read or started.
  zones::Result<json> start_drill(const zones::DrillSpec& spec) override {
    return with_drills(
        [&](zones::Db& db, zones::DrillStore& drills, int64_t now) -> zones::Result<json> {
          if (!spec.dry_run)
            if (auto ok = admin::fleet::refuse_if_replica(db); !ok)
              return std::unexpected(ok.error());
          auto started = drills.start(spec, now, local_actor());
          if (!started) return std::unexpected(started.error());
          json body = zones::drill_json(started->drill);
          body["services_out"] = started->services_out;
          if (!spec.dry_run) return body;
          auto changes = admin::drill_dry_run(db, started->drill, server::Quorum{}, now);
          if (!changes) return std::unexpected(changes.error());
          body["dry_run"] = true;
          body.update(*changes);
          return body;
        });
  }

  zones::Result<json> list_drills(int64_t limit) override {
    return with_drills([&](zones::Db&, zones::DrillStore& drills, int64_t) -> zones::Result<json> {
      auto found = drills.list(limit);
      if (!found) return std::unexpected(found.error());
      json items = json::array();
      for (const zones::Drill& d : *found) items.push_back(zones::drill_json(d));
      return json{{"drills", std::move(items)}};
    });
  }

  zones::Result<json> get_drill(int64_t id) override {
    return with_drills(
        [&](zones::Db&, zones::DrillStore& drills, int64_t now) -> zones::Result<json> {
          auto drill = drills.get(id);
          if (!drill) return std::unexpected(drill.error());
          json body = zones::drill_json(*drill);
          body["running"] = drill->running_at(now);
          return body;
        });
  }

  zones::Result<json> abort_drill(int64_t id) override {
    return with_drills(
        [&](zones::Db& db, zones::DrillStore& drills, int64_t now) -> zones::Result<json> {
          if (auto ok = admin::fleet::refuse_if_replica(db); !ok)
            return std::unexpected(ok.error());
          auto ended = drills.abort(id, now, local_actor());
          if (!ended) return std::unexpected(ended.error());
          return zones::drill_json(*ended);
        });
  }

  zones::Result<json> audit(int64_t limit) override {
    auto db = open_store(ctx_, false);
    if (!db) return std::unexpected(db.error());
    auto entries = zones::list_audit(*db, limit);
    if (!entries) return std::unexpected(entries.error());
    return zones::audit_json(*entries);
  }

  zones::Result<json> create_zone(const ZoneSpec& z) override {
    return with_zones(Access::kWrite, [&](zones::Store& store) -> zones::Result<json> {
      auto zone = store.create_zone(z.name, z.soa, z.soa_ttl, z.ttl, z.ns, local_actor());
      if (!zone) return std::unexpected(zone.error());
      return summary(store, *zone);
    });
  }

  zones::Result<json> import_zone(const std::string& path, const std::string& origin) override {
    return with_zones(Access::kWrite, [&](zones::Store& store) -> zones::Result<json> {
      std::optional<std::string_view> apex;
      if (!origin.empty()) apex = origin;
      auto zone = zones::import_zone_file(store, path, apex, local_actor());
      if (!zone) return std::unexpected(zone.error());
      return summary(store, *zone);
    });
  }

  zones::Result<json> list_zones() override {
    return with_zones(Access::kRead, [&](zones::Store& store) -> zones::Result<json> {
      auto found = store.list_zones();
      if (!found) return std::unexpected(found.error());
      json list = json::array();
      for (const zones::ZoneSummary& z : *found) {
        list.push_back(zones::zone_json(z.info));
        list.back()["record_count"] = z.record_count;
      }
      return list;
    });
  }

  zones::Result<json> get_zone(const std::string& name) override {
    return with_zones(Access::kRead, [&](zones::Store& store) -> zones::Result<json> {
      auto zone = store.get_zone(name);
      if (!zone) return std::unexpected(zone.error());
      return summary(store, *zone);
    });
  }

  zones::Result<std::string> delete_zone(const std::string& name) override {
    auto db = open_for_write();
    if (!db) return std::unexpected(db.error());
    zones::Store store(*db);
    auto zone = store.get_zone(name);
    if (!zone) return std::unexpected(zone.error());
    if (auto ok = store.delete_zone(name, local_actor()); !ok) return std::unexpected(ok.error());
    return zone->name;
  }

  zones::Result<std::string> zone_file(const std::string& name) override {
    auto db = open_store(ctx_, false);
    if (!db) return std::unexpected(db.error());
    auto zone = zones::Store(*db).load_zone(name);
    if (!zone) return std::unexpected(zone.error());
    return zones::format_zone(*zone);
  }

  zones::Result<json> list_records(const RecordSpec& f) override {
    return with_zones(Access::kRead, [&](zones::Store& store) -> zones::Result<json> {
      auto records = store.list_records(f.zone, given(f.owner), given(f.type));
      if (!records) return std::unexpected(records.error());
      return zones::records_json(*records);
    });
  }

  zones::Result<json> add_record(const RecordSpec& r) override {
    return with_zones(Access::kWrite, [&](zones::Store& store) -> zones::Result<json> {
      auto record = store.add_record(r.zone, r.owner, r.type, r.ttl, r.rdata, local_actor());
      if (!record) return std::unexpected(record.error());
      return zones::record_json(*record);
    });
  }

  zones::Result<int64_t> delete_records(const RecordSpec& r) override {
    auto db = open_for_write();
    if (!db) return std::unexpected(db.error());
    return zones::Store(*db).delete_records(r.zone, r.owner, r.type, given(r.rdata), local_actor());
  }

  zones::Result<zones::Plan> apply(const ConfigSource& source,
                                   const zones::ApplyOptions& options) override {
    auto config = admin::parse_config(source.text, source.format, source.base_dir, source.name);
    if (!config) return std::unexpected(config.error());
    auto db = options.dry_run ? open_store(ctx_, false) : open_for_write();
    if (!db) return std::unexpected(db.error());
    auto plan = zones::GslbStore(*db).apply(config->gslb, options, local_actor(), config->zones);
    if (!plan) return std::unexpected(admin::locate_in_file(plan.error(), *config));
    return plan;
  }

  zones::Result<std::string> export_config(admin::ConfigFormat format) override {
    auto db = open_store(ctx_, false);
    if (!db) return std::unexpected(db.error());
    auto gslb = zones::GslbStore(*db).load();
    if (!gslb) return std::unexpected(gslb.error());
    auto zone_list = zones::Store(*db).load_zones();
    if (!zone_list) return std::unexpected(zone_list.error());
    return admin::emit_config(*gslb, *zone_list, format);
  }

 private:
  using ZoneWork = std::function<zones::Result<json>(zones::Store&)>;

  enum class Access { kRead, kWrite };

  zones::Result<json> with_zones(Access access, const ZoneWork& work) {
    auto db = access == Access::kWrite ? open_for_write() : open_store(ctx_, false);
    if (!db) return std::unexpected(db.error());
    zones::Store store(*db);
    return work(store);
  }

  // A fleet node's store is etcd's copy: it is written through a node's admin API.
  zones::Result<zones::Db> open_for_write() {
    auto db = open_store(ctx_, false);
    if (!db) return db;
    if (auto ok = admin::fleet::refuse_if_replica(*db); !ok) return std::unexpected(ok.error());
    return db;
  }

  // As GET /v1/zones/{zone} answers.
  static zones::Result<json> summary(zones::Store& store, const zones::ZoneInfo& zone) {
    auto count = store.count_records(zone.name);
    if (!count) return std::unexpected(count.error());
    json j = zones::zone_json(zone);
    j["record_count"] = *count;
    return j;
  }

  static std::optional<std::string_view> given(const std::string& filter) {
    if (filter.empty()) return std::nullopt;
    return filter;
  }

  using DrillWork = std::function<zones::Result<json>(zones::Db&, zones::DrillStore&, int64_t)>;

  zones::Result<json> with_drills(const DrillWork& work) {
    auto db = open_store(ctx_, false);
    if (!db) return std::unexpected(db.error());
    zones::DrillStore drills(*db);
    const int64_t now = zones::unix_ms();
    if (auto closed = drills.close_expired(now); !closed) return std::unexpected(closed.error());
    return work(*db, drills, now);
  }

  const Context& ctx_;
};

}  // namespace

std::unique_ptr<Backend> make_local_backend(const Context& ctx) {
  return std::make_unique<LocalBackend>(ctx);
}

std::unique_ptr<Backend> make_backend(const Context& ctx) {
  if (ctx.api) return make_api_backend(*ctx.api);
  return make_local_backend(ctx);
}

}  // namespace gslbadm
