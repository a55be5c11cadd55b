// gslbd's settings: one row per numeric setting (flag, default, range,
// help), so flag parsing, range checks, --help and docs/ agree.
#pragma once

#include <string>
#include <vector>

namespace server {

struct GslbdSettings {
  std::string db;
  std::vector<std::string> listen;
  std::string chaos_id;
  std::string chaos_version;
  std::string log_level = "info";
  std::string geoip;                       // MaxMind DB file; empty = no client location
  std::string health_quorum = "majority";  // see server::parse_quorum
  std::string admin = "127.0.0.1:8053";    // admin API listen address; "none" = off
  bool admin_given = false;                // --admin on the command line (then tokens are required)
  std::string admin_tokens;                // NAME ROLE SECRET lines, mode 0600
  std::string admin_cert;                  // PEM: both or neither, for HTTPS
  std::string admin_key;
  std::vector<std::string> status_vantages;  // NAME=ADDRESS: the admin status page's sample clients
  int threads = 0;                           // 0: one per core
  int tcp_idle_timeout_ms = 10000;
  int max_tcp_connections = 1024;
  int max_udp_payload = 1232;
  int poll_interval_ms = 50;
  int udp_coalesce_us = 300;
  int ecs_max_prefix_v4 = 24;
  int ecs_max_prefix_v6 = 56;
  int query_log_sample = 0;
  int rrl_rate = 100;  // see server/rate_limit.h
  int rrl_slip = 2;
  int rrl_ipv4_prefix = 24;
  int rrl_ipv6_prefix = 56;
  std::vector<std::string> rrl_exempt;  // empty: kDefaultRrlExempt
  int max_tcp_per_client = 16;
  int tcp_read_timeout_ms = 5000;
  std::string user;  // --user: drop to this account after binding
  int admin_io_timeout_s = 10;
};

struct IntSetting {
  const char* flag;
  int GslbdSettings::*field;
  int min;
  int max;
  const char* help;
};

inline const std::vector<std::string> kDefaultListen = {"0.0.0.0:53", "[::]:53"};

inline constexpr IntSetting kIntSettings[] = {
    {"--threads", &GslbdSettings::threads, 0, 256,
     "worker threads, each with its own UDP and TCP sockets (0 = one per core)"},
    {"--tcp-idle-timeout", &GslbdSettings::tcp_idle_timeout_ms, 100, 600000,
     "milliseconds a TCP connection may stay idle before the server closes it"},
    {"--max-tcp-connections", &GslbdSettings::max_tcp_connections, 1, 1000000,
     "open TCP connections across all workers; more wait in the listen backlog"},
    {"--max-udp-payload", &GslbdSettings::max_udp_payload, 512, 4096,
     "largest UDP response, and the EDNS payload size advertised"},
    {"--udp-coalesce", &GslbdSettings::udp_coalesce_us, 0, 2000,
     "microseconds to wait for more UDP queries after a busy wakeup (0 = off)"},
    {"--poll-interval", &GslbdSettings::poll_interval_ms, 10, 10000,
     "milliseconds between checks of the store for changes"},
    {"--ecs-max-prefix-v4", &GslbdSettings::ecs_max_prefix_v4, 0, 32,
     "longest IPv4 Client Subnet prefix used; longer ones are cut to it"},
    {"--ecs-max-prefix-v6", &GslbdSettings::ecs_max_prefix_v6, 0, 128,
     "longest IPv6 Client Subnet prefix used; longer ones are cut to it"},
    {"--query-log-sample", &GslbdSettings::query_log_sample, 0, 1000000,
     "log one query in N per worker thread as an event=query line (0 = no query log)"},
    {"--rrl-rate", &GslbdSettings::rrl_rate, 0, 10000,
     "UDP responses per second per client prefix and answer before rate limiting (0 = off)"},
    {"--rrl-slip", &GslbdSettings::rrl_slip, 0, 10,
     "send every Nth rate-limited answer truncated, so real resolvers retry over TCP "
     "(0 = drop all)"},
    {"--rrl-ipv4-prefix", &GslbdSettings::rrl_ipv4_prefix, 8, 32,
     "IPv4 clients in one prefix of this length share rate-limit buckets"},
    {"--rrl-ipv6-prefix", &GslbdSettings::rrl_ipv6_prefix, 16, 128,
     "IPv6 clients in one prefix of this length share rate-limit buckets"},
    {"--max-tcp-per-client", &GslbdSettings::max_tcp_per_client, 1, 100000,
     "open TCP connections one client address may hold per worker thread; more are closed"},
    {"--tcp-read-timeout", &GslbdSettings::tcp_read_timeout_ms, 100, 600000,
     "milliseconds a TCP client has to complete a message once it started sending it"},
    {"--admin-io-timeout", &GslbdSettings::admin_io_timeout_s, 1, 300,
     "seconds the admin API waits for a client's next bytes before closing its connection"},
};

}  // namespace server
