// A vantage's reports in etcd, on its lease (see health_publisher.h).
#include "admin/fleet/health_publisher.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "admin/fleet/fleet_keys.h"
#include "zones/gslb_store.h"

namespace admin::fleet {
namespace {

// etcd takes at most --max-txn-ops operations per transaction (128 by default).
constexpr size_t kOpsPerTxn = 100;

zones::Result<std::pair<std::string, std::string>> member_of(zones::Db& db, int64_t member_id) {
  auto stmt = db.prepare(
      "SELECT p.name, m.address FROM member m JOIN pool p ON p.id = m.pool_id WHERE m.id = :id");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(":id", member_id);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::pair<std::string, std::string>{};
  return std::pair{stmt->text_at(0), stmt->text_at(1)};
}

}  // namespace

std::string report_value(const zones::HealthRow& row) {
  nlohmann::json j = {{"state", zones::to_string(row.state)},
                      {"checked_at_ms", row.checked_at_ms},
                      {"changed_at_ms", row.changed_at_ms},
                      {"reason", row.reason}};
  if (row.rtt_us) j["rtt_us"] = *row.rtt_us;
  if (row.rtt_ewma_us) j["rtt_ewma_us"] = *row.rtt_ewma_us;
  if (row.load) j["load"] = *row.load;
  return j.dump();
}

HealthPublisher::HealthPublisher(EtcdSettings etcd, std::string prefix, zones::Vantage identity,
                                 const Syncer& syncer)
    : client_(std::move(etcd)),
      prefix_(std::move(prefix)),
      identity_(std::move(identity)),
      syncer_(syncer) {}

int64_t HealthPublisher::lease_ttl_s(uint32_t beat_interval_ms) {
  return std::max<int64_t>(2, (6 * static_cast<int64_t>(beat_interval_ms) + 999) / 1000);
}

std::vector<std::string> HealthPublisher::vantages() const {
  std::vector<std::string> out = syncer_.status().vantages;
  if (std::find(out.begin(), out.end(), identity_.name) == out.end()) {
    out.push_back(identity_.name);
    std::sort(out.begin(), out.end());
  }
  return out;
}

zones::Result<void> HealthPublisher::put_all(
    const std::vector<std::pair<std::string, std::string>>& items) {
  for (size_t start = 0; start < items.size(); start += kOpsPerTxn) {
    std::vector<TxnOp> ops;
    for (size_t i = start; i < std::min(items.size(), start + kOpsPerTxn); ++i)
      ops.push_back({items[i].first, items[i].second, lease_});
    auto done = client_.txn({}, ops);
    if (!done) return std::unexpected(done.error());
  }
  return {};
}

// Renews the lease when a third of it has gone; a lease etcd no longer has is replaced and
// everything this vantage said is said again under the new one (then true).
zones::Result<bool> HealthPublisher::keep_lease(uint32_t beat_interval_ms) {
  const auto now = std::chrono::steady_clock::now();
  if (lease_ != 0 && now - renewed_ < std::chrono::seconds(lease_ttl_s_) / 3) return false;
  if (lease_ != 0) {
    auto left = client_.lease_keepalive(lease_);
    if (!left) return std::unexpected(left.error());
    if (*left > 0) {
      renewed_ = now;
      return false;
    }
  }
  lease_ttl_s_ = lease_ttl_s(beat_interval_ms);
  auto granted = client_.lease_grant(lease_ttl_s_);
  if (!granted) return std::unexpected(granted.error());
  lease_ = *granted;
  renewed_ = now;
  const nlohmann::json presence = {{"started_at_ms", identity_.started_at_ms},
                                   {"version", identity_.version},
                                   {"lease_ttl_s", lease_ttl_s_}};
  std::vector<std::pair<std::string, std::string>> items{
      {prefix_ + vantage_key(identity_.name), presence.dump()}};
  for (const auto& [key, value] : published_) items.emplace_back(key, value);
  auto put = put_all(items);
  if (!put) {
    lease_ = 0;  // start again from a fresh lease next time
    return std::unexpected(put.error());
  }
  return true;
}

// A restarted vantage starts from the verdicts its store kept (healthd resumes them and
// writes again only on a change): they are said again under the new lease.
zones::Result<void> HealthPublisher::load_kept(zones::Db& db) {
  auto rows = zones::GslbStore(db).health_since(0);
  if (!rows) return std::unexpected(rows.error());
  for (const zones::HealthRow& row : *rows) {
    if (row.vantage != identity_.name) continue;
    published_[prefix_ + health_key({row.pool, row.address, identity_.name})] = report_value(row);
  }
  kept_loaded_ = true;
  return {};
}

zones::Result<void> HealthPublisher::publish(zones::Db& db,
                                             const std::vector<zones::HealthRow>& rows,
                                             uint32_t beat_interval_ms) {
  if (!kept_loaded_)
    if (auto ok = load_kept(db); !ok) return ok;
  std::vector<std::pair<std::string, std::string>> items;
  for (const zones::HealthRow& row : rows) {
    auto member = member_of(db, row.member_id);
    if (!member) return std::unexpected(member.error());
    if (member->first.empty()) continue;  // deleted meanwhile
    items.emplace_back(prefix_ + health_key({member->first, member->second, identity_.name}),
                       report_value(row));
  }
  // Remembered first: a report that fails now is written with the next lease at the latest.
  for (const auto& [key, value] : items) published_[key] = value;
  auto renewed_all = keep_lease(beat_interval_ms);
  if (!renewed_all) return std::unexpected(renewed_all.error());
  if (*renewed_all) return {};  // the new lease's writes had these reports too
  return put_all(items);
}

}  // namespace admin::fleet
