// Gathering the status page's data: each section through the code of its API route, each
// with its own error, so one broken part never blanks the page.
#include "admin/api/status_page.h"

#include <arpa/inet.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <set>

#include "admin/api/api_store.h"
#include "admin/explain.h"

namespace admin::api {
namespace {

constexpr size_t kMaxVantageName = 64;

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

bool ip_address(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

// Runs `load` and keeps its error (or an exception's text) in the section instead of failing.
template <typename T>
Section<T> load_section(const std::function<zones::Result<T>()>& load) {
  Section<T> section;
  try {
    auto loaded = load();
    if (loaded)
      section.items = std::move(*loaded);
    else
      section.error = loaded.error().text();
  } catch (const std::exception& e) {
    section.error = std::string("internal error: ") + e.what();
  }
  return section;
}

// The data of an answer record as explain prints it ("www. 30 IN A 192.0.2.1" -> the last
// field); only records of `type` count (a CNAME chain's other records do not).
std::vector<std::string> answer_data(const std::vector<std::string>& records,
                                     const std::string& type) {
  std::vector<std::string> out;
  for (const std::string& rr : records) {
    const size_t last = rr.find_last_of(' ');
    if (last == std::string::npos) continue;
    const size_t type_end = rr.find_last_not_of(' ', last);
    const size_t type_start = rr.find_last_of(' ', type_end);
    if (rr.substr(type_start + 1, type_end - type_start) == type)
      out.push_back(rr.substr(last + 1));
  }
  return out;
}

VantageAnswer ask(const ApiContext& context, zones::Db& db, const std::string& service,
                  const StatusVantage& vantage, const std::string& type) {
  ExplainRequest question = gslbd_explain_request(context, service);
  question.type = type;
  question.client = vantage.second;
  VantageAnswer answer{vantage.first, vantage.second, "", type, {}, 0, ""};
  auto result = explain(db, question);
  if (!result) {
    answer.error = result.error().text();
    return answer;
  }
  answer.rcode = result->rcode;
  answer.addresses = answer_data(result->answer, type);
  answer.ttl = result->ttl;
  return answer;
}

// The A answer, or the AAAA one when A has none and AAAA has some (an IPv6-only service),
// as the drill dry run shows them.
VantageAnswer answer_for(const ApiContext& context, zones::Db& db, const std::string& service,
                         const StatusVantage& vantage) {
  VantageAnswer a = ask(context, db, service, vantage, "A");
  if (!a.error.empty() || !a.addresses.empty()) return a;
  VantageAnswer aaaa = ask(context, db, service, vantage, "AAAA");
  return aaaa.error.empty() && !aaaa.addresses.empty() ? aaaa : a;
}

std::vector<StatusVantage> vantages_or_default(const ApiContext& context) {
  if (!context.status_vantages.empty()) return context.status_vantages;
  return {{"no location", kUnknownClient}};
}

zones::Result<std::vector<RegionStatus>> load_regions(const ApiContext& context, zones::Db& db,
                                                      const zones::GslbConfig& config,
                                                      int64_t now_ms) {
  zones::GslbStore store(db);
  auto rows = store.health_since(0);
  if (!rows) return std::unexpected(rows.error());
  auto vantages = store.vantages();
  if (!vantages) return std::unexpected(vantages.error());
  const HealthSources sources{config, *rows, *vantages};
  std::vector<RegionStatus> regions =
      region_statuses(config, assess_health(sources, std::nullopt, context.health_quorum, now_ms));
  auto running = zones::DrillStore(db).running(now_ms);
  if (!running) return std::unexpected(running.error());
  add_forced_states(regions, config, *running);
  return regions;
}

// The region a drill's target is in: a region's own name, a pool's region, a member's pool's.
std::string drill_region(const zones::Drill& drill, const zones::GslbConfig& config) {
  if (drill.kind == zones::DrillTargetKind::kRegion) return drill.target;
  const std::string pool = drill.target.substr(0, drill.target.find('/'));
  for (const zones::Pool& p : config.pools)
    if (p.name == pool) return p.region;
  return "";
}

// Running drills, without closing expired ones: the page only reads (gslbd closes them).
zones::Result<std::vector<DrillStatus>> load_drills(const ApiContext& context, zones::Db& db,
                                                    int64_t now_ms) {
  auto running = zones::DrillStore(db).running(now_ms);
  if (!running) return std::unexpected(running.error());
  std::vector<DrillStatus> out;
  for (zones::Drill& drill : *running) {
    DrillStatus status{std::move(drill), std::nullopt};
    if (context.drill_report) status.report = context.drill_report(status.drill);
    if (!status.report && status.drill.report) {
      auto saved = nlohmann::json::parse(*status.drill.report, nullptr, false);
      if (!saved.is_discarded()) status.report = std::move(saved);
    }
    out.push_back(std::move(status));
  }
  return out;
}

}  // namespace

const char* to_string(RegionHealth health) {
  switch (health) {
    case RegionHealth::kHealthy:
      return "healthy";
    case RegionHealth::kDegraded:
      return "degraded";
    case RegionHealth::kDown:
      return "down";
    case RegionHealth::kUnknown:
      break;
  }
  return "unknown";
}

zones::Result<StatusVantage> parse_status_vantage(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return zones::fail(zones::ErrorCode::kInvalid, "\"" + std::string(text) + "\"", why);
  };
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) return bad("expected NAME=ADDRESS");
  const std::string name(text.substr(0, eq));
  const std::string address(text.substr(eq + 1));
  if (name.empty() || name.size() > kMaxVantageName ||
      !std::all_of(name.begin(), name.end(), name_char))
    return bad("NAME must be 1 to 64 letters, digits, '-', '_' or '.'");
  if (!ip_address(address)) return bad("ADDRESS must be an IPv4 or IPv6 address");
  return StatusVantage{name, address};
}

