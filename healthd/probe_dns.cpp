// One DNS query over a connected UDP socket (the kernel then drops datagrams
// from other sources). Replies whose ID or question differ are ignored, as a
// resolver would, so that a stray packet cannot mark a member up.
#include "healthd/probe_dns.h"

#include <strings.h>

#include <memory>
#include <random>
#include <vector>

#include "healthd/probe_address.h"
#include "zones/ldns_util.h"

namespace healthd {
namespace {

constexpr size_t kMaxReply = 65535;

struct PacketFree {
  void operator()(ldns_pkt* packet) const { ldns_pkt_free(packet); }
};
using PacketPtr = std::unique_ptr<ldns_pkt, PacketFree>;

uint16_t random_id() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return static_cast<uint16_t>(rng());
}

std::string rcode_name(ldns_pkt_rcode rcode) {
  const ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, rcode);
  return entry != nullptr ? entry->name : "RCODE" + std::to_string(rcode);
}

std::string answer_count(uint16_t count) {
  return std::to_string(count) + (count == 1 ? " answer" : " answers");
}

class DnsProbe final : public ProbeRun {
 public:
  using ProbeRun::ProbeRun;

 private:
  void begin() override;
  void release() override;
  std::optional<std::string> build_query();
  bool matches_query(const ldns_pkt& reply) const;
  void on_reply(const uint8_t* data, size_t length);
  ProbeResult judge(const ldns_pkt& reply) const;

  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_recv(uv_udp_t* udp, ssize_t nread, const uv_buf_t* buf, const sockaddr* from,
                      unsigned flags);
  static void on_sent(uv_udp_send_t*, int) {}

  uv_udp_t udp_{};
  uv_udp_send_t send_{};
  bool udp_open_ = false;
  PacketPtr query_;
  std::vector<uint8_t> query_wire_;
  std::vector<char> reply_buffer_;
};

void DnsProbe::begin() {
  const auto target = member_socket_address(address(), monitor().port);
  if (!target) return finish_soon(probe_failure("bad address " + address()));
  if (auto error = build_query()) return finish_soon(probe_failure(std::move(*error)));
  if (const int rc = uv_udp_init(loop(), &udp_); rc != 0)
    return finish_soon(probe_failure(uv_error_reason("socket", rc)));
  udp_open_ = true;
  udp_.data = this;
  const auto* to = reinterpret_cast<const sockaddr*>(&*target);
  int rc = uv_udp_connect(&udp_, to);
  if (rc == 0) rc = uv_udp_recv_start(&udp_, on_alloc, on_recv);
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(query_wire_.data()),
                             static_cast<unsigned>(query_wire_.size()));
  if (rc == 0) rc = uv_udp_send(&send_, &udp_, &buf, 1, nullptr, on_sent);
  if (rc != 0) finish_soon(probe_failure(uv_error_reason("DNS", rc)));
}

// Encodes the query (random ID, RD off); an error text when the monitor's
// name or type cannot make one.
std::optional<std::string> DnsProbe::build_query() {
  const zones::Monitor& m = monitor();
  if (!m.query_name) return "dns monitor has no query_name";
  const ldns_rr_type type = ldns_get_rr_type_by_name(m.query_type.c_str());
  if (type == 0) return "unknown query type " + m.query_type;
  ldns_pkt* packet = nullptr;
  if (ldns_pkt_query_new_frm_str(&packet, m.query_name->c_str(), type, LDNS_RR_CLASS_IN, 0) !=
      LDNS_STATUS_OK)
    return "bad query name " + *m.query_name;
  query_.reset(packet);
  ldns_pkt_set_id(packet, random_id());
  uint8_t* wire = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&wire, packet, &size) != LDNS_STATUS_OK) return "cannot encode the query";
  query_wire_.assign(wire, wire + size);
  std::free(wire);
  return std::nullopt;
}

void DnsProbe::release() {
  if (udp_open_) close_handle(reinterpret_cast<uv_handle_t*>(&udp_));
  udp_open_ = false;
}

void DnsProbe::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto& buffer = static_cast<DnsProbe*>(handle->data)->reply_buffer_;
  buffer.resize(kMaxReply);
  *buf = uv_buf_init(buffer.data(), static_cast<unsigned>(buffer.size()));
}

void DnsProbe::on_recv(uv_udp_t* udp, ssize_t nread, const uv_buf_t* buf, const sockaddr*,
                       unsigned) {
  auto* probe = static_cast<DnsProbe*>(udp->data);
  if (probe->finished()) return;
  // An ICMP port unreachable comes back as ECONNREFUSED on a connected socket.
  if (nread < 0)
    return probe->finish(probe_failure(uv_error_reason("DNS", static_cast<int>(nread))));
  if (nread > 0)
    probe->on_reply(reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread));
}

void DnsProbe::on_reply(const uint8_t* data, size_t length) {
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, data, length) != LDNS_STATUS_OK) return;
  const PacketPtr reply(parsed);
  if (!matches_query(*reply)) return;
  finish(judge(*reply));
}

bool DnsProbe::matches_query(const ldns_pkt& reply) const {
  if (!ldns_pkt_qr(&reply) || ldns_pkt_id(&reply) != ldns_pkt_id(query_.get())) return false;
  const ldns_rr_list* asked = ldns_pkt_question(query_.get());
  const ldns_rr_list* echoed = ldns_pkt_question(&reply);
  if (ldns_rr_list_rr_count(echoed) != 1) return false;
  const ldns_rr* q = ldns_rr_list_rr(asked, 0);
  const ldns_rr* e = ldns_rr_list_rr(echoed, 0);
  return ldns_rr_get_type(q) == ldns_rr_get_type(e) &&
         ldns_rr_get_class(q) == ldns_rr_get_class(e) &&
         ldns_dname_compare(ldns_rr_owner(q), ldns_rr_owner(e)) == 0;
}

ProbeResult DnsProbe::judge(const ldns_pkt& reply) const {
  const zones::Monitor& m = monitor();
  ProbeResult result;
  result.rtt_us = elapsed_us();
  const std::string rcode = rcode_name(ldns_pkt_get_rcode(&reply));
  const uint16_t answers = ldns_pkt_ancount(&reply);
  if (strcasecmp(rcode.c_str(), m.expect_rcode.c_str()) != 0) {
    result.reason = "DNS " + rcode + " (expected " + m.expect_rcode + ")";
  } else if (m.expect_answer && answers == 0) {
    result.reason = "DNS " + rcode + " but no answer";
  } else {
    result.up = true;
    result.reason = "DNS " + rcode + ", " + answer_count(answers);
  }
  return result;
}

}  // namespace

ProbeRun* make_dns_probe(const ProbeContext& context, ProbeTarget target, ProbeDone done) {
  return new DnsProbe(context, std::move(target), std::move(done));
}

}  // namespace healthd
