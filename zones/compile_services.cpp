// GslbConfig -> ServiceTable: names become indices, addresses become bytes,
// links are sorted by priority, geo entries and overrides become Networks.
#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "zones/compile.h"
#include "zones/gslb_internal.h"

namespace zones {
namespace {

// Two-letter codes as MaxMind writes them: upper case.
void copy_code(const std::string& from, char (&to)[3]) {
  for (size_t i = 0; i < 2; ++i)
    to[i] =
        i < from.size() ? static_cast<char>(std::toupper(static_cast<unsigned char>(from[i]))) : 0;
  to[2] = 0;
}

Error bad(const std::string& where, const std::string& what) {
  return Error{ErrorCode::kInternal, where, what};
}

class ServiceCompiler {
 public:
  explicit ServiceCompiler(ServiceTable& table) : t_(table) {}

  Result<void> run(const GslbConfig& gslb) {
    std::unordered_map<std::string, uint32_t> interval_of;
    for (const Monitor& m : gslb.monitors) interval_of[m.name] = m.interval_ms;
    for (const Region& r : gslb.regions) add_region(r);
    for (const Pool& p : gslb.pools)
      if (auto r = add_pool(p, interval_of); !r) return r;
    for (const Service& s : gslb.services)
      if (auto r = add_service(s); !r) return r;
    t_.global_overrides_begin = static_cast<uint32_t>(t_.overrides.size());
    if (auto r = add_overrides(gslb.overrides, "overrides"); !r) return r;
    t_.global_overrides_count =
        static_cast<uint32_t>(t_.overrides.size()) - t_.global_overrides_begin;
    t_.health = std::make_unique<MemberHealth[]>(t_.members.size());
    return {};
  }

 private:
  void add_region(const Region& r) {
    CompiledRegion c;
    c.name = r.name;
    c.latitude = r.latitude;
    c.longitude = r.longitude;
    copy_code(r.continent, c.continent);
    copy_code(r.country, c.country);
    region_index_[r.name] = static_cast<uint32_t>(t_.regions.size());
    t_.regions.push_back(std::move(c));
  }

  Result<void> add_pool(const Pool& p, const std::unordered_map<std::string, uint32_t>& interval) {
    const auto region = region_index_.find(p.region);
    if (region == region_index_.end()) return std::unexpected(bad("pool/" + p.name, "no region"));
    CompiledPool c;
    c.name = p.name;
    c.region = region->second;
    c.min_healthy = p.min_healthy;
    c.admin = p.admin;
    const auto it = interval.find(p.monitor);
    c.stale_after_ms = 3 * (it != interval.end() ? it->second : 1000u);
    c.members_begin = static_cast<uint32_t>(t_.members.size());
    const uint32_t pool_index = static_cast<uint32_t>(t_.pools.size());
    for (const Member& m : p.members) {
      CompiledMember cm;
      if (!gslb::address_bytes(m.address, cm.family, cm.address))
        return std::unexpected(bad("member/" + p.name + "/" + m.address, "bad address"));
      cm.weight = m.weight;
      cm.admin = m.admin;
      cm.pool = pool_index;
      cm.id = m.id;
      cm.label = m.name.empty() ? m.address : m.name;
      if (m.id != 0) t_.member_by_id[m.id] = static_cast<uint32_t>(t_.members.size());
      t_.members.push_back(std::move(cm));
    }
    c.member_count = static_cast<uint32_t>(t_.members.size()) - c.members_begin;
    pool_index_[p.name] = pool_index;
    t_.pools.push_back(std::move(c));
    return {};
  }

  Result<void> add_service(const Service& s) {
    CompiledService c;
    c.name = s.name;
    c.policy = s.policy;
    c.ttl = s.ttl;
    c.degraded_ttl = s.degraded_ttl;
    c.max_answers = s.max_answers;
    c.when_all_down = s.when_all_down;
    c.affinity = s.affinity;
    c.tolerance_ms = s.tolerance_ms;
    c.load_threshold = s.load_threshold;
    c.unknown_is_up = s.when_unknown != HealthState::kDown;
    const std::string where = "service/" + s.name;
    if (auto r = add_links(s, c, where); !r) return r;
    if (auto r = add_geo(s, c, where); !r) return r;
    c.fallback_begin = static_cast<uint32_t>(t_.fallback.size());
    for (const std::string& text : s.fallback) {
      CompiledMember m;
      if (!gslb::address_bytes(text, m.family, m.address))
        return std::unexpected(bad(where, "bad fallback address " + text));
      m.label = "fallback " + text;
      t_.fallback.push_back(std::move(m));
    }
    c.fallback_count = static_cast<uint32_t>(t_.fallback.size()) - c.fallback_begin;
    c.overrides_begin = static_cast<uint32_t>(t_.overrides.size());
    if (auto r = add_overrides(s.overrides, where); !r) return r;
    c.overrides_count = static_cast<uint32_t>(t_.overrides.size()) - c.overrides_begin;
    t_.services.push_back(std::move(c));
    return {};
  }

