// ask_dns and DnsWatch (dns_watch.h), on the ldns client of dns_client.h.
#include "tests/support/dns_watch.h"

#include <algorithm>

#include "tests/support/dns_client.h"

namespace testsupport {
namespace {

std::string rdata_text(const ldns_rr* rr) {
  char* text = ldns_rdf2str(ldns_rr_rdf(rr, 0));
  std::string out(text != nullptr ? text : "");
  free(text);
  return out;
}

std::string summary(const DnsAnswer& a) {
  if (a.addresses.empty()) return "rcode:" + std::to_string(a.rcode);
  std::string out;
  for (const auto& address : a.addresses) out += (out.empty() ? "" : ",") + address;
  return out;
}

}  // namespace

DnsAnswer ask_dns(const Endpoint& server, const std::string& name, const std::string& ecs_address,
                  uint8_t ecs_prefix, std::chrono::milliseconds timeout) {
  Query q;
  q.qname = name;
  q.edns = true;
  if (!ecs_address.empty()) q.options.push_back(ecs_option(ecs_address, ecs_prefix));
  DnsAnswer a;
  const auto reply = exchange(server, q, Transport::kUdp, timeout);
  if (!reply) return a;
  const PktPtr pkt = parse_packet(*reply);
  if (!pkt) return a;
  a.answered = true;
  a.rcode = ldns_pkt_get_rcode(pkt.get());
  const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    a.addresses.push_back(rdata_text(ldns_rr_list_rr(answer, i)));
    a.ttl = ldns_rr_ttl(ldns_rr_list_rr(answer, i));
  }
  std::sort(a.addresses.begin(), a.addresses.end());
  return a;
}

DnsWatch::DnsWatch(Endpoint server, std::vector<std::string> names,
                   std::chrono::milliseconds timeout)
    : server_(std::move(server)), names_(std::move(names)), timeout_(timeout) {
  thread_ = std::thread([this] { run(); });
}

DnsWatch::~DnsWatch() {
  stop();
}

void DnsWatch::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> DnsWatch::seen(const std::string& name) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [n, answer] : seen_)
    if (n == name) out.push_back(answer);
  return out;
}

void DnsWatch::run() {
  using Clock = std::chrono::steady_clock;
  while (!stopping_) {
    for (const std::string& name : names_) {
      const auto start = Clock::now();
      // A little over the limit, so a late answer is measured as late rather than lost.
      const DnsAnswer a = ask_dns(server_, name, "", 32, timeout_ * 2);
      const auto took =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      slowest_ms_ = std::max<int64_t>(slowest_ms_, took);
      if (!a.answered || took > timeout_.count()) {
        ++unanswered_;
        continue;
      }
      ++answered_;
      std::lock_guard lock(mutex_);
      const auto entry = std::make_pair(name, summary(a));
      if (std::find(seen_.begin(), seen_.end(), entry) == seen_.end()) seen_.push_back(entry);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // pacing, not synchronisation
  }
}

}  // namespace testsupport
