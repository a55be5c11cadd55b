// The request parser. Every read is bounds-checked; compression pointers in
// the question are refused (nothing precedes the question to point at), and
// names elsewhere are only skipped, never followed, so no pointer can loop.
#include "server/query.h"

#include "server/wire.h"

namespace server {
namespace {

// Copies the question name lowercased into q.lname. False if malformed.
bool read_qname(const uint8_t* msg, size_t len, size_t& pos, ParsedQuery& q) {
  size_t out = 0;
  for (;;) {
    if (pos >= len) return false;
    const uint8_t label = msg[pos];
    if (label > 63) return false;  // pointer or reserved label type
    if (pos + 1 + label > len || out + 1 + label > 255) return false;
    q.lname[out++] = label;
    ++pos;
    if (label == 0) break;
    for (uint8_t i = 0; i < label; ++i) {
      const uint8_t c = msg[pos++];
      q.lname[out++] = (c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c + 32) : c;
    }
  }
  q.qname_len = out;
  return zones::split_name(q.lname, out, q.labels);
}

// Skips a possibly compressed name without following pointers.
bool skip_name(const uint8_t* msg, size_t len, size_t& pos) {
  for (;;) {
    if (pos >= len) return false;
    const uint8_t label = msg[pos];
    if ((label & 0xC0) == 0xC0) {
      pos += 2;
      return pos <= len;
    }
    if (label > 63) return false;
    pos += 1u + label;
    if (label == 0) return pos <= len;
  }
}

bool parse_options(const uint8_t* data, size_t len, ParsedQuery& q) {
  size_t pos = 0;
  while (pos < len) {
    if (pos + 4 > len) return false;
    const uint16_t code = get16(data + pos);
    const uint16_t opt_len = get16(data + pos + 2);
    pos += 4;
    if (pos + opt_len > len) return false;
    if (code == kEdnsOptionClientSubnet) {
      if (q.has_ecs || !geo::parse_client_subnet(data + pos, opt_len, q.ecs)) return false;
      q.has_ecs = true;
    }
    pos += opt_len;
  }
  return true;
}

// Reads one resource record of the additional section; picks up OPT.
bool read_additional(const uint8_t* msg, size_t len, size_t& pos, ParsedQuery& q) {
  const size_t owner = pos;
  if (!skip_name(msg, len, pos) || pos + 10 > len) return false;
  const uint16_t type = get16(msg + pos);
  const uint32_t ttl = get32(msg + pos + 4);
  const uint16_t rdlen = get16(msg + pos + 8);
  const uint8_t* rdata = msg + pos + 10;
  pos += 10;
  if (pos + rdlen > len) return false;
  pos += rdlen;
  if (type != rtype::kOpt) return true;
  // RFC 6891 §6.1.1: one OPT, owned by the root.
  if (q.has_edns || msg[owner] != 0) return false;
  q.has_edns = true;
  q.udp_payload = get16(msg + owner + 3);
  q.edns_version = static_cast<uint8_t>(ttl >> 16);
  q.dnssec_ok = (ttl & 0x8000) != 0;
  return parse_options(rdata, rdlen, q);
}

ParseOutcome parse_sections(const uint8_t* msg, size_t len, size_t pos, ParsedQuery& q) {
  const unsigned skipped = get16(msg + 6) + get16(msg + 8);
  for (unsigned i = 0; i < skipped; ++i) {
    if (!skip_name(msg, len, pos) || pos + 10 > len) return ParseOutcome::kFormErr;
    pos += 10u + get16(msg + pos + 8);
    if (pos > len) return ParseOutcome::kFormErr;
  }
  const unsigned additional = get16(msg + 10);
  for (unsigned i = 0; i < additional; ++i)
    if (!read_additional(msg, len, pos, q)) return ParseOutcome::kFormErr;
  if (pos != len) return ParseOutcome::kFormErr;  // bytes the counts do not account for
  if (q.has_edns && q.edns_version != 0) return ParseOutcome::kBadVers;
  return ParseOutcome::kOk;
}

}  // namespace

ParseOutcome parse_query(const uint8_t* msg, size_t len, ParsedQuery& q) {
  if (len < kHeaderSize) return ParseOutcome::kDrop;
  q.id = get16(msg);
  q.flags = get16(msg + 2);
  if (q.flags & flag::kQr) return ParseOutcome::kDrop;
  q.opcode = static_cast<uint8_t>((q.flags >> 11) & 0xF);
  q.question_ok = false;
  q.has_edns = false;
  q.has_ecs = false;
  const uint16_t qdcount = get16(msg + 4);
  size_t pos = kHeaderSize;
  if (qdcount == 1 && read_qname(msg, len, pos, q) && pos + 4 <= len) {
    q.qtype = get16(msg + pos);
    q.qclass = get16(msg + pos + 2);
    q.question_end = pos + 4;
    q.question_ok = true;
  }
  if (q.opcode != 0) return ParseOutcome::kNotImp;
  if (!q.question_ok) return ParseOutcome::kFormErr;
  return parse_sections(msg, len, q.question_end, q);
}

}  // namespace server
