// http_request_from: libcurl with CURLOPT_INTERFACE; headers and body as http_request keeps
// them.
#include "tests/support/http_from.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace testsupport {
namespace {

size_t append_text(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// "Name: value\r\n" lines of the last response into lowercased names.
std::map<std::string, std::string> parse_headers(const std::string& raw) {
  std::map<std::string, std::string> out;
  size_t at = 0;
  while (at < raw.size()) {
    const size_t end = std::min(raw.find("\r\n", at), raw.size());
    const std::string line = raw.substr(at, end - at);
    at = end + 2;
    if (line.starts_with("HTTP/")) out.clear();  // a new response (after 100 Continue)
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const size_t value = line.find_first_not_of(' ', colon + 1);
    out[name] = value == std::string::npos ? "" : line.substr(value);
  }
  return out;
}

}  // namespace

HttpResponse http_request_from(const std::string& source, const std::string& method,
                               const std::string& url, const std::string& body,
                               const std::vector<std::string>& headers) {
  CURL* easy = curl_easy_init();
  if (easy == nullptr) throw std::runtime_error("curl_easy_init failed");
  HttpResponse response;
  std::string raw_headers;
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_INTERFACE, ("host!" + source).c_str());
  curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method != "GET") {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_text);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, append_text);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &raw_headers);
  const CURLcode code = curl_easy_perform(easy);
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
  if (code != CURLE_OK) response.error = curl_easy_strerror(code);
  response.headers = parse_headers(raw_headers);
  curl_slist_free_all(list);
  curl_easy_cleanup(easy);
  return response;
}

}  // namespace testsupport
