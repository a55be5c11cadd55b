// The sampled query log's ring (server/query_log.h): one query in N is kept, a full ring
// drops and counts instead of blocking, and what is kept is the query as parsed.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <memory>
#include <vector>

#include "server/query_log.h"
#include "tests/support/dns_client.h"

namespace {

struct SampledQuery {
  server::ParsedQuery parsed;
  sockaddr_in peer{};

  explicit SampledQuery(const std::string& qname) {
    testsupport::Query q;
    q.qname = qname;
    q.qtype = LDNS_RR_TYPE_AAAA;
    q.edns = true;
    q.options = {testsupport::ecs_option("198.51.100.0", 24)};
    const testsupport::Bytes wire = testsupport::build_query(q);
    REQUIRE(server::parse_query(wire.data(), wire.size(), parsed) == server::ParseOutcome::kOk);
    peer.sin_family = AF_INET;
    peer.sin_port = htons(5300);
    inet_pton(AF_INET, "192.0.2.7", &peer.sin_addr);
  }
  void offer(server::QuerySampler& sampler) const {
    sampler.offer(parsed, reinterpret_cast<const sockaddr*>(&peer), 0, 1, false, false);
  }
};

std::vector<server::QuerySample> drained(server::QuerySampler& sampler) {
  std::vector<server::QuerySample> out;
  sampler.drain([&](const server::QuerySample& s) { out.push_back(s); });
  return out;
}

}  // namespace

TEST_CASE("query sampler: one query in N, as parsed") {
  const SampledQuery query("App.Gslb.Example.");
  auto sampler = std::make_unique<server::QuerySampler>(3);
  CHECK(sampler->enabled());
  for (int i = 0; i < 10; ++i) query.offer(*sampler);
  const auto samples = drained(*sampler);
  REQUIRE(samples.size() == 3);  // the 3rd, 6th and 9th
  const server::QuerySample& s = samples.front();
  CHECK(s.qtype == LDNS_RR_TYPE_AAAA);
  CHECK(std::string(reinterpret_cast<const char*>(s.qname), s.qname_len) ==
        std::string("\3app\4gslb\7example\0", 18));  // lowercased wire form
  CHECK(s.has_ecs);
  CHECK(s.ecs.source_prefix == 24);
  CHECK(s.answers == 1);
  const auto& peer = reinterpret_cast<const sockaddr_in&>(s.peer);
  CHECK(ntohs(peer.sin_port) == 5300);
  CHECK(drained(*sampler).empty());  // taken once
  CHECK(!server::QuerySampler(0).enabled());
}

TEST_CASE("query sampler: a full ring drops and counts; draining makes room again") {
  const SampledQuery query("www.gslb.example.");
  auto sampler = std::make_unique<server::QuerySampler>(1);
  for (int i = 0; i < 300; ++i) query.offer(*sampler);
  CHECK(sampler->dropped() == 300 - 256);
  CHECK(drained(*sampler).size() == 256);
  query.offer(*sampler);
  CHECK(drained(*sampler).size() == 1);
  CHECK(sampler->dropped() == 300 - 256);
}
