// Class IN answers from the snapshot: find_zone/find_name (Snapshot::resolve)
// then one of: static RRset, CNAME chain, referral, NODATA or NXDOMAIN.
#include <algorithm>

#include "server/client.h"
#include "server/metrics.h"
#include "server/response.h"
#include "server/selector/selector.h"
#include "server/wire.h"

namespace server {
namespace {

constexpr int kMaxChain = 16;  // CNAME hops followed before giving up

class InAnswer {
 public:
  InAnswer(const zones::Snapshot& snap, const ResponderConfig& cfg, QueryContext& ctx,
           const zones::Zone& zone, uint8_t* out, size_t limit)
      : snap_(snap),
        cfg_(cfg),
        ctx_(ctx),
        q_(ctx.query),
        zone_(zone),
        apex_ptr_(static_cast<uint16_t>(kHeaderSize + ctx.query.qname_len -
                                        snap.nodes[zone.apex].name_len)),
        w_(snap, out, ctx.query.question_end, limit, apex_ptr_) {}

  Outcome run(zones::Resolution res) {
    o_.authoritative = res.found != zones::Found::kReferral;
    uint16_t owner = kHeaderSize;  // the question name
    for (int hop = 0; hop <= kMaxChain; ++hop) {
      switch (res.found) {
        case zones::Found::kReferral:
          referral(res.node, hop == 0);
          return finish();
        case zones::Found::kNxdomain:
          o_.rcode = rcode::kNxDomain;
          negative();
          return finish();
        case zones::Found::kNode:
        case zones::Found::kWildcard:
          if (seen(res.node)) return finish();  // a CNAME loop: stop where it closes
          visited_[visited_count_++] = res.node;
          if (!node_answer(res.node, owner, res)) return finish();
          break;
        case zones::Found::kNotOurs:  // a CNAME leaving the zone: the resolver goes on
          return finish();
      }
    }
    return finish();
  }

 private:
  // Answers from `node`; returns true (and moves `owner`/`res` on) when a
  // CNAME must be followed.
  bool node_answer(uint32_t node_index, uint16_t& owner, zones::Resolution& res) {
    const zones::Node& node = snap_.nodes[node_index];
    // ANY matches the CNAME itself (RFC 1034 §4.3.2 step 3a): it is the answer, not a hop to
    // follow, which would add the target's RRset (RFC 8482: one RRset). Found by fuzz_wire.
    if (node.cname != zones::kNone && q_.qtype != rtype::kCname && q_.qtype != rtype::kAny) {
      const size_t at = w_.add(node.cname, kAnswer, owner);
      if (at == 0) return truncate();
      owner = static_cast<uint16_t>(at + 12);  // the CNAME's RDATA: its target's name
      res = node.cname_target;
      return owner < 0x4000;  // beyond that a compression pointer cannot reach it
    }
    if (node.service != zones::kNone && is_address_question() && service_answer(node, owner))
      return false;
    const uint32_t rrset =
        q_.qtype == rtype::kAny ? any_rrset(node) : snap_.find_rrset(node_index, q_.qtype);
    if (rrset == zones::kNone) {
      negative();
      return false;
    }
    if (w_.add(rrset, kAnswer, owner) == 0) return truncate();
    additional(rrset, false);
    return false;
  }

  bool is_address_question() const {
    return q_.qtype == rtype::kA || q_.qtype == rtype::kAaaa || q_.qtype == rtype::kAny;
  }

