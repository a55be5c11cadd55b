// Writing a plan into the GSLB tables, one audit row per change (see GslbStore::apply).
// Rows are updated in place, so a member keeps its id (and its health rows) when its pool
// or the member itself changes.
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "zones/gslb_internal.h"
#include "zones/store_rows.h"

namespace zones::gslb {
namespace {

void bind_optional(Statement& s, std::string_view name, const std::optional<std::string>& v) {
  if (v) {
    s.bind(name, *v);
  } else {
    s.bind_null(name);
  }
}

// The row id of a named object; the plan only names objects that exist by now.
Result<int64_t> id_of(Db& db, std::string_view table, std::string_view name) {
  auto stmt = db.prepare("SELECT id FROM " + std::string(table) + " WHERE name = :name");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":name", name);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) {
    return fail(ErrorCode::kInternal, std::string(table),
                "no " + std::string(table) + " named " + std::string(name));
  }
  return stmt->int_at(0);
}

class Writer {
 public:
  Writer(Db& db, const GslbConfig& desired, const std::vector<ZoneInfo>& zones)
      : db_(db), desired_(desired), zones_(zones) {
    for (const Monitor& m : desired.monitors) monitors_[m.name] = &m;
    for (const Region& r : desired.regions) regions_[r.name] = &r;
    for (const Pool& p : desired.pools) pools_[p.name] = &p;
    for (const Service& s : desired.services) services_[s.name] = &s;
    for (const CidrOverride& o : desired.overrides) overrides_[o.network] = &o;
  }

  Result<void> write(const PlannedChange& c) {
    const bool remove = c.change.kind == ChangeKind::kDelete;
    switch (c.kind) {
      case Kind::kMonitor:
        return remove ? delete_named("monitor", c.key) : monitor(*monitors_.at(c.key));
      case Kind::kRegion:
        return remove ? delete_named("region", c.key) : region(*regions_.at(c.key));
      case Kind::kPool:
        touched_pools_.insert(c.key);
        return remove ? delete_named("pool", c.key) : pool(*pools_.at(c.key));
      case Kind::kMember:
        touched_pools_.insert(c.key);
        return remove ? delete_member(c.key, c.key2) : member(c.key, c.key2);
      case Kind::kService:
        return remove ? delete_named("service", c.key) : service(*services_.at(c.key));
      case Kind::kOverride:
        overrides_changed_ = true;
        return remove ? delete_override(c.key) : global_override(*overrides_.at(c.key));
    }
    return {};
  }

  // Positions follow the desired order wherever something changed.
  Result<void> finish() {
    for (const std::string& name : touched_pools_) {
      auto it = pools_.find(name);
      if (it == pools_.end()) continue;
      auto pool_id = id_of(db_, "pool", name);
      if (!pool_id) return std::unexpected(pool_id.error());
      const auto& members = it->second->members;
      for (size_t i = 0; i < members.size(); ++i) {
        auto stmt = db_.prepare(
            "UPDATE member SET position = :position WHERE pool_id = :pool AND address = :address "
            "AND position != :position");
        if (!stmt) return std::unexpected(stmt.error());
        stmt->bind(":position", static_cast<int64_t>(i))
            .bind(":pool", *pool_id)
            .bind(":address", members[i].address);
        if (auto ok = stmt->run(); !ok) return ok;
      }
    }
    if (!overrides_changed_) return {};
    for (size_t i = 0; i < desired_.overrides.size(); ++i) {
      auto stmt = db_.prepare(
          "UPDATE cidr_override SET position = :position WHERE service_id IS NULL AND "
          "network = :network AND position != :position");
      if (!stmt) return std::unexpected(stmt.error());
      stmt->bind(":position", static_cast<int64_t>(i))
          .bind(":network", desired_.overrides[i].network);
      if (auto ok = stmt->run(); !ok) return ok;
    }
    return {};
  }

 private:
  Result<void> delete_named(std::string_view table, std::string_view name) {
    auto stmt = db_.prepare("DELETE FROM " + std::string(table) + " WHERE name = :name");
    if (!stmt) return std::unexpected(stmt.error());
    return stmt->bind(":name", name).run();
  }

