// Query building with ldns, and UDP/TCP exchanges with ID matching.
#include "tests/support/dns_client.h"

#include <arpa/inet.h>
#include <algorithm>
#include <random>
#include <stdexcept>
#include <thread>

namespace testsupport {
namespace {

uint16_t random_id() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return static_cast<uint16_t>(std::uniform_int_distribution<int>(1, 65535)(rng));
}

uint16_t query_flags(const Query& q) {
  uint16_t flags = 0;
  if (q.rd) flags |= LDNS_RD;
  if (q.cd) flags |= LDNS_CD;
  if (q.ad) flags |= LDNS_AD;
  return flags;
}

Bytes options_wire(const std::vector<EdnsOption>& options) {
  Bytes out;
  for (const auto& o : options) {
    out.push_back(static_cast<uint8_t>(o.code >> 8));
    out.push_back(static_cast<uint8_t>(o.code));
    out.push_back(static_cast<uint8_t>(o.data.size() >> 8));
    out.push_back(static_cast<uint8_t>(o.data.size()));
    out.insert(out.end(), o.data.begin(), o.data.end());
  }
  return out;
}

void add_edns(ldns_pkt* pkt, const Query& q) {
  ldns_pkt_set_edns_udp_size(pkt, q.payload);
  ldns_pkt_set_edns_version(pkt, q.edns_version);
  ldns_pkt_set_edns_do(pkt, q.do_bit);
  if (q.options.empty()) return;
  const Bytes raw = options_wire(q.options);
  ldns_pkt_set_edns_data(pkt, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, raw.size(), raw.data()));
}

}  // namespace

Bytes build_query(const Query& q) {
  ldns_rdf* name = ldns_dname_new_frm_str(q.qname.c_str());
  if (name == nullptr) throw std::invalid_argument("bad query name \"" + q.qname + "\"");
  PktPtr pkt(ldns_pkt_query_new(name, static_cast<ldns_rr_type>(q.qtype),
                                static_cast<ldns_rr_class>(q.qclass), query_flags(q)));
  ldns_pkt_set_id(pkt.get(), q.id != 0 ? q.id : random_id());
  ldns_pkt_set_opcode(pkt.get(), static_cast<ldns_pkt_opcode>(q.opcode));
  if (q.edns) add_edns(pkt.get(), q);
  uint8_t* wire = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&wire, pkt.get(), &size) != LDNS_STATUS_OK)
    throw std::invalid_argument("ldns_pkt2wire failed for " + q.qname);
  Bytes out(wire, wire + size);
  LDNS_FREE(wire);
  return out;
}

EdnsOption ecs_option(const std::string& address, uint8_t source_prefix, uint8_t scope) {
  uint8_t addr[16] = {};
  const bool v6 = address.find(':') != std::string::npos;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, address.c_str(), addr) != 1)
    throw std::invalid_argument("bad ECS address " + address);
  EdnsOption o;
  o.code = LDNS_EDNS_CLIENT_SUBNET;
  o.data = {0, static_cast<uint8_t>(v6 ? 2 : 1), source_prefix, scope};
  // Only the bytes covered by the source prefix are sent (RFC 7871 6).
  const size_t covered = std::min<size_t>((source_prefix + 7) / 8, v6 ? 16 : 4);
  for (size_t i = 0; i < covered; ++i) o.data.push_back(addr[i]);
  return o;
}

uint16_t parse_type(const std::string& text) {
  const ldns_rr_type t = ldns_get_rr_type_by_name(text.c_str());
  if (t == 0 && text != "TYPE0") throw std::invalid_argument("unknown type " + text);
  return static_cast<uint16_t>(t);
}

uint16_t parse_class(const std::string& text) {
  const ldns_rr_class c = ldns_get_rr_class_by_name(text.c_str());
  if (c == 0) throw std::invalid_argument("unknown class " + text);
  return static_cast<uint16_t>(c);
}

uint16_t wire_id(const Bytes& wire) {
  return wire.size() < 2 ? 0 : static_cast<uint16_t>(wire[0] << 8 | wire[1]);
}

void set_wire_id(Bytes& wire, uint16_t id) {
  if (wire.size() < 2) return;
  wire[0] = static_cast<uint8_t>(id >> 8);
  wire[1] = static_cast<uint8_t>(id);
}

std::optional<Bytes> exchange(const Endpoint& server, const Bytes& query, Transport transport,
                              std::chrono::milliseconds timeout) {
  if (transport == Transport::kTcp) {
    TcpConnection conn(server, timeout);
    if (!conn.send_message(query)) return std::nullopt;
    return conn.read_message(timeout);
  }
  UdpSocket sock(server);
  sock.send(query);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto reply = sock.recv(left);
    if (!reply) return std::nullopt;
    if (wire_id(*reply) == wire_id(query)) return reply;
  }
}

std::optional<Bytes> exchange(const Endpoint& server, const Query& q, Transport transport,
                              std::chrono::milliseconds timeout) {
  return exchange(server, build_query(q), transport, timeout);
}

std::vector<Bytes> exchange_pipelined(const Endpoint& server, const std::vector<Bytes>& queries,
                                      std::chrono::milliseconds timeout) {
  TcpConnection conn(server, timeout);
  Bytes all;
  for (const auto& q : queries) {
    const Bytes framed = TcpConnection::frame(q);
    all.insert(all.end(), framed.begin(), framed.end());
  }
  std::vector<Bytes> replies;
  if (!conn.send_raw(all)) return replies;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (replies.size() < queries.size()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto reply = conn.read_message(std::max(left, std::chrono::milliseconds(1)));
    if (!reply) break;
    replies.push_back(std::move(*reply));
  }
  return replies;
}

PktPtr parse_packet(const Bytes& wire) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire.data(), wire.size()) != LDNS_STATUS_OK) return nullptr;
  return PktPtr(pkt);
}

bool wait_until_answers(const Endpoint& server, const std::string& zone,
                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto backoff = 5ms;
  Query q;
  q.qname = zone;
  q.qtype = LDNS_RR_TYPE_SOA;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto reply = exchange(server, q, Transport::kUdp, 200ms)) {
      PktPtr pkt = parse_packet(*reply);
      if (pkt && ldns_pkt_get_rcode(pkt.get()) == LDNS_RCODE_NOERROR &&
          ldns_pkt_ancount(pkt.get()) > 0)
        return true;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace testsupport
