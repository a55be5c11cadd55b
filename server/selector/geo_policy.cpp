// geo: the most specific geo-map entry for the client (CIDR, longest prefix
// first; then country; then continent; then default), then the first
// candidate of its pool list; else the default entry's list; else the first
// candidate by priority.
#include <cstring>

#include "server/selector/locate.h"
#include "server/selector/members.h"
#include "server/selector/policies.h"
#include "server/selector/pool_state.h"
#include "server/selector/trace.h"

namespace server::selector {
namespace {

const char* kind_name(zones::GeoMatchKind kind) {
  switch (kind) {
    case zones::GeoMatchKind::kCidr:
      return "cidr";
    case zones::GeoMatchKind::kCountry:
      return "country";
    case zones::GeoMatchKind::kContinent:
      return "continent";
    case zones::GeoMatchKind::kDefault:
      return "default";
  }
  return "?";
}

std::string entry_text(const zones::CompiledGeoEntry& e) {
  if (e.kind == zones::GeoMatchKind::kCidr) return "cidr:" + network_text(e.network);
  if (e.kind == zones::GeoMatchKind::kDefault) return "default";
  return std::string(kind_name(e.kind)) + ":" + e.code;
}

bool code_equals(const char (&a)[3], const char (&b)[3]) {
  return a[0] != '\0' && std::strncmp(a, b, sizeof a) == 0;
}

// The first candidate in the entry's pool list, or -1.
int first_listed_candidate(const Context& ctx, const zones::CompiledGeoEntry& e) {
  for (uint32_t i = e.links_begin; i < e.links_begin + e.link_count; ++i) {
    const uint32_t offset = ctx.table.geo_links[i];
    if (offset < ctx.pool_count && ctx.pools[offset].candidate) return static_cast<int>(offset);
  }
  return -1;
}

}  // namespace

void choose_geo(Context& ctx, Selection& sel) {
  const zones::CompiledService& svc = ctx.service;
  const zones::CompiledGeoEntry* begin = ctx.table.geo.data() + svc.geo_begin;
  const zones::CompiledGeoEntry* end = begin + svc.geo_count;
  const zones::CompiledGeoEntry* match = nullptr;
  const zones::CompiledGeoEntry* fallback = nullptr;  // the default entry
  bool located_entries = false;
  for (const auto* e = begin; e != end; ++e) {
    if (e->kind == zones::GeoMatchKind::kCidr) {
      ctx.geo_cidr_used = true;
      if (network_matches(e->network, ctx.client) &&
          (!match || e->network.prefix_len > match->network.prefix_len))
        match = e;
    }
    located_entries |=
        e->kind == zones::GeoMatchKind::kCountry || e->kind == zones::GeoMatchKind::kContinent;
    if (e->kind == zones::GeoMatchKind::kDefault && !fallback) fallback = e;
  }
  if (match) {
    ctx.scope_basis = ScopeBasis::kPrefix;
    ctx.scope_prefix = match->network.prefix_len;
  } else if (located_entries) {
    use_location(ctx);
    const ClientLocation& loc = ctx.location;
    for (const auto* e = begin; e != end && !match && loc.found; ++e)
      if (e->kind == zones::GeoMatchKind::kCountry && code_equals(loc.country, e->code)) match = e;
    for (const auto* e = begin; e != end && !match && loc.found; ++e)
      if (e->kind == zones::GeoMatchKind::kContinent && code_equals(loc.continent, e->code))
        match = e;
    if (!match && !loc.found && ctx.trace) note(ctx, missing_location_reason(ctx));
  }
  if (!match) match = fallback;

  int chosen = match ? first_listed_candidate(ctx, *match) : -1;
  const char* how = "its first up pool";
  if (chosen < 0 && fallback && match != fallback) {
    chosen = first_listed_candidate(ctx, *fallback);
    how = "none of its pools is up, so the default entry's first up pool";
  }
  if (chosen < 0) {
    chosen = first_candidate(ctx);
    how = match ? "none of its pools is up, so the first up pool by priority"
                : "no entry matched, so the first up pool by priority";
  }
  PoolView& v = ctx.pools[chosen];
  answer_from_pool(ctx, v, sel, ctx.rng);
  if (ctx.trace) {
    if (match)
      ctx.trace->rule = format("geo: entry %s matched; %s: %s", entry_text(*match).c_str(), how,
                               pool_name(ctx, v).c_str());
    else
      ctx.trace->rule = format("geo: %s: %s", how, pool_name(ctx, v).c_str());
  }
}

}  // namespace server::selector
