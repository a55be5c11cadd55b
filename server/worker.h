// A worker: one thread, one libuv loop, its own UDP and TCP sockets, its own
// buffers and its own pointer to the current snapshot. Workers share nothing
// on the query path; the control thread hands them new snapshots.
#pragma once

#include <uv.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "server/geo_reload.h"
#include "server/listeners.h"
#include "server/metrics.h"
#include "server/query_log.h"
#include "server/rate_limit.h"
#include "server/responder.h"
#include "zones/snapshot.h"

namespace server {

class UdpReceiver;
class TcpServer;

struct IoSettings {
  int tcp_idle_timeout_ms = 10000;
  int max_tcp_connections = 1024;  // this worker's share of the server-wide cap
  int udp_coalesce_us = 300;       // see UdpReceiver::on_readable; 0 = off
  uint32_t query_log_every = 0;    // --query-log-sample: one query in N is logged; 0 = off
  int max_tcp_per_client = 16;     // per worker
  int tcp_read_timeout_ms = 5000;
  ResponseRateLimiter* rrl = nullptr;  // shared by the workers; null = no rate limiting
};

class Worker {
 public:
  // `geodb` (may be null) is what config.geodb points to: the worker holds it while it
  // serves from it, so a reload on the control thread never frees it under a query.
  Worker(int id, const ResponderConfig& config, IoSettings io, WorkerSockets sockets,
         zones::SnapshotPtr snapshot, GeoDbPtr geodb);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  // From the control thread: use `snapshot` from the next loop turn on.
  void publish(zones::SnapshotPtr snapshot);
  // From the control thread: use this GeoIP database from the next loop turn on (the worker
  // keeps it alive while it serves from it).
  void publish_geo(GeoDbPtr geodb);
  // The generation this worker is serving (the control thread retires older ones).
  uint64_t serving_generation() const { return serving_.load(std::memory_order_acquire); }
  // Stops the loop, closes every handle and joins the thread.
  void stop();
  // This worker's counters: read them from any thread (WorkerMetrics::collect)
  // while the worker lives.
  const WorkerMetrics& metrics() const { return metrics_; }
  // The control thread drains the sampled queries (query_log.h).
  QuerySampler& query_sampler() { return sampler_; }

  // The query path's view, for the I/O classes.
  const zones::Snapshot& snapshot() const { return *snapshot_; }
  const ResponderConfig& config() const { return config_; }
  QueryContext& context() { return context_; }
  WorkerMetrics& metrics() { return metrics_; }
  uv_loop_t* loop() { return &loop_; }
  const IoSettings& io() const { return io_; }

 private:
  void run();
  void on_wake();
  void close_all();

  int id_;
  ResponderConfig config_;
  IoSettings io_;
  WorkerSockets sockets_;
  uv_loop_t loop_{};
  uv_async_t wake_{};
  std::thread thread_;
  WorkerMetrics metrics_;
  QuerySampler sampler_;
  QueryContext context_;

  std::mutex pending_mutex_;  // guards pending_ and stopping_; never taken per query
  zones::SnapshotPtr pending_;
  GeoDbPtr pending_geo_;
  bool stopping_ = false;

  zones::SnapshotPtr current_;
  const zones::Snapshot* snapshot_ = nullptr;
  GeoDbPtr current_geo_;  // what config_.geodb points to
  std::atomic<uint64_t> serving_{0};

  std::vector<std::unique_ptr<UdpReceiver>> udp_;
  std::vector<std::unique_ptr<TcpServer>> tcp_;
};

}  // namespace server
