// A small blocking HTTP client for gslbd's admin API (libcurl): JSON in and out, a bearer
// token, timeouts, TLS with an optional pinned CA. Failures come back as zones::Error whose
// `where` is kApiWhere, so report() prints them as "gslbadm: <error> (field: <field>)".
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "zones/result.h"

namespace gslbadm {

// Marks an error that came from (or on the way to) the admin API.
inline constexpr const char* kApiWhere = "gslbadm";

struct ApiClientSettings {
  std::string url;      // "http://127.0.0.1:8053" or "https://..."; a trailing '/' is dropped
  std::string token;    // the bearer secret
  std::string ca_file;  // PEM CA to trust instead of the system's (self-signed admin certs)
  long connect_timeout_ms = 5'000;
  long timeout_ms = 30'000;  // the whole request
};

class ApiClient {
 public:
  explicit ApiClient(ApiClientSettings settings);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // `path` starts with "/v1/..." and is already escaped (see escape()). A 2xx answer's body
  // as JSON (null when empty); anything else is an error: the body's {"error", "field"} as
  // the message, or the HTTP status when the body is not such an object.
  zones::Result<nlohmann::json> call(const std::string& method, const std::string& path,
                                     const nlohmann::json* body = nullptr);
  zones::Result<nlohmann::json> get(const std::string& path) { return call("GET", path); }
  // The same for text: `body` sent as `content_type` (no body when null) and the 2xx answer's
  // body returned as it is (config files and zone files in and out).
  zones::Result<std::string> call_text(const std::string& method, const std::string& path,
                                       const std::string* body = nullptr,
                                       const std::string& content_type = "text/plain");

  const std::string& url() const { return settings_.url; }

 private:
  ApiClientSettings settings_;
  struct Curl;
  std::unique_ptr<Curl> curl_;
};

// Percent-encodes one path segment or query value ("a/b c" -> "a%2Fb%20c").
std::string escape(const std::string& text);

}  // namespace gslbadm
