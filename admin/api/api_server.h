// gslbd's admin HTTP API: HTTP/1.1 + JSON (cpp-httplib), on its own threads,
// never on a DNS worker. Bearer tokens from a file (NAME ROLE SECRET per
// line, ROLE read|write, '#' comments; refused when others may read it);
// every path but /healthz and the status page needs one: 401 without or with an
// unknown token, 403 for a write with a read token, 429 for an address that sent too many
// wrong ones (auth_throttle.h). Optional TLS. GET / is a
// read-only HTML status page that also takes a login session cookie
// (status_site.h). See docs/api.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin/api/auth_throttle.h"
#include "admin/api/routes.h"
#include "admin/api/tokens.h"
#include "zones/result.h"

namespace admin::api {

struct ApiSettings {
  std::string listen = "127.0.0.1:8053";  // ADDR:PORT, [V6]:PORT; port 0 picks one; "none" = off
  std::string tokens_file;                // required unless listen is "none"
  std::string cert_file;                  // both or neither: TLS
  std::string key_file;
  size_t max_body_bytes = 1 << 20;  // larger bodies get 413
  // Seconds a connection may go without sending (or taking) a byte before it is closed: a
  // client that stalls mid-request frees its worker thread.
  int io_timeout_s = 10;
  // Wrong tokens per client address before its credentials are refused unchecked (429).
  AuthThrottleSettings auth_throttle;
  // --status-vantage NAME=ADDRESS values: the status page's sample clients, checked by
  // check() and passed to the routes as ApiContext::status_vantages.
  std::vector<std::string> status_vantages;
};

// What gslbd contributes beyond the store (may be empty functions).
struct ApiHooks {
  std::function<nlohmann::json()> status;  // merged into GET /v1/status
  std::function<std::string()> metrics;    // gslbd's part of GET /metrics (Prometheus text)
};

class ApiServer {
 public:
  // Checks the settings and reads the tokens without binding anything, so
  // gslbd can refuse bad flags before it touches the store.
  static zones::Result<TokenTable> check(const ApiSettings& settings);
  // Reads the tokens, binds, and starts serving on its own threads; errors
  // name the flag ("--admin-tokens FILE: readable by others (mode 0644)").
  static zones::Result<std::unique_ptr<ApiServer>> start(const ApiSettings& settings,
                                                         const ApiContext& context,
                                                         const ApiHooks& hooks);
  virtual ~ApiServer() = default;
  // "127.0.0.1:8053" as bound (the real port when 0 was asked).
  virtual std::string address() const = 0;
  // Stops accepting, finishes requests in flight, joins its threads.
  virtual void stop() = 0;
};

}  // namespace admin::api
