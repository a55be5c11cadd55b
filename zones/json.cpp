// JSON shapes of the zones model (see json.h).
#include "zones/json.h"

#include "zones/records.h"

namespace zones {

nlohmann::json zone_json(const ZoneInfo& zone) {
  const SoaFields& soa = zone.soa;
  return {
      {"name", zone.name},
      {"soa",
       {{"mname", soa.mname},
        {"rname", soa.rname},
        {"serial", soa.serial},
        {"refresh", soa.refresh},
        {"retry", soa.retry},
        {"expire", soa.expire},
        {"minimum", soa.minimum}}},
      {"soa_ttl", zone.soa_ttl},
      {"default_ttl", zone.default_ttl},
  };
}

nlohmann::json record_json(const RecordRow& record) {
  return {{"id", record.id},
          {"owner", record.owner},
          {"type", type_name(record.type)},
          {"ttl", record.ttl},
          {"rdata", record.rdata_text}};
}

nlohmann::json records_json(const std::vector<RecordRow>& records) {
  nlohmann::json list = nlohmann::json::array();
  for (const RecordRow& r : records) list.push_back(record_json(r));
  return list;
}

}  // namespace zones
