// HealthView: health rows -> per-member atomics (see health_view.h).
#include "server/health_view.h"

#include <algorithm>
#include <cmath>

namespace server {

EffectiveHealth effective_health(const std::vector<zones::HealthRow>& reports,
                                 uint32_t stale_after_ms, int64_t now_ms) {
  EffectiveHealth out;
  uint32_t up = 0, down = 0, rtt_count = 0;
  uint64_t rtt_sum = 0;
  double load = 0;
  for (const zones::HealthRow& row : reports) {
    if (row.checked_at_ms + static_cast<int64_t>(stale_after_ms) < now_ms) continue;
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
  if (up + down > 0) out.state = up >= down ? zones::HealthState::kUp : zones::HealthState::kDown;
  if (rtt_count > 0)
    out.rtt_us = static_cast<uint32_t>(std::min<uint64_t>(rtt_sum / rtt_count, UINT32_MAX));
  out.load_permille = static_cast<uint16_t>(std::lround(std::clamp(load, 0.0, 1.0) * 1000));
  return out;
}

zones::Result<bool> HealthView::poll(zones::GslbStore& store) {
  auto rows = store.health_since(last_seq_);
  if (!rows) return std::unexpected(rows.error());
  add(*rows);
  return !rows->empty();
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

void HealthView::apply(const zones::ServiceTable& table, int64_t now_ms) const {
  static const std::vector<zones::HealthRow> kNoReports;
  for (size_t m = 0; m < table.members.size(); ++m) {
    const zones::CompiledMember& member = table.members[m];
    const auto it = by_member_.find(member.id);
    const auto& reports = it != by_member_.end() ? it->second : kNoReports;
    const EffectiveHealth h =
        effective_health(reports, table.pools[member.pool].stale_after_ms, now_ms);
    zones::MemberHealth& cell = table.health[m];
    cell.state.store(static_cast<uint8_t>(h.state), std::memory_order_relaxed);
    cell.rtt_us.store(h.rtt_us, std::memory_order_relaxed);
    cell.load_permille.store(h.load_permille, std::memory_order_relaxed);
  }
}

}  // namespace server
