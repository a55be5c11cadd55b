// answer_query: header, question echo, dispatch by class, EDNS OPT.
#include "server/responder.h"

#include <algorithm>
#include <cstring>

#include "server/metrics.h"
#include "server/query_log.h"
#include "server/response.h"
#include "server/wire.h"

namespace server {
namespace {

// The largest response this client may receive (RFC 6891 §6.2.5: never more
// than the requestor's payload, and never less than 512).
size_t response_limit(const ResponderConfig& cfg, const ParsedQuery& q, Transport transport) {
  if (transport == Transport::kTcp) return kMaxMessage;
  if (!q.has_edns) return 512;
  return std::clamp<size_t>(q.udp_payload, 512, std::max<uint16_t>(cfg.max_udp_payload, 512));
}

size_t opt_size(const ParsedQuery& q) {
  return 11 + (q.has_ecs ? 4 + q.ecs.data_len() : 0);
}

// RFC 6891 OPT: our payload size, the extended rcode bits, DO echoed
// (RFC 3225), and the Client Subnet option echoed with the scope the answer
// depends on: 0 for static answers, the selector's for services (RFC 7871
// §7.2.1).
size_t add_opt(const ResponderConfig& cfg, const ParsedQuery& q, const Outcome& o, uint8_t* at) {
  at[0] = 0;
  put16(at + 1, rtype::kOpt);
  put16(at + 3, cfg.max_udp_payload);
  at[5] = static_cast<uint8_t>(o.rcode >> 4);
  at[6] = 0;  // version
  at[7] = q.dnssec_ok ? 0x80 : 0;
  at[8] = 0;
  size_t rdlen = 0;
  if (q.has_ecs) rdlen = geo::write_client_subnet(q.ecs, o.ecs_scope, at + 11);
  put16(at + 9, static_cast<uint16_t>(rdlen));
  return 11 + rdlen;
}

void write_header(uint8_t* out, const ParsedQuery& q, const Outcome& o, bool with_question) {
  uint16_t flags = flag::kQr | (q.flags & (0x7800 | flag::kRd | flag::kCd));
  if (o.authoritative) flags |= flag::kAa;
  if (o.truncated) flags |= flag::kTc;
  flags |= o.rcode & 0xF;
  put16(out, q.id);
  put16(out + 2, flags);
  put16(out + 4, with_question ? 1 : 0);
  put16(out + 6, o.counts[kAnswer]);
  put16(out + 8, o.counts[kAuthority]);
  put16(out + 10, o.counts[kAdditional]);
}

Outcome dispatch(const zones::Snapshot& snap, const ResponderConfig& cfg, QueryContext& ctx,
                 uint8_t* out, size_t limit) {
  const ParsedQuery& q = ctx.query;
  if (q.qclass == rclass::kIn) return resolve_in(snap, cfg, ctx, out, limit);
  if (q.qclass == rclass::kCh) return answer_chaos(cfg, q, out, limit);
  Outcome o;
  o.rcode = rcode::kRefused;
  o.end = q.question_end;
  return o;
}

}  // namespace

size_t answer_query(const zones::Snapshot& snap, const ResponderConfig& cfg, QueryContext& ctx,
                    const uint8_t* req, size_t req_len, uint8_t* out, Transport transport) {
  ParsedQuery& q = ctx.query;
  const ParseOutcome parsed = parse_query(req, req_len, q);
  if (parsed == ParseOutcome::kDrop) {
    if (ctx.metrics != nullptr) ctx.metrics->count_dropped();
    return 0;
  }
  const size_t question_end = q.question_ok ? q.question_end : kHeaderSize;
  std::memcpy(out + kHeaderSize, req + kHeaderSize, question_end - kHeaderSize);
  // A malformed OPT is not echoed: we could not trust what it said.
  const bool with_opt = q.has_edns && parsed != ParseOutcome::kFormErr;
  const size_t limit = response_limit(cfg, q, transport) - (with_opt ? opt_size(q) : 0);

  Outcome o;
  o.end = question_end;
  switch (parsed) {
    case ParseOutcome::kOk:
      o = dispatch(snap, cfg, ctx, out, limit);
      break;
    case ParseOutcome::kFormErr:
      o.rcode = rcode::kFormErr;
      break;
    case ParseOutcome::kNotImp:
      o.rcode = rcode::kNotImp;
      break;
    case ParseOutcome::kBadVers:
      o.rcode = rcode::kBadVers;
      break;
    case ParseOutcome::kDrop:
      return 0;
  }
  size_t end = o.end;
  if (with_opt) {
    end += add_opt(cfg, q, o, out + end);
    ++o.counts[kAdditional];
  }
  write_header(out, q, o, q.question_ok);
  if (ctx.metrics != nullptr) ctx.metrics->count_query(transport, q, o.rcode, o.truncated);
  if (ctx.sampler != nullptr)
    ctx.sampler->offer(q, ctx.peer, o.rcode, o.counts[kAnswer], transport == Transport::kTcp,
                       o.truncated);
  return end;
}

}  // namespace server
