// The snapshot compiler: store rows -> nodes (with empty non-terminals),
// RRsets in both shapes, delegation cuts, wildcards, CNAME targets,
// additional-section links and the hash table.
#include "zones/compile.h"

#include <ldns/ldns.h>

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "zones/rr_encode.h"

namespace zones {
namespace {

Result<std::string> text_to_wire(const std::string& text, const std::string& where) {
  ldns_rdf* rdf = nullptr;
  if (ldns_str2rdf_dname(&rdf, text.c_str()) != LDNS_STATUS_OK || rdf == nullptr)
    return fail(ErrorCode::kInternal, where, "bad domain name \"" + text + "\"");
  std::string wire(reinterpret_cast<const char*>(ldns_rdf_data(rdf)), ldns_rdf_size(rdf));
  ldns_rdf_deep_free(rdf);
  return lower_wire(wire);
}

std::string soa_rdata(const std::string& mname, const std::string& rname, const SoaFields& soa) {
  std::string out = mname + rname;
  for (uint32_t v : {soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum})
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
  return out;
}

// The suffix of `wire` after its first label (its parent), or empty at root.
std::string_view parent_of(std::string_view wire) {
  if (wire.empty() || wire[0] == 0) return {};
  return wire.substr(static_cast<uint8_t>(wire[0]) + 1u);
}

// True when `name` is `apex` or below it (compared label by label).
bool is_under(std::string_view name, std::string_view apex) {
  while (name.size() > apex.size()) name = parent_of(name);
  return name == apex;
}

class Compiler {
 public:
  explicit Compiler(Snapshot& snap) : snap_(snap) {}

  Result<void> run(const std::vector<ZoneContent>& zones, const GslbConfig& gslb) {
    if (auto r = collect_apexes(zones); !r) return r;
    for (size_t z = 0; z < zones.size(); ++z)
      if (auto r = add_zone(zones[z], static_cast<uint32_t>(z)); !r) return r;
    if (auto r = compile_services(gslb, snap_.services); !r) return r;
    add_service_nodes();
    if (auto r = emit_rrsets(); !r) return r;
    link_nodes();
    link_services();
    build_table();
    link_targets();
    return {};
  }

 private:
  struct PendingNode {
    std::map<uint16_t, RrsetSource> rrsets;  // by type: RRsets come out sorted
  };

  Result<void> collect_apexes(const std::vector<ZoneContent>& zones) {
    for (const ZoneContent& zone : zones) {
      auto apex = text_to_wire(zone.info.name, "zone " + zone.info.name);
      if (!apex) return std::unexpected(apex.error());
      apexes_.push_back(*apex);
      apex_set_.insert(*apex);
    }
    return {};
  }

  // True when `owner` belongs to a zone of ours deeper than `apex` (the
  // child zone's data wins over the parent's delegation and glue).
  bool occluded_by_child_zone(std::string_view owner, std::string_view apex) const {
    for (std::string_view n = owner; n.size() > apex.size(); n = parent_of(n))
      if (apex_set_.contains(std::string(n))) return true;
    return false;
  }

  Result<void> add_zone(const ZoneContent& content, uint32_t zone_index) {
    const std::string& apex = apexes_[zone_index];
    Zone zone;
    zone.name = content.info.name;
    zone.apex = node_for(apex, zone_index);
    snap_.zones.push_back(zone);
    if (auto r = add_soa(content, zone_index); !r) return r;
    for (const RecordRow& row : content.records) {
      auto owner = text_to_wire(row.owner, zone.name);
      if (!owner) return std::unexpected(owner.error());
      if (!is_under(*owner, apex)) continue;
      const uint32_t n = occluded_by_child_zone(*owner, apex) ? parent_side_for(*owner, zone_index)
                                                              : node_for(*owner, zone_index);
      RrsetSource& set = pending_[n].rrsets[row.type];
      if (set.rdatas.empty() || row.ttl < set.ttl) set.ttl = row.ttl;
      set.owner_wire = *owner;
      set.type = row.type;
      set.rdatas.push_back(row.rdata_wire);
      ++snap_.record_count;
    }
    return {};
  }

