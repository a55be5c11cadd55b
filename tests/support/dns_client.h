// An independent DNS client built on ldns (never on gslbd's own codec): build a query,
// send it over UDP or TCP, get the reply bytes back.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ldns/ldns.h>

#include "tests/support/net.h"
#include "tests/support/socket_io.h"

namespace testsupport {

enum class Transport { kUdp, kTcp };

struct EdnsOption {
  uint16_t code = 0;
  Bytes data{};
};

struct Query {
  std::string qname = ".";
  uint16_t qtype = LDNS_RR_TYPE_A;
  uint16_t qclass = LDNS_RR_CLASS_IN;
  uint16_t id = 0;  // 0: pick a random one
  uint8_t opcode = 0;
  bool rd = false;
  bool cd = false;
  bool ad = false;
  bool edns = false;
  uint16_t payload = 1232;
  uint8_t edns_version = 0;
  bool do_bit = false;
  std::vector<EdnsOption> options{};
};

// Wire form of `q`; throws std::invalid_argument for a name ldns rejects.
Bytes build_query(const Query& q);
// An EDNS Client Subnet option (RFC 7871 6) for an IPv4 or IPv6 address.
EdnsOption ecs_option(const std::string& address, uint8_t source_prefix, uint8_t scope = 0);
// "A", "TYPE65280", "CH"... to numbers; throw std::invalid_argument.
uint16_t parse_type(const std::string& text);
uint16_t parse_class(const std::string& text);

uint16_t wire_id(const Bytes& wire);  // 0 for a packet shorter than 2 bytes
void set_wire_id(Bytes& wire, uint16_t id);

// Sends one message and returns the reply (with the same ID over UDP), or nullopt on timeout.
std::optional<Bytes> exchange(const Endpoint& server, const Bytes& query, Transport transport,
                              std::chrono::milliseconds timeout = 2s);
std::optional<Bytes> exchange(const Endpoint& server, const Query& q, Transport transport,
                              std::chrono::milliseconds timeout = 2s);
// Writes all queries on one TCP connection in a single write, then reads replies until
// `queries.size()` arrived or the timeout; replies come back in arrival order.
std::vector<Bytes> exchange_pipelined(const Endpoint& server, const std::vector<Bytes>& queries,
                                      std::chrono::milliseconds timeout = 3s);

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktFree>;
// ldns's parse of a reply; null when ldns cannot parse it.
PktPtr parse_packet(const Bytes& wire);

// Polls `server` with SOA queries for `zone` (short backoff) until it answers; the
// readiness check for servers that do not announce themselves.
bool wait_until_answers(const Endpoint& server, const std::string& zone,
                        std::chrono::milliseconds timeout = 10s);

}  // namespace testsupport
