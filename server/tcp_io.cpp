// TCP connections: read, answer every complete message, write back; while a
// write is in flight the connection stops reading (backpressure), and at the
// connection cap new connections wait in the kernel's backlog.
//
// One timer per connection guards against clients that hold it open: between
// messages it is the idle timeout, restarted by every read; once a message has
// begun it is the read deadline, which later reads do not move (a client
// sending a byte now and then cannot keep a connection forever).
#include "server/tcp_io.h"

#include <cstring>

namespace server {
namespace {

TcpConnection& conn_of(void* data) {
  return *static_cast<TcpConnection*>(data);
}

// Same client: the address, not the port (IPv4 and IPv6 compared as stored).
bool same_address(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET)
    return std::memcmp(&reinterpret_cast<const sockaddr_in&>(a).sin_addr,
                       &reinterpret_cast<const sockaddr_in&>(b).sin_addr, sizeof(in_addr)) == 0;
  if (a.ss_family == AF_INET6)
    return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr,
                       &reinterpret_cast<const sockaddr_in6&>(b).sin6_addr, sizeof(in6_addr)) == 0;
  return false;
}

}  // namespace

TcpServer::TcpServer(Worker& worker, int fd) : worker_(worker), fd_(fd) {}

TcpServer::~TcpServer() = default;

int TcpServer::start() {
  int rc = uv_tcp_init(worker_.loop(), &listener_);
  if (rc == 0) rc = uv_tcp_open(&listener_, fd_);
  listener_.data = this;
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), 1024, &on_connection);
  return rc;
}

void TcpServer::close() {
  uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
  for (auto& conn : pool_)
    if (conn->in_use) close_connection(*conn);
}

TcpConnection* TcpServer::acquire() {
  TcpConnection* conn = free_;
  if (conn != nullptr) {
    free_ = conn->next_free;
  } else {
    // Default-initialised: the large buffers are not zeroed or touched.
    pool_.push_back(std::unique_ptr<TcpConnection>(new TcpConnection));
    conn = pool_.back().get();
  }
  conn->server = this;
  conn->in_len = conn->out_len = 0;
  conn->writing = conn->peer_done = conn->closing = conn->mid_message = false;
  conn->in_use = true;
  conn->open_handles = 0;
  ++active_;
  return conn;
}

void TcpServer::release(TcpConnection* conn) {
  conn->in_use = false;
  conn->next_free = free_;
  free_ = conn;
  --active_;
  if (accept_waiting_ && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&listener_))) {
    accept_waiting_ = false;
    accept_one();
  }
}

void TcpServer::on_connection(uv_stream_t* listener, int status) {
  auto* self = static_cast<TcpServer*>(listener->data);
  if (status < 0) return;
  if (self->active_ >= self->worker_.io().max_tcp_connections) {
    // Not accepting makes libuv stop watching the listener until we do.
    self->accept_waiting_ = true;
    return;
  }
  self->accept_one();
}

void TcpServer::accept_one() {
  TcpConnection* conn = acquire();
  uv_tcp_init(worker_.loop(), &conn->handle);
  uv_timer_init(worker_.loop(), &conn->idle);
  conn->handle.data = conn->idle.data = conn->write_req.data = conn;
  conn->open_handles = 2;
  if (uv_accept(reinterpret_cast<uv_stream_t*>(&listener_),
                reinterpret_cast<uv_stream_t*>(&conn->handle)) != 0) {
    close_connection(*conn);
    return;
  }
  uv_tcp_nodelay(&conn->handle, 1);
  int peer_len = sizeof conn->peer;
  if (uv_tcp_getpeername(&conn->handle, reinterpret_cast<sockaddr*>(&conn->peer), &peer_len) != 0)
    conn->peer.ss_family = AF_UNSPEC;
  if (over_client_cap(*conn)) {
    worker_.metrics().count_tcp_closed(TcpCloseReason::kClientCap);
    close_connection(*conn);
    return;
  }
  uv_timer_start(&conn->idle, &on_idle, worker_.io().tcp_idle_timeout_ms, 0);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&conn->handle), &on_alloc, &on_read);
}

void TcpServer::on_alloc(uv_handle_t* handle, size_t /*suggested*/, uv_buf_t* buf) {
  TcpConnection& conn = conn_of(handle->data);
  *buf = uv_buf_init(reinterpret_cast<char*>(conn.in + conn.in_len),
                     static_cast<unsigned>(sizeof conn.in - conn.in_len));
}

void TcpServer::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* /*buf*/) {
  TcpConnection& conn = conn_of(stream->data);
  TcpServer& self = *conn.server;
  if (nread > 0) {
    conn.in_len += static_cast<size_t>(nread);
  } else if (nread == UV_EOF) {
    conn.peer_done = true;
    uv_read_stop(stream);
  } else if (nread < 0) {
    self.close_connection(conn);
    return;
  }
  self.serve(conn);
  self.arm_timer(conn, /*activity=*/nread > 0);
}

bool TcpServer::over_client_cap(const TcpConnection& conn) const {
  if (conn.peer.ss_family == AF_UNSPEC) return false;
  int same = 0;  // at accept time only: a scan of this worker's connections
  for (const auto& other : pool_)
    if (other->in_use && !other->closing && same_address(other->peer, conn.peer)) ++same;
  return same > worker_.io().max_tcp_per_client;  // `same` counts `conn` itself
}

