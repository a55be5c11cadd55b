// The status page's three routes as a plain function of the request, so the login flow is
// tested without a socket: GET / (the page, or the login form), POST /login (a token in, a
// session cookie out) and POST /logout. The API server hands these requests here before its
// bearer check; the session cookie is honoured here only, never by the /v1 routes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin/api/routes.h"
#include "admin/api/status_session.h"
#include "admin/api/tokens.h"

namespace admin::api {

struct PageRequest {
  std::string method;
  std::string path;
  bool has_authorization = false;  // an Authorization header was sent
  std::string bearer;              // its secret when it was "Bearer SECRET"
  std::string cookie;              // the Cookie header
  std::string body;                // POST /login: token=SECRET (form-encoded)
};

struct PageResponse {
  int status = 200;
  std::string body;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

class StatusSite {
 public:
  // `tokens` must outlive the site. `gslbd_status` gives /v1/status's document (may be empty).
  StatusSite(ApiContext context, const TokenTable& tokens, bool tls,
             std::function<nlohmann::json()> gslbd_status);

  // GET /, POST /login, POST /logout.
  static bool handles(std::string_view method, std::string_view path);
  PageResponse serve(const PageRequest& request, int64_t now_ms);

  // The page itself, for a viewer already authenticated (what GET / renders).
  std::string page(const std::string& viewer, int64_t now_ms) const;

 private:
  PageResponse show(const PageRequest& request, int64_t now_ms);
  PageResponse login(const PageRequest& request, int64_t now_ms);
  PageResponse logout(const PageRequest& request);
  PageResponse login_form(int status, std::string_view error) const;

  ApiContext context_;
  const TokenTable& tokens_;
  bool tls_ = false;
  std::function<nlohmann::json()> gslbd_status_;
  SessionTable sessions_;
};

}  // namespace admin::api
