// Name resolution over a compiled snapshot: the one place that decides
// exact match, delegation, wildcard or NXDOMAIN, for queries and for the
// compiler's precomputed CNAME targets alike.
#include "zones/snapshot.h"

namespace zones {

Resolution Snapshot::resolve(const uint8_t* name, const NameLabels& labels, bool ds_at_cut) const {
  // Longest existing suffix: the name itself, else its closest encloser.
  // Every name between an apex and an owner is a node (empty non-terminals
  // included), so the first hit is the closest encloser of RFC 4592.
  for (int i = 0; i <= labels.count; ++i) {
    const uint8_t* suffix = name + labels.label_off[i];
    const uint32_t index = find(suffix, labels.suffix_len(i), labels.suffix_hash[i]);
    if (index == kNone) continue;
    const Node& node = nodes[index];
    const bool exact = i == 0;
    if (exact && ds_at_cut && node.parent_side != kNone)
      return {Found::kNode, node.parent_side, nodes[node.parent_side].zone};
    if (node.cut != kNone && !(exact && ds_at_cut && node.cut == index))
      return {Found::kReferral, node.cut, node.zone};
    if (exact) return {Found::kNode, index, node.zone};
    if (node.wildcard != kNone) return {Found::kWildcard, node.wildcard, node.zone};
    return {Found::kNxdomain, index, node.zone};
  }
  return {};
}

}  // namespace zones
