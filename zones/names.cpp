// Domain name parsing and canonicalisation over ldns (see names.h).
#include "zones/names.h"

#include <vector>

namespace zones {
namespace {

// A trailing dot counts only when it is not escaped ("a\." is a relative name).
bool ends_with_separator(std::string_view text) {
  if (text.empty() || text.back() != '.') return false;
  size_t backslashes = 0;
  for (size_t i = text.size() - 1; i > 0 && text[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 0;
}

std::string absolute_text(std::string_view text, std::string_view origin) {
  if (text == "@") return std::string(origin);
  if (ends_with_separator(text)) return std::string(text);
  if (origin == ".") return std::string(text) + ".";
  return std::string(text) + "." + std::string(origin);
}

std::string why_bad(ldns_status status) {
  switch (status) {
    case LDNS_STATUS_LABEL_OVERFLOW:
      return "a label is longer than 63 octets";
    case LDNS_STATUS_DOMAINNAME_OVERFLOW:
      return "the name is longer than 255 octets";
    case LDNS_STATUS_EMPTY_LABEL:
      return "empty label";
    default:
      return ldns_get_errorstr_by_id(status);
  }
}

RdfPtr parse_dname(std::string_view absolute) {
  ldns_rdf* rdf = nullptr;
  if (ldns_str2rdf_dname(&rdf, std::string(absolute).c_str()) != LDNS_STATUS_OK) return nullptr;
  return RdfPtr(rdf);
}

}  // namespace

Result<std::string> canonical_name(std::string_view text, std::string_view origin,
                                   std::string_view where) {
  if (text.empty()) return fail(ErrorCode::kInvalid, std::string(where), "must not be empty");
  std::string absolute = absolute_text(text, origin);
  ldns_rdf* rdf = nullptr;
  ldns_status status = ldns_str2rdf_dname(&rdf, absolute.c_str());
  if (status != LDNS_STATUS_OK) {
    return fail(ErrorCode::kInvalid, std::string(where),
                "bad name \"" + std::string(text) + "\": " + why_bad(status));
  }
  RdfPtr owned(rdf);
  return name_text(owned.get());
}

std::string name_text(const ldns_rdf* dname) {
  RdfPtr copy(ldns_rdf_clone(dname));
  ldns_dname2canonical(copy.get());
  return take_string(ldns_rdf2str(copy.get()));
}

bool in_zone(std::string_view name, std::string_view zone) {
  if (name == zone) return true;
  RdfPtr sub = parse_dname(name);
  RdfPtr parent = parse_dname(zone);
  return sub && parent && ldns_dname_is_subdomain(sub.get(), parent.get());
}

std::string relative_name(std::string_view name, std::string_view origin) {
  if (name == origin) return "@";
  // Canonical names print the zone's labels exactly, so a proper subdomain ends with
  // "." + origin where that dot is a real label separator.
  if (origin != "." && name.size() > origin.size() && name.ends_with(origin) &&
      in_zone(name, origin)) {
    return std::string(name.substr(0, name.size() - origin.size() - 1));
  }
  return std::string(name);
}

std::string name_sort_key(std::string_view name) {
  RdfPtr rdf = parse_dname(name);
  if (!rdf) return std::string(name);
  const auto* wire = ldns_rdf_data(rdf.get());
  const size_t size = ldns_rdf_size(rdf.get());
  std::vector<std::string_view> labels;
  for (size_t at = 0; at < size && wire[at] != 0; at += wire[at] + 1) {
    labels.emplace_back(reinterpret_cast<const char*>(wire + at + 1), wire[at]);
  }
  std::string key;
  key.reserve(size + labels.size());
  for (auto it = labels.rbegin(); it != labels.rend(); ++it) {
    for (char c : *it) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c == '\0' || c == '\1') {
        key += '\1';
        c = static_cast<char>(c + 1);
      }
      key += c;
    }
    key += '\0';
  }
  return key;
}

}  // namespace zones
