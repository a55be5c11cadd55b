// Field syntax and zone rules (see validate.h).
#include "zones/validate.h"

#include <algorithm>
#include <charconv>

#include "zones/ldns_util.h"
#include "zones/names.h"
#include "zones/records.h"

namespace zones {
namespace {

std::string ttl_range_message(std::string_view got) {
  return "must be 0.." + std::to_string(kMaxTtl) + " (got " + std::string(got) + ")";
}

bool is_meta_type(uint16_t type) {
  switch (type) {
    case 0:
    case LDNS_RR_TYPE_OPT:
    case LDNS_RR_TYPE_TKEY:
    case LDNS_RR_TYPE_TSIG:
    case LDNS_RR_TYPE_IXFR:
    case LDNS_RR_TYPE_AXFR:
    case LDNS_RR_TYPE_MAILB:
    case LDNS_RR_TYPE_MAILA:
    case LDNS_RR_TYPE_ANY:
      return true;
    default:
      return false;
  }
}

// DNSSEC records may sit beside a CNAME (RFC 4035 section 2.5).
bool may_join_cname(uint16_t type) {
  return type == LDNS_RR_TYPE_CNAME || type == LDNS_RR_TYPE_RRSIG || type == LDNS_RR_TYPE_NSEC;
}

std::string describe(const RecordRow& r) {
  return r.owner + " " + type_name(r.type) + " " + r.rdata_text;
}

void check_cname_rules(const std::vector<RecordRow>& at_owner, const RecordRow& added,
                       std::vector<Error>& errors) {
  const bool adding_cname = added.type == LDNS_RR_TYPE_CNAME;
  for (const RecordRow& r : at_owner) {
    const bool is_cname = r.type == LDNS_RR_TYPE_CNAME;
    if (adding_cname && is_cname && r.rdata_wire != added.rdata_wire) {
      errors.push_back({ErrorCode::kConflict, "record.type",
                        added.owner + " already has a CNAME (" + r.rdata_text +
                            "): at most one CNAME per name"});
      return;
    }
    if (adding_cname && !may_join_cname(r.type)) {
      errors.push_back({ErrorCode::kConflict, "record.type",
                        added.owner + " already has " + type_name(r.type) +
                            " data: a CNAME cannot share its name with other data"});
      return;
    }
    if (is_cname && !may_join_cname(added.type)) {
      errors.push_back({ErrorCode::kConflict, "record.type",
                        added.owner + " has a CNAME: no other data may share its name"});
      return;
    }
  }
}

void check_rrset_rules(const std::vector<RecordRow>& at_owner, const RecordRow& added,
                       std::vector<Error>& errors) {
  auto same_type = [&](const RecordRow& r) { return r.type == added.type; };
  auto it = std::find_if(at_owner.begin(), at_owner.end(), same_type);
  if (it != at_owner.end() && it->ttl != added.ttl) {
    // The TTL is the problem to fix; "already exists" on top of it would only confuse.
    errors.push_back({ErrorCode::kConflict, "record.ttl",
                      "TTL " + std::to_string(added.ttl) + " differs from TTL " +
                          std::to_string(it->ttl) + " of the existing " + added.owner + " " +
                          type_name(added.type) + " RRset (RFC 2181 5.2: one TTL per RRset)"});
    return;
  }
  for (const RecordRow& r : at_owner) {
    if (same_type(r) && r.rdata_wire == added.rdata_wire) {
      errors.push_back({ErrorCode::kConflict, "record", describe(added) + " already exists"});
      return;
    }
  }
}

}  // namespace

Result<uint32_t> parse_ttl(std::string_view text, std::string_view where) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  bool digits = !text.empty() && text.front() != '-' && text.front() != '+';
  if (!digits || ec != std::errc() || end != text.data() + text.size()) {
    return fail(ErrorCode::kInvalid, std::string(where),
                ttl_range_message("\"" + std::string(text) + "\""));
  }
  return check_ttl(value, where);
}

Result<uint32_t> check_ttl(int64_t ttl, std::string_view where) {
  if (ttl < 0 || ttl > kMaxTtl) {
    return fail(ErrorCode::kInvalid, std::string(where), ttl_range_message(std::to_string(ttl)));
  }
  return static_cast<uint32_t>(ttl);
}

Result<uint16_t> parse_type(std::string_view text, std::string_view where) {
  uint16_t type = ldns_get_rr_type_by_name(std::string(text).c_str());
  if (type == 0) {
    return fail(ErrorCode::kInvalid, std::string(where),
                "unknown type \"" + std::string(text) + "\" (use a mnemonic or TYPEnnn)");
  }
  if (auto ok = check_type(type, where); !ok) return std::unexpected(ok.error());
  return type;
}

Result<void> check_type(uint16_t type, std::string_view where) {
  if (type == LDNS_RR_TYPE_SOA) {
    return fail(ErrorCode::kInvalid, std::string(where),
                "SOA is not a record of its own: use the zone's SOA settings");
  }
  if (is_meta_type(type)) {
    return fail(ErrorCode::kInvalid, std::string(where),
                type_name(type) + " is a query or meta type, not data");
  }
  return {};
}

Result<void> check_owner(std::string_view zone, std::string_view owner) {
  if (in_zone(owner, zone)) return {};
  return fail(ErrorCode::kInvalid, "record.owner",
              std::string(owner) + " is not inside zone " + std::string(zone));
}

std::vector<Error> check_record(std::string_view zone, const std::vector<RecordRow>& at_owner,
                                const RecordRow& added) {
  std::vector<Error> errors;
  if (added.type == LDNS_RR_TYPE_CNAME && added.owner == zone) {
    errors.push_back({ErrorCode::kConflict, "record.type",
                      "a CNAME cannot be at the zone apex (it holds the SOA and NS)"});
  }
  check_cname_rules(at_owner, added, errors);
  check_rrset_rules(at_owner, added, errors);
  return errors;
}

Error join_errors(const std::vector<Error>& errors) {
  if (errors.empty()) return Error{ErrorCode::kInternal, "", "no error"};
  if (errors.size() == 1) return errors.front();
  Error joined{errors.front().code, "", ""};
  for (const Error& e : errors) {
    if (!joined.message.empty()) joined.message += "\n";
    joined.message += e.text();
  }
  return joined;
}

}  // namespace zones

namespace zones {

std::vector<Error> ZoneChecker::add(const RecordRow& record) {
  std::vector<Error> errors;
  collect(check_type(record.type, "record.type"), errors);
  collect(check_ttl(record.ttl, "record.ttl"), errors);
  collect(check_owner(zone_, record.owner), errors);
  std::vector<RecordRow>& at_owner = by_owner_[record.owner];
  for (const RecordRow& r : at_owner) {
    bool same = r.type == record.type && r.rdata_wire == record.rdata_wire && r.ttl == record.ttl;
    if (same && errors.empty()) return {};  // merged: the RRset already has it
  }
  auto rule_errors = check_record(zone_, at_owner, record);
  errors.insert(errors.end(), rule_errors.begin(), rule_errors.end());
  if (errors.empty()) {
    at_owner.push_back(record);
    records_.push_back(record);
  }
  return errors;
}

std::vector<Error> ZoneChecker::finish() const {
  auto apex = by_owner_.find(zone_);
  if (apex != by_owner_.end()) {
    for (const RecordRow& r : apex->second) {
      if (r.type == LDNS_RR_TYPE_NS) return {};
    }
  }
  return {Error{ErrorCode::kInvalid, "zone", "no NS record at the apex " + zone_}};
}

}  // namespace zones
