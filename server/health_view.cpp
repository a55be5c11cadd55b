// HealthView: health rows and heartbeats -> per-member atomics (see health_view.h).
#include "server/health_view.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace server {

bool Quorum::down(uint32_t up, uint32_t down) const {
  const uint32_t reports = up + down;
  if (down == 0) return false;
  switch (kind) {
    case Kind::kMajority:
      return down * 2 > reports;
    case Kind::kAny:
      return true;
    case Kind::kAll:
      return down == reports;
    case Kind::kCount:
      return down >= std::min(count, reports);
  }
  return false;
}

std::optional<Quorum> parse_quorum(std::string_view text) {
  if (text == "majority") return Quorum{};
  if (text == "any") return Quorum{Quorum::Kind::kAny, 0};
  if (text == "all") return Quorum{Quorum::Kind::kAll, 0};
  uint32_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n == 0) return std::nullopt;
  return Quorum{Quorum::Kind::kCount, n};
}

std::string to_string(const Quorum& quorum) {
  switch (quorum.kind) {
    case Quorum::Kind::kMajority:
      return "majority";
    case Quorum::Kind::kAny:
      return "any";
    case Quorum::Kind::kAll:
      return "all";
    case Quorum::Kind::kCount:
      return std::to_string(quorum.count);
  }
  return "majority";
}

int64_t report_age_ms(const zones::HealthRow& row, const VantageBeats& beats, int64_t now_ms) {
  int64_t reported = row.checked_at_ms;
  if (const auto it = beats.find(row.vantage); it != beats.end())
    reported = std::max(reported, it->second);
  return std::max<int64_t>(0, now_ms - reported);
}

EffectiveHealth effective_health(const std::vector<zones::HealthRow>& reports,
                                 const VantageBeats& beats, uint32_t stale_after_ms, int64_t now_ms,
                                 const Quorum& quorum) {
  EffectiveHealth out;
  uint32_t up = 0, down = 0, rtt_count = 0;
  uint64_t rtt_sum = 0;
  double load = 0;
  for (const zones::HealthRow& row : reports) {
    const int64_t age = report_age_ms(row, beats, now_ms);
    if (out.newest_age_ms < 0 || age < out.newest_age_ms) out.newest_age_ms = age;
    if (age > static_cast<int64_t>(stale_after_ms)) continue;
    ++out.fresh_reports;
    if (row.state == zones::HealthState::kUp) ++up;
    if (row.state == zones::HealthState::kDown) ++down;
    const auto rtt = row.rtt_ewma_us ? row.rtt_ewma_us : row.rtt_us;
    if (rtt && *rtt > 0) {
      rtt_sum += static_cast<uint64_t>(*rtt);
      ++rtt_count;
    }
    if (row.load) load = std::max(load, *row.load);
  }
  if (up + down > 0)
    out.state = quorum.down(up, down) ? zones::HealthState::kDown : zones::HealthState::kUp;
  if (rtt_count > 0)
    out.rtt_us = static_cast<uint32_t>(std::min<uint64_t>(rtt_sum / rtt_count, UINT32_MAX));
  out.load_permille = static_cast<uint16_t>(std::lround(std::clamp(load, 0.0, 1.0) * 1000));
  return out;
}

zones::Result<bool> HealthView::poll(zones::GslbStore& store) {
  auto rows = store.health_since(last_seq_);
  if (!rows) return std::unexpected(rows.error());
  auto vantages = store.vantages();
  if (!vantages) return std::unexpected(vantages.error());
  const VantageBeats before = beats_;
  add(*rows);
  add(*vantages);
  return !rows->empty() || beats_ != before;
}

void HealthView::reset() {
  last_seq_ = 0;
  by_member_.clear();
  beats_.clear();
}

void HealthView::add(const std::vector<zones::HealthRow>& rows) {
  for (const zones::HealthRow& row : rows) {
    last_seq_ = std::max(last_seq_, row.seq);
    auto& reports = by_member_[row.member_id];
    auto same_vantage = [&](const zones::HealthRow& r) { return r.vantage == row.vantage; };
    if (auto it = std::find_if(reports.begin(), reports.end(), same_vantage); it != reports.end())
      *it = row;
    else
      reports.push_back(row);
  }
}

void HealthView::add(const std::vector<zones::Vantage>& vantages) {
  for (const zones::Vantage& v : vantages) beats_[v.name] = v.seen_at_ms;
}

void HealthView::apply(const zones::ServiceTable& table, int64_t now_ms) {
  static const std::vector<zones::HealthRow> kNoReports;
  HealthSummary summary;
  summary.applied_at_ms = now_ms;
  for (size_t m = 0; m < table.members.size(); ++m) {
    const zones::CompiledMember& member = table.members[m];
    const auto it = by_member_.find(member.id);
    const auto& reports = it != by_member_.end() ? it->second : kNoReports;
    const uint32_t stale_after = table.pools[member.pool].stale_after_ms;
    const EffectiveHealth h = effective_health(reports, beats_, stale_after, now_ms, quorum_);
    zones::MemberHealth& cell = table.health[m];
    cell.state.store(static_cast<uint8_t>(h.state), std::memory_order_relaxed);
    cell.rtt_us.store(h.rtt_us, std::memory_order_relaxed);
    cell.load_permille.store(h.load_permille, std::memory_order_relaxed);
    summary.members_up += h.state == zones::HealthState::kUp;
    summary.members_down += h.state == zones::HealthState::kDown;
    summary.members_unknown += h.state == zones::HealthState::kUnknown;
    summary.fresh_reports += h.fresh_reports;
    summary.stale_reports += static_cast<uint32_t>(reports.size()) - h.fresh_reports;
    for (const zones::HealthRow& row : reports) {
      const int64_t age = report_age_ms(row, beats_, now_ms);
      if (age <= static_cast<int64_t>(stale_after))
        summary.oldest_fresh_report_age_ms = std::max(summary.oldest_fresh_report_age_ms, age);
    }
  }
  summary_ = summary;
}

}  // namespace server
