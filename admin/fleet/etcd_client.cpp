// etcd's v3 JSON gateway over libcurl (see etcd_client.h).
#include "admin/fleet/etcd_client.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <chrono>
#include <thread>
#include <utility>

namespace admin::fleet {
namespace {

using json = nlohmann::json;
using zones::ErrorCode;

constexpr const char* kWhere = "etcd";
// Between two rounds over the endpoints while etcd elects a leader.
constexpr auto kRetryPause = std::chrono::milliseconds(200);

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> unbase64(const std::string& text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

// The gateway writes int64 fields as strings and leaves out zero values.
int64_t int_field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (!it->is_string()) return 0;
  try {
    return std::stoll(it->get<std::string>());
  } catch (...) {
    return 0;
  }
}

std::string bytes_field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return "";
  return unbase64(it->get<std::string>()).value_or("");
}

KeyValue key_value(const json& kv) {
  KeyValue out;
  out.key = bytes_field(kv, "key");
  out.value = bytes_field(kv, "value");
  out.create_revision = int_field(kv, "create_revision");
  out.mod_revision = int_field(kv, "mod_revision");
  out.lease = int_field(kv, "lease");
  return out;
}

size_t append_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// gRPC codes after which another endpoint may do better: the member is cut off from its
// leader, has none, or timed out waiting for one.
bool try_elsewhere(int grpc_code) {
  return grpc_code == 14 /* Unavailable */ || grpc_code == 4 /* DeadlineExceeded */;
}

// What etcd said, for a human: its message, with the cause spelled out where it is terse.
std::string explain(const std::string& message) {
  if (message.find("no leader") != std::string::npos ||
      message.find("request timed out") != std::string::npos ||
      message.find("leader changed") != std::string::npos) {
    return message + " (the etcd cluster has no quorum: too few members are reachable)";
  }
  if (message.find("too many operations in txn") != std::string::npos) {
    return message + " (raise etcd's --max-txn-ops, or change fewer objects at once)";
  }
  if (message.find("request is too large") != std::string::npos) {
    return message + " (raise etcd's --max-request-bytes, or change fewer objects at once)";
  }
  return message;
}

}  // namespace

std::string prefix_end(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key
}

zones::Result<void> validate(const EtcdSettings& settings) {
  if (settings.endpoints.empty())
    return zones::fail(ErrorCode::kInvalid, "--etcd", "at least one endpoint is required");
  for (const std::string& endpoint : settings.endpoints) {
    if (endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0) {
      return zones::fail(ErrorCode::kInvalid, "--etcd",
                         "\"" + endpoint + "\" is not an http:// or https:// URL");
    }
  }
  if (settings.cert_file.empty() != settings.key_file.empty()) {
    return zones::fail(ErrorCode::kInvalid, "--etcd-cert",
                       "a client certificate needs its key and a key its certificate");
  }
  if (!settings.user.empty() && settings.password.empty()) {
    return zones::fail(ErrorCode::kInvalid, "--etcd-user", "a user needs a password");
  }
  return {};
}

struct EtcdClient::Impl {
  EtcdSettings settings;
  size_t current = 0;  // index of the endpoint to try first
  std::string answered;
  std::string token;         // auth token, when settings.user is set
  bool reached_one = false;  // some endpoint of the current call accepted a connection
  CURL* easy = nullptr;
  // The watch stream.
  CURLM* multi = nullptr;
  CURL* watch = nullptr;
  std::string watch_buffer;
  std::string watch_request;
  bool watch_done = false;
  CURLcode watch_result = CURLE_OK;

  explicit Impl(EtcdSettings s) : settings(std::move(s)) {}

  ~Impl() {
    close_watch();
    if (multi != nullptr) curl_multi_cleanup(multi);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }

  void set_tls(CURL* handle) const {
    if (!settings.ca_file.empty())
      curl_easy_setopt(handle, CURLOPT_CAINFO, settings.ca_file.c_str());
    if (!settings.cert_file.empty()) {
      curl_easy_setopt(handle, CURLOPT_SSLCERT, settings.cert_file.c_str());
      curl_easy_setopt(handle, CURLOPT_SSLKEY, settings.key_file.c_str());
    }
  }

  curl_slist* headers() const {
    curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
    if (!token.empty()) list = curl_slist_append(list, ("Authorization: " + token).c_str());
    return list;
  }

