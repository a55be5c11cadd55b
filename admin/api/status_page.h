// The read-only status page's data (GET / on the admin port): region health for the map,
// each service's answers from the sample vantage points, running drills with their live
// report, the newest audit entries. Gathered into plain values through the same code as
// /v1/health, /v1/explain, /v1/drills/{id} and /v1/audit; rendering is status_html.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin/api/routes.h"
#include "admin/health_report.h"
#include "zones/audit.h"
#include "zones/drills.h"
#include "zones/result.h"

namespace admin::api {

// One --status-vantage NAME=ADDRESS: a client the page asks every service's answer for.
using StatusVantage = std::pair<std::string, std::string>;

// "new-york=198.51.100.10" -> {"new-york", "198.51.100.10"}; errors say what is wrong with
// the text (the caller names the flag).
zones::Result<StatusVantage> parse_status_vantage(std::string_view text);
// Every value, checked alone and for repeated names.
zones::Result<std::vector<StatusVantage>> parse_status_vantages(
    const std::vector<std::string>& texts);

// The client asked for when no vantage is configured: a documentation address (RFC 5737)
// that no GeoIP database places and no sane override covers, so the answer is the one for a
// client of unknown location.
inline constexpr const char* kUnknownClient = "192.0.2.1";

// A region's marker colour: what its pools' members are, by the /v1/health rule.
enum class RegionHealth : uint8_t { kHealthy, kDegraded, kDown, kUnknown };
const char* to_string(RegionHealth health);

struct RegionStatus {
  std::string name;
  double latitude = 0;
  double longitude = 0;
  std::vector<std::string> pools;
  uint32_t up = 0, down = 0, unknown = 0;  // members by combined state
  RegionHealth health = RegionHealth::kUnknown;
  // What an operator forced, shown beside the probed health (a forced state never hides the
  // real one): admin states and running drills ("pool us-a: drain", "drill #3: fail
  // pool/us-a").
  std::vector<std::string> forced;
};

// healthy: every member up; down: none up and some down; unknown: no member, or none with a
// fresh report; degraded: the rest (some up, others down or unknown).
RegionHealth region_health(uint32_t up, uint32_t down, uint32_t unknown);

// The regions of `config` with their members' combined states from `members` (assess_health).
std::vector<RegionStatus> region_statuses(const zones::GslbConfig& config,
                                          const std::vector<MemberHealth>& members);

// Adds to each region the admin states of its pools and members and the running drills
// that target it, one of its pools or one of their members.
void add_forced_states(std::vector<RegionStatus>& regions, const zones::GslbConfig& config,
                       const std::vector<zones::Drill>& running);

// One service's answer for one vantage (explain's), or why there is none.
struct VantageAnswer {
  std::string vantage;  // the vantage's name, or "no location" without any
  std::string client;
  std::string rcode;                   // "NOERROR"
  std::string type;                    // "A", or "AAAA" for a service with no A answer
  std::vector<std::string> addresses;  // the answer's data
  uint32_t ttl = 0;
  std::string error;  // explain refused: the rest is empty
};

struct ServiceAnswers {
  std::string service;
  std::string policy;
  std::vector<VantageAnswer> answers;  // one per vantage, in flag order
};

// A running drill with gslbd's live report (or the last saved one).
struct DrillStatus {
  zones::Drill drill;
  std::optional<nlohmann::json> report;
};

// A part of the page: its values, or the error that kept it from loading (shown instead).
template <typename T>
struct Section {
  T items{};
  std::string error;
};

struct StatusPage {
  std::string viewer;                               // the token's name
  nlohmann::json gslbd = nlohmann::json::object();  // /v1/status, when gslbd gave one
  int64_t generated_at_ms = 0;
  Section<std::vector<RegionStatus>> regions;
  Section<std::vector<ServiceAnswers>> services;
  size_t services_not_shown = 0;  // over kMaxServices
  Section<std::vector<DrillStatus>> drills;
  Section<std::vector<zones::AuditEntry>> audit;
};

// Every service costs one explain per vantage (each compiles a snapshot), so the page shows
// at most this many; /v1/explain answers for the rest.
inline constexpr size_t kMaxServices = 50;
inline constexpr int64_t kAuditEntries = 20;

// Reads everything from the store (a connection of its own) at `now_ms`. Never fails: a
// section that cannot load carries its error.
StatusPage gather_status_page(const ApiContext& context, int64_t now_ms);

// The answers for every service of `config` from each vantage (kUnknownClient when none).
std::vector<ServiceAnswers> service_answers(const ApiContext& context,
                                            const zones::GslbConfig& config,
                                            size_t* not_shown = nullptr);

}  // namespace admin::api
