// A small blocking HTTP client on libcurl for the admin API tests: one request, the status,
// the headers (names lowercased) and the body back. Never follows redirects, never uses a
// proxy, always has a timeout.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace testsupport {

struct HttpResponse {
  long status = 0;                             // 0: no response (connection failed, timeout)
  std::map<std::string, std::string> headers;  // lowercased names; the last one of a name wins
  std::string body;
  std::string error;  // curl's message when status is 0

  std::string header(const std::string& lowercase_name) const;
};

// Throws std::runtime_error only when curl cannot be set up; a failed transfer is status 0.
HttpResponse http_request(const std::string& method, const std::string& url,
                          const std::string& body = "",
                          const std::vector<std::string>& headers = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(10),
                          const std::string& source = "");  // local address; "" = any

// The same with `Authorization: Bearer <token>` (none when `token` is empty) and, when there
// is a body, `Content-Type: application/json`.
HttpResponse http_bearer(const std::string& method, const std::string& url,
                         const std::string& token, const std::string& body = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The admin API at `base` ("http://127.0.0.1:PORT") with one token.
struct ApiClient {
  std::string base;
  std::string token;

  HttpResponse get(const std::string& path) const { return call("GET", path); }
  HttpResponse post(const std::string& path, const std::string& body) const {
    return call("POST", path, body);
  }
  HttpResponse put(const std::string& path, const std::string& body) const {
    return call("PUT", path, body);
  }
  HttpResponse patch(const std::string& path, const std::string& body) const {
    return call("PATCH", path, body);
  }
  HttpResponse del(const std::string& path) const { return call("DELETE", path); }
  HttpResponse call(const std::string& method, const std::string& path,
                    const std::string& body = "") const {
    return http_bearer(method, base + path, token, body);
  }
};

// Percent-encodes a query parameter value.
std::string url_encode(const std::string& text);

}  // namespace testsupport
