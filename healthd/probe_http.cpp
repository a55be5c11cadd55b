// An HTTP(S) health request to one member: the curl options that make it a
// probe (fresh connection, no proxy, bounded body, TLS as the monitor says),
// and the verdict from curl's result, the status, the body and the load.
#include "healthd/probe_http.h"

#include <strings.h>

#include <cerrno>
#include <optional>
#include <string>

#include "healthd/probe_curl.h"

namespace healthd {
namespace {

constexpr long kMaxRedirects = 5;
constexpr long kCurlTimeoutSlackMs = 1000;

// "[2001:db8::1]" for IPv6 literals, the text itself otherwise.
std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string port_suffix(uint16_t port) {
  return port == 0 ? "" : ":" + std::to_string(port);
}

bool is_tls_error(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return true;
    default:
      return false;
  }
}

std::string expected_list(const std::vector<uint16_t>& codes) {
  std::string text;
  for (const uint16_t code : codes) text += (text.empty() ? "" : ", ") + std::to_string(code);
  return text;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

class HttpProbe final : public ProbeRun, public CurlTransfer {
 public:
  using ProbeRun::ProbeRun;

 private:
  void begin() override;
  void release() override;
  void on_transfer_done(CURLcode code) override;

  CURLcode configure();
  CURLcode configure_tls();
  ProbeResult judge(CURLcode code);
  ProbeResult judge_response();
  ProbeResult transfer_failure(CURLcode code);
  void read_load(ProbeResult& result) const;
  void answered(ProbeResult& result) const;
  std::string curl_text(CURLcode code) const;

  static size_t on_body(char* data, size_t size, size_t count, void* self);
  static size_t on_header(char* data, size_t size, size_t count, void* self);

  CURL* easy_ = nullptr;
  curl_slist* connect_to_ = nullptr;
  bool added_ = false;
  std::string body_;
  bool body_cut_ = false;  // we stopped reading at max_body_bytes
  std::optional<std::string> load_header_value_;
  char error_[CURL_ERROR_SIZE] = {};
};

void HttpProbe::begin() {
  easy_ = context().curl->take_easy();
  if (easy_ == nullptr) return finish_soon(probe_failure("HTTP: curl_easy_init failed"));
  if (const CURLcode code = configure(); code != CURLE_OK)
    return finish_soon(probe_failure("HTTP: " + curl_text(code)));
  if (const CURLMcode code = context().curl->add(easy_, this); code != CURLM_OK)
    return finish_soon(probe_failure(std::string("HTTP: ") + curl_multi_strerror(code)));
  added_ = true;
}

void HttpProbe::release() {
  if (added_) context().curl->remove(easy_);
  if (easy_ != nullptr) context().curl->give_back(easy_);
  curl_slist_free_all(connect_to_);
  easy_ = nullptr;
  connect_to_ = nullptr;
  added_ = false;
}

void HttpProbe::on_transfer_done(CURLcode code) {
  finish(judge(code));
}

// Each option's result folded into one: the first failure wins.
CURLcode HttpProbe::configure() {
  const zones::Monitor& m = monitor();
  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(easy_, option, value);
  };
  set(CURLOPT_URL, probe_url(m, address()).c_str());
  if (!m.host.empty()) {
    // Host header, SNI and certificate name from the URL; the socket to the member.
    const std::string route =
        url_host(m.host) + port_suffix(m.port) + ":" + url_host(address()) + ":";
    connect_to_ = curl_slist_append(nullptr, route.c_str());
    set(CURLOPT_CONNECT_TO, connect_to_);
  }
  set(CURLOPT_ERRORBUFFER, error_);
  set(CURLOPT_NOSIGNAL, 1L);
  // A backstop only: the run's guard ends the probe at the monitor's timeout
  // (after one look at the socket); curl's own check would come first and
  // call an answer that arrived in time but was not yet read a timeout.
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(m.timeout_ms) + kCurlTimeoutSlackMs);
  set(CURLOPT_USERAGENT, context().options->user_agent.c_str());
  set(CURLOPT_NOBODY, m.method == "HEAD" ? 1L : 0L);
  set(CURLOPT_FOLLOWLOCATION, m.follow_redirects ? 1L : 0L);
  set(CURLOPT_MAXREDIRS, kMaxRedirects);
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // A probe measures the member, not a proxy from the environment or a
  // connection an earlier probe left open.
  set(CURLOPT_PROXY, "");
  set(CURLOPT_FRESH_CONNECT, 1L);
  set(CURLOPT_FORBID_REUSE, 1L);
  // Members are addresses, so curl's DNS cache only ever holds literals; and
  // curl 7.88 walks the whole cache on every transfer, which with thousands
  // of members costs more than the probe itself. Keep it empty.
  set(CURLOPT_DNS_CACHE_TIMEOUT, 0L);
  set(CURLOPT_WRITEFUNCTION, on_body);
  set(CURLOPT_WRITEDATA, this);
  set(CURLOPT_HEADERFUNCTION, on_header);
  set(CURLOPT_HEADERDATA, this);
  if (code != CURLE_OK) return code;
  return configure_tls();
}

