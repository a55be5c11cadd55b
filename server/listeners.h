// Listen addresses and their sockets: parsing "ADDR:PORT" / "[ADDR]:PORT",
// resolving port 0 to one free port for UDP and TCP alike, and opening one
// SO_REUSEPORT socket per worker so the kernel spreads load across workers.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>
#include <vector>

#include "zones/result.h"

namespace server {

struct ListenAddress {
  sockaddr_storage addr{};
  socklen_t len = 0;
  bool wildcard = false;  // 0.0.0.0 or [::]: replies need the query's own destination (pktinfo)

  int family() const { return addr.ss_family; }
  int port() const;
  void set_port(int port);
  std::string text() const;  // "127.0.0.1:53" or "[::1]:53"
};

zones::Result<ListenAddress> parse_listen_address(const std::string& text);

// The sockets of one worker: one UDP and one TCP socket per listen address,
// in the order of the addresses.
struct WorkerSockets {
  std::vector<int> udp;
  std::vector<int> tcp;
  std::vector<bool> wildcard;
};

// Opens `workers` sets of sockets. Addresses with port 0 get a port that is
// free for both UDP and TCP, written back into `addrs`. On failure every
// socket opened so far is closed.
zones::Result<std::vector<WorkerSockets>> open_sockets(std::vector<ListenAddress>& addrs,
                                                       int workers);

void close_sockets(std::vector<WorkerSockets>& sockets);

}  // namespace server
