// Applying etcd's state to the node's store (see sync_applier.h).
#include "admin/fleet/sync_applier.h"

#include <nlohmann/json.hpp>

#include "admin/fleet/fleet_keys.h"
#include "zones/gslb_store.h"

namespace admin::fleet {
namespace {

using json = nlohmann::json;

constexpr const char* kResyncActor = "fleet:resync";

std::optional<int64_t> optional_int(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

// A report as gslb-healthd publishes it (health_publisher.cpp).
zones::HealthRow report_row(const HealthKey& key, const std::string& value) {
  zones::HealthRow row;
  row.pool = key.pool;
  row.address = key.address;
  row.vantage = key.vantage;
  const json j = json::parse(value, nullptr, false);
  if (!j.is_object()) {
    row.reason = "unreadable report in etcd";
    return row;
  }
  row.state =
      zones::parse_health_state(j.value("state", "unknown")).value_or(zones::HealthState::kUnknown);
  row.rtt_us = optional_int(j, "rtt_us");
  row.rtt_ewma_us = optional_int(j, "rtt_ewma_us");
  if (auto load = j.find("load"); load != j.end() && load->is_number())
    row.load = load->get<double>();
  row.checked_at_ms = optional_int(j, "checked_at_ms").value_or(0);
  row.changed_at_ms = optional_int(j, "changed_at_ms").value_or(row.checked_at_ms);
  row.reason = j.value("reason", "");
  return row;
}

// A report withdrawn (its vantage's lease expired, or the vantage no longer probes the
// member): no opinion from now on.
zones::HealthRow withdrawn_row(const HealthKey& key, int64_t now_ms) {
  zones::HealthRow row;
  row.pool = key.pool;
  row.address = key.address;
  row.vantage = key.vantage;
  row.state = zones::HealthState::kUnknown;
  row.checked_at_ms = now_ms;
  row.changed_at_ms = now_ms;
  row.reason = "report withdrawn from etcd (the vantage stopped or no longer probes it)";
  return row;
}

zones::Result<MemberSet> stored_members(zones::Db& db) {
  auto stmt = db.prepare("SELECT p.name, m.address FROM member m JOIN pool p ON p.id = m.pool_id");
  if (!stmt) return std::unexpected(stmt.error());
  MemberSet out;
  while (true) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.emplace(stmt->text_at(0), stmt->text_at(1));
  }
}

}  // namespace

SyncApplier::SyncApplier(zones::Db db, std::string prefix, bool import_health)
    : db_(std::move(db)), prefix_(std::move(prefix)), import_health_(import_health) {}

zones::Result<void> SyncApplier::open() {
  auto stored = read_fleet_state(db_);
  if (!stored) return std::unexpected(stored.error());
  if (*stored && (*stored)->prefix != prefix_) {
    return zones::fail(zones::ErrorCode::kConflict, db_.path(),
                       "this store was kept from etcd prefix " + (*stored)->prefix + ", not " +
                           prefix_ + ": give each prefix a store of its own");
  }
  if (*stored) {
    state_ = **stored;
    return {};
  }
  state_.prefix = prefix_;
  return write_fleet_state(db_, state_);
}

void SyncApplier::take(const KeyValue& kv, bool deleted, int64_t now_ms, Batch& batch) {
  if (!kv.key.starts_with(prefix_)) return;
  const std::string relative = kv.key.substr(prefix_.size());
  if (relative == kWriteMarker) {
    marker_revision_ = deleted ? 0 : kv.mod_revision;
    const json j = json::parse(kv.value, nullptr, false);
    marker_by_ = j.is_object() ? j.value("by", "") : "";
    batch.config_changed = true;
  } else if (relative.starts_with(kConfigDir)) {
    if (deleted) {
      objects_.erase(relative);
    } else {
      objects_[relative] = kv.value;
    }
    batch.config_changed = true;
  } else if (auto health = parse_health_key(relative)) {
    if (import_health_)
      batch.reports.push_back(deleted ? withdrawn_row(*health, now_ms)
                                      : report_row(*health, kv.value));
  } else if (auto vantage = parse_vantage_key(relative)) {
    if (deleted) {
      vantages_.erase(*vantage);
      return;
    }
    const json j = json::parse(kv.value, nullptr, false);
    zones::Vantage v{*vantage, now_ms, now_ms, ""};
    if (j.is_object()) {
      v.started_at_ms = j.value("started_at_ms", now_ms);
      v.version = j.value("version", "");
    }
    vantages_[*vantage] = v;
    batch.vantages_started.insert(*vantage);
  }
}

zones::Result<void> SyncApplier::write_reports(std::vector<zones::HealthRow>& reports) {
  if (reports.empty()) return {};
  // Reports on members this node does not have (yet, or any more) are skipped: a member's
  // report arrives again when it changes, and the vantage probes only configured members.
  // The members are read again only after the configuration changed.
  if (!members_) {
    auto members = stored_members(db_);
    if (!members) return std::unexpected(members.error());
    members_ = std::move(*members);
  }
  std::erase_if(reports, [&](const zones::HealthRow& row) {
    return !members_->contains({row.pool, row.address});
  });
  if (reports.empty()) return {};
  return zones::GslbStore(db_).write_health(reports);
}

zones::Result<void> SyncApplier::beat(const std::string& vantage, int64_t now_ms) {
  auto found = vantages_.find(vantage);
  if (found == vantages_.end()) return {};
  found->second.seen_at_ms = now_ms;
  return zones::GslbStore(db_).write_health({}, &found->second);
}

zones::Result<void> SyncApplier::write(Batch& batch, int64_t revision, int64_t now_ms,
                                       std::string_view actor) {
  auto tx = zones::Transaction::begin(db_, zones::TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  std::string problem = config_problem_;
  int64_t config_revision = state_.config_revision;
  if (batch.config_changed) members_.reset();
  if (batch.config_changed && seeded()) {
    // A set that does not validate (written around gslb, with etcdctl) is not applied: the
    // node keeps serving what it had, says why, and tries again with the next change.
    if (auto ok = materialize(db_, objects_, actor, now_ms); ok) {
      config_revision = marker_revision_;
      problem.clear();
    } else {
      problem = "configuration at etcd revision " + std::to_string(marker_revision_) +
                " not applied: " + ok.error().text();
    }
  }
  if (import_health_) {
    if (auto ok = write_reports(batch.reports); !ok) return ok;
    for (const std::string& vantage : batch.vantages_started) {
      if (auto ok = beat(vantage, now_ms); !ok) return ok;
    }
  }
  FleetState next = state_;
  next.applied_revision = std::max(state_.applied_revision, revision);
  next.config_revision = config_revision;
  next.applied_at_ms = now_ms;
  next.contact_at_ms = now_ms;
  next.error = problem;
  if (auto ok = commit(*tx, next); !ok) return ok;
  config_problem_ = problem;
  return {};
}

zones::Result<void> SyncApplier::resync(const RangeResult& range, int64_t now_ms,
                                        const std::string& endpoint) {
  objects_.clear();
  vantages_.clear();
  marker_revision_ = 0;
  marker_by_.clear();
  Batch batch;
  batch.config_changed = true;
  for (const KeyValue& kv : range.kvs) take(kv, false, now_ms, batch);
  state_.endpoint = endpoint;
  return write(batch, range.revision, now_ms, kResyncActor);
}

zones::Result<void> SyncApplier::apply(const WatchMessage& message, int64_t now_ms) {
  Batch batch;
  int64_t revision = message.revision;
  for (const WatchEvent& event : message.events) {
    take(event.kv, event.deleted, now_ms, batch);
    revision = std::max(revision, event.kv.mod_revision);
  }
  return write(batch, revision, now_ms, marker_by_.empty() ? "fleet" : marker_by_);
}

zones::Result<void> SyncApplier::contact(int64_t now_ms, const std::string& endpoint) {
  auto tx = zones::Transaction::begin(db_, zones::TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  if (import_health_) {
    for (const auto& [name, vantage] : vantages_) {
      if (auto ok = beat(name, now_ms); !ok) return ok;
    }
  }
  FleetState next = state_;
  next.contact_at_ms = now_ms;
  next.endpoint = endpoint;
  next.error = config_problem_;
  return commit(*tx, next);
}

zones::Result<void> SyncApplier::commit(zones::Transaction& tx, const FleetState& next) {
  if (auto ok = write_fleet_state(db_, next); !ok) return ok;
  if (auto ok = tx.commit(); !ok) return ok;
  state_ = next;
  return {};
}

void SyncApplier::failed(const std::string& error) {
  state_.error = error;
  (void)write_fleet_state(db_, state_);
}

}  // namespace admin::fleet
