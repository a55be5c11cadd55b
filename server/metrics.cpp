// WorkerMetrics: answers per service/pool across snapshot switches, and
// summing a worker's counters for a scrape.
#include "server/metrics.h"

#include <functional>

namespace server {
namespace {

constexpr const char* kTransportLabels[kTransportSlots] = {"udp", "tcp"};
constexpr const char* kQtypeLabels[kQtypeSlots] = {"A",   "AAAA", "CNAME", "SOA", "NS",   "MX",
                                                   "TXT", "SRV",  "CAA",   "ANY", "other"};
constexpr const char* kRcodeLabels[kRcodeSlots] = {"NOERROR",  "NXDOMAIN", "REFUSED", "FORMERR",
                                                   "SERVFAIL", "NOTIMP",   "other"};

size_t slot_count(const zones::ServiceTable& table) {
  return table.links.size() + table.services.size();
}

bool is_fallback(const zones::ServiceTable& table, const zones::CompiledMember* answer) {
  if (table.fallback.empty()) return false;
  // std::less: a total order even for pointers into different arrays.
  const std::less<const zones::CompiledMember*> before;
  return !before(answer, table.fallback.data()) &&
         before(answer, table.fallback.data() + table.fallback.size());
}

}  // namespace

const char* transport_label(size_t slot) {
  return kTransportLabels[slot];
}
const char* qtype_label(size_t slot) {
  return kQtypeLabels[slot];
}
const char* rcode_label(size_t slot) {
  return kRcodeLabels[slot];
}

// Slot = the index of the service's link to the answer's pool; fallback
// addresses (and, defensively, a pool the service does not link) go to the
// service's own slot after all links. A service links few pools, so the
// scan is a handful of compares.
uint32_t WorkerMetrics::answer_slot(const zones::ServiceTable& table, uint32_t service,
                                    const zones::CompiledMember* answer) const {
  const uint32_t own = static_cast<uint32_t>(table.links.size()) + service;
  if (is_fallback(table, answer)) return own;
  const zones::CompiledService& s = table.services[service];
  for (uint32_t l = s.links_begin; l < s.links_begin + s.link_count; ++l)
    if (table.links[l].pool == answer->pool) return l;
  return own;
}

void WorkerMetrics::count_answers(const zones::ServiceTable& table, uint32_t service,
                                  const Selection& sel) {
  if (&table != table_) return;
  for (uint32_t i = 0; i < sel.count; ++i) {
    const zones::CompiledMember* answer = sel.answers[i];
    answer_slots_[answer_slot(table, service, answer)].add();
    if (!is_fallback(table, answer)) member_slots_[answer - table.members.data()].add();
  }
}

void WorkerMetrics::fold_bound_members(std::map<MemberKey, uint64_t>& into) const {
  if (table_ == nullptr) return;
  for (size_t m = 0; m < table_->members.size(); ++m)
    if (const uint64_t count = member_slots_[m].read(); count != 0) {
      const zones::CompiledMember& member = table_->members[m];
      into[{table_->pools[member.pool].name, address_text(member)}] += count;
    }
}

// Walks services, then their links, so each slot's names come without a search.
void WorkerMetrics::fold_bound(std::map<AnswerKey, uint64_t>& into) const {
  if (table_ == nullptr) return;
  const zones::ServiceTable& t = *table_;
  for (uint32_t s = 0; s < t.services.size(); ++s) {
    const zones::CompiledService& service = t.services[s];
    for (uint32_t l = service.links_begin; l < service.links_begin + service.link_count; ++l)
      if (const uint64_t count = answer_slots_[l].read(); count != 0)
        into[{service.name, t.pools[t.links[l].pool].name}] += count;
    if (const uint64_t count = answer_slots_[t.links.size() + s].read(); count != 0)
      into[{service.name, kFallbackPool}] += count;
  }
}

void WorkerMetrics::bind(const zones::ServiceTable& table) {
  auto slots = std::make_unique<Counter[]>(slot_count(table));
  auto member_slots = std::make_unique<Counter[]>(table.members.size());
  std::lock_guard lock(mutex_);
  fold_bound(folded_);
  fold_bound_members(folded_members_);
  table_ = &table;
  answer_slots_.swap(slots);
  member_slots_.swap(member_slots);
}  // the old arrays are freed here, after the lock: they are only counters

void WorkerMetrics::collect(QueryTotals& totals, bool with_members) const {
  for (size_t t = 0; t < kTransportSlots; ++t)
    for (size_t q = 0; q < kQtypeSlots; ++q)
      for (size_t r = 0; r < kRcodeSlots; ++r) totals.queries[t][q][r] += queries_[t][q][r].read();
  totals.truncated += truncated_.read();
  totals.dropped += dropped_.read();
  totals.rrl_dropped += rrl_dropped_.read();
  totals.rrl_slipped += rrl_slipped_.read();
  for (size_t i = 0; i < kTcpCloseReasons; ++i) totals.tcp_closed[i] += tcp_closed_[i].read();
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : folded_) totals.answers[key] += count;
  fold_bound(totals.answers);
  if (!with_members) return;
  for (const auto& [key, count] : folded_members_) totals.member_answers[key] += count;
  fold_bound_members(totals.member_answers);
}

}  // namespace server
