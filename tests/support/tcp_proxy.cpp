// A cuttable TCP forwarder (see tcp_proxy.h).
#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

namespace testsupport {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

struct Pair {
  int client = -1, server = -1;
  int generation = 0;
};

void close_pair(Pair& p) {
  if (p.client >= 0) close(p.client);
  if (p.server >= 0) close(p.server);
  p.client = p.server = -1;
}

// Moves what `from` has to `to`; false when either side is done.
bool pump(int from, int to) {
  char buffer[16384];
  const ssize_t n = read(from, buffer, sizeof buffer);
  if (n <= 0) return false;
  ssize_t sent = 0;
  while (sent < n) {
    const ssize_t w = write(to, buffer + sent, static_cast<size_t>(n - sent));
    if (w <= 0) return false;
    sent += w;
  }
  return true;
}

}  // namespace

TcpProxy::TcpProxy(uint16_t target_port) : target_port_(target_port) {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback(0);
  if (bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(listener_, 64) != 0)
    throw std::runtime_error("tcp proxy: cannot listen");
  socklen_t len = sizeof a;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  if (pipe(wake_) != 0) throw std::runtime_error("tcp proxy: pipe");
  thread_ = std::thread([this] { run(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  (void)!write(wake_[1], "x", 1);
  thread_.join();
  close(listener_);
  close(wake_[0]);
  close(wake_[1]);
}

void TcpProxy::cut() {
  cut_ = true;
  (void)!write(wake_[1], "x", 1);
}

void TcpProxy::heal() {
  ++generation_;
  cut_ = false;
  (void)!write(wake_[1], "x", 1);
}

void TcpProxy::run() {
  std::vector<Pair> pairs;
  while (!stopping_) {
    // Connections from before a heal were dead ends: close them, clients reconnect.
    for (Pair& p : pairs) {
      if (p.generation != generation_) close_pair(p);
    }
    std::erase_if(pairs, [](const Pair& p) { return p.client < 0; });
    const bool cut = cut_;
    std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
    if (!cut) {
      for (const Pair& p : pairs) {
        fds.push_back({p.client, POLLIN, 0});
        fds.push_back({p.server, POLLIN, 0});
      }
    }
    const size_t polled = cut ? 0 : pairs.size();
    if (poll(fds.data(), fds.size(), 200) <= 0) continue;
    if (fds[0].revents != 0) {
      char drain[64];
      (void)!read(wake_[0], drain, sizeof drain);
    }
    if (fds[1].revents & POLLIN) {
      Pair p;
      p.client = accept(listener_, nullptr, nullptr);
      p.generation = generation_;
      if (!cut) {
        p.server = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in target = loopback(target_port_);
        if (connect(p.server, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
          close_pair(p);  // the server is down: the client sees its connection closed
        }
      }
      if (p.client >= 0) pairs.push_back(p);  // cut: held open, never answered
    }
    for (size_t i = 0; i < polled; ++i) {
      const pollfd& c = fds[2 + 2 * i];
      const pollfd& s = fds[3 + 2 * i];
      bool alive = true;
      if (c.revents & (POLLIN | POLLHUP | POLLERR)) alive = pump(pairs[i].client, pairs[i].server);
      if (alive && (s.revents & (POLLIN | POLLHUP | POLLERR)))
        alive = pump(pairs[i].server, pairs[i].client);
      if (!alive) close_pair(pairs[i]);
    }
  }
  for (Pair& p : pairs) close_pair(p);
}

}  // namespace testsupport
