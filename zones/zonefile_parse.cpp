// Zone-file import: two passes over the text with ldns (find the apex, then read every
// record), all problems collected with their line (see zonefile.h).
#include <fstream>
#include <sstream>

#include "zones/names.h"
#include "zones/records.h"
#include "zones/validate.h"
#include "zones/zonefile.h"
#include "zones/zonefile_reader.h"

namespace zones {
namespace {

// Relative names resolve against this when no origin is known yet; an apex under it means
// the SOA was written relative with nothing to be relative to.
constexpr std::string_view kNoOrigin = "origin.gslb.invalid.";

std::string syntax_message(ldns_status status, const ZoneFileReader& reader) {
  if (status == LDNS_STATUS_SYNTAX_INCLUDE) {
    return "$INCLUDE is not supported: put the records in this file";
  }
  return std::string(ldns_get_errorstr_by_id(status)) + ": \"" + reader.line_text() + "\"";
}

bool is_directive(ldns_status status) {
  return status == LDNS_STATUS_SYNTAX_TTL || status == LDNS_STATUS_SYNTAX_ORIGIN ||
         status == LDNS_STATUS_SYNTAX_EMPTY;
}

class ZoneFileParser {
 public:
  ZoneFileParser(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  Result<ZoneContent> parse(std::optional<std::string_view> origin);

 private:
  std::optional<std::string> find_apex();
  void read_records(const std::string& apex);
  void on_record(const ldns_rr* rr, int line);
  void on_soa(const ldns_rr* rr, int line);
  void finish();
  void error(int line, ErrorCode code, std::string message);
  bool full() const { return errors_.size() >= kMaxZoneFileErrors; }

  std::string_view text_;
  std::string file_;
  std::vector<Error> errors_;
  std::optional<ZoneChecker> checker_;
  ZoneContent zone_;
  int soa_line_ = 0;
  std::optional<uint32_t> ttl_directive_;
};

void ZoneFileParser::error(int line, ErrorCode code, std::string message) {
  if (full()) return;
  std::string where = line > 0 ? file_ + ":" + std::to_string(line) : file_;
  errors_.push_back({code, std::move(where), std::move(message)});
  if (full()) errors_.push_back({code, file_, "too many errors, stopped reading"});
}

// Pass 1: the SOA's owner, read with a placeholder origin. Syntax errors seen on the way
// matter only when there is no SOA; otherwise pass 2 reports them.
std::optional<std::string> ZoneFileParser::find_apex() {
  ZoneFileReader reader(text_, kNoOrigin);
  while (!reader.done()) {
    RrPtr rr;
    ldns_status status = reader.next(rr);
    if (status == LDNS_STATUS_OK && ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_SOA) {
      errors_.clear();
      std::string owner = name_text(ldns_rr_owner(rr.get()));
      if (!in_zone(owner, kNoOrigin)) return owner;
      error(reader.line(), ErrorCode::kInvalid,
            "the SOA owner is relative but no origin is known: add $ORIGIN or give --origin");
      return std::nullopt;
    }
    if (status != LDNS_STATUS_OK && !is_directive(status)) {
      error(reader.line(), ErrorCode::kInvalid, syntax_message(status, reader));
    }
  }
  error(0, ErrorCode::kInvalid, "no SOA record");
  return std::nullopt;
}

// Pass 2: every entry, checked as it comes.
void ZoneFileParser::read_records(const std::string& apex) {
  ZoneFileReader reader(text_, apex);
  while (!reader.done() && !full()) {
    RrPtr rr;
    ldns_status status = reader.next(rr);
    if (status == LDNS_STATUS_OK) {
      on_record(rr.get(), reader.line());
    } else if (status == LDNS_STATUS_SYNTAX_TTL) {
      if (!ttl_directive_) ttl_directive_ = reader.default_ttl();
    } else if (!is_directive(status)) {
      error(reader.line(), ErrorCode::kInvalid, syntax_message(status, reader));
    }
  }
}

void ZoneFileParser::on_record(const ldns_rr* rr, int line) {
  if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
    std::string cls = take_string(ldns_rr_class2str(ldns_rr_get_class(rr)));
    error(line, ErrorCode::kInvalid, "class " + cls + " is not served: only IN");
    return;
  }
  if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) return on_soa(rr, line);
  for (const Error& e : checker_->add(record_from_rr(rr))) error(line, e.code, e.text());
}

void ZoneFileParser::on_soa(const ldns_rr* rr, int line) {
  std::string owner = name_text(ldns_rr_owner(rr));
  if (soa_line_ != 0) {
    return error(line, ErrorCode::kInvalid,
                 "a second SOA record (the first is on line " + std::to_string(soa_line_) +
                     "): a zone has exactly one");
  }
  soa_line_ = line;
  if (ldns_rr_rd_count(rr) != 7) return error(line, ErrorCode::kInvalid, "malformed SOA");
  if (owner != zone_.info.name) {
    error(line, ErrorCode::kInvalid,
          "the SOA must be at the zone apex " + zone_.info.name + ", not at " + owner);
  }
  if (auto ttl = check_ttl(ldns_rr_ttl(rr), "soa.ttl"); !ttl) {
    error(line, ErrorCode::kInvalid, ttl.error().text());
  }
  SoaFields& soa = zone_.info.soa;
  soa.mname = name_text(ldns_rr_rdf(rr, 0));
  soa.rname = name_text(ldns_rr_rdf(rr, 1));
  soa.serial = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
  soa.refresh = ldns_rdf2native_int32(ldns_rr_rdf(rr, 3));
  soa.retry = ldns_rdf2native_int32(ldns_rr_rdf(rr, 4));
  soa.expire = ldns_rdf2native_int32(ldns_rr_rdf(rr, 5));
  soa.minimum = ldns_rdf2native_int32(ldns_rr_rdf(rr, 6));
  zone_.info.soa_ttl = ldns_rr_ttl(rr);
}

void ZoneFileParser::finish() {
  if (soa_line_ == 0) error(0, ErrorCode::kInvalid, "no SOA record");
  if (errors_.empty()) {
    for (const Error& e : checker_->finish()) error(0, e.code, e.message);
  }
  zone_.info.default_ttl = ttl_directive_.value_or(zone_.info.soa_ttl);
  zone_.records = checker_->records();
}

Result<ZoneContent> ZoneFileParser::parse(std::optional<std::string_view> origin) {
  std::optional<std::string> apex;
  if (origin) {
    auto name = canonical_name(*origin, ".", "--origin");
    if (!name) return std::unexpected(name.error());
    apex = *name;
  } else {
    apex = find_apex();
  }
  if (!apex) return std::unexpected(join_errors(errors_));
  zone_.info.name = *apex;
  checker_.emplace(*apex);
  read_records(*apex);
  finish();
  if (!errors_.empty()) return std::unexpected(join_errors(errors_));
  return std::move(zone_);
}

}  // namespace

Result<ZoneContent> parse_zone_text(std::string_view text, std::string_view file_name,
                                    std::optional<std::string_view> origin) {
  return ZoneFileParser(text, file_name).parse(origin);
}

Result<ZoneContent> parse_zone_file(const std::string& path,
                                    std::optional<std::string_view> origin) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, path, "cannot open the zone file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_zone_text(text.str(), path, origin);
}

Result<ZoneInfo> import_zone_file(Store& store, const std::string& path,
                                  std::optional<std::string_view> origin, std::string_view actor) {
  auto zone = parse_zone_file(path, origin);
  if (!zone) return std::unexpected(zone.error());
  return store.replace_zone(*zone, actor);
}

}  // namespace zones
