// The admin API's limits through real HTTP: the failed-authentication throttle on bearer
// tokens and on the status page's POST /login (429 with Retry-After, a right token refused
// too while blocked, other addresses unaffected, one log line, the metric), and the body
// size limit (413), and the I/O timeout for clients that stall mid-request. The second client
// is 127.0.0.2.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/gslbd_runner.h"
#include "tests/support/http_client.h"
#include "tests/support/net.h"
#include "tests/support/socket_io.h"

using namespace testsupport;

namespace {

constexpr int kMaxFailures = 10;         // AuthThrottleSettings' default, as docs/api.md says
const std::string kOther = "127.0.0.2";  // a second client: http_request's source address
constexpr std::chrono::seconds kTimeout{10};
const std::string kWrong = "wrong-secret-0123456789";

GslbdOptions with_api() {
  GslbdOptions o;
  o.admin_api = true;
  o.setup = [](const std::filesystem::path& db) {
    apply_gslb_test_config(db, "regions:\n  - {name: r1, lat: 1, lon: 2}\n");
  };
  return o;
}

HttpResponse login(const GslbdRunner& gslbd, const std::string& secret) {
  return http_request("POST", gslbd.admin_url() + "/login", "token=" + url_encode(secret),
                      {"Content-Type: application/x-www-form-urlencoded"});
}

// Retry-After in seconds within the window (60 s).
void check_retry_after(const HttpResponse& r) {
  const std::string value = r.header("retry-after");
  REQUIRE_FALSE(value.empty());
  CHECK(std::stoi(value) >= 1);
  CHECK(std::stoi(value) <= 60);
}

void check_throttled_json(const HttpResponse& r) {
  CHECK(r.status == 429);
  check_retry_after(r);
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body.value("error", "").find("too many failed authentication attempts from 127.0.0.1") !=
        std::string::npos);
}

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("wrong bearer tokens: the address is then refused with 429, even with a right token") {
  GslbdRunner gslbd(with_api());
  const ApiClient wrong{gslbd.admin_url(), kWrong};
  const ApiClient ops{gslbd.admin_url(), gslbd.write_token()};
  for (int i = 0; i < kMaxFailures / 2; ++i) CHECK(wrong.get("/v1/regions").status == 401);
  // A success from the address does not reset its count: with a read token in hand, one
  // could otherwise guess the write token forever.
  CHECK(ops.get("/v1/regions").status == 200);
  // Another address's failures and successes are its own.
  CHECK(http_request("GET", gslbd.admin_url() + "/v1/regions", "",
                     {"Authorization: Bearer " + gslbd.read_token()}, kTimeout, kOther)
            .status == 200);
  for (int i = kMaxFailures / 2; i < kMaxFailures; ++i)
    CHECK(wrong.get("/v1/regions").status == 401);  // the 10th is answered, then the block

  check_throttled_json(wrong.get("/v1/regions"));
  check_throttled_json(ops.get("/v1/status"));  // not even looked at
  check_throttled_json(ops.post("/v1/regions", R"({"name": "r2", "lat": 1, "lon": 2})"));
  const HttpResponse form_post = login(gslbd, gslbd.read_token());
  CHECK(form_post.status == 429);
  check_retry_after(form_post);
  CHECK(http_request("GET", gslbd.admin_url() + "/healthz").status == 200);
  CHECK(http_request("GET", gslbd.admin_url() + "/").status == 200);  // the bare login form
  CHECK(http_request("GET", gslbd.admin_url() + "/v1/regions").status == 401);  // no guess

  // 127.0.0.2 is still let in, reads the metric, and nothing was written meanwhile.
  const auto as_other = [&](const std::string& path) {
    return http_request("GET", gslbd.admin_url() + path, "",
                        {"Authorization: Bearer " + gslbd.read_token()}, kTimeout, kOther);
  };
  CHECK(as_other("/v1/regions/r2").status == 404);
  const HttpResponse metrics = as_other("/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("gslb_admin_auth_throttled_total 1\n") != std::string::npos);
  CHECK(metrics.body.find("gslb_admin_requests_total{status=\"429\"} 4\n") != std::string::npos);
  // One warning when the block starts, not one per refused request.
  REQUIRE(gslbd.process().wait_for_line("event=admin_auth_throttled"));
  const std::string log = gslbd.process().output();
  CHECK(count_of(log, "event=admin_auth_throttled") == 1);
  CHECK(log.find("level=warn event=admin_auth_throttled client=127.0.0.1") != std::string::npos);
  CHECK(gslbd.stop() == 0);
}

TEST_CASE("POST /login: wrong tokens are throttled the same way, with the form and a message") {
  GslbdRunner gslbd(with_api());
  for (int i = 0; i < kMaxFailures; ++i) CHECK(login(gslbd, kWrong).status == 401);
  const HttpResponse refused = login(gslbd, gslbd.read_token());
  CHECK(refused.status == 429);
  check_retry_after(refused);
  CHECK(refused.header("content-type").starts_with("text/html"));
  CHECK(refused.header("content-security-policy").find("default-src 'none'") != std::string::npos);
  CHECK(refused.body.find("Too many failed logins from your address") != std::string::npos);
  CHECK(refused.header("set-cookie").empty());  // no session for a right token meanwhile
  // The same block covers bearer tokens on /v1.
  check_throttled_json(ApiClient{gslbd.admin_url(), gslbd.read_token()}.get("/v1/status"));
  // Another address logs in as usual.
  const HttpResponse other =
      http_request("POST", gslbd.admin_url() + "/login", "token=" + url_encode(gslbd.read_token()),
                   {"Content-Type: application/x-www-form-urlencoded"}, kTimeout, kOther);
  CHECK(other.status == 303);
  CHECK(other.header("set-cookie").starts_with("gslb_session="));
  CHECK(gslbd.stop() == 0);
}

TEST_CASE("a body over 1 MiB is refused with 413 and a JSON error; nothing is written") {
  GslbdRunner gslbd(with_api());
  const ApiClient ops{gslbd.admin_url(), gslbd.write_token()};
  const std::string big =
      R"({"name": "big", "lat": 1, "lon": 2, "note": ")" + std::string(2 << 20, 'x') + "\"}";
  const HttpResponse r = ops.post("/v1/regions", big);
  CHECK(r.status == 413);
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  CHECK((body.is_object() && body.value("error", "") == "request body too large"));
  CHECK(ops.get("/v1/regions/big").status == 404);
  CHECK(ops.get("/v1/regions/r1").status == 200);  // a right token was never counted as wrong
  CHECK(gslbd.stop() == 0);
}

TEST_CASE("a client that stalls mid-request is cut off after --admin-io-timeout") {
  GslbdOptions options = with_api();
  options.extra_args = {"--admin-io-timeout", "1"};
  GslbdRunner gslbd(options);
  const std::string url = gslbd.admin_url();
  const Endpoint admin = parse_endpoint(url.substr(url.find("//") + 2));
  // Several stalled clients at once: each holds a worker thread only until the timeout.
  std::vector<std::unique_ptr<TcpConnection>> stalled;
  for (int i = 0; i < 6; ++i) {
    stalled.push_back(std::make_unique<TcpConnection>(admin));
    const std::string partial = "GET /v1/status HTTP/1.1\r\nHost: gslb\r\n";  // no blank line
    REQUIRE(stalled.back()->send_raw(Bytes(partial.begin(), partial.end())));
  }
  // Meanwhile the API serves others.
  CHECK(ApiClient{url, gslbd.read_token()}.get("/v1/status").status == 200);
  const auto start = std::chrono::steady_clock::now();
  for (auto& conn : stalled) CHECK(conn->wait_closed(std::chrono::seconds(5)));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
  CHECK(gslbd.stop() == 0);
}
