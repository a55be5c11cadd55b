// drill_changes(): two compiled service tables (now, and with the proposed drill), the same
// health and seed in both, every service asked from every client region (see the header).
#include "admin/drill_dry_run.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "admin/store_health.h"
#include "server/selector/selector.h"
#include "zones/compile.h"
#include "zones/gslb_store.h"
#include "zones/service_table.h"

namespace admin {
namespace {

using nlohmann::json;

// A client region: its label and the client the selector sees. `region` is the index in the
// table's regions that a synthetic override places it in, or -1 (default and cidr clients).
struct Probe {
  std::string label;
  server::Client client;
  int64_t region = -1;
};

void copy_code(char (&to)[3], const std::string& code) {
  std::memset(to, 0, sizeof to);
  std::memcpy(to, code.data(), std::min(code.size(), sizeof to - 1));
}

// The n-th address of 100::/64, as a full-length client.
server::Client discard_client(uint32_t n) {
  server::Client c;
  c.family = 2;
  c.address[0] = 0x01;
  for (int i = 0; i < 4; ++i) c.address[15 - i] = static_cast<uint8_t>(n >> (8 * i));
  c.source_prefix = 128;
  return c;
}

// Builds the probes of every service and the synthetic regions they need, once for both
// tables: located probes are shared by label ("country DE" asked by two services is one).
class ProbeSet {
 public:
  explicit ProbeSet(const zones::ServiceTable& table) : base_regions_(table.regions.size()) {
    for (size_t r = 0; r < base_regions_; ++r)
      located("region " + table.regions[r].name, static_cast<int64_t>(r));
  }