  Result<void> monitor(const Monitor& m) {
    auto stmt = db_.prepare(
        "INSERT INTO monitor (name, type, port, path, host, expect_status, expect_body, "
        "interval_ms, timeout_ms, rise, fall, load_field, method, tls_verify, ca_file, "
        "follow_redirects, load_header, query_name, query_type, expect_rcode, expect_answer, "
        "jitter_ms, max_concurrent) VALUES (:name, :type, :port, :path, :host, :status, :body, "
        ":interval, :timeout, :rise, :fall, :load, :method, :tls_verify, :ca_file, "
        ":follow_redirects, :load_header, :query_name, :query_type, :expect_rcode, "
        ":expect_answer, :jitter, :max_concurrent) "
        "ON CONFLICT (name) DO UPDATE SET type = excluded.type, port = excluded.port, "
        "path = excluded.path, host = excluded.host, expect_status = excluded.expect_status, "
        "expect_body = excluded.expect_body, interval_ms = excluded.interval_ms, "
        "timeout_ms = excluded.timeout_ms, rise = excluded.rise, fall = excluded.fall, "
        "load_field = excluded.load_field, method = excluded.method, "
        "tls_verify = excluded.tls_verify, ca_file = excluded.ca_file, "
        "follow_redirects = excluded.follow_redirects, load_header = excluded.load_header, "
        "query_name = excluded.query_name, query_type = excluded.query_type, "
        "expect_rcode = excluded.expect_rcode, expect_answer = excluded.expect_answer, "
        "jitter_ms = excluded.jitter_ms, max_concurrent = excluded.max_concurrent");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(":name", m.name)
        .bind(":type", m.type)
        .bind(":port", int64_t{m.port})
        .bind(":path", m.path)
        .bind(":host", m.host)
        .bind(":status", nlohmann::json(m.expect_status).dump())
        .bind(":interval", int64_t{m.interval_ms})
        .bind(":timeout", int64_t{m.timeout_ms})
        .bind(":rise", int64_t{m.rise})
        .bind(":fall", int64_t{m.fall})
        .bind(":method", m.method)
        .bind(":tls_verify", int64_t{m.tls_verify})
        .bind(":follow_redirects", int64_t{m.follow_redirects})
        .bind(":query_type", m.query_type)
        .bind(":expect_rcode", m.expect_rcode)
        .bind(":expect_answer", int64_t{m.expect_answer})
        .bind(":max_concurrent", int64_t{m.max_concurrent});
    bind_optional(*stmt, ":body", m.expect_body);
    bind_optional(*stmt, ":load", m.load_field);
    bind_optional(*stmt, ":ca_file", m.ca_file);
    bind_optional(*stmt, ":load_header", m.load_header);
    bind_optional(*stmt, ":query_name", m.query_name);
    if (m.jitter_ms) {
      stmt->bind(":jitter", int64_t{*m.jitter_ms});
    } else {
      stmt->bind_null(":jitter");
    }
    return stmt->run();
  }

  Result<void> region(const Region& r) {
    auto stmt = db_.prepare(
        "INSERT INTO region (name, latitude, longitude, continent, country) "
        "VALUES (:name, :lat, :lon, :continent, :country) "
        "ON CONFLICT (name) DO UPDATE SET latitude = excluded.latitude, "
        "longitude = excluded.longitude, continent = excluded.continent, "
        "country = excluded.country");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(":name", r.name)
        .bind_double(":lat", r.latitude)
        .bind_double(":lon", r.longitude)
        .bind(":continent", r.continent)
        .bind(":country", r.country);
    return stmt->run();
  }

