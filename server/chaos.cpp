// CHAOS-class identity queries (version.bind, id.server, ...): answered only
// when the operator configured a string, else REFUSED like any foreign class.
#include <cstring>
#include <string_view>

#include "server/response.h"
#include "server/wire.h"

namespace server {
namespace {

// Lowercase wire names of the identity queries we know.
constexpr std::string_view kVersionBind("\7version\4bind\0", 14);
constexpr std::string_view kVersionServer("\7version\6server\0", 16);
constexpr std::string_view kIdServer("\2id\6server\0", 11);
constexpr std::string_view kHostnameBind("\10hostname\4bind\0", 15);

const std::string* chaos_text(const ResponderConfig& cfg, std::string_view name) {
  if (name == kVersionBind || name == kVersionServer) return &cfg.chaos_version;
  if (name == kIdServer || name == kHostnameBind) return &cfg.chaos_id;
  return nullptr;
}

}  // namespace

Outcome answer_chaos(const ResponderConfig& cfg, const ParsedQuery& q, uint8_t* out, size_t limit) {
  Outcome o;
  o.end = q.question_end;
  const std::string_view name(reinterpret_cast<const char*>(q.lname), q.qname_len);
  const std::string* text = chaos_text(cfg, name);
  if (text == nullptr || text->empty() || (q.qtype != rtype::kTxt && q.qtype != rtype::kAny)) {
    o.rcode = rcode::kRefused;
    return o;
  }
  const size_t len = std::min<size_t>(text->size(), 255);
  const size_t rr_size = 2 + 10 + 1 + len;
  o.authoritative = true;
  if (o.end + rr_size > limit) {
    o.truncated = true;
    return o;
  }
  uint8_t* at = out + o.end;
  put16(at, 0xC000 | kHeaderSize);
  put16(at + 2, rtype::kTxt);
  put16(at + 4, rclass::kCh);
  put32(at + 6, 0);
  put16(at + 10, static_cast<uint16_t>(1 + len));
  at[12] = static_cast<uint8_t>(len);
  std::memcpy(at + 13, text->data(), len);
  o.end += rr_size;
  o.counts[kAnswer] = 1;
  return o;
}

}  // namespace server
