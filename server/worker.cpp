// Worker thread lifecycle and snapshot hand-off.
#include "server/worker.h"

#include <unistd.h>

#include <string>

#include "server/tcp_io.h"
#include "server/udp_io.h"
#include "zones/log.h"

namespace server {

Worker::Worker(int id, const ResponderConfig& config, IoSettings io, WorkerSockets sockets,
               zones::SnapshotPtr snapshot, GeoDbPtr geodb)
    : id_(id),
      config_(config),
      io_(io),
      sockets_(std::move(sockets)),
      sampler_(io.query_log_every),
      current_(std::move(snapshot)),
      current_geo_(std::move(geodb)) {
  config_.geodb = current_geo_.get();
  snapshot_ = current_.get();
  serving_ = current_->generation;
  metrics_.bind(current_->services);
  context_.metrics = &metrics_;
  if (sampler_.enabled()) context_.sampler = &sampler_;
  // Weighted choices need independent streams per worker, not secrecy.
  const uint64_t seed = static_cast<uint64_t>(uv_hrtime()) ^ (static_cast<uint64_t>(id) << 32) ^
                        static_cast<uint64_t>(getpid());
  context_.rng = Rng(seed);
}

Worker::~Worker() {
  stop();
}

void Worker::start() {
  uv_loop_init(&loop_);
  wake_.data = this;
  uv_async_init(&loop_, &wake_, [](uv_async_t* a) { static_cast<Worker*>(a->data)->on_wake(); });
  for (size_t i = 0; i < sockets_.udp.size(); ++i) {
    udp_.push_back(std::make_unique<UdpReceiver>(*this, sockets_.udp[i], sockets_.wildcard[i]));
    tcp_.push_back(std::make_unique<TcpServer>(*this, sockets_.tcp[i]));
  }
  for (auto& u : udp_)
    if (int rc = u->start(); rc != 0)
      zones::log_event(zones::LogLevel::kError, "udp_start_failed", {{"error", uv_strerror(rc)}});
  for (auto& t : tcp_)
    if (int rc = t->start(); rc != 0)
      zones::log_event(zones::LogLevel::kError, "tcp_start_failed", {{"error", uv_strerror(rc)}});
  thread_ = std::thread([this] { run(); });
}

void Worker::run() {
  uv_run(&loop_, UV_RUN_DEFAULT);
  // Every handle is closed by now; the loop must close clean.
  if (int rc = uv_loop_close(&loop_); rc != 0)
    zones::log_event(zones::LogLevel::kError, "loop_close_failed",
                     {{"worker", std::to_string(id_)}, {"error", uv_strerror(rc)}});
}

void Worker::publish(zones::SnapshotPtr snapshot) {
  {
    std::lock_guard lock(pending_mutex_);
    pending_ = std::move(snapshot);
  }
  uv_async_send(&wake_);
}

void Worker::publish_geo(GeoDbPtr geodb) {
  {
    std::lock_guard lock(pending_mutex_);
    pending_geo_ = std::move(geodb);
  }
  uv_async_send(&wake_);
}

void Worker::on_wake() {
  bool stopping;
  zones::SnapshotPtr next;
  GeoDbPtr next_geo;
  {
    std::lock_guard lock(pending_mutex_);
    stopping = stopping_;
    next = std::move(pending_);
    next_geo = std::move(pending_geo_);
  }
  if (next_geo) {
    config_.geodb = next_geo.get();
    current_geo_ = std::move(next_geo);  // the last worker to let go unmaps the old file
  }
  if (next) {
    // Before the old snapshot is let go: its names key the folded counts.
    metrics_.bind(next->services);
    // The control thread still holds the old snapshot, so releasing ours
    // here never frees it on the query thread.
    current_ = std::move(next);
    snapshot_ = current_.get();
    serving_.store(current_->generation, std::memory_order_release);
  }
  if (stopping) close_all();
}

void Worker::close_all() {
  for (auto& u : udp_) u->close();
  for (auto& t : tcp_) t->close();
  uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(pending_mutex_);
    stopping_ = true;
  }
  uv_async_send(&wake_);
  thread_.join();
  udp_.clear();
  tcp_.clear();
  // uv_poll does not own its fd; uv_tcp_open'ed fds were closed by libuv.
  for (int fd : sockets_.udp) ::close(fd);
  sockets_.udp.clear();
}

}  // namespace server
