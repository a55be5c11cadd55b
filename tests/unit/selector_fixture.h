// Builds a zones::ServiceTable by hand for selector tests: regions, pools
// with members, services with links (sorted by priority, as the compiler
// does), geo maps, overrides and fallback addresses, plus helpers to set
// health, make clients and run select().
#pragma once

#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "server/selector/selector.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace selfix {

using zones::AdminState;
using zones::HealthState;

// Constructors rather than aggregates: -Wmissing-field-initializers.
struct MemberSpec {
  MemberSpec(std::string a, uint32_t w = 1, AdminState s = AdminState::kEnabled, std::string n = {})
      : address(std::move(a)), weight(w), admin(s), name(std::move(n)) {}
  MemberSpec(const char* a) : MemberSpec(std::string(a)) {}
  std::string address;
  uint32_t weight = 1;
  AdminState admin = AdminState::kEnabled;
  std::string name;  // label; empty = the address
};

struct PoolSpec {
  PoolSpec(std::string n, std::string r, std::vector<MemberSpec> m, uint32_t min = 1,
           AdminState s = AdminState::kEnabled)
      : name(std::move(n)),
        region(std::move(r)),
        members(std::move(m)),
        min_healthy(min),
        admin(s) {}
  std::string name;
  std::string region;
  std::vector<MemberSpec> members;
  uint32_t min_healthy = 1;
  AdminState admin = AdminState::kEnabled;
};

struct RegionSpec {
  RegionSpec(std::string n, double lat, double lon, std::string cont = {}, std::string ctry = {})
      : name(std::move(n)),
        latitude(lat),
        longitude(lon),
        continent(std::move(cont)),
        country(std::move(ctry)) {}
  std::string name;
  double latitude = 0, longitude = 0;
  std::string continent, country;
};

struct LinkSpec {
  LinkSpec(std::string p, int32_t prio = 1, uint32_t w = 1, double bias = 0)
      : pool(std::move(p)), priority(prio), weight(w), bias_km(bias) {}
  std::string pool;
  int32_t priority = 1;
  uint32_t weight = 1;
  double bias_km = 0;
};

struct GeoSpec {
  GeoSpec(std::string m, std::vector<std::string> p) : match(std::move(m)), pools(std::move(p)) {}
  std::string match;  // "cidr:NET/LEN", "country:CC", "continent:CC", "default"
  std::vector<std::string> pools;
};

struct OverrideSpec {
  OverrideSpec(std::string n, std::string r) : network(std::move(n)), region(std::move(r)) {}
  std::string network;
  std::string region;
};

struct ServiceSpec {
  std::string name = "www.gslb.test.";
  zones::Policy policy = zones::Policy::kFailover;
  std::vector<LinkSpec> links;
  uint32_t ttl = 30, degraded_ttl = 10, max_answers = 1;
  zones::WhenAllDown when_all_down = zones::WhenAllDown::kFailOpen;
  std::vector<std::string> fallback;
  zones::Affinity affinity = zones::Affinity::kNone;
  uint32_t tolerance_ms = 20;
  double load_threshold = 0.9;
  bool unknown_is_up = true;
  std::vector<GeoSpec> geo;
  std::vector<OverrideSpec> overrides;
};

struct TableSpec {
  std::vector<RegionSpec> regions;
  std::vector<PoolSpec> pools;
  std::vector<ServiceSpec> services;
  std::vector<OverrideSpec> overrides;  // global
};

inline uint8_t parse_address(const std::string& text, uint8_t* out) {
  const bool v6 = text.find(':') != std::string::npos;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), out) != 1)
    throw std::runtime_error("bad address: " + text);
  return v6 ? 2 : 1;
}

inline zones::Network parse_network(const std::string& text) {
  const auto slash = text.find('/');
  zones::Network net;
  net.family = parse_address(text.substr(0, slash), net.address);
  net.prefix_len =
      static_cast<uint8_t>(slash == std::string::npos ? (net.family == 1 ? 32 : 128)
                                                      : std::stoi(text.substr(slash + 1)));
  return net;
}

class Fixture {
 public:
  zones::ServiceTable table;

  explicit Fixture(const TableSpec& spec) { build(spec); }
  Fixture(const Fixture&) = delete;

  const zones::CompiledService& service(size_t i = 0) const { return table.services.at(i); }

