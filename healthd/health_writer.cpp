// HealthWriter: batched, retried writes on a thread of its own (see health_writer.h).
#include "healthd/health_writer.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "zones/clock.h"
#include "zones/db.h"
#include "zones/gslb_store.h"
#include "zones/log.h"

namespace healthd {

namespace {

// The writer thread's connection. A short busy timeout: a locked store is
// retried by our own backoff, which lets newer rows join the batch.
zones::Result<zones::Db> open_writer_db(const std::string& path) {
  return zones::Db::open(path, {zones::OpenMode::kExisting, 200});
}

constexpr int64_t kGatherMs = 10;
constexpr int64_t kFirstBackoffMs = 50;
constexpr int64_t kMaxBackoffMs = 2000;
constexpr int64_t kFailureLogEveryMs = 10'000;

// Member ids among `ids` that still exist.
std::set<int64_t> existing_members(zones::Db& db, const std::map<int64_t, zones::HealthRow>& rows) {
  std::set<int64_t> out;
  for (const auto& [id, row] : rows) {
    auto stmt = db.prepare("SELECT 1 FROM member WHERE id = :id");
    if (!stmt) continue;
    stmt->bind(":id", id);
    auto found = stmt->step();
    if (found && *found) out.insert(id);
  }
  return out;
}

}  // namespace

HealthWriter::HealthWriter(std::string db_path, zones::Vantage identity, uint32_t beat_interval_ms,
                           VantageLink* link)
    : db_path_(std::move(db_path)),
      identity_(std::move(identity)),
      link_(link),
      beat_interval_ms_(std::max<uint32_t>(beat_interval_ms, 10)) {}

HealthWriter::~HealthWriter() {
  stop(0);
}

zones::Result<void> HealthWriter::start() {
  auto probe = open_writer_db(db_path_);
  if (!probe) return std::unexpected(probe.error());
  thread_ = std::thread([this] { run(); });
  return {};
}

void HealthWriter::enqueue(std::vector<zones::HealthRow> rows) {
  {
    std::lock_guard lock(mutex_);
    for (zones::HealthRow& row : rows) pending_[row.member_id] = std::move(row);
  }
  wake_.notify_one();
}

void HealthWriter::set_beat_interval(uint32_t ms) {
  std::lock_guard lock(mutex_);
  beat_interval_ms_ = std::max<uint32_t>(ms, 10);
}

void HealthWriter::stop(uint32_t grace_ms) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    stop_deadline_ms_ = zones::unix_ms() + grace_ms;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

WriterStats HealthWriter::stats() const {
  std::lock_guard lock(mutex_);
  WriterStats out = stats_;
  out.pending = pending_.size();
  return out;
}

void HealthWriter::requeue(std::map<int64_t, zones::HealthRow>& batch) {
  std::lock_guard lock(mutex_);
  for (auto& [id, row] : batch) pending_.try_emplace(id, std::move(row));  // newer rows win
}

bool HealthWriter::write_batch(zones::Db& db, std::map<int64_t, zones::HealthRow>& batch) {
  std::vector<zones::HealthRow> rows;
  rows.reserve(batch.size());
  for (const auto& [id, row] : batch) rows.push_back(row);
  zones::Vantage beat = identity_;
  beat.seen_at_ms = zones::unix_ms();
  zones::GslbStore store(db);
  auto written = store.write_health(rows, &beat);
  if (written && link_ != nullptr) {
    uint32_t beat_interval = 0;
    {
      std::lock_guard lock(mutex_);
      beat_interval = beat_interval_ms_;
    }
    written = link_->publish(db, rows, beat_interval);
  }
  if (written) {
    std::lock_guard lock(mutex_);
    ++stats_.batches;
    stats_.rows += rows.size();
    return true;
  }
  if (written.error().code == zones::ErrorCode::kNotFound) {
    // Members deleted since the rows were made: drop those, write the rest now.
    const std::set<int64_t> live = existing_members(db, batch);
    const size_t before = batch.size();
    std::erase_if(batch, [&](const auto& entry) { return !live.contains(entry.first); });
    {
      std::lock_guard lock(mutex_);
      stats_.dropped_rows += before - batch.size();
    }
    if (batch.size() < before) return write_batch(db, batch);
  }
  std::lock_guard lock(mutex_);
  ++stats_.failures;
  stats_.last_error = written.error().text();
  return false;
}

void HealthWriter::run() {
  auto opened = open_writer_db(db_path_);
  if (!opened) return;  // start() checked it; the file vanished since
  int64_t backoff_ms = 0, last_beat_ms = 0, last_failure_log_ms = 0;
  while (true) {
    std::map<int64_t, zones::HealthRow> batch;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      const auto wait = std::chrono::milliseconds(
          backoff_ms > 0
              ? backoff_ms
              : std::max<int64_t>(0, last_beat_ms + beat_interval_ms_ - zones::unix_ms()));
      wake_.wait_for(lock, wait,
                     [&] { return stopping_ || (backoff_ms == 0 && !pending_.empty()); });
      if (!stopping_ && !pending_.empty()) {
        // Let the rows of probes ending together share one transaction.
        wake_.wait_for(lock, std::chrono::milliseconds(kGatherMs), [&] { return stopping_; });
      }
      stopping = stopping_;
      batch.swap(pending_);
    }
    const int64_t now = zones::unix_ms();
    const bool beat_due = now - last_beat_ms >= beat_interval_ms_;
    if (batch.empty() && !beat_due && !stopping) continue;
    if (stopping && batch.empty()) return;
    if (write_batch(*opened, batch)) {
      backoff_ms = 0;
      last_beat_ms = now;
      if (stopping) return;
      continue;
    }
    requeue(batch);
    if (stopping && zones::unix_ms() >= stop_deadline_ms_) {
      zones::log_event(zones::LogLevel::kError, "health_write_abandoned",
                       {{"rows", std::to_string(stats().pending)}, {"error", stats().last_error}});
      return;
    }
    backoff_ms = std::min(kMaxBackoffMs, backoff_ms == 0 ? kFirstBackoffMs : backoff_ms * 2);
    if (now - last_failure_log_ms >= kFailureLogEveryMs) {
      last_failure_log_ms = now;
      zones::log_event(zones::LogLevel::kWarn, "health_write_retrying",
                       {{"error", stats().last_error},
                        {"pending", std::to_string(stats().pending)},
                        {"retry_in_ms", std::to_string(backoff_ms)}});
    }
  }
}

}  // namespace healthd
