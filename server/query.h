// parse_query: the first step of the query path. Reads header, question and
// OPT (EDNS0, Client Subnet) from a request without allocating.
#pragma once

#include <cstddef>
#include <cstdint>

#include "geo/client_subnet.h"
#include "zones/name_hash.h"

namespace server {

enum class ParseOutcome : uint8_t {
  kOk,
  kDrop,     // not worth a reply: too short, or a response (QR set)
  kFormErr,  // malformed; question_ok says whether the question can be echoed
  kNotImp,   // opcode other than QUERY
  kBadVers,  // EDNS version other than 0 (RFC 6891 §6.1.3)
};

// Everything the responder needs from a request. Lives in the worker's
// context and is overwritten per query.
struct ParsedQuery {
  uint16_t id = 0;
  uint16_t flags = 0;  // header flags word as received
  uint8_t opcode = 0;
  bool question_ok = false;
  size_t question_end = 0;  // offset just past QTYPE/QCLASS in the request
  size_t qname_len = 0;     // wire length of the question name
  uint8_t lname[256];       // the question name, lowercased
  zones::NameLabels labels;
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  bool has_edns = false;
  uint16_t udp_payload = 0;
  uint8_t edns_version = 0;
  bool dnssec_ok = false;
  bool has_ecs = false;
  geo::ClientSubnet ecs;
};

ParseOutcome parse_query(const uint8_t* msg, size_t len, ParsedQuery& q);

}  // namespace server
