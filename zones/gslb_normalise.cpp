// Canonical spellings of a GSLB configuration (see normalise_gslb in gslb_store.h).
#include "zones/gslb_internal.h"
#include "zones/names.h"

namespace zones {
namespace {

void upper(std::string& text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
}

void address(std::string& text) {
  if (auto canonical = gslb::canonical_address(text)) text = *canonical;
}

void network(std::string& text) {
  auto parsed = gslb::parse_network(text);
  if (parsed && !parsed->host_bits) text = parsed->text;
}

void geo_match(std::string& match) {
  for (std::string_view prefix : {"country:", "continent:"}) {
    if (match.starts_with(prefix)) {
      std::string code = match.substr(prefix.size());
      upper(code);
      match = std::string(prefix) + code;
    }
  }
  if (match.starts_with("cidr:")) {
    std::string net = match.substr(5);
    network(net);
    match = "cidr:" + net;
  }
}

void overrides(std::vector<CidrOverride>& list) {
  for (CidrOverride& o : list) network(o.network);
}

void monitor(Monitor& m) {
  upper(m.method);
  if (m.query_name) {
    if (auto name = canonical_name(*m.query_name, ".", "monitor.query_name")) {
      m.query_name = *name;
    }
  }
  upper(m.query_type);  // "aaaa" -> "AAAA"; validation checks that ldns knows it
  upper(m.expect_rcode);
}

}  // namespace

void normalise_gslb(GslbConfig& config) {
  for (Monitor& m : config.monitors) monitor(m);
  for (Region& r : config.regions) {
    upper(r.continent);
    upper(r.country);
  }
  for (Pool& p : config.pools) {
    for (Member& m : p.members) address(m.address);
  }
  for (Service& s : config.services) {
    if (auto name = canonical_name(s.name, ".", "service.name")) s.name = *name;
    for (std::string& a : s.fallback) address(a);
    for (GeoEntry& e : s.geo) geo_match(e.match);
    overrides(s.overrides);
  }
  overrides(config.overrides);
}

}  // namespace zones
