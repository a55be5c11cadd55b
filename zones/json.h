// JSON shapes of zones and records, shared by the audit log, gslbadm --json and the API.
#pragma once

#include <nlohmann/json.hpp>

#include "zones/model.h"

namespace zones {

nlohmann::json zone_json(const ZoneInfo& zone);
nlohmann::json record_json(const RecordRow& record);  // without the wire form
nlohmann::json records_json(const std::vector<RecordRow>& records);

}  // namespace zones