CURLcode HttpProbe::configure_tls() {
  const zones::Monitor& m = monitor();
  const long verify = m.tls_verify ? 1L : 0L;
  CURLcode code = curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, verify);
  if (code == CURLE_OK) code = curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, verify * 2);
  if (code != CURLE_OK || !m.ca_file) return code;
  // The pinned bundle replaces the system's CAs, the directory ones included.
  code = curl_easy_setopt(easy_, CURLOPT_CAINFO, m.ca_file->c_str());
  if (code == CURLE_OK) code = curl_easy_setopt(easy_, CURLOPT_CAPATH, nullptr);
  return code;
}

ProbeResult HttpProbe::judge(CURLcode code) {
  if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && body_cut_)) return judge_response();
  return transfer_failure(code);
}

ProbeResult HttpProbe::judge_response() {
  const zones::Monitor& m = monitor();
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  ProbeResult result;
  answered(result);
  result.reason = "HTTP " + std::to_string(status);
  bool expected = false;
  for (const uint16_t code : m.expect_status) expected = expected || code == status;
  if (!expected) {
    result.reason += " (expected " + expected_list(m.expect_status) + ")";
    return result;
  }
  if (m.expect_body && body_.find(*m.expect_body) == std::string::npos) {
    result.reason = "body lacks \"" + *m.expect_body + "\"";
    return result;
  }
  result.up = true;
  read_load(result);
  return result;
}

ProbeResult HttpProbe::transfer_failure(CURLcode code) {
  ProbeResult result;
  answered(result);
  if (code == CURLE_OPERATION_TIMEDOUT) {
    result.reason = timeout_reason();
  } else if (is_tls_error(code)) {
    result.reason = "TLS: " + curl_text(code);
  } else if (code == CURLE_COULDNT_CONNECT) {
    long os_error = 0;
    curl_easy_getinfo(easy_, CURLINFO_OS_ERRNO, &os_error);
    result.reason = os_error == ECONNREFUSED ? "connection refused" : "connect: " + curl_text(code);
  } else {
    result.reason = "HTTP: " + curl_text(code);
  }
  return result;
}

// Sets rtt_us when the member sent a response (also a failing one).
void HttpProbe::answered(ProbeResult& result) const {
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  curl_off_t first_byte_us = 0;
  if (status == 0) return;
  if (curl_easy_getinfo(easy_, CURLINFO_STARTTRANSFER_TIME_T, &first_byte_us) == CURLE_OK)
    result.rtt_us = first_byte_us;
}

void HttpProbe::read_load(ProbeResult& result) const {
  const zones::Monitor& m = monitor();
  std::string why;
  std::optional<double> load;
  if (m.load_field) {
    load = load_from_json(body_, *m.load_field, &why);
  } else if (m.load_header && load_header_value_) {
    load = load_from_header_value(*load_header_value_, &why);
  } else if (m.load_header) {
    why = "load header " + *m.load_header + " missing";
  } else {
    return;
  }
  if (load) {
    result.load = load;
  } else {
    result.reason += "; " + why;
  }
}

std::string HttpProbe::curl_text(CURLcode code) const {
  return error_[0] != '\0' ? error_ : curl_easy_strerror(code);
}

// CURLOPT_WRITEFUNCTION: keeps at most max_body_bytes; a short count makes
// curl stop the transfer, which judge() then treats as a complete answer.
size_t HttpProbe::on_body(char* data, size_t size, size_t count, void* self) {
  auto* probe = static_cast<HttpProbe*>(self);
  const size_t length = size * count;
  const size_t limit = probe->context().options->max_body_bytes;
  const size_t room = limit > probe->body_.size() ? limit - probe->body_.size() : 0;
  if (length <= room) {
    probe->body_.append(data, length);
    return length;
  }
  probe->body_.append(data, room);
  probe->body_cut_ = true;
  return room;
}

// CURLOPT_HEADERFUNCTION: remembers the load header of the last response
// (a status line starts a new one, e.g. after a followed redirect).
size_t HttpProbe::on_header(char* data, size_t size, size_t count, void* self) {
  auto* probe = static_cast<HttpProbe*>(self);
  const std::string_view line(data, size * count);
  const auto& wanted = probe->monitor().load_header;
  if (line.starts_with("HTTP/")) probe->load_header_value_.reset();
  const auto colon = line.find(':');
  if (!wanted || colon == std::string_view::npos || colon != wanted->size()) return line.size();
  if (strncasecmp(line.data(), wanted->data(), colon) == 0)
    probe->load_header_value_ = std::string(trim(line.substr(colon + 1)));
  return line.size();
}

}  // namespace

std::string probe_url(const zones::Monitor& monitor, const std::string& address) {
  const std::string host = monitor.host.empty() ? address : monitor.host;
  const std::string path = monitor.path.starts_with('/') ? monitor.path : "/" + monitor.path;
  return monitor.type + "://" + url_host(host) + port_suffix(monitor.port) + path;
}

ProbeRun* make_http_probe(const ProbeContext& context, ProbeTarget target, ProbeDone done) {
  return new HttpProbe(context, std::move(target), std::move(done));
}

}  // namespace healthd