  Result<void> pool(const Pool& p) {
    auto region_id = id_of(db_, "region", p.region);
    if (!region_id) return std::unexpected(region_id.error());
    std::optional<int64_t> monitor_id;
    if (!p.monitor.empty()) {
      auto id = id_of(db_, "monitor", p.monitor);
      if (!id) return std::unexpected(id.error());
      monitor_id = *id;
    }
    auto stmt = db_.prepare(
        "INSERT INTO pool (name, region_id, monitor_id, min_healthy, admin_state) "
        "VALUES (:name, :region, :monitor, :min_healthy, :admin) "
        "ON CONFLICT (name) DO UPDATE SET region_id = excluded.region_id, "
        "monitor_id = excluded.monitor_id, min_healthy = excluded.min_healthy, "
        "admin_state = excluded.admin_state");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(":name", p.name)
        .bind(":region", *region_id)
        .bind(":min_healthy", int64_t{p.min_healthy})
        .bind(":admin", to_string(p.admin));
    if (monitor_id) {
      stmt->bind(":monitor", *monitor_id);
    } else {
      stmt->bind_null(":monitor");
    }
    return stmt->run();
  }

  Result<void> member(const std::string& pool_name, const std::string& address) {
    const Pool& p = *pools_.at(pool_name);
    size_t position = 0;
    while (position < p.members.size() && p.members[position].address != address) ++position;
    if (position == p.members.size()) {
      return fail(ErrorCode::kInternal, "member", "no member " + address + " in " + pool_name);
    }
    const Member& m = p.members[position];
    auto pool_id = id_of(db_, "pool", pool_name);
    if (!pool_id) return std::unexpected(pool_id.error());
    auto stmt = db_.prepare(
        "INSERT INTO member (pool_id, address, name, weight, admin_state, position) "
        "VALUES (:pool, :address, :name, :weight, :admin, :position) "
        "ON CONFLICT (pool_id, address) DO UPDATE SET name = excluded.name, "
        "weight = excluded.weight, admin_state = excluded.admin_state, "
        "position = excluded.position");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(":pool", *pool_id)
        .bind(":address", m.address)
        .bind(":name", m.name)
        .bind(":weight", int64_t{m.weight})
        .bind(":admin", to_string(m.admin))
        .bind(":position", static_cast<int64_t>(position));
    return stmt->run();
  }

  Result<void> delete_member(const std::string& pool_name, const std::string& address) {
    auto stmt = db_.prepare(
        "DELETE FROM member WHERE address = :address AND "
        "pool_id = (SELECT id FROM pool WHERE name = :pool)");
    if (!stmt) return std::unexpected(stmt.error());
    return stmt->bind(":address", address).bind(":pool", pool_name).run();
  }

  Result<void> service(const Service& s) {
    auto zone = deepest_zone(s.name, zones_);
    if (!zone) return fail(ErrorCode::kInternal, "service", "no zone for " + s.name);
    auto stmt = db_.prepare(
        "INSERT INTO service (zone_id, name, policy, ttl, degraded_ttl, max_answers, "
        "when_all_down, fallback, affinity, tolerance_ms, load_threshold, when_unknown) "
        "VALUES (:zone, :name, :policy, :ttl, :degraded_ttl, :max_answers, :when_all_down, "
        ":fallback, :affinity, :tolerance_ms, :load_threshold, :when_unknown) "
        "ON CONFLICT (name) DO UPDATE SET zone_id = excluded.zone_id, policy = excluded.policy, "
        "ttl = excluded.ttl, degraded_ttl = excluded.degraded_ttl, "
        "max_answers = excluded.max_answers, when_all_down = excluded.when_all_down, "
        "fallback = excluded.fallback, affinity = excluded.affinity, "
        "tolerance_ms = excluded.tolerance_ms, load_threshold = excluded.load_threshold, "
        "when_unknown = excluded.when_unknown");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->bind(":zone", zones_[*zone].id)
        .bind(":name", s.name)
        .bind(":policy", to_string(s.policy))
        .bind(":ttl", int64_t{s.ttl})
        .bind(":degraded_ttl", int64_t{s.degraded_ttl})
        .bind(":max_answers", int64_t{s.max_answers})
        .bind(":when_all_down", to_string(s.when_all_down))
        .bind(":fallback", nlohmann::json(s.fallback).dump())
        .bind(":affinity", to_string(s.affinity))
        .bind(":tolerance_ms", int64_t{s.tolerance_ms})
        .bind_double(":load_threshold", s.load_threshold)
        .bind(":when_unknown", to_string(s.when_unknown));
    if (auto ok = stmt->run(); !ok) return ok;
    auto service_id = id_of(db_, "service", s.name);
    if (!service_id) return std::unexpected(service_id.error());
    return service_children(*service_id, s);
  }

