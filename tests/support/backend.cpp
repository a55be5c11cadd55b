// Backend: backend.py as a child process, controlled over its own HTTP(S)
// endpoint with a blocking libcurl request (which also speaks TLS).
#include "tests/support/backend.h"

#include <curl/curl.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "tests/support/zone_file.h"

namespace testsupport {
namespace {

std::vector<std::string> backend_argv(const BackendOptions& o) {
  std::vector<std::string> argv{find_program("python3"),
                                std::string(GSLB_SOURCE_DIR) + "/tests/support/backend.py",
                                "--bind",
                                o.bind,
                                "--port",
                                "0",
                                "--status",
                                std::to_string(o.status),
                                "--load",
                                nlohmann::json(o.load).dump()};
  if (o.hang) argv.push_back("--hang");
  if (o.tls)
    argv.insert(argv.end(), {"--tls-cert", o.tls->cert.string(), "--tls-key", o.tls->key.string()});
  return argv;
}

size_t discard(char*, size_t size, size_t count, void*) {
  return size * count;
}

}  // namespace

TlsFiles make_self_signed_cert(const std::filesystem::path& dir, const std::string& name) {
  TlsFiles files{dir / (name + ".crt"), dir / (name + ".key")};
  const RunResult r = run_program(
      {find_program("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
       files.key.string(), "-out", files.cert.string(), "-subj", "/CN=" + name, "-addext",
       "subjectAltName=DNS:" + name + ",IP:127.0.0.1,IP:::1", "-days", "2"});
  if (r.status != 0) throw std::runtime_error("openssl req failed:\n" + r.err + r.out);
  return files;
}

Backend::Backend(BackendOptions options) : options_(std::move(options)) {
  process_ = std::make_unique<Process>(backend_argv(options_));
  const auto ready = process_->wait_for_line("ready ", 15s);
  if (!ready || !ready->starts_with("ready "))
    throw std::runtime_error("backend.py did not report ready; its output:\n" + process_->output());
  port_ = static_cast<uint16_t>(std::stoi(ready->substr(6)));
}

Backend::~Backend() {
  process_->stop();
}

std::string Backend::address() const {
  if (options_.bind == "0.0.0.0") return "127.0.0.1";
  if (options_.bind == "::") return "::1";
  return options_.bind;
}

void Backend::set_status(int status) {
  control(nlohmann::json{{"status", status}}.dump());
}
void Backend::set_hang(bool hang) {
  control(nlohmann::json{{"hang", hang}}.dump());
}
void Backend::set_load(double load) {
  control(nlohmann::json{{"load", load}}.dump());
}
void Backend::set_body(const std::string& body) {
  control(nlohmann::json{{"body", body}}.dump());
}
void Backend::set_redirect(int status, const std::string& location) {
  control(nlohmann::json{{"status", status}, {"location", location}}.dump());
}

void Backend::control(const std::string& json) {
  const std::string host =
      address().find(':') != std::string::npos ? "[" + address() + "]" : address();
  const std::string url = std::string(options_.tls ? "https" : "http") + "://" + host + ":" +
                          std::to_string(port_) + "/control";
  CURL* easy = curl_easy_init();
  if (easy == nullptr) throw std::runtime_error("curl_easy_init failed");
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, json.c_str());
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
  const CURLcode code = curl_easy_perform(easy);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(easy);
  if (code != CURLE_OK || status != 200)
    throw std::runtime_error("backend control " + json + " failed: " + curl_easy_strerror(code) +
                             ", HTTP " + std::to_string(status));
}

}  // namespace testsupport
