// gslbd's query metrics: counters kept per worker (each worker thread is the
// only writer of its own), summed by the thread that scrapes them. Rendered as
// Prometheus text by render_gslbd_metrics (metrics_render.h).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "server/responder.h"
#include "server/selector/selector.h"
#include "zones/service_table.h"

namespace server {

// A counter with exactly one writer thread. A relaxed load and a relaxed
// store compile to a plain add on x86 (no lock prefix, no shared cache line
// fight); since only the owner writes, no increment is lost, and a reader on
// another thread always sees some recent whole value (never a torn one).
class Counter {
 public:
  void add(uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t read() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// The fixed label tables of gslb_queries_total: small on purpose, so the
// table is a flat array and every series exists from the start.
inline constexpr size_t kTransportSlots = 2;  // udp, tcp (Transport's values)
inline constexpr size_t kQtypeSlots = 11;     // A AAAA CNAME SOA NS MX TXT SRV CAA ANY other
inline constexpr size_t kRcodeSlots = 7;  // NOERROR NXDOMAIN REFUSED FORMERR SERVFAIL NOTIMP other
inline constexpr size_t kOtherQtype = kQtypeSlots - 1;
inline constexpr size_t kOtherRcode = kRcodeSlots - 1;

const char* transport_label(size_t slot);
const char* qtype_label(size_t slot);
const char* rcode_label(size_t slot);

inline size_t qtype_slot(uint16_t qtype) {
  switch (qtype) {
    case 1:
      return 0;  // A
    case 28:
      return 1;  // AAAA
    case 5:
      return 2;  // CNAME
    case 6:
      return 3;  // SOA
    case 2:
      return 4;  // NS
    case 15:
      return 5;  // MX
    case 16:
      return 6;  // TXT
    case 33:
      return 7;  // SRV
    case 257:
      return 8;  // CAA
    case 255:
      return 9;  // ANY
    default:
      return kOtherQtype;
  }
}

inline size_t rcode_slot(uint16_t rcode) {
  switch (rcode) {
    case 0:
      return 0;  // NOERROR
    case 3:
      return 1;  // NXDOMAIN
    case 5:
      return 2;  // REFUSED
    case 1:
      return 3;  // FORMERR
    case 2:
      return 4;  // SERVFAIL
    case 4:
      return 5;  // NOTIMP
    default:
      return kOtherRcode;
  }
}

// gslb_answers_total's key: (service name, pool name). Addresses from a
// service's when_all_down fallback list have the pool kFallbackPool, which
// no pool can be named (pool names are [a-z0-9._-]).
using AnswerKey = std::pair<std::string, std::string>;
inline constexpr const char* kFallbackPool = "(fallback)";
// Answers per member, for drill reports on a member target (not on the
// metrics page: one series per member is too many): (pool name, address
// as text, e.g. "192.0.2.10" or "2001:db8::10").
using MemberKey = std::pair<std::string, std::string>;

// Why gslbd closed a TCP connection itself (the client closing is not counted).
enum class TcpCloseReason : uint8_t { kIdle, kReadTimeout, kClientCap, kOversized, kCount };
inline constexpr size_t kTcpCloseReasons = static_cast<size_t>(TcpCloseReason::kCount);

// Every worker's counters added up (or one worker's), for rendering.
struct QueryTotals {
  uint64_t queries[kTransportSlots][kQtypeSlots][kRcodeSlots] = {};
  uint64_t truncated = 0;
  uint64_t dropped = 0;
  uint64_t rrl_dropped = 0;  // rate-limited answers not sent
  uint64_t rrl_slipped = 0;  // rate-limited answers sent truncated
  uint64_t tcp_closed[kTcpCloseReasons] = {};
  std::map<AnswerKey, uint64_t> answers;         // addresses answered per (service, pool)
  std::map<MemberKey, uint64_t> member_answers;  // times each member was answered
};

// One worker's counters.
//
// Answers per service and pool: a service/pool pair is a link of the
// snapshot's ServiceTable, so the query path adds to a flat array indexed by
// link (plus one slot per service for fallback addresses) that belongs to
// the bound snapshot. Snapshots are replaced on every configuration change
// and their indices mean nothing across them, so bind() - called by the
// worker when it switches snapshots, off the query path - folds the old
// array into name-keyed totals before it allocates the new snapshot's. The
// totals only grow: counters never go down while the process lives.
//
// Threads: count_* and bind() on the owning worker thread only (bind() also
// before that thread starts); collect() from any thread. bind() and
// collect() share a mutex (never taken per query); the query path reads the
// bound array without it, which is safe because only its own thread
// replaces it.
class WorkerMetrics {
 public:
  // Query path: a few relaxed adds, no lock, no allocation.
  void count_query(Transport transport, const ParsedQuery& q, uint16_t rcode, bool truncated) {
    const size_t qtype = q.question_ok ? qtype_slot(q.qtype) : kOtherQtype;
    queries_[static_cast<size_t>(transport)][qtype][rcode_slot(rcode)].add();
    if (truncated) truncated_.add();
  }
  void count_dropped() { dropped_.add(); }
  void count_rate_limited(bool slipped) { (slipped ? rrl_slipped_ : rrl_dropped_).add(); }
  void count_tcp_closed(TcpCloseReason why) { tcp_closed_[static_cast<size_t>(why)].add(); }
  // The addresses a selection answered for `service` (an index into
  // table.services). Ignored unless `table` is the bound one (explain and
  // tests answer from snapshots no worker serves).
  void count_answers(const zones::ServiceTable& table, uint32_t service, const Selection& sel);

  // Makes `table` the one answers are counted for. The previously bound
  // table must still be alive: its names key the folded totals.
  void bind(const zones::ServiceTable& table);

  // Adds this worker's counters into `totals`. Any thread. Per-member
  // answers (one entry per answered member: costly with many members) only
  // when `with_members` (drill reports; the metrics page has none).
  void collect(QueryTotals& totals, bool with_members = false) const;

 private:
  uint32_t answer_slot(const zones::ServiceTable& table, uint32_t service,
                       const zones::CompiledMember* answer) const;
  // Both with mutex_ held.
  void fold_bound(std::map<AnswerKey, uint64_t>& into) const;
  void fold_bound_members(std::map<MemberKey, uint64_t>& into) const;

  alignas(64) Counter queries_[kTransportSlots][kQtypeSlots][kRcodeSlots];
  Counter truncated_;
  Counter dropped_;
  Counter rrl_dropped_;
  Counter rrl_slipped_;
  Counter tcp_closed_[kTcpCloseReasons];

  mutable std::mutex mutex_;  // guards the members below against collect()
  const zones::ServiceTable* table_ = nullptr;
  std::unique_ptr<Counter[]> answer_slots_;  // table_->links.size() + services.size()
  std::unique_ptr<Counter[]> member_slots_;  // table_->members.size()
  std::map<AnswerKey, uint64_t> folded_;     // from tables bound before
  std::map<MemberKey, uint64_t> folded_members_;
};

}  // namespace server