  // The probes for `service`: its geo map's located entries, every region, then default.
  std::vector<size_t> for_service(const zones::ServiceTable& table,
                                  const zones::CompiledService& service) {
    std::vector<size_t> out;
    for (uint32_t g = service.geo_begin; g < service.geo_begin + service.geo_count; ++g) {
      const size_t p = geo_probe(table, table.geo[g]);
      if (p != kNone && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
    for (size_t r = 0; r < base_regions_; ++r) out.push_back(r);
    out.push_back(default_probe());
    return out;
  }

  const Probe& operator[](size_t i) const { return probes_[i]; }

  // Adds the synthetic regions and global overrides that place the located probes.
  void place_in(zones::ServiceTable& table) const {
    if (table.global_overrides_begin + table.global_overrides_count != table.overrides.size()) {
      // Keep the global overrides one range: copy them to the end before adding ours.
      const auto begin = table.overrides.begin() + table.global_overrides_begin;
      std::vector<zones::CompiledOverride> global(begin, begin + table.global_overrides_count);
      table.global_overrides_begin = static_cast<uint32_t>(table.overrides.size());
      table.overrides.insert(table.overrides.end(), global.begin(), global.end());
    }
    table.regions.insert(table.regions.end(), extra_regions_.begin(), extra_regions_.end());
    for (const Probe& p : probes_) {
      if (p.region < 0) continue;
      zones::CompiledOverride o;
      o.network.family = p.client.family;
      o.network.prefix_len = 128;
      std::memcpy(o.network.address, p.client.address, sizeof o.network.address);
      o.region = static_cast<uint32_t>(p.region);
      table.overrides.push_back(o);
      ++table.global_overrides_count;
    }
  }

 private:
  static constexpr size_t kNone = static_cast<size_t>(-1);

  size_t find(const std::string& label) const {
    for (size_t i = 0; i < probes_.size(); ++i)
      if (probes_[i].label == label) return i;
    return kNone;
  }

  size_t located(const std::string& label, int64_t region) {
    probes_.push_back({label, discard_client(static_cast<uint32_t>(probes_.size() + 1)), region});
    return probes_.size() - 1;
  }

  size_t default_probe() {
    if (const size_t i = find("default"); i != kNone) return i;
    probes_.push_back({"default", server::Client{}, -1});
    return probes_.size() - 1;
  }

  // A client in a synthetic region with only a continent or country code.
  size_t coded(const zones::ServiceTable& table, const std::string& label, bool country,
               const std::string& code) {
    if (const size_t i = find(label); i != kNone) return i;
    zones::CompiledRegion region;
    region.name = label;
    if (country) {
      copy_code(region.country, code);
      for (size_t r = 0; r < base_regions_; ++r)
        if (code == table.regions[r].country)
          std::memcpy(region.continent, table.regions[r].continent, sizeof region.continent);
    } else {
      copy_code(region.continent, code);
    }
    extra_regions_.push_back(region);
    return located(label, static_cast<int64_t>(base_regions_ + extra_regions_.size() - 1));
  }

  size_t cidr(const zones::Network& net) {
    const std::string label = "cidr " + zones::address_text(net.family, net.address) + "/" +
                              std::to_string(net.prefix_len);
    if (const size_t i = find(label); i != kNone) return i;
    Probe p{label, server::Client{}, -1};
    p.client.family = net.family;
    std::memcpy(p.client.address, net.address, sizeof p.client.address);
    p.client.source_prefix = net.family == 1 ? 32 : 128;
    probes_.push_back(p);
    return probes_.size() - 1;
  }

  size_t geo_probe(const zones::ServiceTable& table, const zones::CompiledGeoEntry& e) {
    switch (e.kind) {
      case zones::GeoMatchKind::kContinent:
        return coded(table, std::string("continent ") + e.code, false, e.code);
      case zones::GeoMatchKind::kCountry:
        return coded(table, std::string("country ") + e.code, true, e.code);
      case zones::GeoMatchKind::kCidr:
        return cidr(e.network);
      case zones::GeoMatchKind::kDefault:
        return kNone;
    }
    return kNone;
  }

  size_t base_regions_;
  std::vector<Probe> probes_;
  std::vector<zones::CompiledRegion> extra_regions_;
};

// A: the service can answer IPv4 (a linked pool's member or a fallback address), else AAAA.
uint16_t qtype_for(const zones::ServiceTable& table, const zones::CompiledService& service) {
  for (uint32_t l = service.links_begin; l < service.links_begin + service.link_count; ++l) {
    const zones::CompiledPool& pool = table.pools[table.links[l].pool];
    for (uint32_t m = pool.members_begin; m < pool.members_begin + pool.member_count; ++m)
      if (table.members[m].family == 1) return 1;
  }
  for (uint32_t f = service.fallback_begin; f < service.fallback_begin + service.fallback_count;
       ++f)
    if (table.fallback[f].family == 1) return 1;
  return 28;
}

struct Answer {
  std::vector<std::string> addresses;  // sorted
  uint32_t ttl = 0;
  bool operator==(const Answer&) const = default;
};

Answer answer(const zones::ServiceTable& table, size_t s, uint16_t qtype,
              const server::Client& client) {
  server::Rng rng(kDryRunSeed);  // a fresh stream per question: before and after draw alike
  const server::SelectorEnv env{&table, nullptr, &rng};
  const server::Selection sel = server::select(table.services[s], qtype, client, env);
  Answer a;
  a.ttl = sel.ttl;
  for (uint32_t i = 0; i < sel.count; ++i)
    a.addresses.push_back(zones::address_text(*sel.answers[i]));
  std::sort(a.addresses.begin(), a.addresses.end());
  return a;
}

zones::Result<void> compile(const zones::GslbConfig& config, server::HealthView& health,
                            int64_t now_ms, zones::ServiceTable& table) {
  if (auto ok = zones::compile_services(config, table); !ok) return ok;
  health.apply(table, now_ms);
  return {};
}

}  // namespace

zones::Result<json> drill_changes(const zones::GslbConfig& config,
                                  const std::vector<zones::Drill>& running,
                                  const zones::Drill& proposed, server::HealthView& health,
                                  int64_t now_ms) {
  zones::GslbConfig now_config = config;
  zones::apply_drills(now_config, running);
  zones::GslbConfig drill_config = now_config;
  zones::apply_drills(drill_config, {proposed});
  zones::ServiceTable before, after;
  if (auto ok = compile(now_config, health, now_ms, before); !ok)
    return std::unexpected(ok.error());
  if (auto ok = compile(drill_config, health, now_ms, after); !ok)
    return std::unexpected(ok.error());

  ProbeSet probes(before);
  std::vector<std::vector<size_t>> asked;  // per service, before the tables grow
  for (const zones::CompiledService& service : before.services)
    asked.push_back(probes.for_service(before, service));
  probes.place_in(before);
  probes.place_in(after);

  json changes = json::array();
  for (size_t s = 0; s < before.services.size(); ++s) {
    const uint16_t qtype = qtype_for(before, before.services[s]);
    json clients = json::array();
    for (size_t p : asked[s]) {
      const Answer was = answer(before, s, qtype, probes[p].client);
      const Answer will = answer(after, s, qtype, probes[p].client);
      if (was == will) continue;
      clients.push_back({{"client", probes[p].label},
                         {"before", was.addresses},
                         {"after", will.addresses},
                         {"ttl_before", was.ttl},
                         {"ttl_after", will.ttl}});
    }
    if (!clients.empty())
      changes.push_back({{"service", before.services[s].name}, {"clients", std::move(clients)}});
  }
  return json{{"changes", changes},
              {"unchanged_services", before.services.size() - changes.size()}};
}

zones::Result<json> drill_dry_run(zones::Db& db, const zones::Drill& proposed,
                                  const server::Quorum& quorum, int64_t now_ms) {
  auto config = zones::GslbStore(db).load();
  if (!config) return std::unexpected(config.error());
  auto running = zones::DrillStore(db).running(now_ms);
  if (!running) return std::unexpected(running.error());
  auto health = store_health(db, quorum);
  if (!health) return std::unexpected(health.error());
  return drill_changes(*config, *running, proposed, *health, now_ms);
}

}  // namespace admin
