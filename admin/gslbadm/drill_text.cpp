// Human output of `gslbadm drill` (see drill_text.h).
#include "admin/gslbadm/drill_text.h"

#include <string>
#include <vector>

#include "admin/gslbadm/table.h"

namespace gslbadm {
namespace {

using nlohmann::json;

int64_t int_of(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

std::string time_of(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return "-";
  return utc_text(it->get<int64_t>());
}

// "850ms", "3.2s", "4m10s".
std::string elapsed_text(int64_t ms) {
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms < 60'000) return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
  return std::to_string(ms / 60'000) + "m" + std::to_string(ms % 60'000 / 1000) + "s";
}

std::string summary(const json& drill) {
  return field_text(drill, "action") + " " + field_text(drill, "target");
}

// The report's first moved answer: milliseconds after the drill's start.
std::string first_moved_text(const json& report) {
  const auto it = report.find("first_moved_answer_ms");
  if (it == report.end() || !it->is_number()) return "none yet";
  return elapsed_text(it->get<int64_t>()) + " after the start";
}

std::string change_text(int64_t before, int64_t during) {
  const int64_t change = during - before;
  return (change > 0 ? "+" : "") + std::to_string(change);
}

void print_service(std::ostream& out, const json& service) {
  out << "\nservice " << field_text(service, "service") << "\n";
  std::vector<Row> rows;
  for (const json& pool : service.value("pools", json::array())) {
    const int64_t before = int_of(pool, "before"), during = int_of(pool, "during");
    std::string change = change_text(before, during);
    if (pool.value("target", false)) change += "  <- drill target";
    rows.push_back({field_text(pool, "pool"), std::to_string(before), std::to_string(during),
                    std::move(change)});
  }
  print_table(out, {"POOL", "BEFORE", "DURING", "CHANGE"}, rows);
}

void print_dry_run(std::ostream& out, const json& started) {
  out << "dry run: " << summary(started) << " for " << field_text(started, "duration")
      << " would change these answers (nothing started)\n";
  std::vector<Row> rows;
  auto addresses = [](const json& list) {
    std::string text;
    for (const json& a : list) text += (text.empty() ? "" : ",") + a.get<std::string>();
    return text.empty() ? std::string("NODATA") : text;
  };
  for (const json& change : started.value("changes", json::array())) {
    for (const json& c : change.value("clients", json::array())) {
      rows.push_back({field_text(change, "service"), field_text(c, "client"),
                      addresses(c.value("before", json::array())),
                      addresses(c.value("after", json::array())),
                      field_text(c, "ttl_before") + " -> " + field_text(c, "ttl_after")});
    }
  }
  if (!rows.empty()) print_table(out, {"SERVICE", "CLIENT", "BEFORE", "AFTER", "TTL"}, rows);
  out << int_of(started, "unchanged_services") << " service(s) unchanged\n";
}

void print_services_out(std::ostream& out, const json& started) {
  const json services = started.value("services_out", json::array());
  if (services.empty()) return;
  out << "warning: left with no usable pool (allowed by --allow-total-outage):";
  for (const json& s : services) out << " " << s.get<std::string>();
  out << "\n";
}

}  // namespace

std::string drill_state(const json& drill, int64_t now_ms) {
  const std::string reason = field_text(drill, "end_reason", "");
  if (!reason.empty()) return reason;
  return int_of(drill, "ends_at_ms") <= now_ms ? "ended" : "running";
}

void print_drill_started(std::ostream& out, const json& started) {
  if (started.value("dry_run", false)) {
    print_dry_run(out, started);
  } else {
    out << "started drill " << int_of(started, "id") << ": " << summary(started) << " for "
        << field_text(started, "duration") << ", until " << time_of(started, "ends_at_ms") << "\n";
  }
  print_services_out(out, started);
}

void print_drill_list(std::ostream& out, const json& drills, int64_t now_ms) {
  std::vector<Row> rows;
  for (const json& d : drills) {
    const bool ended = d.contains("ended_at_ms") && !d["ended_at_ms"].is_null();
    rows.push_back({std::to_string(int_of(d, "id")), field_text(d, "target"),
                    field_text(d, "action"), drill_state(d, now_ms), time_of(d, "started_at_ms"),
                    ended ? time_of(d, "ended_at_ms") : time_of(d, "ends_at_ms"),
                    field_text(d, "created_by"), field_text(d, "note")});
  }
  print_table(out, {"ID", "TARGET", "ACTION", "STATE", "STARTED", "ENDS", "BY", "NOTE"}, rows);
}

void print_drill(std::ostream& out, const json& drill, int64_t now_ms) {
  print_fields(out, {{"drill", std::to_string(int_of(drill, "id"))},
                     {"target", field_text(drill, "target")},
                     {"action", field_text(drill, "action")},
                     {"state", drill_state(drill, now_ms)},
                     {"started", time_of(drill, "started_at_ms")},
                     {"ends", time_of(drill, "ends_at_ms")},
                     {"ended", time_of(drill, "ended_at_ms")},
                     {"duration", field_text(drill, "duration")},
                     {"by", field_text(drill, "created_by")},
                     {"note", field_text(drill, "note")}});
  out << "\n";
  const auto report = drill.find("report");
  if (report == drill.end() || report->is_null()) {
    out << "report: none yet (gslbd writes it while the drill runs and when it ends)\n";
  } else if (!report->is_object()) {
    out << "report: " << field_text(drill, "report") << "\n";
  } else {
    print_drill_report(out, *report);
  }
}

void print_drill_report(std::ostream& out, const json& report) {
  out << "verdict: " << field_text(report, "verdict") << ": " << field_text(report, "reason")
      << "\n";
  out << "first moved answer: " << first_moved_text(report) << "\n";
  out << "answers still at target: " << field_text(report, "answers_at_target") << "\n";
  const json window = report.value("window", json::object());
  const json before = report.value("before", json::object());
  out << "during: " << time_of(window, "from_ms") << " .. " << time_of(window, "to_ms")
      << "; before: " << time_of(before, "from_ms") << " .. " << time_of(before, "to_ms");
  if (before.contains("covered_ms"))
    out << " (" << elapsed_text(int_of(before, "covered_ms")) << " of traffic)";
  out << "\n";
  for (const json& service : report.value("services", json::array())) print_service(out, service);
}

}  // namespace gslbadm
