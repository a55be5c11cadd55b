// Record parsing and printing through ldns (see records.h).
#include "zones/records.h"

#include <algorithm>
#include <tuple>

#include "zones/names.h"

namespace zones {
namespace {

// ldns prints "owner\tttl\tclass\ttype\trdata\n"; names never hold a raw tab (ldns escapes
// it), so the rdata starts after the fourth tab.
std::string rdata_text_of(const ldns_rr* rr) {
  std::string line = take_string(ldns_rr2str(rr));
  size_t at = 0;
  for (int tabs = 0; tabs < 4 && at != std::string::npos; ++tabs) {
    at = line.find('\t', at);
    if (at != std::string::npos) ++at;
  }
  if (at == std::string::npos) return {};
  std::string rdata = line.substr(at);
  while (!rdata.empty() && (rdata.back() == '\n' || rdata.back() == ' ')) rdata.pop_back();
  return rdata;
}

std::string rdata_wire_of(const ldns_rr* rr) {
  BufferPtr buffer(ldns_buffer_new(512));
  if (ldns_rr_rdata2buffer_wire(buffer.get(), rr) != LDNS_STATUS_OK) return {};
  return std::string(reinterpret_cast<const char*>(ldns_buffer_begin(buffer.get())),
                     ldns_buffer_position(buffer.get()));
}

std::string bad_rdata_message(uint16_t type, std::string_view rdata, ldns_status status) {
  bool address = type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA;
  std::string message = "bad " + type_name(type) + (address ? " address" : " rdata") + " \"" +
                        std::string(rdata) + "\"";
  if (address) return message;
  return message + ": " + ldns_get_errorstr_by_id(status);
}

}  // namespace

std::string type_name(uint16_t type) {
  return take_string(ldns_rr_type2str(static_cast<ldns_rr_type>(type)));
}

RecordRow record_from_rr(const ldns_rr* rr) {
  RecordRow row;
  row.owner = name_text(ldns_rr_owner(rr));
  row.type = static_cast<uint16_t>(ldns_rr_get_type(rr));
  row.ttl = ldns_rr_ttl(rr);
  row.rdata_text = rdata_text_of(rr);
  row.rdata_wire = rdata_wire_of(rr);
  return row;
}

Result<RecordRow> parse_record(std::string_view owner, uint16_t type, uint32_t ttl,
                               std::string_view rdata, std::string_view origin) {
  if (rdata.find_first_of("\r\n") != std::string_view::npos) {
    return fail(ErrorCode::kInvalid, "record.rdata", "must be on one line");
  }
  // Let ldns parse a whole presentation line, exactly as it would from a zone file.
  std::string line = std::string(owner) + " " + std::to_string(ttl) + " IN " + type_name(type) +
                     " " + std::string(rdata);
  RdfPtr origin_rdf(ldns_dname_new_frm_str(std::string(origin).c_str()));
  ldns_rr* raw = nullptr;
  ldns_status status = ldns_rr_new_frm_str(&raw, line.c_str(), ttl, origin_rdf.get(), nullptr);
  RrPtr rr(raw);
  if (status != LDNS_STATUS_OK || ldns_rr_get_type(rr.get()) != type) {
    return fail(ErrorCode::kInvalid, "record.rdata", bad_rdata_message(type, rdata, status));
  }
  return record_from_rr(rr.get());
}

void sort_canonical(std::vector<RecordRow>& records) {
  using Key = std::tuple<std::string, uint16_t, std::string_view>;
  std::vector<std::pair<Key, size_t>> keys;
  keys.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const RecordRow& r = records[i];
    keys.push_back({Key{name_sort_key(r.owner), r.type, r.rdata_wire}, i});
  }
  std::sort(keys.begin(), keys.end());
  std::vector<RecordRow> sorted;
  sorted.reserve(records.size());
  for (const auto& [key, index] : keys) sorted.push_back(std::move(records[index]));
  records = std::move(sorted);
}

}  // namespace zones
