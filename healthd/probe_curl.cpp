// The curl-on-libuv driver: sockets and the one timer curl asks for, mapped
// to uv_poll_t and uv_timer_t; finished transfers handed to their owners.
#include "healthd/probe_curl.h"

namespace healthd {

struct CurlMulti::SocketWatch {
  uv_poll_t poll{};
  curl_socket_t fd = CURL_SOCKET_BAD;
  int wanted = 0;  // CURL_POLL_IN | CURL_POLL_OUT, as curl last asked
  CurlMulti* driver = nullptr;
};

CurlMulti::CurlMulti(uv_loop_t* loop) : loop_(loop) {}

CurlMulti* CurlMulti::create(uv_loop_t* loop) {
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) return nullptr;
  auto* driver = new CurlMulti(loop);
  driver->multi_ = multi;
  uv_timer_init(loop, &driver->timer_);
  driver->timer_.data = driver;
  curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, driver);
  curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer_change);
  curl_multi_setopt(multi, CURLMOPT_TIMERDATA, driver);
  return driver;
}

CURLMcode CurlMulti::add(CURL* easy, CurlTransfer* transfer) {
  curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer);
  // Only arms the timer through on_timer_change: curl does no I/O here, so
  // no transfer can end inside add().
  return curl_multi_add_handle(multi_, easy);
}

void CurlMulti::remove(CURL* easy) {
  curl_multi_remove_handle(multi_, easy);
}

CURL* CurlMulti::take_easy() {
  if (idle_easy_.empty()) return curl_easy_init();
  CURL* easy = idle_easy_.back();
  idle_easy_.pop_back();
  curl_easy_reset(easy);
  return easy;
}

void CurlMulti::give_back(CURL* easy) {
  constexpr size_t kMaxIdle = 256;
  if (shut_down_ || idle_easy_.size() >= kMaxIdle) {
    curl_easy_cleanup(easy);
  } else {
    idle_easy_.push_back(easy);
  }
}

void CurlMulti::shutdown() {
  shut_down_ = true;
  for (CURL* easy : idle_easy_) curl_easy_cleanup(easy);
  idle_easy_.clear();
  curl_multi_cleanup(multi_);
  multi_ = nullptr;
  // Sockets curl did not report as removed are closed by now; stop watching.
  while (!watches_.empty()) unwatch(*watches_.begin());
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_timer_closed);
}

void CurlMulti::on_timer_closed(uv_handle_t* handle) {
  delete static_cast<CurlMulti*>(handle->data);
}

// curl's CURLMOPT_SOCKETFUNCTION: watch `fd` for what curl waits on, or stop.
int CurlMulti::on_socket(CURL*, curl_socket_t fd, int what, void* self, void* watch_ptr) {
  auto* driver = static_cast<CurlMulti*>(self);
  auto* watch = static_cast<SocketWatch*>(watch_ptr);
  if (what == CURL_POLL_REMOVE) {
    if (watch != nullptr) driver->unwatch(watch);
    return 0;
  }
  if (watch == nullptr) watch = driver->watch(fd);
  if (watch == nullptr) return -1;
  watch->wanted = what;
  int events = 0;
  if (what & CURL_POLL_IN) events |= UV_READABLE;
  if (what & CURL_POLL_OUT) events |= UV_WRITABLE;
  uv_poll_start(&watch->poll, events, on_poll);
  return 0;
}

CurlMulti::SocketWatch* CurlMulti::watch(curl_socket_t fd) {
  auto* watch = new SocketWatch;
  watch->fd = fd;
  watch->driver = this;
  if (uv_poll_init_socket(loop_, &watch->poll, fd) != 0) {
    delete watch;
    return nullptr;
  }
  watch->poll.data = watch;
  watches_.insert(watch);
  curl_multi_assign(multi_, fd, watch);
  return watch;
}

void CurlMulti::unwatch(SocketWatch* watch) {
  watches_.erase(watch);
  // uv_close stops the poll at once: curl may close the socket right after.
  if (multi_ != nullptr) curl_multi_assign(multi_, watch->fd, nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&watch->poll),
           [](uv_handle_t* handle) { delete static_cast<SocketWatch*>(handle->data); });
}

// curl's CURLMOPT_TIMERFUNCTION: -1 stops the timer; 0 means "soon", which
// must not call back into curl from here, so it goes through the loop too.
int CurlMulti::on_timer_change(CURLM*, long timeout_ms, void* self) {
  auto* driver = static_cast<CurlMulti*>(self);
  if (timeout_ms < 0) {
    uv_timer_stop(&driver->timer_);
  } else {
    uv_timer_start(&driver->timer_, on_timer, static_cast<uint64_t>(timeout_ms), 0);
  }
  return 0;
}

void CurlMulti::on_timer(uv_timer_t* timer) {
  static_cast<CurlMulti*>(timer->data)->act(CURL_SOCKET_TIMEOUT, 0);
}

void CurlMulti::on_poll(uv_poll_t* poll, int status, int events) {
  auto* watch = static_cast<SocketWatch*>(poll->data);
  int flags = 0;
  if (status < 0) {
    // On a socket error libuv stops the poll and reports no events. Telling
    // curl "ready" rather than CURL_CSELECT_ERR makes it read or write and so
    // report the real error ("Connection reset by peer", not "select/poll
    // returned error"); the run's guard ends it should curl wait on anyway.
    if (watch->wanted & CURL_POLL_IN) flags |= CURL_CSELECT_IN;
    if (watch->wanted & CURL_POLL_OUT) flags |= CURL_CSELECT_OUT;
  } else {
    if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  }
  watch->driver->act(watch->fd, flags);
}

void CurlMulti::act(curl_socket_t fd, int events) {
  if (shut_down_) return;
  int running = 0;
  curl_multi_socket_action(multi_, fd, events, &running);
  deliver_finished();
}

void CurlMulti::deliver_finished() {
  int queued = 0;
  while (!shut_down_) {
    CURLMsg* message = curl_multi_info_read(multi_, &queued);
    if (message == nullptr) return;
    if (message->msg != CURLMSG_DONE) continue;
    void* transfer = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
    // The owner removes the easy handle (and may shut this driver down).
    static_cast<CurlTransfer*>(transfer)->on_transfer_done(message->data.result);
  }
}

}  // namespace healthd
