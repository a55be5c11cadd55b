// GET /v1/status and gslbd's /metrics families for the admin API.
#include "admin/api/gslbd_hooks.h"

#include "admin/fleet/fleet_node.h"
#include "server/metrics_render.h"
#include "zones/clock.h"

namespace admin::api {
namespace {

nlohmann::json optional_text(const std::string& text) {
  return text.empty() ? nlohmann::json() : nlohmann::json(text);
}

nlohmann::json snapshot_json(const server::FeedStatus& s, int64_t now_ms) {
  return {{"generation", s.generation},
          {"built_at_ms", s.built_at_ms},
          {"age_s", s.built_at_ms > 0 ? static_cast<double>(now_ms - s.built_at_ms) / 1000 : 0.0},
          {"config_version", s.config_version},
          {"zones", s.zones},
          {"services", s.services}};
}

nlohmann::json reloads_json(const server::FeedStatus& s) {
  nlohmann::json out = {{"ok", s.reloads_ok}, {"failed", s.reloads_failed}};
  out["last_error"] = optional_text(s.last_error);
  out["last_error_at_ms"] =
      s.last_error.empty() ? nlohmann::json() : nlohmann::json(s.last_error_at_ms);
  return out;
}

nlohmann::json health_json(const server::HealthSummary& h) {
  return {{"members_up", h.members_up},
          {"members_down", h.members_down},
          {"members_unknown", h.members_unknown},
          {"fresh_reports", h.fresh_reports},
          {"stale_reports", h.stale_reports},
          {"oldest_fresh_report_age_ms", h.oldest_fresh_report_age_ms}};
}

}  // namespace

nlohmann::json geoip_status_json(const server::GeoStatus& geo) {
  const bool failed = !geo.last_error.empty();
  return {
      {"path", geo.path},
      {"database_type", geo.database_type},
      {"build_epoch", geo.build_epoch},
      {"loaded_at_ms", geo.loaded_at_ms},
      {"reloads",
       {{"ok", geo.reloads_ok},
        {"failed", geo.reloads_failed},
        {"last_error", optional_text(geo.last_error)},
        {"last_error_at_ms", failed ? nlohmann::json(geo.last_error_at_ms) : nlohmann::json()}}}};
}

nlohmann::json gslbd_status_json(const GslbdFacts& facts, const server::FeedStatus& status,
                                 int64_t now_ms) {
  return {{"version", facts.version},
          {"started_at_ms", facts.started_at_ms},
          {"uptime_s", static_cast<double>(now_ms - facts.started_at_ms) / 1000},
          {"listeners", facts.listeners},
          {"threads", facts.threads},
          {"snapshot", snapshot_json(status, now_ms)},
          {"reloads", reloads_json(status)},
          {"health", health_json(status.health)},
          {"drills_active", status.drills_active},
          {"geoip", facts.geo ? geoip_status_json(facts.geo->status()) : nlohmann::json()},
          {"fleet", facts.fleet ? facts.fleet->status_json(now_ms) : nlohmann::json()}};
}

ApiHooks gslbd_api_hooks(const GslbdFacts& facts) {
  ApiHooks hooks;
  hooks.status = [facts] {
    return gslbd_status_json(facts, facts.board->read(), zones::unix_ms());
  };
  hooks.metrics = [facts] {
    server::GslbdMetricsInput in;
    in.workers = facts.workers;
    in.status = facts.board->read();
    in.snapshot = in.status.snapshot;
    in.drills_active = static_cast<uint32_t>(in.status.drills_active);
    if (facts.geo) in.geo = facts.geo->status();
    in.version = facts.version;
    in.started_at_ms = facts.started_at_ms;
    in.now_ms = zones::unix_ms();
    std::string text = server::render_gslbd_metrics(in);
    if (facts.fleet) text += facts.fleet->metrics_text(in.now_ms);
    return text;
  };
  return hooks;
}

}  // namespace admin::api