  // Links, geo map and overrides are replaced whole with their service.
  Result<void> service_children(int64_t service_id, const Service& s) {
    for (const char* sql : {"DELETE FROM service_pool WHERE service_id = :service",
                            "DELETE FROM geo_map WHERE service_id = :service",
                            "DELETE FROM cidr_override WHERE service_id = :service"}) {
      auto stmt = db_.prepare(sql);
      if (!stmt) return std::unexpected(stmt.error());
      if (auto ok = stmt->bind(":service", service_id).run(); !ok) return ok;
    }
    for (size_t i = 0; i < s.pools.size(); ++i) {
      const ServicePool& link = s.pools[i];
      auto pool_id = id_of(db_, "pool", link.pool);
      if (!pool_id) return std::unexpected(pool_id.error());
      auto stmt = db_.prepare(
          "INSERT INTO service_pool (service_id, pool_id, priority, weight, bias, position) "
          "VALUES (:service, :pool, :priority, :weight, :bias, :position)");
      if (!stmt) return std::unexpected(stmt.error());
      stmt->bind(":service", service_id)
          .bind(":pool", *pool_id)
          .bind(":priority", int64_t{link.priority})
          .bind(":weight", int64_t{link.weight})
          .bind_double(":bias", link.bias_km)
          .bind(":position", static_cast<int64_t>(i));
      if (auto ok = stmt->run(); !ok) return ok;
    }
    for (size_t i = 0; i < s.geo.size(); ++i) {
      auto stmt = db_.prepare(
          "INSERT INTO geo_map (service_id, position, match) VALUES (:service, :position, "
          ":match)");
      if (!stmt) return std::unexpected(stmt.error());
      stmt->bind(":service", service_id)
          .bind(":position", static_cast<int64_t>(i))
          .bind(":match", s.geo[i].match);
      if (auto ok = stmt->run(); !ok) return ok;
      const int64_t geo_id = db_.last_insert_id();
      for (size_t k = 0; k < s.geo[i].pools.size(); ++k) {
        auto pool_id = id_of(db_, "pool", s.geo[i].pools[k]);
        if (!pool_id) return std::unexpected(pool_id.error());
        auto insert = db_.prepare(
            "INSERT INTO geo_map_pool (geo_map_id, position, pool_id) VALUES (:geo, :position, "
            ":pool)");
        if (!insert) return std::unexpected(insert.error());
        insert->bind(":geo", geo_id)
            .bind(":position", static_cast<int64_t>(k))
            .bind(":pool", *pool_id);
        if (auto ok = insert->run(); !ok) return ok;
      }
    }
    for (size_t i = 0; i < s.overrides.size(); ++i) {
      if (auto ok = insert_override(service_id, s.overrides[i], i); !ok) return ok;
    }
    return {};
  }

  Result<void> insert_override(std::optional<int64_t> service_id, const CidrOverride& o,
                               size_t position) {
    auto region_id = id_of(db_, "region", o.region);
    if (!region_id) return std::unexpected(region_id.error());
    auto stmt = db_.prepare(
        "INSERT INTO cidr_override (service_id, position, network, region_id) "
        "VALUES (:service, :position, :network, :region)");
    if (!stmt) return std::unexpected(stmt.error());
    if (service_id) {
      stmt->bind(":service", *service_id);
    } else {
      stmt->bind_null(":service");
    }
    stmt->bind(":position", static_cast<int64_t>(position))
        .bind(":network", o.network)
        .bind(":region", *region_id);
    return stmt->run();
  }

