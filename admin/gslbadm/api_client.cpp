// The admin API client (see api_client.h).
#include "admin/gslbadm/api_client.h"

#include <curl/curl.h>

namespace gslbadm {
namespace {

zones::Error api_error(zones::ErrorCode code, std::string message) {
  return {code, kApiWhere, std::move(message)};
}

size_t append_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

zones::ErrorCode code_for_status(long status) {
  switch (status) {
    case 400:
      return zones::ErrorCode::kInvalid;
    case 404:
      return zones::ErrorCode::kNotFound;
    case 409:
      return zones::ErrorCode::kConflict;
    case 503:
      return zones::ErrorCode::kBusy;
    case 507:
      return zones::ErrorCode::kNoSpace;
    default:
      return zones::ErrorCode::kInternal;
  }
}

// "<error> (field: <field>)" from an error body; the status when it is not one.
zones::Error status_error(long status, const std::string& body) {
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  std::string message;
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()) {
    message = parsed["error"].get<std::string>();
    if (parsed.contains("field") && parsed["field"].is_string())
      message += " (field: " + parsed["field"].get<std::string>() + ")";
  } else {
    message = "the admin API answered HTTP " + std::to_string(status);
    if (!body.empty()) message += ": " + body.substr(0, body.find('\n'));
  }
  if (status == 401) message += " (HTTP 401: check --token-file)";
  if (status == 403) message += " (HTTP 403: the token may only read)";
  return api_error(code_for_status(status), message);
}

}  // namespace

struct ApiClient::Curl {
  CURL* handle = curl_easy_init();
  ~Curl() { curl_easy_cleanup(handle); }
};

ApiClient::ApiClient(ApiClientSettings settings)
    : settings_(std::move(settings)), curl_(std::make_unique<Curl>()) {
  while (!settings_.url.empty() && settings_.url.back() == '/') settings_.url.pop_back();
}

ApiClient::~ApiClient() = default;

zones::Result<std::string> ApiClient::call_text(const std::string& method, const std::string& path,
                                                const std::string* body,
                                                const std::string& content_type) {
  CURL* h = curl_->handle;
  if (h == nullptr) return std::unexpected(api_error(zones::ErrorCode::kInternal, "curl init"));
  curl_easy_reset(h);
  const std::string url = settings_.url + path;
  const std::string payload = body != nullptr ? *body : "";
  std::string answer;
  char problem[CURL_ERROR_SIZE] = "";
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Authorization: Bearer " + settings_.token).c_str());
  if (body != nullptr)
    headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, problem);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, settings_.connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, settings_.timeout_ms);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
  if (!settings_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, settings_.ca_file.c_str());
  // POST and PUT always carry a body, if empty: the server wants a Content-Length.
  if (body != nullptr || method == "POST" || method == "PUT") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  }
  const CURLcode done = curl_easy_perform(h);
  curl_slist_free_all(headers);
  if (done != CURLE_OK) {
    const std::string why = problem[0] != '\0' ? problem : curl_easy_strerror(done);
    return std::unexpected(api_error(
        zones::ErrorCode::kIo, "cannot reach the admin API at " + settings_.url + ": " + why));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) return std::unexpected(status_error(status, answer));
  return answer;
}

zones::Result<nlohmann::json> ApiClient::call(const std::string& method, const std::string& path,
                                              const nlohmann::json* body) {
  const std::string payload = body != nullptr ? body->dump() : "";
  auto answer = call_text(method, path, body != nullptr ? &payload : nullptr, "application/json");
  if (!answer) return std::unexpected(answer.error());
  if (answer->empty()) return nlohmann::json();
  auto parsed = nlohmann::json::parse(*answer, nullptr, false);
  if (parsed.is_discarded())
    return std::unexpected(api_error(
        zones::ErrorCode::kInternal,
        "the admin API at " + settings_.url + " sent no JSON for " + method + " " + path));
  return parsed;
}

std::string escape(const std::string& text) {
  char* escaped = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
  if (escaped == nullptr) return text;
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

}  // namespace gslbadm
