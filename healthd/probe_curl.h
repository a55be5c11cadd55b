// libcurl's multi interface driven by a libuv loop: curl says which sockets
// to watch (CURLMOPT_SOCKETFUNCTION) and when to wake it (CURLMOPT_TIMERFUNCTION);
// a uv_poll_t per socket and one uv_timer_t hand the events back through
// curl_multi_socket_action. All transfers of an engine share this one driver.
#pragma once

#include <curl/curl.h>
#include <uv.h>

#include <unordered_set>
#include <vector>

namespace healthd {

// A transfer added to a CurlMulti: told once when curl has finished it.
class CurlTransfer {
 public:
  virtual void on_transfer_done(CURLcode code) = 0;

 protected:
  ~CurlTransfer() = default;
};

class CurlMulti {
 public:
  // nullptr when curl cannot make a multi handle.
  static CurlMulti* create(uv_loop_t* loop);
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // `transfer` is told when `easy` ends, unless it is removed first.
  CURLMcode add(CURL* easy, CurlTransfer* transfer);
  void remove(CURL* easy);
  // An easy handle with default options: an idle one, reset, when there is
  // one (curl_easy_init's allocations are a large part of a probe's cost at
  // thousands of probes per second), else a new one; nullptr on failure.
  CURL* take_easy();
  // A removed easy handle for later probes (a few hundred are kept idle).
  void give_back(CURL* easy);
  // Frees curl's state and closes every handle; deletes itself once libuv has
  // closed them. Transfers must have been removed.
  void shutdown();

 private:
  struct SocketWatch;

  explicit CurlMulti(uv_loop_t* loop);
  ~CurlMulti() = default;

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* watch);
  static int on_timer_change(CURLM* multi, long timeout_ms, void* self);
  static void on_timer(uv_timer_t* timer);
  static void on_poll(uv_poll_t* poll, int status, int events);
  static void on_timer_closed(uv_handle_t* handle);

  SocketWatch* watch(curl_socket_t fd);
  void unwatch(SocketWatch* watch);
  void act(curl_socket_t fd, int events);
  void deliver_finished();

  uv_loop_t* loop_;
  CURLM* multi_ = nullptr;
  uv_timer_t timer_{};
  std::unordered_set<SocketWatch*> watches_;
  std::vector<CURL*> idle_easy_;
  bool shut_down_ = false;
};

}  // namespace healthd
