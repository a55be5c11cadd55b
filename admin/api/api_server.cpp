// The admin API over HTTP (cpp-httplib): listen, authenticate, dispatch to
// the routes (routes.h), throttle addresses that keep sending wrong credentials
// (auth_throttle.h), log one line per request, count requests by status.
#include "admin/api/api_server.h"

#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "admin/api/fleet_write.h"
#include "admin/api/status_html.h"
#include "admin/api/status_page.h"
#include "admin/api/status_site.h"
#include "admin/api/tokens.h"
#include "server/metrics_text.h"
#include "zones/clock.h"
#include "zones/log.h"

namespace admin::api {
namespace {

// Requests are short and the store serialises writes anyway; more threads than cores let a few
// stalled clients (each held until --admin-io-timeout) not block operators.
constexpr size_t kHttpThreads = 16;

struct Listen {
  std::string host;
  int port = 0;
};

zones::Result<Listen> parse_listen(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return zones::fail(zones::ErrorCode::kInvalid, "--admin " + text, why);
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size())
    return bad("expected ADDR:PORT, [IPV6]:PORT or none");
  std::string host = text.substr(0, colon);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  if (host.empty()) return bad("no address before the port");
  int port = 0;
  for (const char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') return bad("the port is not a number");
    port = port * 10 + (c - '0');
    if (port > 65535) return bad("the port is above 65535");
  }
  return Listen{host, port};
}

std::string bearer_secret(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size()) return "";
  for (size_t i = 0; i < kScheme.size(); ++i)  // the scheme is case-insensitive (RFC 9110)
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i])))
      return "";
  return header.substr(kScheme.size());
}