  uint32_t member(const std::string& pool, const std::string& address) const {
    uint8_t addr[16] = {};
    const uint8_t family = parse_address(address, addr);
    const zones::CompiledPool& p = table.pools.at(pool_index(pool));
    for (uint32_t m = p.members_begin; m < p.members_begin + p.member_count; ++m)
      if (table.members[m].family == family &&
          std::equal(addr, addr + (family == 1 ? 4 : 16), table.members[m].address))
        return m;
    throw std::runtime_error("no member " + pool + "/" + address);
  }

  uint32_t pool_index(const std::string& name) const {
    for (uint32_t i = 0; i < table.pools.size(); ++i)
      if (table.pools[i].name == name) return i;
    throw std::runtime_error("no pool " + name);
  }

  void health(const std::string& pool, const std::string& address, HealthState state,
              uint32_t rtt_us = 0, uint16_t load_permille = 0) {
    set(member(pool, address), state, rtt_us, load_permille);
  }

  // Every member of the pool.
  void pool_health(const std::string& pool, HealthState state, uint32_t rtt_us = 0,
                   uint16_t load_permille = 0) {
    const zones::CompiledPool& p = table.pools.at(pool_index(pool));
    for (uint32_t m = p.members_begin; m < p.members_begin + p.member_count; ++m)
      set(m, state, rtt_us, load_permille);
  }

  void set(uint32_t m, HealthState state, uint32_t rtt_us, uint16_t load_permille) {
    table.health[m].state.store(static_cast<uint8_t>(state));
    table.health[m].rtt_us.store(rtt_us);
    table.health[m].load_permille.store(load_permille);
  }

 private:
  uint32_t region_index(const std::string& name) const {
    for (uint32_t i = 0; i < table.regions.size(); ++i)
      if (table.regions[i].name == name) return i;
    throw std::runtime_error("no region " + name);
  }

  static void copy_code(const std::string& code, char (&out)[3]) {
    out[0] = code.size() > 0 ? code[0] : '\0';
    out[1] = code.size() > 1 ? code[1] : '\0';
    out[2] = '\0';
  }

  void add_override(const OverrideSpec& o) {
    table.overrides.push_back({parse_network(o.network), region_index(o.region)});
  }

  void build(const TableSpec& spec) {
    for (const RegionSpec& r : spec.regions) {
      zones::CompiledRegion cr{.name = r.name, .latitude = r.latitude, .longitude = r.longitude};
      copy_code(r.continent, cr.continent);
      copy_code(r.country, cr.country);
      table.regions.push_back(cr);
    }
    for (const PoolSpec& p : spec.pools) {
      zones::CompiledPool cp{.name = p.name,
                             .region = region_index(p.region),
                             .members_begin = static_cast<uint32_t>(table.members.size()),
                             .member_count = static_cast<uint32_t>(p.members.size()),
                             .min_healthy = p.min_healthy,
                             .admin = p.admin};
      for (const MemberSpec& m : p.members) {
        zones::CompiledMember cm;
        cm.family = parse_address(m.address, cm.address);
        cm.weight = m.weight;
        cm.admin = m.admin;
        cm.pool = static_cast<uint32_t>(table.pools.size());
        cm.id = static_cast<int64_t>(table.members.size()) + 1;
        cm.label = m.name.empty() ? m.address : m.name;
        table.members.push_back(cm);
      }
      table.pools.push_back(cp);
    }
    for (const ServiceSpec& s : spec.services) {
      zones::CompiledService cs;
      cs.name = s.name;
      cs.policy = s.policy;
      cs.ttl = s.ttl;
      cs.degraded_ttl = s.degraded_ttl;
      cs.max_answers = s.max_answers;
      cs.when_all_down = s.when_all_down;
      cs.affinity = s.affinity;
      cs.tolerance_ms = s.tolerance_ms;
      cs.load_threshold = s.load_threshold;
      cs.unknown_is_up = s.unknown_is_up;
      // Links sorted by priority, stable.
      std::vector<LinkSpec> links = s.links;
      std::stable_sort(links.begin(), links.end(), [](const LinkSpec& a, const LinkSpec& b) {
        return a.priority < b.priority;
      });
      cs.links_begin = static_cast<uint32_t>(table.links.size());
      cs.link_count = static_cast<uint32_t>(links.size());
      for (const LinkSpec& l : links)
        table.links.push_back({pool_index(l.pool), l.priority, l.weight, l.bias_km});
      auto link_offset = [&](const std::string& pool) {
        for (uint32_t i = 0; i < links.size(); ++i)
          if (links[i].pool == pool) return i;
        throw std::runtime_error("pool not linked: " + pool);
      };
      cs.geo_begin = static_cast<uint32_t>(table.geo.size());
      cs.geo_count = static_cast<uint32_t>(s.geo.size());
      for (const GeoSpec& g : s.geo) {
        zones::CompiledGeoEntry e;
        const auto colon = g.match.find(':');
        const std::string kind = g.match.substr(0, colon);
        const std::string value = colon == std::string::npos ? "" : g.match.substr(colon + 1);
        if (kind == "cidr") {
          e.kind = zones::GeoMatchKind::kCidr;
          e.network = parse_network(value);
        } else if (kind == "country") {
          e.kind = zones::GeoMatchKind::kCountry;
          copy_code(value, e.code);
        } else if (kind == "continent") {
          e.kind = zones::GeoMatchKind::kContinent;
          copy_code(value, e.code);
        } else {
          e.kind = zones::GeoMatchKind::kDefault;
        }
        e.links_begin = static_cast<uint32_t>(table.geo_links.size());
        e.link_count = static_cast<uint32_t>(g.pools.size());
        for (const std::string& p : g.pools) table.geo_links.push_back(link_offset(p));
        table.geo.push_back(e);
      }
      cs.fallback_begin = static_cast<uint32_t>(table.fallback.size());
      cs.fallback_count = static_cast<uint32_t>(s.fallback.size());
      for (const std::string& a : s.fallback) {
        zones::CompiledMember cm;
        cm.family = parse_address(a, cm.address);
        cm.label = a;
        table.fallback.push_back(cm);
      }
      cs.overrides_begin = static_cast<uint32_t>(table.overrides.size());
      cs.overrides_count = static_cast<uint32_t>(s.overrides.size());
      for (const OverrideSpec& o : s.overrides) add_override(o);
      table.services.push_back(cs);
    }
    table.global_overrides_begin = static_cast<uint32_t>(table.overrides.size());
    table.global_overrides_count = static_cast<uint32_t>(spec.overrides.size());
    for (const OverrideSpec& o : spec.overrides) add_override(o);
    table.health = std::make_unique<zones::MemberHealth[]>(table.members.size());
  }
};

