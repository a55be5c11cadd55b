// The query path never allocates: count every operator new while the
// responder answers a mix of questions, and require zero.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "tests/unit/snapshot_fixture.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Replacing the global operator new/delete is how the standard lets a
// program observe allocations; GCC cannot see that free() pairs with it.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

TEST_CASE("answering queries allocates nothing") {
  auto zone = fixture::zone_from_text("example.test.", R"(
example.test. 3600 IN SOA ns1.example.test. h.example.test. 1 3600 600 604800 300
example.test. 3600 IN NS ns1.example.test.
example.test. 3600 IN MX 10 mail.example.test.
ns1.example.test. 3600 IN A 192.0.2.53
mail.example.test. 3600 IN A 192.0.2.25
www.example.test. 60 IN A 192.0.2.1
alias.example.test. 60 IN CNAME www.example.test.
*.wild.example.test. 60 IN TXT "wild"
sub.example.test. 3600 IN NS ns.sub.example.test.
ns.sub.example.test. 3600 IN A 192.0.2.77
)");
  auto snap = fixture::compile({zone});
  std::vector<std::vector<uint8_t>> queries;
  for (const char* name :
       {"www.example.test.", "alias.example.test.", "x.wild.example.test.", "nope.example.test.",
        "a.sub.example.test.", "example.test.", "other.org."})
    for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_MX, LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_ANY})
      for (bool edns : {false, true})
        queries.push_back(fixture::query_wire(name, type, {.edns = edns}));
  server::ResponderConfig cfg;
  server::QueryContext ctx;
  std::vector<uint8_t> out(server::kMaxMessage);

  const long probe = g_allocations.load();
  int* volatile sink = new int(1);  // the counter itself works (volatile: not elided)
  delete sink;
  REQUIRE(g_allocations.load() == probe + 1);

  const long before = g_allocations.load();
  size_t answered = 0;
  for (int round = 0; round < 100; ++round)
    for (const auto& q : queries)
      answered +=
          server::answer_query(*snap, cfg, ctx, q.data(), q.size(), out.data(),
                               round % 2 ? server::Transport::kTcp : server::Transport::kUdp) > 0;
  CHECK(g_allocations.load() - before == 0);
  CHECK(answered == 100 * queries.size());
}