  // One POST to one endpoint. Returns the HTTP status (0 when the endpoint was not reached,
  // with `error` set) and the body.
  long post(const std::string& endpoint, const std::string& path, const std::string& body,
            std::string& response, std::string& error) {
    if (easy == nullptr) easy = curl_easy_init();
    if (easy == nullptr) {
      error = "cannot create a curl handle";
      return 0;
    }
    curl_easy_reset(easy);
    const std::string url = endpoint + path;
    curl_slist* list = headers();
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.request_timeout_ms));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(settings.request_timeout_ms));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    set_tls(easy);
    const CURLcode rc = curl_easy_perform(easy);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
      error = curl_easy_strerror(rc);
      // Connected, but no answer in time: a member waiting for a leader it does not have.
      curl_off_t connected_us = 0;
      curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected_us);
      if (connected_us > 0) reached_one = true;
      return 0;
    }
    reached_one = true;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }

  zones::Result<void> authenticate(const std::string& endpoint) {
    const json body = {{"name", settings.user}, {"password", settings.password}};
    std::string response, error;
    token.clear();
    const long status = post(endpoint, "/v3/auth/authenticate", body.dump(), response, error);
    if (status == 0) return zones::fail(ErrorCode::kBusy, kWhere, endpoint + ": " + error);
    const json parsed = json::parse(response, nullptr, false);
    if (status != 200 || !parsed.is_object() || !parsed.contains("token")) {
      const std::string message = parsed.is_object() ? parsed.value("message", response) : response;
      return zones::fail(
          ErrorCode::kInvalid, kWhere,
          endpoint + ": authentication as \"" + settings.user + "\" failed: " + message);
    }
    token = parsed["token"].get<std::string>();
    return {};
  }

  // Sends to the current endpoint, then each other one, until one answers for itself. When
  // some member was reached but none could complete the request (an election after the
  // leader died takes a second or two), the round is repeated for up to twice the request
  // timeout; when no member is reachable at all, the call fails at once.
  zones::Result<json> call(const std::string& path, const json& request) {
    const std::string body = request.dump();
    const auto deadline = std::chrono::steady_clock::now() +
                          2 * std::chrono::milliseconds(settings.request_timeout_ms);
    std::string problems;
    while (true) {
      problems.clear();
      auto answer = call_round(path, body, problems);
      if (answer || answer.error().code != ErrorCode::kBusy) return answer;
      if (!reached_one || std::chrono::steady_clock::now() + kRetryPause >= deadline) break;
      std::this_thread::sleep_for(kRetryPause);
    }
    // Say what it most likely means before the details.
    const std::string cause =
        reached_one ? "etcd has no quorum (too few members reachable) or is overloaded: no "
                      "member completed the request"
                    : "no etcd endpoint is reachable";
    return zones::fail(ErrorCode::kBusy, kWhere, cause + " (" + problems + ")");
  }

  // One try at every endpoint, from the current one; kBusy with the endpoints' problems in
  // `problems` when none completed the request.
  zones::Result<json> call_round(const std::string& path, const std::string& body,
                                 std::string& problems) {
    reached_one = false;
    const size_t n = settings.endpoints.size();
    for (size_t attempt = 0; attempt < n; ++attempt) {
      const size_t index = (current + attempt) % n;
      const std::string& endpoint = settings.endpoints[index];
      auto answer = call_one(endpoint, path, body);
      if (answer) {
        current = index;
        answered = endpoint;
        return answer;
      }
      if (answer.error().code != ErrorCode::kBusy) return answer;  // etcd's own verdict
      if (!problems.empty()) problems += "; ";
      problems += answer.error().message;
    }
    return zones::fail(ErrorCode::kBusy, kWhere, problems);
  }

  // kBusy: this endpoint could not serve the request (try another).
  zones::Result<json> call_one(const std::string& endpoint, const std::string& path,
                               const std::string& body) {
    for (int round = 0; round < 2; ++round) {
      if (!settings.user.empty() && token.empty()) {
        if (auto ok = authenticate(endpoint); !ok) return std::unexpected(ok.error());
      }
      std::string response, error;
      const long status = post(endpoint, path, body, response, error);
      if (status == 0) return zones::fail(ErrorCode::kBusy, kWhere, endpoint + ": " + error);
      const json parsed = json::parse(response, nullptr, false);
      if (status == 200 && parsed.is_object()) return parsed;
      const int code = parsed.is_object() ? parsed.value("code", 0) : 0;
      const std::string message =
          parsed.is_object() ? parsed.value("message", response) : "HTTP " + std::to_string(status);
      if (code == 16 /* Unauthenticated: the token expired */ && !settings.user.empty()) {
        token.clear();
        continue;
      }
      const ErrorCode kind = try_elsewhere(code) || status >= 500     ? ErrorCode::kBusy
                             : code == 11 /* OutOfRange: compacted */ ? ErrorCode::kNotFound
                                                                      : ErrorCode::kInvalid;
      return zones::fail(kind, kWhere, endpoint + ": " + explain(message));
    }
    return zones::fail(ErrorCode::kInvalid, kWhere, endpoint + ": authentication keeps failing");
  }

  void close_watch() {
    if (watch == nullptr) return;
    curl_multi_remove_handle(multi, watch);
    curl_easy_cleanup(watch);
    watch = nullptr;
    watch_buffer.clear();
  }

  static size_t on_watch_data(char* data, size_t size, size_t count, void* self) {
    static_cast<Impl*>(self)->watch_buffer.append(data, size * count);
    return size * count;
  }

  zones::Result<void> start_watch(const std::string& endpoint) {
    if (multi == nullptr) multi = curl_multi_init();
    watch = curl_easy_init();
    if (multi == nullptr || watch == nullptr)
      return zones::fail(ErrorCode::kInternal, kWhere, "cannot create curl handles");
    const std::string url = endpoint + "/v3/watch";
    curl_slist* list = headers();  // kept until the handle goes: freed with it below
    curl_easy_setopt(watch, CURLOPT_URL, url.c_str());
    curl_easy_setopt(watch, CURLOPT_COPYPOSTFIELDS, watch_request.c_str());
    curl_easy_setopt(watch, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(watch, CURLOPT_PRIVATE, list);
    curl_easy_setopt(watch, CURLOPT_WRITEFUNCTION, on_watch_data);
    curl_easy_setopt(watch, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(watch, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(settings.request_timeout_ms));
    curl_easy_setopt(watch, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(watch, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(watch, CURLOPT_TCP_KEEPIDLE, 2L);
    curl_easy_setopt(watch, CURLOPT_TCP_KEEPINTVL, 1L);
    set_tls(watch);
    watch_done = false;
    watch_result = CURLE_OK;
    curl_multi_add_handle(multi, watch);
    answered = endpoint;
    return {};
  }
};

EtcdClient::EtcdClient(EtcdSettings settings)
    : impl_(std::make_unique<Impl>(std::move(settings))) {}

EtcdClient::~EtcdClient() = default;

const std::string& EtcdClient::endpoint() const {
  return impl_->answered;
}

zones::Result<json> EtcdClient::call(const std::string& path, const json& body) {
  return impl_->call(path, body);
}

zones::Result<RangeResult> EtcdClient::range_prefix(const std::string& prefix, int64_t revision) {
  RangeResult out;
  std::string from = prefix;
  const std::string end = prefix_end(prefix);
  constexpr int64_t kPage = 1000;
  while (true) {
    json request = {{"key", base64(from)}, {"range_end", base64(end)}, {"limit", kPage}};
    if (revision != 0) request["revision"] = revision;
    auto answer = call("/v3/kv/range", request);
    if (!answer) return std::unexpected(answer.error());
    if (revision == 0) revision = int_field(answer->value("header", json::object()), "revision");
    out.revision = revision;
    const json kvs = answer->value("kvs", json::array());
    for (const json& kv : kvs) out.kvs.push_back(key_value(kv));
    if (!answer->value("more", false) || kvs.empty()) return out;
    from = out.kvs.back().key + std::string(1, '\0');  // just after the last key read
  }
}

zones::Result<RangeResult> EtcdClient::get(const std::string& key) {
  auto answer = call("/v3/kv/range", {{"key", base64(key)}});
  if (!answer) return std::unexpected(answer.error());
  RangeResult out;
  out.revision = int_field(answer->value("header", json::object()), "revision");
  for (const json& kv : answer->value("kvs", json::array())) out.kvs.push_back(key_value(kv));
  return out;
}

zones::Result<TxnResult> EtcdClient::txn(const std::vector<Compare>& compares,
                                         const std::vector<TxnOp>& ops) {
  json compare = json::array(), success = json::array();
  for (const Compare& c : compares) {
    compare.push_back({{"key", base64(c.key)},
                       {"target", "MOD"},
                       {"result", "EQUAL"},
                       {"mod_revision", std::to_string(c.mod_revision)}});
  }
  for (const TxnOp& op : ops) {
    if (op.value) {
      json put = {{"key", base64(op.key)}, {"value", base64(*op.value)}};
      if (op.lease != 0) put["lease"] = std::to_string(op.lease);
      success.push_back({{"request_put", put}});
    } else {
      success.push_back({{"request_delete_range", {{"key", base64(op.key)}}}});
    }
  }
  auto answer = call("/v3/kv/txn", {{"compare", compare}, {"success", success}});
  if (!answer) return std::unexpected(answer.error());
  TxnResult out;
  out.succeeded = answer->value("succeeded", false);
  out.revision = int_field(answer->value("header", json::object()), "revision");
  return out;
}

zones::Result<int64_t> EtcdClient::lease_grant(int64_t ttl_seconds) {
  auto answer = call("/v3/lease/grant", {{"TTL", std::to_string(ttl_seconds)}});
  if (!answer) return std::unexpected(answer.error());
  if (answer->contains("error") && !answer->value("error", "").empty())
    return zones::fail(ErrorCode::kInvalid, kWhere, answer->value("error", ""));
  return int_field(*answer, "ID");
}

zones::Result<int64_t> EtcdClient::lease_keepalive(int64_t lease) {
  auto answer = call("/v3/lease/keepalive", {{"ID", std::to_string(lease)}});
  if (!answer) return std::unexpected(answer.error());
  return int_field(answer->value("result", json::object()), "TTL");
}

zones::Result<void> EtcdClient::open_watch(const std::string& prefix, int64_t start_revision) {
  close_watch();
  json create = {{"key", base64(prefix)},
                 {"range_end", base64(prefix_end(prefix))},
                 {"start_revision", std::to_string(start_revision)}};
  impl_->watch_request = json{{"create_request", create}}.dump();
  // The endpoint the last unary call reached, else the first.
  const auto& endpoints = impl_->settings.endpoints;
  return impl_->start_watch(endpoints[impl_->current % endpoints.size()]);
}

void EtcdClient::close_watch() {
  if (impl_->watch != nullptr) {
    curl_slist* list = nullptr;
    curl_easy_getinfo(impl_->watch, CURLINFO_PRIVATE, reinterpret_cast<char**>(&list));
    impl_->close_watch();
    curl_slist_free_all(list);
  }
}

namespace {

WatchMessage watch_message(const json& result) {
  WatchMessage out;
  out.revision = int_field(result.value("header", json::object()), "revision");
  out.compact_revision = int_field(result, "compact_revision");
  out.canceled = result.value("canceled", false);
  out.cancel_reason = result.value("cancel_reason", "");
  for (const json& event : result.value("events", json::array())) {
    WatchEvent e;
    e.deleted = event.value("type", "PUT") == "DELETE";
    e.kv = key_value(event.value("kv", json::object()));
    out.events.push_back(std::move(e));
  }
  return out;
}

}  // namespace

zones::Result<std::vector<WatchMessage>> EtcdClient::poll_watch(int timeout_ms) {
  Impl& impl = *impl_;
  if (impl.watch == nullptr) return zones::fail(ErrorCode::kInternal, kWhere, "no watch is open");
  int running = 0;
  curl_multi_perform(impl.multi, &running);
  if (running > 0 && impl.watch_buffer.find('\n') == std::string::npos) {
    curl_multi_poll(impl.multi, nullptr, 0, timeout_ms, nullptr);
    curl_multi_perform(impl.multi, &running);
  }
  std::vector<WatchMessage> out;
  size_t newline;
  while ((newline = impl.watch_buffer.find('\n')) != std::string::npos) {
    const json parsed = json::parse(impl.watch_buffer.substr(0, newline), nullptr, false);
    impl.watch_buffer.erase(0, newline + 1);
    if (!parsed.is_object()) continue;
    if (parsed.contains("error")) {
      return zones::fail(ErrorCode::kBusy, kWhere,
                         impl.answered + ": watch failed: " + parsed["error"].dump());
    }
    if (parsed.contains("result")) out.push_back(watch_message(parsed["result"]));
  }
  if (running == 0 && out.empty()) {
    CURLMsg* msg = nullptr;
    int left = 0;
    std::string why = "the stream ended";
    while ((msg = curl_multi_info_read(impl.multi, &left)) != nullptr) {
      if (msg->msg == CURLMSG_DONE && msg->data.result != CURLE_OK)
        why = curl_easy_strerror(msg->data.result);
    }
    return zones::fail(ErrorCode::kBusy, kWhere, impl.answered + ": watch broke: " + why);
  }
  return out;
}

}  // namespace admin::fleet
