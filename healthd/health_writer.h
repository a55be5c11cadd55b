// Gets health rows into the store without ever holding up probing: a thread
// of its own with its own connection takes what the loop queued (rows
// arriving within 10 ms of each other form one batch), writes it with the
// vantage's heartbeat in one transaction per batch, and on a busy or
// failing database keeps the rows and retries with backoff (50 ms doubling
// to 2 s). Rows are kept per member, the newest winning, so a transition is
// never lost: the latest state of every member is written as soon as the
// database lets us. Rows of members deleted meanwhile are dropped.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "healthd/vantage_link.h"
#include "zones/db.h"
#include "zones/gslb_model.h"
#include "zones/result.h"

namespace healthd {

struct WriterStats {
  uint64_t batches = 0, rows = 0, failures = 0, dropped_rows = 0;
  size_t pending = 0;
  std::string last_error;
};

class HealthWriter {
 public:
  // `beat_interval_ms`: how often the heartbeat is written when no rows are.
  // With a `link` (fleet mode), each batch and heartbeat is also published through it once
  // it is in the store; a failed publish counts as a failed write (retried).
  HealthWriter(std::string db_path, zones::Vantage identity, uint32_t beat_interval_ms,
               VantageLink* link = nullptr);
  ~HealthWriter();

  zones::Result<void> start();
  // Queues rows (member_id set); a later row for the same member replaces an unwritten one.
  void enqueue(std::vector<zones::HealthRow> rows);
  void set_beat_interval(uint32_t ms);
  // Writes what is pending (waiting at most `grace_ms` for a busy database), then stops.
  void stop(uint32_t grace_ms = 2000);
  WriterStats stats() const;

 private:
  void run();
  bool write_batch(zones::Db& db, std::map<int64_t, zones::HealthRow>& batch);
  void requeue(std::map<int64_t, zones::HealthRow>& batch);

  std::string db_path_;
  zones::Vantage identity_;
  VantageLink* link_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<int64_t, zones::HealthRow> pending_;  // by member id
  uint32_t beat_interval_ms_;
  bool stopping_ = false;
  int64_t stop_deadline_ms_ = 0;
  WriterStats stats_;
  std::thread thread_;
};

}  // namespace healthd
