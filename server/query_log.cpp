// The sampled query log (see query_log.h).
#include "server/query_log.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "zones/log.h"
#include "zones/names.h"
#include "zones/records.h"

namespace server {
namespace {

std::string address_text(int family, const void* address) {
  char text[INET6_ADDRSTRLEN] = "";
  inet_ntop(family, address, text, sizeof text);
  return text;
}

std::string peer_text(const sockaddr_storage& peer, std::string& port) {
  if (peer.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(peer);
    port = std::to_string(ntohs(in.sin_port));
    return address_text(AF_INET, &in.sin_addr);
  }
  if (peer.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(peer);
    port = std::to_string(ntohs(in6.sin6_port));
    return address_text(AF_INET6, &in6.sin6_addr);
  }
  port = "-";
  return "-";
}

std::string ecs_text(const QuerySample& s) {
  if (!s.has_ecs) return "-";
  uint8_t address[16] = {};
  std::memcpy(address, s.ecs.address, s.ecs.address_len());
  const int family = s.ecs.family == 1 ? AF_INET : AF_INET6;
  return address_text(family, address) + "/" + std::to_string(s.ecs.source_prefix);
}

std::string qname_text(const QuerySample& s) {
  if (s.qname_len == 0) return "-";
  ldns_rdf* rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, s.qname_len, s.qname);
  if (rdf == nullptr) return "-";
  std::string text = zones::name_text(rdf);
  ldns_rdf_deep_free(rdf);
  return text;
}

const char* rcode_text(uint16_t rcode) {
  switch (rcode) {
    case 0:
      return "NOERROR";
    case 1:
      return "FORMERR";
    case 2:
      return "SERVFAIL";
    case 3:
      return "NXDOMAIN";
    case 4:
      return "NOTIMP";
    case 5:
      return "REFUSED";
    case 16:
      return "BADVERS";
    default:
      return "OTHER";
  }
}

}  // namespace

void QuerySampler::keep(const ParsedQuery& q, const sockaddr* peer, uint16_t rcode,
                        uint16_t answers, bool tcp, bool truncated) {
  const uint64_t written = written_.load(std::memory_order_relaxed);
  if (written - read_.load(std::memory_order_acquire) >= kSlots) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  QuerySample& s = ring_[written % kSlots];
  std::memset(&s.peer, 0, sizeof s.peer);
  if (peer != nullptr)
    std::memcpy(&s.peer, peer,
                peer->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
  s.qname_len = q.question_ok ? static_cast<uint16_t>(q.qname_len) : 0;
  std::memcpy(s.qname, q.lname, s.qname_len);
  s.qtype = q.qtype;
  s.rcode = rcode;
  s.answers = answers;
  s.tcp = tcp;
  s.truncated = truncated;
  s.has_ecs = q.has_ecs;
  s.ecs = q.ecs;
  written_.store(written + 1, std::memory_order_release);
}

void QuerySampler::drain(const std::function<void(const QuerySample&)>& write) {
  const uint64_t written = written_.load(std::memory_order_acquire);
  uint64_t read = read_.load(std::memory_order_relaxed);
  for (; read < written; ++read) write(ring_[read % kSlots]);
  read_.store(read, std::memory_order_release);
}

void log_query_sample(const QuerySample& s) {
  std::string port;
  const std::string client = peer_text(s.peer, port);
  zones::log_event(zones::LogLevel::kInfo, "query",
                   {{"client", client},
                    {"port", port},
                    {"transport", s.tcp ? "tcp" : "udp"},
                    {"qname", qname_text(s)},
                    {"qtype", zones::type_name(s.qtype)},
                    {"ecs", ecs_text(s)},
                    {"rcode", rcode_text(s.rcode)},
                    {"answers", std::to_string(s.answers)},
                    {"tc", s.truncated ? "1" : "0"}});
}

}  // namespace server