  // Each service's owner becomes a node of the deepest zone containing it.
  void add_service_nodes() {
    for (CompiledService& service : snap_.services.services) {
      auto wire = text_to_wire(service.name, "service " + service.name);
      const uint32_t zone = wire ? deepest_zone(*wire) : kNone;
      if (zone != kNone) service.node = node_for(*wire, zone);
    }
  }

  uint32_t deepest_zone(const std::string& wire) const {
    uint32_t best = kNone;
    for (uint32_t z = 0; z < apexes_.size(); ++z)
      if (is_under(wire, apexes_[z]) && (best == kNone || apexes_[z].size() > apexes_[best].size()))
        best = z;
    return best;
  }

  // After link_nodes: a service at or below a delegation is not ours to answer.
  void link_services() {
    auto& services = snap_.services.services;
    for (uint32_t s = 0; s < services.size(); ++s) {
      if (services[s].node == kNone) continue;
      Node& node = snap_.nodes[services[s].node];
      if (node.cut == kNone)
        node.service = s;
      else
        services[s].node = kNone;
    }
  }

  Result<void> add_soa(const ZoneContent& content, uint32_t zone_index) {
    const ZoneInfo& info = content.info;
    auto mname = text_to_wire(info.soa.mname, info.name + " SOA mname");
    auto rname = text_to_wire(info.soa.rname, info.name + " SOA rname");
    if (!mname) return std::unexpected(mname.error());
    if (!rname) return std::unexpected(rname.error());
    // RrsetSource holds views: the SOA rdata lives in soa_rdata_ (a deque,
    // so earlier strings never move) until the compile ends.
    soa_rdata_.push_back(soa_rdata(*mname, *rname, info.soa));
    const std::string& apex = apexes_[zone_index];
    RrsetSource& set = pending_[snap_.zones[zone_index].apex].rrsets[LDNS_RR_TYPE_SOA];
    set = {apex, LDNS_RR_TYPE_SOA, info.soa_ttl, {soa_rdata_.back()}};
    negative_soa_.push_back(set);
    negative_soa_.back().ttl = std::min(info.soa_ttl, info.soa.minimum);
    ++snap_.record_count;
    return {};
  }

  // The node for `wire`, creating it and any missing ancestors up to the
  // zone apex (the empty non-terminals of RFC 4592 §2.2.2).
  uint32_t node_for(const std::string& wire, uint32_t zone) {
    if (auto it = index_.find(wire); it != index_.end()) return it->second;
    if (wire != apexes_[zone]) node_for(std::string(parent_of(wire)), zone);
    const uint32_t index = new_node(wire, zone, true);
    index_.emplace(wire, index);
    return index;
  }

  // A node for the parent zone's data at or below a child zone we also
  // serve (delegation NS, DS, glue): outside the name table, found only
  // through Node::parent_side and the parent's own links.
  uint32_t parent_side_for(const std::string& wire, uint32_t zone) {
    const auto key = std::make_pair(zone, wire);
    if (auto it = parent_side_index_.find(key); it != parent_side_index_.end()) return it->second;
    const uint32_t index = new_node(wire, zone, false);
    parent_side_index_.emplace(key, index);
    return index;
  }

  uint32_t new_node(const std::string& wire, uint32_t zone, bool in_table) {
    Node node;
    node.in_table = in_table;
    node.zone = zone;
    node.name_off = static_cast<uint32_t>(snap_.names.size());
    node.name_len = static_cast<uint8_t>(wire.size());
    snap_.names.insert(snap_.names.end(), wire.begin(), wire.end());
    NameLabels labels;
    split_name(reinterpret_cast<const uint8_t*>(wire.data()), wire.size(), labels);
    node.hash = labels.suffix_hash[0];
    node.label_count = static_cast<uint8_t>(labels.count);
    const uint32_t index = static_cast<uint32_t>(snap_.nodes.size());
    snap_.nodes.push_back(node);
    pending_.emplace_back();
    return index;
  }