  // Links sorted by priority; equal priorities keep the operator's order.
  Result<void> add_links(const Service& s, CompiledService& c, const std::string& where) {
    c.links_begin = static_cast<uint32_t>(t_.links.size());
    for (const ServicePool& sp : s.pools) {
      const auto pool = pool_index_.find(sp.pool);
      if (pool == pool_index_.end()) return std::unexpected(bad(where, "no pool " + sp.pool));
      t_.links.push_back({pool->second, sp.priority, sp.weight, sp.bias_km});
    }
    c.link_count = static_cast<uint32_t>(t_.links.size()) - c.links_begin;
    std::stable_sort(
        t_.links.begin() + c.links_begin, t_.links.end(),
        [](const CompiledLink& a, const CompiledLink& b) { return a.priority < b.priority; });
    return {};
  }

  Result<void> add_geo(const Service& s, CompiledService& c, const std::string& where) {
    c.geo_begin = static_cast<uint32_t>(t_.geo.size());
    for (const GeoEntry& entry : s.geo) {
      CompiledGeoEntry g;
      if (!parse_match(entry.match, g))
        return std::unexpected(bad(where, "bad geo match " + entry.match));
      g.links_begin = static_cast<uint32_t>(t_.geo_links.size());
      for (const std::string& pool : entry.pools) {
        const uint32_t link = link_of(c, pool);
        if (link == kNoLink) return std::unexpected(bad(where, "geo pool not linked: " + pool));
        t_.geo_links.push_back(link);
      }
      g.link_count = static_cast<uint32_t>(t_.geo_links.size()) - g.links_begin;
      t_.geo.push_back(g);
    }
    c.geo_count = static_cast<uint32_t>(t_.geo.size()) - c.geo_begin;
    return {};
  }

  static constexpr uint32_t kNoLink = 0xFFFFFFFFu;

  // The offset (from c.links_begin) of the link to `pool`.
  uint32_t link_of(const CompiledService& c, const std::string& pool) const {
    const auto it = pool_index_.find(pool);
    if (it == pool_index_.end()) return kNoLink;
    for (uint32_t i = 0; i < c.link_count; ++i)
      if (t_.links[c.links_begin + i].pool == it->second) return i;
    return kNoLink;
  }

  static bool parse_match(const std::string& match, CompiledGeoEntry& g) {
    const std::string_view m = match;
    if (m == "default") {
      g.kind = GeoMatchKind::kDefault;
    } else if (m.starts_with("country:") && m.size() == 10) {
      g.kind = GeoMatchKind::kCountry;
      copy_code(match.substr(8), g.code);
    } else if (m.starts_with("continent:") && m.size() == 12) {
      g.kind = GeoMatchKind::kContinent;
      copy_code(match.substr(10), g.code);
    } else if (auto net = m.starts_with("cidr:") ? gslb::network_of(m.substr(5)) : std::nullopt) {
      g.kind = GeoMatchKind::kCidr;
      g.network = *net;
    } else {
      return false;
    }
    return true;
  }

  Result<void> add_overrides(const std::vector<CidrOverride>& list, const std::string& where) {
    for (const CidrOverride& o : list) {
      const auto net = gslb::network_of(o.network);
      const auto region = region_index_.find(o.region);
      if (!net || region == region_index_.end())
        return std::unexpected(bad(where, "bad override " + o.network + " -> " + o.region));
      CompiledOverride c{*net, region->second};
      t_.overrides.push_back(c);
    }
    return {};
  }

  ServiceTable& t_;
  std::unordered_map<std::string, uint32_t> region_index_;
  std::unordered_map<std::string, uint32_t> pool_index_;
};

}  // namespace

Result<void> compile_services(const GslbConfig& gslb, ServiceTable& table) {
  return ServiceCompiler(table).run(gslb);
}

}  // namespace zones
