// render_gslbd_metrics: one small writer per group of families, in the
// order docs/metrics.md lists them.
#include "server/metrics_render.h"

#include <algorithm>
#include <string_view>

namespace server {
namespace {

constexpr size_t kMaxErrorLabel = 256;  // a reload error can be long; a label should not be

double seconds(int64_t ms) {
  return static_cast<double>(ms) / 1000.0;
}

// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view cut_utf8(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

void write_queries(const QueryTotals& t, MetricsText& out) {
  out.family("gslb_queries_total", "counter",
             "DNS queries answered, by transport, question type and response code.");
  for (size_t tr = 0; tr < kTransportSlots; ++tr)
    for (size_t q = 0; q < kQtypeSlots; ++q)
      for (size_t r = 0; r < kRcodeSlots; ++r)
        out.sample("gslb_queries_total",
                   {{"transport", transport_label(tr)},
                    {"qtype", qtype_label(q)},
                    {"rcode", rcode_label(r)}},
                   t.queries[tr][q][r]);
  out.single("gslb_responses_truncated_total", "counter",
             "Responses sent with TC set (too large for the client's UDP size).", t.truncated);
  out.single("gslb_packets_dropped_total", "counter",
             "Requests dropped without a reply: shorter than a header, QR set, oversized.",
             t.dropped);
  out.family("gslb_rrl_responses_total", "counter",
             "UDP answers held back by response rate limiting: dropped, or sent truncated (slip).");
  out.sample("gslb_rrl_responses_total", {{"action", "dropped"}}, t.rrl_dropped);
  out.sample("gslb_rrl_responses_total", {{"action", "slipped"}}, t.rrl_slipped);
  out.family("gslb_tcp_closed_total", "counter",
             "TCP connections gslbd closed itself, by reason (the client's own closes are not "
             "counted).");
  static constexpr const char* kReasons[kTcpCloseReasons] = {"idle_timeout", "read_timeout",
                                                             "client_cap", "oversized"};
  for (size_t i = 0; i < kTcpCloseReasons; ++i)
    out.sample("gslb_tcp_closed_total", {{"reason", kReasons[i]}}, t.tcp_closed[i]);
}

// Every link of the serving snapshot gets a series, counted or not.
void write_answers(QueryTotals& t, const zones::Snapshot* snap, MetricsText& out) {
  if (snap != nullptr) {
    const zones::ServiceTable& table = snap->services;
    for (const zones::CompiledService& s : table.services)
      for (uint32_t l = s.links_begin; l < s.links_begin + s.link_count; ++l)
        t.answers[{s.name, table.pools[table.links[l].pool].name}] += 0;
  }
  out.family("gslb_answers_total", "counter",
             "Addresses answered for a GSLB service, by the pool they came from "
             "(pool=\"(fallback)\": the service's when_all_down fallback list).");
  for (const auto& [key, count] : t.answers)
    out.sample("gslb_answers_total", {{"service", key.first}, {"pool", key.second}}, count);
}

int member_up_value(zones::HealthState state) {
  switch (state) {
    case zones::HealthState::kUp:
      return 1;
    case zones::HealthState::kDown:
      return 0;
    case zones::HealthState::kUnknown:
      break;
  }
  return -1;
}

zones::HealthState member_state(const zones::ServiceTable& table, size_t member) {
  return static_cast<zones::HealthState>(
      table.health[member].state.load(std::memory_order_relaxed));
}

void write_members(const zones::Snapshot* snap, const HealthSummary& summary, MetricsText& out) {
  uint64_t up = summary.members_up, down = summary.members_down, unknown = summary.members_unknown;
  if (snap != nullptr) {  // the live atomics, consistent with gslb_member_up below
    up = down = unknown = 0;
    for (size_t m = 0; m < snap->services.members.size(); ++m) {
      const int v = member_up_value(member_state(snap->services, m));
      (v == 1 ? up : v == 0 ? down : unknown) += 1;
    }
  }
  out.family("gslb_members", "gauge", "Pool members by effective health state.");
  out.sample("gslb_members", {{"state", "up"}}, up);
  out.sample("gslb_members", {{"state", "down"}}, down);
  out.sample("gslb_members", {{"state", "unknown"}}, unknown);
  out.family("gslb_member_up", "gauge",
             "A member's effective health: 1 up, 0 down, -1 unknown (no fresh report).");
  if (snap == nullptr) return;
  const zones::ServiceTable& table = snap->services;
  for (size_t m = 0; m < table.members.size(); ++m) {
    const zones::CompiledMember& member = table.members[m];
    out.sample("gslb_member_up",
               {{"pool", table.pools[member.pool].name}, {"address", address_text(member)}},
               member_up_value(member_state(table, m)));
  }
}

void write_health_reports(const HealthSummary& h, MetricsText& out) {
  out.family("gslb_health_reports", "gauge",
             "Latest health reports per (member, vantage), by freshness.");
  out.sample("gslb_health_reports", {{"freshness", "fresh"}}, h.fresh_reports);
  out.sample("gslb_health_reports", {{"freshness", "stale"}}, h.stale_reports);
  out.single("gslb_health_report_oldest_age_seconds", "gauge",
             "Age of the oldest fresh health report: how far behind the slowest vantage is.",
             seconds(h.oldest_fresh_report_age_ms));
}

void write_snapshot(const FeedStatus& s, int64_t now_ms, MetricsText& out) {
  out.single("gslb_snapshot_generation", "gauge", "Generation of the snapshot being served.",
             s.generation);
  out.single("gslb_snapshot_age_seconds", "gauge",
             "Seconds since the serving snapshot was built (0 before the first).",
             s.built_at_ms == 0 ? 0.0 : seconds(std::max<int64_t>(now_ms - s.built_at_ms, 0)));
  out.single("gslb_snapshot_built_timestamp_seconds", "gauge",
             "Unix time the serving snapshot was built.", seconds(s.built_at_ms));
}

void write_reloads(const FeedStatus& s, MetricsText& out) {
  out.family("gslb_reloads_total", "counter",
             "Snapshot rebuilds; a failed one keeps the last good snapshot serving.");
  out.sample("gslb_reloads_total", {{"result", "ok"}}, s.reloads_ok);
  out.sample("gslb_reloads_total", {{"result", "failed"}}, s.reloads_failed);
  out.family("gslb_last_reload_error_timestamp_seconds", "gauge",
             "Unix time of the last failed rebuild; 0 when none failed.");
  const bool failed = !s.last_error.empty();
  out.sample("gslb_last_reload_error_timestamp_seconds",
             failed ? seconds(s.last_error_at_ms) : 0.0);
  out.family("gslb_last_reload_error_info", "gauge",
             "1, labelled with the last failed rebuild's error (kept after later successes); "
             "absent when none failed.");
  if (failed)
    out.sample("gslb_last_reload_error_info", {{"error", cut_utf8(s.last_error, kMaxErrorLabel)}},
               1);
}

void write_geoip(const GeoStatus& g, MetricsText& out) {
  out.single("gslb_geoip_build_epoch_seconds", "gauge",
             "Build time (unix) of the GeoIP database in service.",
             static_cast<double>(g.build_epoch));
  out.family("gslb_geoip_reloads_total", "counter",
             "Changed --geoip files: put in service (ok) or not opened (failed; the previous "
             "database kept serving).");
  out.sample("gslb_geoip_reloads_total", {{"result", "ok"}}, g.reloads_ok);
  out.sample("gslb_geoip_reloads_total", {{"result", "failed"}}, g.reloads_failed);
}

void write_process(const GslbdMetricsInput& in, MetricsText& out) {
  out.single("gslb_drills_active", "gauge", "Failover drills running now.", in.drills_active);
  out.family("gslb_build_info", "gauge", "1, labelled with gslbd's version.");
  out.sample("gslb_build_info", {{"version", in.version}}, 1);
  out.single("gslb_start_time_seconds", "gauge", "Unix time gslbd started.",
             seconds(in.started_at_ms));
}

}  // namespace

void write_gslbd_metrics(const GslbdMetricsInput& in, MetricsText& out) {
  QueryTotals totals;
  for (const WorkerMetrics* w : in.workers) w->collect(totals);
  write_queries(totals, out);
  write_answers(totals, in.snapshot.get(), out);
  write_members(in.snapshot.get(), in.status.health, out);
  write_health_reports(in.status.health, out);
  write_snapshot(in.status, in.now_ms, out);
  write_reloads(in.status, out);
  if (in.geo) write_geoip(*in.geo, out);
  write_process(in, out);
}

std::string render_gslbd_metrics(const GslbdMetricsInput& in) {
  MetricsText out;
  write_gslbd_metrics(in, out);
  return out.take();
}

}  // namespace server