// "127.0.0.1:8053", "[::1]:8053".
std::string host_port(const std::string& host, int port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// The status page's view of a request: its own routes judge the credentials.
PageRequest page_request(const httplib::Request& req) {
  return PageRequest{req.method,
                     req.path,
                     req.has_header("Authorization"),
                     bearer_secret(req),
                     req.get_header_value("Cookie"),
                     req.body};
}

void send_page(httplib::Response& res, const PageResponse& page) {
  res.status = page.status;
  for (const auto& [name, value] : page.headers) res.set_header(name, value);
  res.set_content(page.body, page.content_type.c_str());
}

void send(httplib::Response& res, const ApiResponse& response) {
  res.status = response.status;
  for (const auto& [name, value] : response.headers) res.set_header(name, value);
  if (!response.content_type.empty())
    res.set_content(response.raw, response.content_type.c_str());
  else
    res.set_content(response.body.dump(2) + "\n", "application/json");
}

std::string http_error_message(int status) {
  switch (status) {
    case 413:
      return "request body too large";
    case 414:
      return "request target too long";
    case 400:
      return "malformed HTTP request";
    default:
      return "HTTP error " + std::to_string(status);
  }
}

// Requests that present a credential to be checked: these are what the throttle counts and
// refuses. A request without one (the bare login form, a session cookie, /healthz) is not a
// guess; session ids are 256 random bits, not worth guessing.
bool presents_credentials(const httplib::Request& req) {
  return req.has_header("Authorization") || (req.method == "POST" && req.path == "/login");
}

// The throttle's clock: monotonic, so a wall-clock step neither ends nor extends a block.
int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// Retry-After is in whole seconds (RFC 9110); rounded up so a client that obeys it is let in.
int64_t whole_seconds(int64_t ms) {
  return std::max<int64_t>(1, (ms + 999) / 1000);
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

class HttpApiServer final : public ApiServer {
 public:
  HttpApiServer(const ApiSettings& settings, const ApiContext& context, const ApiHooks& hooks,
                TokenTable tokens)
      : context_(context),
        hooks_(hooks),
        tokens_(std::move(tokens)),
        routes_(resource_routes(context)),
        throttle_(settings.auth_throttle),
        throttle_settings_(settings.auth_throttle),
        site_(context, tokens_, !settings.cert_file.empty(), [this] { return status().body; }) {
    if (settings.cert_file.empty())
      http_ = std::make_unique<httplib::Server>();
    else
      http_ = std::make_unique<httplib::SSLServer>(settings.cert_file.c_str(),
                                                   settings.key_file.c_str());
    tls_ = !settings.cert_file.empty();
    configure(settings);
  }
  ~HttpApiServer() override { stop(); }

  zones::Result<void> bind(const Listen& listen) {
    if (tls_ && !http_->is_valid())
      return zones::fail(zones::ErrorCode::kInvalid, "--admin-cert/--admin-key",
                         "cannot load the certificate or key (PEM files, key matching cert)");
    port_ = listen.port == 0 ? http_->bind_to_any_port(listen.host)
                             : (http_->bind_to_port(listen.host, listen.port) ? listen.port : -1);
    if (port_ <= 0)
      return zones::fail(zones::ErrorCode::kIo, "--admin " + host_port(listen.host, listen.port),
                         "cannot listen there (address in use or not local?)");
    host_ = listen.host;
    thread_ = std::thread([this] { http_->listen_after_bind(); });
    return {};
  }

  std::string address() const override { return host_port(host_, port_); }
  bool tls() const { return tls_; }

  void stop() override {
    if (!thread_.joinable()) return;
    http_->stop();
    thread_.join();
  }

 private:
  void configure(const ApiSettings& settings) {
    http_->new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
    http_->set_payload_max_length(settings.max_body_bytes);
    http_->set_read_timeout(settings.io_timeout_s, 0);
    http_->set_write_timeout(settings.io_timeout_s, 0);
    http_->set_keep_alive_timeout(settings.io_timeout_s);
    const auto handle = [this](const httplib::Request& req, httplib::Response& res) {
      serve(req, res);
    };
    const char* any_path = ".*";
    http_->Get(any_path, handle);
    http_->Post(any_path, handle);
    http_->Put(any_path, handle);
    http_->Patch(any_path, handle);
    http_->Delete(any_path, handle);
    // Statuses httplib decides itself (413 body too large, 400 bad request
    // line, 404 for a method it does not route) still get a JSON body.
    httplib::Server::HandlerWithResponse fill_error_body = [](const httplib::Request&,
                                                              httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      send(res, error_response(res.status, http_error_message(res.status)));
      return httplib::Server::HandlerResponse::Handled;
    };
    http_->set_error_handler(fill_error_body);
    http_->set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
          std::string what = "unknown error";
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          send(res, error_response(500, "internal error: " + what));
        });
    http_->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      log_request(req, res);
    });
  }

  void serve(const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/healthz") return send(res, ApiResponse{200, {{"status", "ok"}}, "", "", {}});
    const std::string client = throttle_key(req.remote_addr);
    const bool credentials = presents_credentials(req);
    // A blocked address is refused before its credentials are looked at, so a right guess
    // is indistinguishable from a wrong one until the block ends.
    if (credentials)
      if (const int64_t wait_ms = throttle_.blocked_for_ms(client, steady_ms()); wait_ms > 0)
        return refuse_throttled(req, res, client, whole_seconds(wait_ms));
    if (StatusSite::handles(req.method, req.path)) return serve_page(req, res, client, credentials);
    const Token* token = tokens_.find(bearer_secret(req));
    if (token == nullptr) {
      if (credentials) record_failure(client);
      res.set_header("WWW-Authenticate", "Bearer realm=\"gslb\"");
      return send(res, error_response(401, "a valid bearer token is required"));
    }
    serve_authenticated(req, res, *token);
  }

  // The status page (GET /, POST /login, /logout) takes a session cookie as well as a bearer
  // token; every other path takes the bearer token only. Its 401 means wrong credentials.
  void serve_page(const httplib::Request& req, httplib::Response& res, const std::string& client,
                  bool credentials) {
    const PageResponse page = site_.serve(page_request(req), zones::unix_ms());
    if (credentials && page.status == 401) record_failure(client);
    send_page(res, page);
  }

  void serve_authenticated(const httplib::Request& req, httplib::Response& res,
                           const Token& token) {
    if (req.path == "/metrics" && req.method == "GET") return send(res, metrics());
    if (req.path == "/v1/status" && req.method == "GET") return send(res, status());
    ApiRequest request{req.method, req.path,   {},
                       req.body,   token.name, req.get_header_value("If-Match")};
    for (const auto& [key, value] : req.params) request.params.emplace(key, value);
    const Route* route = match_route(routes_, req.method, req.path, request.params);
    if (route == nullptr) return send(res, no_route(req.path, res));
    if (route->writes && !token.can_write)
      return send(res, error_response(403, "token \"" + token.name + "\" may only read"));
    send(res, serve_route(context_, *route, request));
  }

  // Logged once per block, when it starts: a guessing script makes one line, not thousands.
  void record_failure(const std::string& client) {
    if (!throttle_.record_failure(client, steady_ms())) return;
    const AuthThrottleSettings& limit = throttle_settings_;
    zones::log_event(zones::LogLevel::kWarn, "admin_auth_throttled",
                     {{"client", client},
                      {"failures", std::to_string(limit.max_failures)},
                      {"blocked_s", std::to_string(whole_seconds(limit.window_ms))}});
  }

  // 429 with Retry-After: the login form again for the status page's paths, JSON elsewhere.
  void refuse_throttled(const httplib::Request& req, httplib::Response& res,
                        const std::string& client, int64_t retry_s) {
    res.set_header("Retry-After", std::to_string(retry_s));
    const std::string wait = "try again in " + std::to_string(retry_s) + " s";
    if (!StatusSite::handles(req.method, req.path))
      return send(res, error_response(429, "too many failed authentication attempts from " +
                                               client + "; " + wait));
    // The site's bare login form carries the page's security headers; only the status and
    // the message differ.
    PageResponse page = site_.serve(PageRequest{"GET", "/", false, "", "", ""}, zones::unix_ms());
    page.status = 429;
    page.body = render_login_page("Too many failed logins from your address; " + wait + ".");
    send_page(res, page);
  }

  ApiResponse no_route(const std::string& path, httplib::Response& res) const {
    const auto allowed = methods_for_path(routes_, path);
    if (allowed.empty()) return error_response(404, "no such resource: " + path);
    res.set_header("Allow", joined(allowed));
    return error_response(405, "method not allowed; allowed: " + joined(allowed));
  }

  ApiResponse status() const {
    nlohmann::json body = hooks_.status ? hooks_.status() : nlohmann::json::object();
    body["admin"] = {{"address", address()}, {"tls", tls_}};
    return ApiResponse{200, body, "", "", {}};
  }

  ApiResponse metrics() const {
    server::MetricsText text;
    std::string page = hooks_.metrics ? hooks_.metrics() : "";
    text.family("gslb_admin_requests_total", "counter",
                "Admin API requests answered, by HTTP status");
    std::lock_guard lock(counts_mutex_);
    for (const auto& [status, count] : requests_by_status_)
      text.sample("gslb_admin_requests_total", {{"status", std::to_string(status)}}, count);
    text.single("gslb_admin_auth_throttled_total", "counter",
                "Client addresses blocked for too many failed authentication attempts",
                throttle_.throttled_total());
    return ApiResponse{200, {}, page + text.text(), "text/plain; version=0.0.4; charset=utf-8", {}};
  }

  // One line per request: who, what, outcome. Never the token's secret.
  void log_request(const httplib::Request& req, const httplib::Response& res) {
    {
      std::lock_guard lock(counts_mutex_);
      ++requests_by_status_[res.status];
    }
    // A throttled request's token is not looked at, not even for the log.
    const Token* token = res.status == 429 ? nullptr : tokens_.find(bearer_secret(req));
    zones::log_event(res.status >= 500 ? zones::LogLevel::kWarn : zones::LogLevel::kInfo,
                     "admin_request",
                     {{"method", req.method},
                      {"path", req.path},
                      {"status", std::to_string(res.status)},
                      {"token", token != nullptr ? token->name : "-"},
                      {"client", req.remote_addr}});
  }

  ApiContext context_;
  ApiHooks hooks_;
  TokenTable tokens_;
  std::vector<Route> routes_;
  AuthThrottle throttle_;
  AuthThrottleSettings throttle_settings_;
  StatusSite site_;
  std::unique_ptr<httplib::Server> http_;
  bool tls_ = false;
  std::string host_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex counts_mutex_;
  std::map<int, uint64_t> requests_by_status_;
};

}  // namespace

