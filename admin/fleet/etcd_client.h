// A client of etcd's v3 JSON gateway (etcd 3.4: /v3/kv/range and /v3/kv/txn — puts and
// deletes go in transactions — /v3/lease/grant|keepalive, /v3/watch) over libcurl. Keys and values
// travel base64 encoded, revisions as decimal strings; this class hides both. It fails over between
// the configured endpoints: a request that cannot reach one (connection refused, timeout, a member
// without a leader) is sent to the next, and the one that answered is kept for the next request;
// while members are reachable but none can complete it (a leader election), the round over the
// endpoints is repeated for up to twice the request timeout.
// Optional TLS (CA, client certificate and key) and username/password auth (a token from
// /v3/auth/authenticate, fetched again when etcd says it expired).
//
// One EtcdClient is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zones/result.h"

namespace admin::fleet {

struct EtcdSettings {
  std::vector<std::string> endpoints;  // "http://127.0.0.1:2379", "https://etcd1:2379"
  std::string ca_file;                 // trust these CAs (https)
  std::string cert_file, key_file;     // client certificate (https)
  std::string user, password;          // etcd's own auth, when enabled
  int request_timeout_ms = 2000;       // per endpoint tried
};

// Checks the endpoints are http(s) URLs, TLS files are given in pairs, a user has a password.
zones::Result<void> validate(const EtcdSettings& settings);

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t lease = 0;
};

struct RangeResult {
  int64_t revision = 0;  // the store's revision the range was read at
  std::vector<KeyValue> kvs;
};

// One compare of a transaction: the key's mod_revision equals `mod_revision` (0: the key
// does not exist).
struct Compare {
  std::string key;
  int64_t mod_revision = 0;
};

// One operation of a transaction: a put (value set) or a delete of the key.
struct TxnOp {
  std::string key;
  std::optional<std::string> value;  // nullopt: delete
  int64_t lease = 0;
};

struct TxnResult {
  bool succeeded = false;
  int64_t revision = 0;  // after the transaction (unchanged when it failed)
};

struct WatchEvent {
  bool deleted = false;
  KeyValue kv;  // for a delete, only key and mod_revision
};

// A message of the watch stream.
struct WatchMessage {
  int64_t revision = 0;          // the header's revision
  int64_t compact_revision = 0;  // > 0: the start revision was compacted; resync
  bool canceled = false;
  std::string cancel_reason;
  std::vector<WatchEvent> events;
};

class EtcdClient {
 public:
  explicit EtcdClient(EtcdSettings settings);
  ~EtcdClient();
  EtcdClient(const EtcdClient&) = delete;
  EtcdClient& operator=(const EtcdClient&) = delete;

  // Every key in [prefix, end of prefix) at `revision` (0: the latest), read in pages; all
  // pages come from the same revision.
  zones::Result<RangeResult> range_prefix(const std::string& prefix, int64_t revision = 0);
  // One key, read at the latest revision (linearizable: it needs a quorum).
  zones::Result<RangeResult> get(const std::string& key);
  // If every compare holds, every op, atomically.
  zones::Result<TxnResult> txn(const std::vector<Compare>& compares, const std::vector<TxnOp>& ops);

  // Leases: grant returns the lease id; keepalive returns the TTL left (0: the lease is gone).
  // (No revoke: a vantage that stops lets its lease run out, so a restart within it is
  // seamless.)
  zones::Result<int64_t> lease_grant(int64_t ttl_seconds);
  zones::Result<int64_t> lease_keepalive(int64_t lease);

  // The endpoint that answered last ("" before any answer).
  const std::string& endpoint() const;

  // Opens the watch stream on [prefix, end of prefix) from `start_revision` on the current
  // endpoint (trying the others when it cannot connect). poll() then waits up to
  // `timeout_ms` for messages and returns those that arrived (empty on a timeout); an error
  // when the stream broke or ended. close_watch() ends it.
  zones::Result<void> open_watch(const std::string& prefix, int64_t start_revision);
  zones::Result<std::vector<WatchMessage>> poll_watch(int timeout_ms);
  void close_watch();

 private:
  // POSTs `body` to `path` ("/v3/kv/range"), failing over between endpoints.
  zones::Result<nlohmann::json> call(const std::string& path, const nlohmann::json& body);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The key just past every key that starts with `prefix` (etcd's range_end for a prefix).
std::string prefix_end(const std::string& prefix);

}  // namespace admin::fleet
