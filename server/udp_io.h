// UDP on a worker: a uv_poll on the worker's own SO_REUSEPORT socket;
// datagrams are read with recvmmsg and answered with sendmmsg in batches.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <uv.h>

#include <cstdint>

#include "server/rate_limit.h"
#include "server/responder.h"
#include "server/wire.h"

namespace server {

class Worker;

class UdpReceiver {
 public:
  static constexpr int kBatch = 32;
  static constexpr size_t kMaxResponse = 4096;  // the cap on --max-udp-payload

  UdpReceiver(Worker& worker, int fd, bool wildcard);
  UdpReceiver(const UdpReceiver&) = delete;
  UdpReceiver& operator=(const UdpReceiver&) = delete;

  int start();
  // Closes the poll handle; the loop runs until libuv has released it.
  void close();

 private:
  static void on_readable(uv_poll_t* handle, int status, int events);
  // One recvmmsg + answer + sendmmsg round; returns datagrams received.
  int serve_batch();
  void send_batch(int count);
  // The response (`len` octets in `response`) as rate limiting lets it go:
  // unchanged, truncated to its question (slip), or 0 (dropped).
  size_t rate_limit(ResponseRateLimiter& rrl, const QueryContext& ctx, uint32_t now_ms,
                    uint8_t* response, size_t len);

  Worker& worker_;
  int fd_;
  bool wildcard_;
  uv_poll_t poll_{};
  uint32_t rrl_limited_ = 0;  // answers this socket rate-limited, for --rrl-slip

  // Per-datagram slots, set up once; recvmmsg/sendmmsg reuse them.
  mmsghdr rx_[kBatch];
  mmsghdr tx_[kBatch];
  iovec rx_iov_[kBatch];
  iovec tx_iov_[kBatch];
  sockaddr_storage peer_[kBatch];
  alignas(cmsghdr) uint8_t control_[kBatch][64];
  uint8_t rx_buf_[kBatch][kMaxUdpQuery];
  uint8_t tx_buf_[kBatch][kMaxResponse];
};

}  // namespace server