  Result<void> emit_rrsets() {
    for (uint32_t n = 0; n < snap_.nodes.size(); ++n) {
      Node& node = snap_.nodes[n];
      node.rrsets_begin = static_cast<uint32_t>(snap_.rrsets.size());
      for (auto& [type, src] : pending_[n].rrsets)
        if (auto r = emit(src, node.zone); !r) return std::unexpected(r.error());
      node.rrset_count = static_cast<uint16_t>(snap_.rrsets.size() - node.rrsets_begin);
    }
    for (uint32_t z = 0; z < snap_.zones.size(); ++z) {
      Zone& zone = snap_.zones[z];
      zone.soa = snap_.find_rrset(zone.apex, LDNS_RR_TYPE_SOA);
      auto neg = emit(negative_soa_[z], z);
      if (!neg) return std::unexpected(neg.error());
      zone.soa_negative = *neg;
    }
    return {};
  }

  Result<uint32_t> emit(const RrsetSource& src, uint32_t zone) {
    Rrset rrset;
    if (!encode_rrset(src, apexes_[zone], snap_, rrset))
      return fail(ErrorCode::kInvalid, snap_.zones[zone].name,
                  "an RRset of type " + std::to_string(src.type) + " is larger than a DNS message");
    snap_.rrsets.push_back(rrset);
    return static_cast<uint32_t>(snap_.rrsets.size() - 1);
  }

  // Delegation cuts (topmost wins), wildcard children and CNAMEs. Parents are
  // created before children, so one pass in index order sees parents first.
  void link_nodes() {
    for (uint32_t n = 0; n < snap_.nodes.size(); ++n) {
      Node& node = snap_.nodes[n];
      const Zone& zone = snap_.zones[node.zone];
      const bool is_cut = snap_.find_rrset(n, LDNS_RR_TYPE_NS) != kNone;
      if (!node.in_table) {
        node.cut = is_cut ? n : kNone;
        continue;
      }
      node.cname = snap_.find_rrset(n, LDNS_RR_TYPE_CNAME);
      if (n == zone.apex) {
        node.parent_side = parent_side_of_apex(n);
        continue;
      }
      const std::string_view name = name_of(n);
      const uint32_t parent = index_.at(std::string(parent_of(name)));
      node.cut = snap_.nodes[parent].cut != kNone ? snap_.nodes[parent].cut : (is_cut ? n : kNone);
      if (name.size() >= 2 && name[0] == 1 && name[1] == '*') snap_.nodes[parent].wildcard = n;
    }
  }

  void build_table() {
    size_t size = 16;
    while (size < snap_.nodes.size() * 2) size *= 2;
    snap_.table.assign(size, 0);
    snap_.table_mask = size - 1;
    for (uint32_t n = 0; n < snap_.nodes.size(); ++n) {
      if (!snap_.nodes[n].in_table) continue;
      uint64_t slot = snap_.nodes[n].hash & snap_.table_mask;
      while (snap_.table[slot] != 0) slot = (slot + 1) & snap_.table_mask;
      snap_.table[slot] = n + 1;
    }
  }

  // CNAME targets and additional-section links, which need the table.
  void link_targets() {
    for (uint32_t n = 0; n < snap_.nodes.size(); ++n) {
      Node& node = snap_.nodes[n];
      if (node.cname != kNone) node.cname_target = resolve_target(n);
      for (uint32_t r = node.rrsets_begin; r < node.rrsets_begin + node.rrset_count; ++r)
        link_additional(r, node.zone, n);
    }
  }

