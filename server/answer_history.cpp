#include "server/answer_history.h"

#include <utility>

namespace server {

std::vector<AnswerHistory::Tier> AnswerHistory::default_tiers() {
  return {{1'000, 300}, {60'000, 120}, {600'000, 144}};
}

AnswerHistory::AnswerHistory(std::vector<Tier> tiers) {
  for (const Tier& tier : tiers) rings_.push_back(Ring{tier, {}, 0, std::nullopt});
}

bool AnswerHistory::due(int64_t now_ms) const {
  if (rings_.empty()) return false;
  const Ring& finest = rings_.front();
  return !finest.last_ms || now_ms - *finest.last_ms >= finest.tier.period_ms;
}

size_t AnswerHistory::key_index(const AnswerKey& key) {
  auto [it, added] = index_.try_emplace(key, keys_.size());
  if (added) keys_.push_back(key);
  return it->second;
}

void AnswerHistory::record(int64_t now_ms, const std::map<AnswerKey, uint64_t>& answers) {
  Sample sample{now_ms, {}};
  for (const auto& [key, count] : answers) {
    const size_t i = key_index(key);
    if (sample.counts.size() <= i) sample.counts.resize(keys_.size(), 0);
    sample.counts[i] = count;
  }
  for (Ring& ring : rings_) {
    if (ring.last_ms && now_ms - *ring.last_ms < ring.tier.period_ms) continue;
    ring.last_ms = now_ms;
    if (ring.samples.size() < ring.tier.capacity) {
      ring.samples.push_back(sample);
    } else {
      ring.samples[ring.next] = sample;
      ring.next = (ring.next + 1) % ring.tier.capacity;
    }
  }
}

const AnswerHistory::Sample* AnswerHistory::newest_at_or_before(int64_t at_ms) const {
  const Sample* best = nullptr;
  for (const Ring& ring : rings_)
    for (const Sample& s : ring.samples)
      if (s.at_ms <= at_ms && (!best || s.at_ms > best->at_ms)) best = &s;
  return best;
}

const AnswerHistory::Sample* AnswerHistory::oldest() const {
  const Sample* best = nullptr;
  for (const Ring& ring : rings_)
    for (const Sample& s : ring.samples)
      if (!best || s.at_ms < best->at_ms) best = &s;
  return best;
}

std::optional<AnswerHistory::Span> AnswerHistory::between(int64_t from_ms, int64_t to_ms) const {
  const Sample* to = newest_at_or_before(to_ms);
  if (!to) return std::nullopt;
  const Sample* from = newest_at_or_before(from_ms);
  if (!from) from = oldest();
  Span span{from->at_ms, to->at_ms, {}};
  for (size_t i = 0; i < to->counts.size(); ++i) {
    const uint64_t before = i < from->counts.size() ? from->counts[i] : 0;
    if (to->counts[i] > before) span.answers[keys_[i]] = to->counts[i] - before;
  }
  return span;
}

}  // namespace server

namespace server {

AnswerHistory::Span AnswerHistory::until_now(
    int64_t from_ms, int64_t now_ms, const std::map<AnswerKey, uint64_t>& now_answers) const {
  const Sample* from = newest_at_or_before(from_ms);
  if (!from) from = oldest();
  Span span{from ? from->at_ms : now_ms, now_ms, {}};
  for (const auto& [key, count] : now_answers) {
    auto index = index_.find(key);
    const uint64_t before = from && index != index_.end() && index->second < from->counts.size()
                                ? from->counts[index->second]
                                : 0;
    if (count > before) span.answers[key] = count - before;
  }
  return span;
}

}  // namespace server
