// The optional sampled query log (gslbd --query-log-sample N). Each worker copies one query in
// N into its own fixed ring of samples: no allocation, no lock, no I/O on the query path (one
// writer, the worker; one reader, the control thread). After every store poll the control
// thread writes the waiting samples as `event=query` log lines (so a line's ts is up to one
// poll interval after the query). A full ring drops the sample and counts it: the log never
// slows the answers.
#pragma once

#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include "geo/client_subnet.h"
#include "server/query.h"

namespace server {

struct QuerySample {
  sockaddr_storage peer{};
  uint8_t qname[256] = {};  // wire form, lowercased
  uint16_t qname_len = 0;
  uint16_t qtype = 0;
  uint16_t rcode = 0;
  uint16_t answers = 0;
  bool tcp = false;
  bool truncated = false;
  bool has_ecs = false;
  geo::ClientSubnet ecs;
};

class QuerySampler {
 public:
  // One query in `every` is kept; 0 keeps none.
  explicit QuerySampler(uint32_t every) : every_(every), countdown_(every) {}
  QuerySampler(const QuerySampler&) = delete;
  QuerySampler& operator=(const QuerySampler&) = delete;

  bool enabled() const { return every_ != 0; }
  // Worker thread, after each answered query.
  void offer(const ParsedQuery& q, const sockaddr* peer, uint16_t rcode, uint16_t answers, bool tcp,
             bool truncated) {
    if (--countdown_ != 0) return;
    countdown_ = every_;
    keep(q, peer, rcode, answers, tcp, truncated);
  }
  // Control thread: each waiting sample, oldest first.
  void drain(const std::function<void(const QuerySample&)>& write);
  // Samples dropped because the ring was full (any thread).
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  static constexpr uint64_t kSlots = 256;
  void keep(const ParsedQuery& q, const sockaddr* peer, uint16_t rcode, uint16_t answers, bool tcp,
            bool truncated);

  const uint32_t every_;
  uint32_t countdown_;
  std::array<QuerySample, kSlots> ring_;
  std::atomic<uint64_t> written_{0};  // samples the worker has put in the ring
  std::atomic<uint64_t> read_{0};     // samples the control thread has taken out
  std::atomic<uint64_t> dropped_{0};
};

// The sample as one `event=query` log line's fields: client, port, transport, qname, qtype,
// ecs, rcode, answers, tc.
void log_query_sample(const QuerySample& sample);

}  // namespace server