zones::Result<std::vector<StatusVantage>> parse_status_vantages(
    const std::vector<std::string>& texts) {
  std::vector<StatusVantage> out;
  std::set<std::string> names;
  for (const std::string& text : texts) {
    auto vantage = parse_status_vantage(text);
    if (!vantage) return std::unexpected(vantage.error());
    if (!names.insert(vantage->first).second)
      return zones::fail(zones::ErrorCode::kInvalid, "\"" + text + "\"",
                         "the name " + vantage->first + " is given twice");
    out.push_back(std::move(*vantage));
  }
  return out;
}

RegionHealth region_health(uint32_t up, uint32_t down, uint32_t unknown) {
  if (up > 0 && down == 0 && unknown == 0) return RegionHealth::kHealthy;
  if (up == 0 && down > 0) return RegionHealth::kDown;
  if (up == 0) return RegionHealth::kUnknown;
  return RegionHealth::kDegraded;
}

std::vector<RegionStatus> region_statuses(const zones::GslbConfig& config,
                                          const std::vector<MemberHealth>& members) {
  std::vector<RegionStatus> out;
  std::map<std::string, size_t> index;
  for (const zones::Region& r : config.regions) {
    index[r.name] = out.size();
    out.push_back({r.name, r.latitude, r.longitude, {}, 0, 0, 0, RegionHealth::kUnknown, {}});
  }
  for (const zones::Pool& p : config.pools)
    if (auto it = index.find(p.region); it != index.end()) out[it->second].pools.push_back(p.name);
  for (const MemberHealth& m : members) {
    const auto it = index.find(m.pool->region);
    if (it == index.end()) continue;
    RegionStatus& r = out[it->second];
    switch (m.combined.state) {
      case zones::HealthState::kUp:
        ++r.up;
        break;
      case zones::HealthState::kDown:
        ++r.down;
        break;
      case zones::HealthState::kUnknown:
        ++r.unknown;
        break;
    }
  }
  for (RegionStatus& r : out) r.health = region_health(r.up, r.down, r.unknown);
  return out;
}

void add_forced_states(std::vector<RegionStatus>& regions, const zones::GslbConfig& config,
                       const std::vector<zones::Drill>& running) {
  const auto region_named = [&](const std::string& name) -> RegionStatus* {
    for (RegionStatus& r : regions)
      if (r.name == name) return &r;
    return nullptr;
  };
  for (const zones::Pool& p : config.pools) {
    RegionStatus* region = region_named(p.region);
    if (region == nullptr) continue;
    if (p.admin != zones::AdminState::kEnabled)
      region->forced.push_back("pool " + p.name + ": " + zones::to_string(p.admin));
    for (const zones::Member& m : p.members)
      if (m.admin != zones::AdminState::kEnabled)
        region->forced.push_back("member " + p.name + "/" + m.address + ": " +
                                 zones::to_string(m.admin));
  }
  for (const zones::Drill& d : running) {
    if (RegionStatus* region = region_named(drill_region(d, config))) {
      const nlohmann::json summary = zones::drill_json(d, false);
      region->forced.push_back("drill #" + std::to_string(d.id) + ": " +
                               summary.value("action", "") + " " + summary.value("target", ""));
    }
  }
}

std::vector<ServiceAnswers> service_answers(const ApiContext& context,
                                            const zones::GslbConfig& config, size_t* not_shown) {
  const std::vector<StatusVantage> vantages = vantages_or_default(context);
  const size_t shown = std::min(config.services.size(), kMaxServices);
  if (not_shown != nullptr) *not_shown = config.services.size() - shown;
  std::vector<ServiceAnswers> out;
  auto db = open_db(context);
  for (size_t i = 0; i < shown; ++i) {
    const zones::Service& s = config.services[i];
    ServiceAnswers row{s.name, zones::to_string(s.policy), {}};
    for (const StatusVantage& v : vantages) {
      if (db)
        row.answers.push_back(answer_for(context, *db, s.name, v));
      else
        row.answers.push_back({v.first, v.second, "", "A", {}, 0, db.error().text()});
    }
    out.push_back(std::move(row));
  }
  return out;
}

StatusPage gather_status_page(const ApiContext& context, int64_t now_ms) {
  StatusPage page;
  page.generated_at_ms = now_ms;
  auto db = open_db(context);
  if (!db) {
    const std::string error = db.error().text();
    page.regions.error = page.services.error = page.drills.error = page.audit.error = error;
    return page;
  }
  zones::GslbStore store(*db);
  const auto config = store.load();
  page.regions =
      load_section<std::vector<RegionStatus>>([&]() -> zones::Result<std::vector<RegionStatus>> {
        if (!config) return std::unexpected(config.error());
        return load_regions(context, *db, *config, now_ms);
      });
  page.services = load_section<std::vector<ServiceAnswers>>(
      [&]() -> zones::Result<std::vector<ServiceAnswers>> {
        if (!config) return std::unexpected(config.error());
        return service_answers(context, *config, &page.services_not_shown);
      });
  page.drills =
      load_section<std::vector<DrillStatus>>([&] { return load_drills(context, *db, now_ms); });
  page.audit = load_section<std::vector<zones::AuditEntry>>(
      [&] { return zones::list_audit(*db, kAuditEntries); });
  return page;
}

}  // namespace admin::api
