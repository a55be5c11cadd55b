// weighted: a candidate pool at random in proportion to its link weight, or
// with affinity=subnet a weighted rendezvous hash of the client's subnet
// (stable per subnet; adding a pool moves only the clients it wins).
#include <algorithm>
#include <cmath>

#include "server/selector/locate.h"
#include "server/selector/members.h"
#include "server/selector/policies.h"
#include "server/selector/pool_state.h"
#include "server/selector/trace.h"

namespace server::selector {
namespace {

uint64_t mix64(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t hash_bytes(const void* data, size_t len, uint64_t h = 0xCBF29CE484222325ull) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < len; ++i) h = (h ^ p[i]) * 0x100000001B3ull;  // FNV-1a
  return mix64(h);
}

// The client's subnet: /24 of IPv4, /56 of IPv6, at most the source prefix.
uint8_t affinity_key_len(const Client& client) {
  return std::min<uint8_t>(client.family == 1 ? 24 : 56, client.source_prefix);
}

uint64_t subnet_hash(const Client& client, uint8_t key_len) {
  uint8_t key[18] = {client.family, key_len};
  const unsigned full = key_len / 8u, rest = key_len % 8u;
  for (unsigned i = 0; i < full; ++i) key[2 + i] = client.address[i];
  if (rest) key[2 + full] = client.address[full] & static_cast<uint8_t>(0xFF00u >> rest);
  return hash_bytes(key, sizeof key);
}

}  // namespace

void choose_weighted(Context& ctx, Selection& sel) {
  uint32_t index[kMaxPools];
  double weight[kMaxPools];
  uint32_t n = 0;
  bool any_positive = false;
  for (uint32_t i = 0; i < ctx.pool_count; ++i) {
    if (!ctx.pools[i].candidate) continue;
    index[n] = i;
    weight[n] = ctx.link(ctx.pools[i]).weight;
    any_positive |= weight[n] > 0;
    ++n;
  }
  const bool affinity = ctx.service.affinity == zones::Affinity::kSubnet &&
                        (ctx.client.family == 1 || ctx.client.family == 2);
  if (!affinity) {
    PoolView& v = ctx.pools[index[pick_weighted(weight, n, ctx.rng)]];
    answer_from_pool(ctx, v, sel, ctx.rng);
    if (ctx.trace)
      ctx.trace->rule = format("weighted: %s drawn at random by weight (%u of %u up pools)",
                               pool_name(ctx, v).c_str(), ctx.link(v).weight, n);
    return;
  }
  // Weighted rendezvous hashing: score = -weight / ln(u), u = hash in (0, 1).
  const uint8_t key_len = affinity_key_len(ctx.client);
  const uint64_t key = subnet_hash(ctx.client, key_len);
  uint32_t best = 0;
  double best_score = -1;
  for (uint32_t k = 0; k < n; ++k) {
    const std::string& name = ctx.pool(ctx.pools[index[k]]).name;
    const uint64_t h = mix64(key ^ hash_bytes(name.data(), name.size()));
    const double u = (static_cast<double>(h >> 11) + 0.5) * 0x1.0p-53;
    const double w = any_positive ? weight[k] : 1.0;
    const double score = -w / std::log(u);
    if (score > best_score) {
      best_score = score;
      best = k;
    }
  }
  PoolView& v = ctx.pools[index[best]];
  Rng subnet_rng(mix64(key + 1));  // the same members for the same subnet, too
  answer_from_pool(ctx, v, sel, subnet_rng);
  ctx.scope_basis = ScopeBasis::kPrefix;
  ctx.scope_prefix = key_len;
  if (ctx.trace) {
    zones::Network subnet{.family = ctx.client.family, .prefix_len = key_len};
    const unsigned full = key_len / 8u, rest = key_len % 8u;
    for (unsigned i = 0; i < full; ++i) subnet.address[i] = ctx.client.address[i];
    if (rest)
      subnet.address[full] = ctx.client.address[full] & static_cast<uint8_t>(0xFF00u >> rest);
    ctx.trace->rule = format(
        "weighted, affinity=subnet: %s has the highest rendezvous score for client subnet %s",
        pool_name(ctx, v).c_str(), network_text(subnet).c_str());
  }
}

}  // namespace server::selector