  // A service's A or AAAA answer, chosen now. ANY gets the A answer, or the
  // AAAA one (RFC 8482: one RRset). Returns false when ANY found neither, so
  // the name's static data answers it.
  bool service_answer(const zones::Node& node, uint16_t owner) {
    const zones::CompiledService& service = snap_.services.services[node.service];
    const Client client =
        client_for_query(q_, ctx_.peer, cfg_.ecs_max_prefix_v4, cfg_.ecs_max_prefix_v6);
    const SelectorEnv env{&snap_.services, cfg_.geodb, &ctx_.rng};
    for (uint16_t type : {rtype::kA, rtype::kAaaa}) {
      if (q_.qtype != rtype::kAny && q_.qtype != type) continue;
      const Selection sel = select(service, type, client, env);
      o_.ecs_scope = std::max(o_.ecs_scope, sel.scope_prefix);
      if (sel.count == 0) continue;
      for (uint32_t i = 0; i < sel.count; ++i)
        if (!w_.add_address(owner, type, sel.ttl, sel.answers[i]->address, kAnswer))
          return !truncate();
      // Counted once written: a truncated response carries no addresses.
      if (ctx_.metrics != nullptr) ctx_.metrics->count_answers(snap_.services, node.service, sel);
      return true;
    }
    if (q_.qtype == rtype::kAny) return false;
    negative();
    return true;
  }

  // RFC 8482: answer ANY with one RRset of the name, not all of them.
  uint32_t any_rrset(const zones::Node& node) const {
    return node.rrset_count == 0 ? zones::kNone : node.rrsets_begin;
  }

  void referral(uint32_t cut, bool cut_in_question) {
    const zones::Node& node = snap_.nodes[cut];
    const uint32_t ns = snap_.find_rrset(cut, rtype::kNs);
    const size_t at =
        cut_in_question ? w_.add(ns, kAuthority,
                                 static_cast<uint16_t>(kHeaderSize + q_.qname_len - node.name_len))
                        : w_.add_named(ns, kAuthority);
    if (at == 0) {
      truncate();
      return;
    }
    // RFC 9471: glue for in-domain name servers is not optional.
    additional(ns, true);
  }

  // NXDOMAIN and NODATA carry the SOA, with the negative TTL (RFC 2308 §3).
  void negative() {
    if (w_.add(zone_.soa_negative, kAuthority, apex_ptr_) == 0) truncate();
  }

  void additional(uint32_t rrset, bool required) {
    const zones::Rrset& r = snap_.rrsets[rrset];
    for (uint32_t i = 0; i < r.additional_count; ++i) {
      if (w_.add_named(snap_.additional[r.additional_off + i], kAdditional) != 0) continue;
      if (required) truncate();
      return;
    }
  }

  bool seen(uint32_t node) const {
    for (int i = 0; i < visited_count_; ++i)
      if (visited_[i] == node) return true;
    return visited_count_ == kMaxChain;
  }

  bool truncate() {
    o_.truncated = true;
    return false;
  }

  Outcome finish() {
    if (o_.truncated) {
      // A truncated answer carries the question only: the client retries over
      // TCP and must not cache a partial RRset (RFC 2181 §9).
      o_.end = q_.question_end;
      return o_;
    }
    for (int s = 0; s < 3; ++s) o_.counts[s] = w_.count(static_cast<Section>(s));
    o_.end = w_.pos();
    return o_;
  }

  const zones::Snapshot& snap_;
  const ResponderConfig& cfg_;
  QueryContext& ctx_;
  const ParsedQuery& q_;
  const zones::Zone& zone_;
  uint16_t apex_ptr_;
  AnswerWriter w_;
  Outcome o_;
  uint32_t visited_[kMaxChain];
  int visited_count_ = 0;
};

}  // namespace

Outcome resolve_in(const zones::Snapshot& snap, const ResponderConfig& cfg, QueryContext& ctx,
                   uint8_t* out, size_t limit) {
  const ParsedQuery& q = ctx.query;
  const zones::Resolution res = snap.resolve(q.lname, q.labels, q.qtype == rtype::kDs);
  if (res.found == zones::Found::kNotOurs || q.qtype == rtype::kAxfr || q.qtype == rtype::kIxfr) {
    Outcome o;
    o.rcode = rcode::kRefused;
    o.end = q.question_end;
    return o;
  }
  InAnswer answer(snap, cfg, ctx, snap.zones[res.zone], out, limit);
  return answer.run(res);
}

}  // namespace server
