// Batched UDP: read up to kBatch datagrams per syscall, answer each into its
// own slot, send all answers with one sendmmsg.
#include "server/udp_io.h"

#include <time.h>

#include <cerrno>
#include <cstring>

#include "server/worker.h"

namespace server {
namespace {

// Rounds per wakeup before going back to the loop, so a flood on UDP cannot
// starve TCP clients, other sockets and snapshot hand-offs on the same loop.
constexpr int kMaxRoundsPerWakeup = 8;

// Milliseconds on a coarse monotonic clock (a vDSO read, no syscall), for
// the rate limiter's buckets: read once per batch.
uint32_t coarse_now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<uint32_t>(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

void pause_us(int us) {
  timespec ts{0, us * 1000L};
  nanosleep(&ts, nullptr);
}

// For sockets bound to a wildcard address: reply from the address the query
// was sent to (RFC 1123 §6.1.3.5), by turning the received pktinfo into the
// one to send with.
size_t reply_control(msghdr& rx) {
  cmsghdr* cm = CMSG_FIRSTHDR(&rx);
  for (; cm != nullptr; cm = CMSG_NXTHDR(&rx, cm)) {
    if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
      auto* info = reinterpret_cast<in_pktinfo*>(CMSG_DATA(cm));
      info->ipi_spec_dst = info->ipi_addr;
      info->ipi_ifindex = 0;
      return CMSG_SPACE(sizeof(in_pktinfo));
    }
    if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
      return CMSG_SPACE(sizeof(in6_pktinfo));
    }
  }
  return 0;
}

}  // namespace

UdpReceiver::UdpReceiver(Worker& worker, int fd, bool wildcard)
    : worker_(worker), fd_(fd), wildcard_(wildcard) {
  std::memset(rx_, 0, sizeof rx_);
  std::memset(tx_, 0, sizeof tx_);
  for (int i = 0; i < kBatch; ++i) {
    rx_iov_[i] = {rx_buf_[i], sizeof rx_buf_[i]};
    tx_iov_[i] = {tx_buf_[i], 0};
  }
}

int UdpReceiver::start() {
  int rc = uv_poll_init(worker_.loop(), &poll_, fd_);
  if (rc != 0) return rc;
  poll_.data = this;
  return uv_poll_start(&poll_, UV_READABLE, &UdpReceiver::on_readable);
}

void UdpReceiver::close() {
  uv_poll_stop(&poll_);
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_), nullptr);
}

void UdpReceiver::on_readable(uv_poll_t* handle, int status, int /*events*/) {
  if (status < 0) return;
  auto* self = static_cast<UdpReceiver*>(handle->data);
  const int coalesce_us = self->worker_.io().udp_coalesce_us;
  // Interrupt moderation, as NICs do: a round that found more than one query
  // means queries arrive faster than we sleep and wake. Pausing briefly lets
  // the next round collect a fuller batch, so the context switch and the two
  // syscalls that every round costs are shared by more queries. A lone query
  // (idle server) is answered at once and never waits; under load a query
  // waits at most `coalesce_us`.
  for (int round = 0; round < kMaxRoundsPerWakeup; ++round) {
    const int received = self->serve_batch();
    if (received == kBatch) continue;  // more is queued: read again now
    if (received < 2 || coalesce_us == 0) break;
    pause_us(coalesce_us);
  }
}

int UdpReceiver::serve_batch() {
  for (int i = 0; i < kBatch; ++i) {
    msghdr& h = rx_[i].msg_hdr;
    h.msg_name = &peer_[i];
    h.msg_namelen = sizeof peer_[i];
    h.msg_iov = &rx_iov_[i];
    h.msg_iovlen = 1;
    h.msg_control = wildcard_ ? control_[i] : nullptr;
    h.msg_controllen = wildcard_ ? sizeof control_[i] : 0;
  }
  const int received = recvmmsg(fd_, rx_, kBatch, MSG_DONTWAIT, nullptr);
  if (received <= 0) return 0;

  const zones::Snapshot& snap = worker_.snapshot();
  const ResponderConfig& cfg = worker_.config();
  QueryContext& ctx = worker_.context();
  ResponseRateLimiter* rrl = worker_.io().rrl;
  const uint32_t now_ms = rrl != nullptr ? coarse_now_ms() : 0;
  int replies = 0;
  for (int i = 0; i < received; ++i) {
    msghdr& rx = rx_[i].msg_hdr;
    if (rx.msg_flags & MSG_TRUNC) {  // larger than any query we answer
      worker_.metrics().count_dropped();
      continue;
    }
    ctx.peer = reinterpret_cast<const sockaddr*>(&peer_[i]);
    size_t len =
        answer_query(snap, cfg, ctx, rx_buf_[i], rx_[i].msg_len, tx_buf_[replies], Transport::kUdp);
    if (len == 0) continue;
    if (rrl != nullptr) {
      len = rate_limit(*rrl, ctx, now_ms, tx_buf_[replies], len);
      if (len == 0) continue;
    }
    msghdr& tx = tx_[replies].msg_hdr;
    tx.msg_name = &peer_[i];
    tx.msg_namelen = rx.msg_namelen;
    tx_iov_[replies].iov_len = len;
    tx.msg_iov = &tx_iov_[replies];
    tx.msg_iovlen = 1;
    tx.msg_control = wildcard_ ? control_[i] : nullptr;
    tx.msg_controllen = wildcard_ ? reply_control(rx) : 0;
    if (tx.msg_controllen == 0) tx.msg_control = nullptr;
    ++replies;
  }
  send_batch(replies);
  return received;
}

size_t UdpReceiver::rate_limit(ResponseRateLimiter& rrl, const QueryContext& ctx, uint32_t now_ms,
                               uint8_t* response, size_t len) {
  const uint16_t rcode = response[3] & 0x0F;
  switch (rrl.check(ctx.peer, ctx.query, rcode, now_ms, rrl_limited_)) {
    case RrlVerdict::kSend:
      return len;
    case RrlVerdict::kSlip:
      worker_.metrics().count_rate_limited(/*slipped=*/true);
      return truncate_to_question(response, len);
    case RrlVerdict::kDrop:
      break;
  }
  worker_.metrics().count_rate_limited(/*slipped=*/false);
  return 0;
}

void UdpReceiver::send_batch(int count) {
  int sent = 0;
  while (sent < count) {
    const int n = sendmmsg(fd_, tx_ + sent, static_cast<unsigned>(count - sent), MSG_DONTWAIT);
    if (n > 0) {
      sent += n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    // EAGAIN (send buffer full) or a per-destination error on tx_[sent]: drop
    // that one reply, as the network would, and go on with the rest.
    ++sent;
  }
}

}  // namespace server