zones::Result<TokenTable> ApiServer::check(const ApiSettings& settings) {
  if (settings.cert_file.empty() != settings.key_file.empty())
    return zones::fail(zones::ErrorCode::kInvalid, "--admin-cert/--admin-key",
                       "give both or neither");
  if (auto listen = parse_listen(settings.listen); !listen) return std::unexpected(listen.error());
  if (auto vantages = parse_status_vantages(settings.status_vantages); !vantages)
    return zones::fail(zones::ErrorCode::kInvalid, "--status-vantage " + vantages.error().where,
                       vantages.error().message);
  if (!settings.cert_file.empty() &&
      !httplib::SSLServer(settings.cert_file.c_str(), settings.key_file.c_str()).is_valid())
    return zones::fail(zones::ErrorCode::kInvalid, "--admin-cert/--admin-key",
                       "cannot load the certificate or key (PEM files, key matching cert)");
  if (settings.tokens_file.empty())
    return zones::fail(zones::ErrorCode::kInvalid, "--admin-tokens",
                       "the admin API needs a tokens file (or --admin none)");
  return TokenTable::load(settings.tokens_file);
}

zones::Result<std::unique_ptr<ApiServer>> ApiServer::start(const ApiSettings& settings,
                                                           const ApiContext& context,
                                                           const ApiHooks& hooks) {
  auto tokens = check(settings);
  if (!tokens) return std::unexpected(tokens.error());
  ApiContext with_vantages = context;
  if (!settings.status_vantages.empty())
    with_vantages.status_vantages = *parse_status_vantages(settings.status_vantages);
  auto server = std::make_unique<HttpApiServer>(settings, with_vantages, hooks, std::move(*tokens));
  if (auto bound = server->bind(*parse_listen(settings.listen)); !bound)
    return std::unexpected(bound.error());
  return std::unique_ptr<ApiServer>(std::move(server));
}

}  // namespace admin::api
