// explain: answer one question exactly as gslbd would — same snapshot
// compiler, same health rules, same responder code — and say why. Used by
// `gslbadm explain` (and the admin API's /v1/explain later).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/health_view.h"
#include "server/selector/selector.h"
#include "zones/db.h"
#include "zones/result.h"

namespace admin {

struct ExplainRequest {
  std::string name;                // the question name
  std::string type = "A";          // A | AAAA (any type works; only A/AAAA have a trace)
  std::string client;              // the packet's source address (the resolver)
  std::optional<std::string> ecs;  // "203.0.113.0/24": a Client Subnet option in the query
  std::string geoip;               // MaxMind DB file, as given to gslbd --geoip; empty = none
  uint8_t ecs_max_prefix_v4 = 24;
  uint8_t ecs_max_prefix_v6 = 56;
  uint64_t seed = 1;             // the random choices (weighted policies) are made with this seed
  server::Quorum health_quorum;  // as gslbd's --health-quorum
};

struct ExplainResult {
  std::string question;  // "www.gslb.example.com. IN A"
  std::string rcode;     // "NOERROR", "NXDOMAIN", ...
  bool authoritative = false;
  std::vector<std::string> answer;  // records as text, as dig prints them
  std::vector<std::string> authority;
  std::optional<int> ecs_scope;  // when the query had ECS
  std::string service;           // the service that answered; empty for static data
  std::string policy;
  server::Trace trace;
  uint32_t ttl = 0;
};

zones::Result<ExplainResult> explain(zones::Db& db, const ExplainRequest& request);

nlohmann::json explain_json(const ExplainResult& result);
std::string explain_text(const ExplainResult& result);

}  // namespace admin