// A client: with `ecs_prefix` >= 0 an ECS address cut to that prefix, else a
// packet source address (full length).
inline server::Client client(const std::string& address, int ecs_prefix = -1) {
  server::Client c;
  c.family = parse_address(address, c.address);
  const int bits = c.family == 1 ? 32 : 128;
  c.from_ecs = ecs_prefix >= 0;
  c.source_prefix = static_cast<uint8_t>(c.from_ecs ? ecs_prefix : bits);
  for (int b = c.source_prefix; b < bits; ++b)
    c.address[b / 8] &= static_cast<uint8_t>(~(0x80u >> (b % 8)));
  return c;
}

inline constexpr uint16_t kA = 1, kAAAA = 28;

// Runs select() for service `svc` of the fixture.
struct Runner {
  const Fixture& fx;
  server::Rng rng{42};
  const geo::GeoDb* geodb = nullptr;

  server::Selection operator()(uint16_t qtype, const server::Client& c,
                               server::Trace* trace = nullptr, size_t svc = 0) {
    server::SelectorEnv env{.table = &fx.table, .geodb = geodb, .rng = &rng};
    return server::select(fx.service(svc), qtype, c, env, trace);
  }
};

// The pool of the first answer, "" when none.
inline std::string pool_of(const Fixture& fx, const server::Selection& sel) {
  return sel.count ? fx.table.pools.at(sel.answers[0]->pool).name : "";
}

inline std::vector<std::string> addresses(const server::Selection& sel) {
  std::vector<std::string> out;
  for (uint32_t i = 0; i < sel.count; ++i) out.push_back(address_text(*sel.answers[i]));
  return out;
}

// The GeoIP2-City test database (tests/data/make_test_mmdb.pl) in `dir`.
inline std::string make_test_mmdb(const testsupport::TempDir& dir) {
  const std::string out = (dir.path() / "test.mmdb").string();
  const testsupport::RunResult r = testsupport::run_program(
      {"/usr/bin/perl", std::string(GSLB_SOURCE_DIR) + "/tests/data/make_test_mmdb.pl", out});
  if (r.status != 0) throw std::runtime_error("make_test_mmdb.pl failed: " + r.err);
  return out;
}

}  // namespace selfix
