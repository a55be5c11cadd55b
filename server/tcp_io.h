// DNS over TCP on a worker (RFC 7766): length-prefixed messages, pipelined
// queries answered in order, idle and read timeouts, and caps on connections
// (all of them, and per client address).
// Connection objects come from a per-worker free list: no allocation per
// query, and only up to the cap per connection.
#pragma once

#include <sys/socket.h>
#include <uv.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "server/wire.h"
#include "server/worker.h"

namespace server {

class TcpServer;

// One client connection. Fixed buffers: a query larger than kMaxQuery is
// refused by closing the connection (no real query comes close).
struct TcpConnection {
  static constexpr size_t kMaxQuery = 16384;
  static constexpr size_t kOutCapacity = 2 * (kMaxMessage + 2);

  uv_tcp_t handle{};
  uv_timer_t idle{};  // the idle timeout, or the read deadline mid-message
  uv_write_t write_req{};
  TcpServer* server = nullptr;
  size_t in_len = 0;
  size_t out_len = 0;
  bool writing = false;
  bool peer_done = false;  // the client closed its side: finish and close
  bool closing = false;
  bool in_use = false;
  bool mid_message = false;  // part of a message has arrived: the timer is the read deadline
  int open_handles = 0;
  TcpConnection* next_free = nullptr;
  sockaddr_storage peer{};  // the client, for the selector
  uint8_t in[kMaxQuery + 2];
  uint8_t out[kOutCapacity];
};

class TcpServer {
 public:
  TcpServer(Worker& worker, int fd);
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;
  ~TcpServer();

  int start();
  // Closes the listener and every connection; the loop then runs until
  // libuv has released them all.
  void close();

 private:
  static void on_connection(uv_stream_t* listener, int status);
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_idle(uv_timer_t* timer);
  static void on_closed(uv_handle_t* handle);

  TcpConnection* acquire();
  void release(TcpConnection* conn);
  void accept_one();
  void serve(TcpConnection& conn);
  bool answer_next(TcpConnection& conn);
  bool has_message(const TcpConnection& conn) const;
  // More than --max-tcp-per-client connections of this worker from conn's address.
  bool over_client_cap(const TcpConnection& conn) const;
  // After reading or writing: idle timeout between messages, read deadline within one.
  void arm_timer(TcpConnection& conn, bool activity);
  void flush(TcpConnection& conn);
  void close_connection(TcpConnection& conn);

  Worker& worker_;
  int fd_;
  uv_tcp_t listener_{};
  int active_ = 0;
  bool accept_waiting_ = false;  // at the cap: a connection waits in the backlog
  TcpConnection* free_ = nullptr;
  std::vector<std::unique_ptr<TcpConnection>> pool_;
};

}  // namespace server
