// Zone-file export: $ORIGIN, $TTL, the SOA, then every record in canonical order, with
// explicit TTLs so that importing the file gives back the same rows (see zonefile.h).
#include <algorithm>

#include "zones/names.h"
#include "zones/records.h"
#include "zones/zonefile.h"

namespace zones {
namespace {

std::string soa_rdata(const SoaFields& soa) {
  return soa.mname + " " + soa.rname + " " + std::to_string(soa.serial) + " " +
         std::to_string(soa.refresh) + " " + std::to_string(soa.retry) + " " +
         std::to_string(soa.expire) + " " + std::to_string(soa.minimum);
}

struct Widths {
  size_t owner = 1;
  size_t ttl = 1;
};

std::string padded(std::string text, size_t width) {
  text.resize(std::max(text.size(), width), ' ');
  return text;
}

std::string line(const std::string& owner, const Widths& w, uint32_t ttl, std::string_view type,
                 std::string_view rdata) {
  return padded(owner, w.owner) + " " + padded(std::to_string(ttl), w.ttl) + " IN " +
         std::string(type) + " " + std::string(rdata) + "\n";
}

}  // namespace

std::string format_zone(const ZoneContent& zone) {
  const ZoneInfo& info = zone.info;
  std::vector<RecordRow> records = zone.records;
  sort_canonical(records);
  Widths width{1, std::to_string(info.soa_ttl).size()};
  for (const RecordRow& r : records) {
    width.owner = std::max(width.owner, relative_name(r.owner, info.name).size());
    width.ttl = std::max(width.ttl, std::to_string(r.ttl).size());
  }
  std::string out = "$ORIGIN " + info.name + "\n$TTL " + std::to_string(info.default_ttl) + "\n";
  out += line("@", width, info.soa_ttl, "SOA", soa_rdata(info.soa));
  for (const RecordRow& r : records) {
    out += line(relative_name(r.owner, info.name), width, r.ttl, type_name(r.type), r.rdata_text);
  }
  return out;
}

Result<std::string> export_zone(Store& store, std::string_view name) {
  auto zone = store.load_zone(name);
  if (!zone) return std::unexpected(zone.error());
  return format_zone(*zone);
}

}  // namespace zones