  Result<void> global_override(const CidrOverride& o) {
    auto region_id = id_of(db_, "region", o.region);
    if (!region_id) return std::unexpected(region_id.error());
    auto update = db_.prepare(
        "UPDATE cidr_override SET region_id = :region WHERE service_id IS NULL AND "
        "network = :network");
    if (!update) return std::unexpected(update.error());
    if (auto ok = update->bind(":region", *region_id).bind(":network", o.network).run(); !ok) {
      return ok;
    }
    if (db_.changes() > 0) return {};
    size_t position = 0;
    while (position < desired_.overrides.size() &&
           desired_.overrides[position].network != o.network)
      ++position;
    return insert_override(std::nullopt, o, position);
  }

  Result<void> delete_override(const std::string& network) {
    auto stmt =
        db_.prepare("DELETE FROM cidr_override WHERE service_id IS NULL AND network = :network");
    if (!stmt) return std::unexpected(stmt.error());
    return stmt->bind(":network", network).run();
  }

  Db& db_;
  const GslbConfig& desired_;
  const std::vector<ZoneInfo>& zones_;
  std::map<std::string, const Monitor*> monitors_;
  std::map<std::string, const Region*> regions_;
  std::map<std::string, const Pool*> pools_;
  std::map<std::string, const Service*> services_;
  std::map<std::string, const CidrOverride*> overrides_;
  std::set<std::string> touched_pools_;
  bool overrides_changed_ = false;
};

}  // namespace

Result<void> write_changes(Db& db, const std::vector<PlannedChange>& changes,
                           const GslbConfig& desired, const std::vector<ZoneInfo>& zones,
                           std::string_view actor) {
  Writer writer(db, desired, zones);
  for (const PlannedChange& c : changes) {
    if (auto ok = writer.write(c); !ok) {
      Error e = ok.error();
      e.message = c.change.object + ": " + e.message;
      return std::unexpected(e);
    }
    auto logged = rows::audit(db, actor, action_of(c.kind, c.change.kind), c.change.object,
                              c.change.before, c.change.after);
    if (!logged) return logged;
  }
  return writer.finish();
}

Result<void> rehome_services(Db& db) {
  auto zones = rows::all_zones(db);
  if (!zones) return std::unexpected(zones.error());
  struct Row {
    int64_t id, zone_id;
    std::string name;
  };
  std::vector<Row> services;
  {
    auto stmt = db.prepare("SELECT id, zone_id, name FROM service");
    if (!stmt) return std::unexpected(stmt.error());
    while (true) {
      auto more = stmt->step();
      if (!more) return std::unexpected(more.error());
      if (!*more) break;
      services.push_back({stmt->int_at(0), stmt->int_at(1), stmt->text_at(2)});
    }
  }
  for (const Row& s : services) {
    auto zone = deepest_zone(s.name, *zones);
    if (!zone || (*zones)[*zone].id == s.zone_id) continue;
    auto stmt = db.prepare("UPDATE service SET zone_id = :zone WHERE id = :id");
    if (!stmt) return std::unexpected(stmt.error());
    if (auto ok = stmt->bind(":zone", (*zones)[*zone].id).bind(":id", s.id).run(); !ok) return ok;
  }
  return {};
}

Result<int64_t> count_services(Db& db, int64_t zone_id) {
  auto stmt = db.prepare("SELECT count(*) FROM service WHERE zone_id = :zone");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":zone", zone_id);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return *row ? stmt->int_at(0) : 0;
}

Result<std::vector<std::string>> service_names(Db& db, std::optional<int64_t> zone_id) {
  auto stmt =
      db.prepare("SELECT name FROM service WHERE :zone IS NULL OR zone_id = :zone ORDER BY name");
  if (!stmt) return std::unexpected(stmt.error());
  if (zone_id) {
    stmt->bind(":zone", *zone_id);
  } else {
    stmt->bind_null(":zone");
  }
  std::vector<std::string> out;
  while (true) {
    auto more = stmt->step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return out;
    out.push_back(stmt->text_at(0));
  }
}

}  // namespace zones::gslb
