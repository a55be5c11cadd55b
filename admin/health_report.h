// Member health as gslbd sees it: per member the combined state by gslbd's own rule
// (server::effective_health), each vantage's report with its age and staleness, and the
// vantages' heartbeats. `gslbadm health` prints it; the admin API's /v1/health returns its
// JSON: one code path, so both always agree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/health_view.h"
#include "zones/gslb_model.h"

namespace admin {

// What a report is built from: the configuration, every health row, every heartbeat.
struct HealthSources {
  const zones::GslbConfig& config;
  const std::vector<zones::HealthRow>& rows;
  const std::vector<zones::Vantage>& vantages;
};

struct VantageReport {
  zones::HealthRow row;
  int64_t age_ms = 0;
  bool stale = false;
};

struct MemberHealth {
  const zones::Pool* pool = nullptr;
  const zones::Member* member = nullptr;
  const zones::Monitor* monitor = nullptr;  // nullptr: never probed
  server::EffectiveHealth combined;
  std::vector<VantageReport> reports;    // by vantage name
  std::optional<double> load;            // the combined load, when a fresh report had one
  std::optional<int64_t> changed_at_ms;  // the latest change among the fresh reports
  std::string reason;
};

// Every member (of `pool` only, when given), in configuration order. The result points into
// `sources.config`.
std::vector<MemberHealth> assess_health(const HealthSources& sources,
                                        const std::optional<std::string>& pool,
                                        const server::Quorum& quorum, int64_t now_ms);

// {quorum, members: [...], vantages: [...]}: `gslbadm health --json` and GET /v1/health.
nlohmann::json health_report_json(const std::vector<MemberHealth>& members,
                                  const HealthSources& sources, const server::Quorum& quorum,
                                  int64_t now_ms);

// The combined RTT, or nullopt when no fresh report measured one.
std::optional<int64_t> combined_rtt_us(const MemberHealth& member);

}  // namespace admin
