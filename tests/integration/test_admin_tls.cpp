// The admin API over HTTPS (--admin-cert/--admin-key): served with the given certificate,
// plain HTTP refused on that port, gslbadm --api trusting it with --api-ca and refusing it
// without; a certificate that cannot be loaded stops gslbd at start.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/backend.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace testsupport;

namespace {

// "http://127.0.0.1:PORT" -> "https://localhost:PORT" (the certificate's name).
std::string https_url(const std::string& http_url) {
  return "https://localhost" + http_url.substr(http_url.rfind(':'));
}

}  // namespace

TEST_CASE("admin API over TLS: served, verified with the CA, plain HTTP refused") {
  TempDir certs{"gslb-admin-tls"};
  const TlsFiles tls = make_self_signed_cert(certs.path(), "localhost");
  GslbdOptions o;
  o.admin_api = true;
  o.extra_args = {"--admin-cert", tls.cert.string(), "--admin-key", tls.key.string()};
  GslbdRunner gslbd(o);
  const std::string url = https_url(gslbd.admin_url());

  const HttpResponse health = http_request("GET", url + "/healthz");
  CHECK_MESSAGE(health.status == 200, health.error);
  const HttpResponse status_page = http_bearer("GET", url + "/v1/status", gslbd.read_token());
  REQUIRE_MESSAGE(status_page.status == 200, (status_page.error + status_page.body));
  CHECK(nlohmann::json::parse(status_page.body)["admin"]["tls"] == true);

  const HttpResponse plain = http_request("GET", gslbd.admin_url() + "/healthz");
  CHECK(plain.status != 200);  // no HTTP answer from a TLS port

  const auto token_file = certs.write("token", gslbd.write_token() + "\n");
  REQUIRE(::chmod(token_file.c_str(), 0600) == 0);
  const RunResult trusted =
      run_program({GSLBADM_PATH, "--api", url, "--token-file", token_file.string(), "--api-ca",
                   tls.cert.string(), "region", "add", "tls-east", "--lat", "40", "--lon", "-74"});
  CHECK_MESSAGE(trusted.status == 0, (trusted.err + trusted.out));
  const RunResult listed = gslbd.admin({"region", "list"});
  CHECK(listed.out.find("tls-east") != std::string::npos);

  const RunResult untrusted = run_program(
      {GSLBADM_PATH, "--api", url, "--token-file", token_file.string(), "region", "list"});
  CHECK(untrusted.status != 0);
  CHECK_MESSAGE(untrusted.err.find("cannot reach the admin API") != std::string::npos,
                untrusted.err);
}

TEST_CASE("admin API over TLS: a certificate that cannot be loaded stops gslbd") {
  TempDir dir{"gslb-admin-tls-bad"};
  const std::string db = (dir / "gslb.db").string();
  REQUIRE(run_program({GSLBADM_PATH, "--db", db, "init"}).status == 0);
  const auto tokens = dir.write("tokens", "ops write 0123456789abcdef0123\n");
  REQUIRE(::chmod(tokens.c_str(), 0600) == 0);
  const auto not_pem = dir.write("cert.pem", "not a certificate\n");
  const RunResult r = run_program({GSLBD_PATH, "--db", db, "--listen", "127.0.0.1:0", "--admin",
                                   "127.0.0.1:0", "--admin-tokens", tokens.string(), "--admin-cert",
                                   not_pem.string(), "--admin-key", not_pem.string()},
                                  std::chrono::seconds(10));
  CHECK(r.status == 1);
  CHECK_MESSAGE(r.err.find("cannot load the certificate or key") != std::string::npos, r.err);
}