void TcpServer::arm_timer(TcpConnection& conn, bool activity) {
  if (conn.closing) return;
  const IoSettings& io = worker_.io();
  if (conn.in_len == 0) {
    if (activity || conn.mid_message)
      uv_timer_start(&conn.idle, &on_idle, io.tcp_idle_timeout_ms, 0);
    conn.mid_message = false;
  } else if (!conn.mid_message) {
    conn.mid_message = true;  // the deadline starts with the message's first octets
    uv_timer_start(&conn.idle, &on_idle, io.tcp_read_timeout_ms, 0);
  }
}

bool TcpServer::has_message(const TcpConnection& conn) const {
  return conn.in_len >= 2 && conn.in_len >= 2u + get16(conn.in);
}

// Answers complete messages in order until input runs out, the output
// buffer needs draining, or the connection closes.
void TcpServer::serve(TcpConnection& conn) {
  while (!conn.closing) {
    while (!conn.writing && !conn.closing && answer_next(conn)) {
    }
    if (conn.closing) return;
    flush(conn);
    if (conn.writing || conn.closing || !has_message(conn)) break;
  }
  if (conn.closing || conn.writing) return;
  if (conn.peer_done) close_connection(conn);
}

bool TcpServer::answer_next(TcpConnection& conn) {
  if (conn.in_len < 2) return false;
  const size_t msg_len = get16(conn.in);
  if (msg_len == 0 || msg_len > TcpConnection::kMaxQuery) {
    worker_.metrics().count_dropped();  // no real query is empty or that large
    worker_.metrics().count_tcp_closed(TcpCloseReason::kOversized);
    close_connection(conn);
    return false;
  }
  if (conn.in_len < 2 + msg_len) return false;
  if (conn.out_len + 2 + kMaxMessage > sizeof conn.out) return false;  // drain first
  worker_.context().peer = reinterpret_cast<const sockaddr*>(&conn.peer);
  const size_t len =
      answer_query(worker_.snapshot(), worker_.config(), worker_.context(), conn.in + 2, msg_len,
                   conn.out + conn.out_len + 2, Transport::kTcp);
  if (len > 0) {
    put16(conn.out + conn.out_len, static_cast<uint16_t>(len));
    conn.out_len += 2 + len;
  }
  conn.in_len -= 2 + msg_len;
  std::memmove(conn.in, conn.in + 2 + msg_len, conn.in_len);
  conn.mid_message = false;  // what follows is a new message, with its own deadline
  return true;
}

void TcpServer::flush(TcpConnection& conn) {
  if (conn.writing || conn.out_len == 0) return;
  uv_buf_t buf =
      uv_buf_init(reinterpret_cast<char*>(conn.out), static_cast<unsigned>(conn.out_len));
  const int n = uv_try_write(reinterpret_cast<uv_stream_t*>(&conn.handle), &buf, 1);
  if (n == static_cast<int>(conn.out_len)) {
    conn.out_len = 0;
    return;
  }
  if (n < 0 && n != UV_EAGAIN) {
    close_connection(conn);
    return;
  }
  const size_t written = n > 0 ? static_cast<size_t>(n) : 0;
  conn.out_len -= written;
  std::memmove(conn.out, conn.out + written, conn.out_len);
  buf = uv_buf_init(reinterpret_cast<char*>(conn.out), static_cast<unsigned>(conn.out_len));
  if (uv_write(&conn.write_req, reinterpret_cast<uv_stream_t*>(&conn.handle), &buf, 1, &on_write) !=
      0) {
    close_connection(conn);
    return;
  }
  conn.writing = true;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&conn.handle));
}

void TcpServer::on_write(uv_write_t* req, int status) {
  TcpConnection& conn = conn_of(req->data);
  conn.writing = false;
  if (conn.closing) return;
  if (status < 0) {
    conn.server->close_connection(conn);
    return;
  }
  conn.out_len = 0;
  if (!conn.peer_done)
    uv_read_start(reinterpret_cast<uv_stream_t*>(&conn.handle), &on_alloc, &on_read);
  conn.server->serve(conn);
  conn.server->arm_timer(conn, /*activity=*/true);
}

void TcpServer::on_idle(uv_timer_t* timer) {
  TcpConnection& conn = conn_of(timer->data);
  conn.server->worker_.metrics().count_tcp_closed(conn.mid_message ? TcpCloseReason::kReadTimeout
                                                                   : TcpCloseReason::kIdle);
  conn.server->close_connection(conn);
}

void TcpServer::close_connection(TcpConnection& conn) {
  if (conn.closing) return;
  conn.closing = true;
  uv_timer_stop(&conn.idle);
  uv_close(reinterpret_cast<uv_handle_t*>(&conn.handle), &on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&conn.idle), &on_closed);
}

void TcpServer::on_closed(uv_handle_t* handle) {
  TcpConnection& conn = conn_of(handle->data);
  if (--conn.open_handles == 0) conn.server->release(&conn);
}

}  // namespace server
