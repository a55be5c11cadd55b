// The status page's login flow and page delivery (status_site.h).
#include "admin/api/status_site.h"

#include "admin/api/status_html.h"
#include "admin/api/status_page.h"

namespace admin::api {
namespace {

// Nothing may be loaded from elsewhere and no script may run (the page has none), the page
// may not be framed, and forms may only post back here.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

PageResponse html(int status, std::string body) {
  PageResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = {{"Content-Security-Policy", kContentSecurityPolicy},
               {"Cache-Control", "no-store"},
               {"X-Content-Type-Options", "nosniff"},
               {"X-Frame-Options", "DENY"},
               {"Referrer-Policy", "no-referrer"}};
  return r;
}

// After a POST, a 303 makes the browser GET / (a reload does not post the token again).
PageResponse see_root(const std::string& set_cookie) {
  PageResponse r = html(303, "");
  r.headers.emplace_back("Location", "/");
  r.headers.emplace_back("Set-Cookie", set_cookie);
  return r;
}

}  // namespace

StatusSite::StatusSite(ApiContext context, const TokenTable& tokens, bool tls,
                       std::function<nlohmann::json()> gslbd_status)
    : context_(std::move(context)),
      tokens_(tokens),
      tls_(tls),
      gslbd_status_(std::move(gslbd_status)) {}

bool StatusSite::handles(std::string_view method, std::string_view path) {
  return (method == "GET" && path == "/") ||
         (method == "POST" && (path == "/login" || path == "/logout"));
}

PageResponse StatusSite::serve(const PageRequest& request, int64_t now_ms) {
  if (request.method == "GET") return show(request, now_ms);
  if (request.path == "/login") return login(request, now_ms);
  return logout(request);
}

std::string StatusSite::page(const std::string& viewer, int64_t now_ms) const {
  StatusPage data = gather_status_page(context_, now_ms);
  data.viewer = viewer;
  if (gslbd_status_) {
    try {
      data.gslbd = gslbd_status_();
    } catch (const std::exception&) {
      data.gslbd = nlohmann::json::object();  // the header shows less; the rest still loads
    }
  }
  return render_status_page(data);
}

// A bearer header is judged as the API judges it (a bad one is a 401, whatever the cookie
// says); without one, the session cookie; without either, the form.
PageResponse StatusSite::show(const PageRequest& request, int64_t now_ms) {
  if (request.has_authorization) {
    const Token* token = tokens_.find(request.bearer);
    if (token == nullptr) {
      PageResponse r = login_form(401, "The Authorization header holds no valid bearer token.");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"gslb\"");
      return r;
    }
    return html(200, page(token->name, now_ms));
  }
  const std::string id = cookie_value(request.cookie, kSessionCookie);
  if (id.empty()) return login_form(200, "");
  if (auto viewer = sessions_.find(id, now_ms)) return html(200, page(*viewer, now_ms));
  PageResponse r = login_form(200, "Your session has ended; log in again.");
  r.headers.emplace_back("Set-Cookie", cleared_session_cookie(tls_));
  return r;
}

PageResponse StatusSite::login(const PageRequest& request, int64_t now_ms) {
  const Token* token = tokens_.find(form_value(request.body, "token"));
  if (token == nullptr) return login_form(401, "That token is not valid.");
  return see_root(session_cookie(sessions_.create(token->name, now_ms), tls_));
}

PageResponse StatusSite::logout(const PageRequest& request) {
  if (const std::string id = cookie_value(request.cookie, kSessionCookie); !id.empty())
    sessions_.remove(id);
  return see_root(cleared_session_cookie(tls_));
}

PageResponse StatusSite::login_form(int status, std::string_view error) const {
  return html(status, render_login_page(error));
}

}  // namespace admin::api
