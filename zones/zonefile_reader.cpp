// Zone-file reading over ldns_rr_new_frm_fp_l (see zonefile_reader.h).
#include "zones/zonefile_reader.h"

#include <algorithm>

namespace zones {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

ZoneFileReader::ZoneFileReader(std::string_view text, std::string_view origin)
    : text_(text), lines_(split_lines(text_)) {
  origin_ = ldns_dname_new_frm_str(std::string(origin).c_str());
  // ldns reads from a FILE*; fmemopen gives one over the text without a temp file.
  if (!text_.empty()) fp_ = fmemopen(text_.data(), text_.size(), "r");
}

ZoneFileReader::~ZoneFileReader() {
  if (fp_ != nullptr) fclose(fp_);
  if (origin_ != nullptr) ldns_rdf_deep_free(origin_);
  if (prev_ != nullptr) ldns_rdf_deep_free(prev_);
}

bool ZoneFileReader::done() const {
  return fp_ == nullptr || feof(fp_);
}

ldns_status ZoneFileReader::next(RrPtr& rr) {
  int before = line_;
  ldns_rr* raw = nullptr;
  ldns_status status = ldns_rr_new_frm_fp_l(&raw, fp_, &default_ttl_, &origin_, &prev_, &line_);
  rr.reset(status == LDNS_STATUS_OK ? raw : nullptr);
  if (status != LDNS_STATUS_OK && raw != nullptr) ldns_rr_free(raw);
  start_line_ = first_content_line(before);
  return status;
}

// ldns reports the line where an entry ended, after any comments before it; errors read
// better at the line where the entry starts.
int ZoneFileReader::first_content_line(int after) const {
  int last = std::max(line_, after + 1);
  for (int n = after + 1; n <= last && n <= static_cast<int>(lines_.size()); ++n) {
    std::string_view content = trim(lines_[n - 1]);
    if (!content.empty() && content.front() != ';') return n;
  }
  return last;
}

std::string ZoneFileReader::line_text() const {
  if (start_line_ < 1 || start_line_ > static_cast<int>(lines_.size())) return {};
  std::string text(trim(lines_[start_line_ - 1]));
  constexpr size_t kShown = 60;
  if (text.size() > kShown) text = text.substr(0, kShown) + "...";
  return text;
}

}  // namespace zones