  Resolution resolve_target(uint32_t n) {
    const std::string target = lower_wire(pending_[n].rrsets[LDNS_RR_TYPE_CNAME].rdatas[0]);
    NameLabels labels;
    if (!split_name(reinterpret_cast<const uint8_t*>(target.data()), target.size(), labels))
      return {};
    const Resolution res =
        snap_.resolve(reinterpret_cast<const uint8_t*>(target.data()), labels, false);
    // Chains are followed inside the zone only, as Knot and NSD do. A target
    // in a child zone of ours is, seen from this zone, below its delegation.
    const uint32_t zone = snap_.nodes[n].zone;
    if (res.zone == zone) return res;
    const uint32_t cut = delegation_towards(target, zone);
    if (cut != kNone) return {Found::kReferral, cut, zone};
    return {};
  }

  // The topmost parent-side delegation of `zone` on the way down to `name`.
  uint32_t delegation_towards(std::string_view name, uint32_t zone) const {
    uint32_t found = kNone;
    for (std::string_view n = name; n.size() > apexes_[zone].size(); n = parent_of(n)) {
      const auto it = parent_side_index_.find({zone, std::string(n)});
      if (it != parent_side_index_.end() && snap_.nodes[it->second].cut != kNone)
        found = it->second;
    }
    return found;
  }

  // The parent zone's data at a child zone's apex, if we serve the parent.
  uint32_t parent_side_of_apex(uint32_t apex) const {
    const std::string name(name_of(apex));
    uint32_t best = kNone;
    size_t best_len = 0;
    for (const auto& [key, index] : parent_side_index_) {
      const size_t len = apexes_[key.first].size();
      if (key.second == name && len > best_len) {
        best = index;
        best_len = len;
      }
    }
    return best;
  }

  // The node holding `name` as `zone` sees it: its parent-side data first.
  uint32_t node_in_zone(const std::string& name, uint32_t zone) const {
    if (auto it = parent_side_index_.find({zone, name}); it != parent_side_index_.end())
      return it->second;
    const auto it = index_.find(name);
    return it != index_.end() && snap_.nodes[it->second].zone == zone ? it->second : kNone;
  }

  void link_additional(uint32_t rrset_index, uint32_t zone, uint32_t n) {
    Rrset& rrset = snap_.rrsets[rrset_index];
    const auto it = pending_[n].rrsets.find(rrset.type);
    if (it == pending_[n].rrsets.end()) return;
    rrset.additional_off = static_cast<uint32_t>(snap_.additional.size());
    std::unordered_set<uint32_t> seen;
    for (std::string_view rdata : it->second.rdatas) {
      const std::string target = lower_wire(rdata_target(rrset.type, rdata));
      const uint32_t found = target.empty() ? kNone : node_in_zone(target, zone);
      if (found == kNone || !seen.insert(found).second) continue;
      for (uint16_t type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA})
        if (uint32_t r = snap_.find_rrset(found, type); r != kNone) snap_.additional.push_back(r);
    }
    rrset.additional_count = static_cast<uint16_t>(snap_.additional.size() - rrset.additional_off);
  }

  std::string_view name_of(uint32_t n) const {
    const Node& node = snap_.nodes[n];
    return {reinterpret_cast<const char*>(&snap_.names[node.name_off]), node.name_len};
  }

  Snapshot& snap_;
  std::vector<std::string> apexes_;
  std::unordered_set<std::string> apex_set_;
  std::unordered_map<std::string, uint32_t> index_;
  std::map<std::pair<uint32_t, std::string>, uint32_t> parent_side_index_;
  std::vector<PendingNode> pending_;
  std::vector<RrsetSource> negative_soa_;
  std::deque<std::string> soa_rdata_;
};

}  // namespace

Result<SnapshotPtr> compile_snapshot(const std::vector<ZoneContent>& zones, const GslbConfig& gslb,
                                     uint64_t generation) {
  auto snap = std::make_shared<Snapshot>();
  snap->generation = generation;
  Compiler compiler(*snap);
  if (auto r = compiler.run(zones, gslb); !r) return std::unexpected(r.error());
  return SnapshotPtr(std::move(snap));
}

}  // namespace zones
