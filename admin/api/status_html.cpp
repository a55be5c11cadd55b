// Rendering the status page: one small function per section, each building HTML from
// escaped text. No script: the page refreshes with a meta tag, and the Content-Security-Policy
// the server sends forbids scripts and anything fetched from elsewhere.
#include <ctime>
#include <string>

#include "admin/api/status_html.h"
#include "zones/clock.h"

namespace admin::api {
namespace {

using nlohmann::json;

constexpr const char* kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d232b;background:#f4f5f7}
header{display:flex;flex-wrap:wrap;gap:6px 24px;align-items:baseline;padding:10px 20px;
background:#1d232b;color:#f4f5f7}
header h1{font-size:18px;margin:0}
header form{margin-left:auto}
main{padding:4px 20px 20px}
section{background:#fff;border:1px solid #d8dce2;border-radius:6px;margin:14px 0;padding:10px 14px}
h2{font-size:15px;margin:2px 0 8px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #e6e8ec;vertical-align:top}
th{font-weight:600;background:#f0f2f5}
.map{width:100%;max-width:1080px;display:block;margin:auto}
.ocean{fill:#dcebf7}.land{fill:#f3efe4;stroke:#b9b29d;stroke-width:.5}
.graticule line{stroke:#b8cde0;stroke-width:.4}
.region circle{stroke:#1d232b;stroke-width:1.2}
.region circle.forced{fill:none;stroke-width:1.5;stroke-dasharray:3 2}
.region text{font-size:11px;fill:#1d232b;paint-order:stroke;stroke:#fff;stroke-width:3px}
.legend{display:flex;gap:16px;margin:6px 0}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;border:1px solid #1d232b;
margin-right:4px;vertical-align:-1px}
.error{color:#a31515;background:#fdecec;border:1px solid #f3b9b9;padding:6px 10px;
border-radius:4px;white-space:pre-wrap}
.muted{color:#6b7380}
.login{max-width:360px;margin:80px auto}
.login input[type=password]{width:100%;box-sizing:border-box;padding:6px;margin:6px 0 10px}
code{font:12px ui-monospace,monospace}
)";

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

// A field of a JSON object as text, "" when it is missing (reports come from gslbd and the
// store; an older or partial one must not break the page).
std::string field(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "";
  return text_of(object.at(key));
}

std::string utc_time(int64_t unix_ms) {
  return zones::utc_text(unix_ms, "%Y-%m-%d %H:%M:%S UTC");
}

// "3d 4h", "2h 05m", "4m 09s", "12s".
std::string duration_text(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  const auto two = [](int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  if (seconds >= 86400)
    return std::to_string(seconds / 86400) + "d " + std::to_string(seconds % 86400 / 3600) + "h";
  if (seconds >= 3600)
    return std::to_string(seconds / 3600) + "h " + two(seconds % 3600 / 60) + "m";
  if (seconds >= 60) return std::to_string(seconds / 60) + "m " + two(seconds % 60) + "s";
  return std::to_string(seconds) + "s";
}

std::string element(const char* tag, const std::string& escaped_content) {
  return std::string("<") + tag + ">" + escaped_content + "</" + tag + ">";
}

std::string cell(const std::string& text) {
  return element("td", html_escape(text));
}

std::string error_box(const std::string& error) {
  return "<p class=\"error\">" + html_escape(error) + "</p>";
}

std::string section(const char* id, const char* title, const std::string& body) {
  return std::string("<section id=\"") + id + "\"><h2>" + title + "</h2>" + body + "</section>";
}

std::string document(const std::string& title, const std::string& head_extra,
                     const std::string& body) {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">" +
         head_extra + "<title>" + html_escape(title) + "</title><style>" + kStyle +
         "</style></head><body>" + body + "</body></html>\n";
}

std::string fact(const std::string& label, const std::string& value) {
  return "<span>" + html_escape(label) + " <b>" + html_escape(value) + "</b></span>";
}

std::string header_bar(const StatusPage& page) {
  const json& g = page.gslbd;
  std::string facts = "<h1>gslb status</h1>";
  if (!field(g, "version").empty()) facts += fact("gslbd", field(g, "version"));
  if (g.contains("uptime_s") && g["uptime_s"].is_number())
    facts += fact("up", duration_text(static_cast<int64_t>(g["uptime_s"].get<double>())));
  if (g.contains("snapshot")) facts += fact("snapshot", "#" + field(g["snapshot"], "generation"));
  if (g.contains("health"))
    facts += fact("members", field(g["health"], "members_up") + " up, " +
                                 field(g["health"], "members_down") + " down, " +
                                 field(g["health"], "members_unknown") + " unknown");
  facts += fact("at", utc_time(page.generated_at_ms));
  facts += fact("as", page.viewer);
  facts +=
      "<form method=\"post\" action=\"/logout\"><button type=\"submit\">Log out</button></form>";
  return "<header>" + facts + "</header>";
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string legend() {
  std::string out = "<div class=\"legend\">";
  for (const RegionHealth h : {RegionHealth::kHealthy, RegionHealth::kDegraded, RegionHealth::kDown,
                               RegionHealth::kUnknown})
    out += std::string("<span><i class=\"dot\" style=\"background:") + health_colour(h) +
           "\"></i>" + to_string(h) + "</span>";
  return out +
         "<span><i class=\"dot\" style=\"border-style:dashed\"></i>dashed ring: "
         "drained, failed or drilled</span></div>";
}

std::string regions_table(const std::vector<RegionStatus>& regions) {
  std::string rows;
  for (const RegionStatus& r : regions) {
    const std::string pools = joined(r.pools, ", ");
    rows += "<tr data-region=\"" + html_escape(r.name) + "\">" + cell(r.name) +
            "<td><i class=\"dot\" style=\"background:" + health_colour(r.health) + "\"></i>" +
            to_string(r.health) + "</td>" + cell(pools.empty() ? "(no pools)" : pools) +
            cell(std::to_string(r.up) + " up, " + std::to_string(r.down) + " down, " +
                 std::to_string(r.unknown) + " unknown") +
            cell(joined(r.forced, "; ")) + "</tr>";
  }
  return "<table><tr><th>region</th><th>health</th><th>pools</th><th>members</th>"
         "<th>forced out of answers</th></tr>" +
         rows + "</table>";
}

std::string map_section(const Section<std::vector<RegionStatus>>& regions) {
  if (!regions.error.empty()) return section("regions", "Regions", error_box(regions.error));
  std::string body = render_world_map(regions.items) + legend();
  if (regions.items.empty())
    body += "<p class=\"muted\">No regions configured.</p>";
  else
    body += regions_table(regions.items);
  return section("regions", "Regions", body);
}

std::string answer_cell(const VantageAnswer& a) {
  if (!a.error.empty()) return "<td class=\"error\">" + html_escape(a.error) + "</td>";
  std::string text;
  for (const std::string& address : a.addresses) text += (text.empty() ? "" : ", ") + address;
  if (a.addresses.empty())
    text = a.rcode == "NOERROR" ? "no " + a.type + " answer" : a.rcode;
  else
    text += " (" + a.type + ", TTL " + std::to_string(a.ttl) + ")";
  return "<td class=\"answer\">" + html_escape(text) + "</td>";
}

std::string services_section(const Section<std::vector<ServiceAnswers>>& services,
                             size_t not_shown) {
  const char* title = "Services and their answers";
  if (!services.error.empty()) return section("services", title, error_box(services.error));
  if (services.items.empty())
    return section("services", title, "<p class=\"muted\">No services configured.</p>");
  std::string head = "<tr><th>service</th><th>policy</th>";
  for (const VantageAnswer& a : services.items.front().answers)
    head += "<th>from " + html_escape(a.vantage) + " <span class=\"muted\">(" +
            html_escape(a.client) + ")</span></th>";
  std::string rows;
  for (const ServiceAnswers& s : services.items) {
    rows += "<tr class=\"service\" data-service=\"" + html_escape(s.service) + "\">" +
            cell(s.service) + cell(s.policy);
    for (const VantageAnswer& a : s.answers) rows += answer_cell(a);
    rows += "</tr>";
  }
  std::string body = "<table>" + head + "</tr>" + rows + "</table>";
  if (not_shown > 0)
    body += "<p class=\"muted\">" + std::to_string(not_shown) +
            " more services not shown (ask /v1/explain).</p>";
  return section("services", title, body);
}

std::string report_pools(const json& report) {
  std::string rows;
  if (!report.contains("services") || !report["services"].is_array()) return "";
  for (const json& s : report["services"]) {
    if (!s.contains("pools") || !s["pools"].is_array()) continue;
    for (const json& p : s["pools"])
      rows += "<tr>" + cell(field(s, "service")) + cell(field(p, "pool")) +
              cell(field(p, "target") == "true" ? "target" : "") + cell(field(p, "during")) +
              cell(field(p, "before")) + "</tr>";
  }
  if (rows.empty()) return "";
  return "<table><tr><th>service</th><th>pool</th><th></th><th>answers during</th>"
         "<th>before</th></tr>" +
         rows + "</table>";
}

std::string report_block(const std::optional<json>& report) {
  if (!report) return "<p class=\"muted\">No report yet.</p>";
  std::string verdict = field(*report, "verdict");
  std::string out =
      "<p class=\"report\">verdict <b>" + html_escape(verdict.empty() ? "-" : verdict) + "</b>";
  if (const std::string reason = field(*report, "reason"); !reason.empty())
    out += ": " + html_escape(reason);
  if (const std::string at_target = field(*report, "answers_at_target"); !at_target.empty())
    out += " <span class=\"muted\">(answers at the target: " + html_escape(at_target) + ")</span>";
  return out + "</p>" + report_pools(*report);
}

std::string drill_block(const DrillStatus& d, int64_t now_ms) {
  const zones::Drill& drill = d.drill;
  const json summary = zones::drill_json(drill, false);
  std::string out = "<div class=\"drill\" data-drill=\"" + std::to_string(drill.id) + "\"><h3>" +
                    "#" + std::to_string(drill.id) + " " +
                    html_escape(field(summary, "action") + " " + field(summary, "target")) +
                    "</h3><p>started " + html_escape(utc_time(drill.started_at_ms)) + " by " +
                    html_escape(drill.created_by) + ", ends in " +
                    html_escape(duration_text((drill.ends_at_ms - now_ms) / 1000)) + " (" +
                    html_escape(utc_time(drill.ends_at_ms)) + ")";
  if (!drill.note.empty()) out += "; note: " + html_escape(drill.note);
  return out + "</p>" + report_block(d.report) + "</div>";
}

std::string drills_section(const Section<std::vector<DrillStatus>>& drills, int64_t now_ms) {
  const char* title = "Active drills";
  if (!drills.error.empty()) return section("drills", title, error_box(drills.error));
  if (drills.items.empty())
    return section("drills", title, "<p class=\"muted\">No drill is running.</p>");
  std::string body;
  for (const DrillStatus& d : drills.items) body += drill_block(d, now_ms);
  return section("drills", title, body);
}

std::string audit_section(const Section<std::vector<zones::AuditEntry>>& audit) {
  const char* title = "Recent changes";
  if (!audit.error.empty()) return section("audit", title, error_box(audit.error));
  if (audit.items.empty())
    return section("audit", title, "<p class=\"muted\">The audit log is empty.</p>");
  std::string rows;
  for (const zones::AuditEntry& e : audit.items)
    rows += "<tr class=\"audit-entry\">" + cell(utc_time(e.at_ms)) + cell(e.actor) +
            cell(e.action) + cell(e.object) + "</tr>";
  return section("audit", title,
                 "<table><tr><th>when</th><th>who</th><th>action</th><th>object</th></tr>" + rows +
                     "</table>");
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_status_page(const StatusPage& page) {
  const std::string refresh =
      "<meta http-equiv=\"refresh\" content=\"" + std::to_string(kRefreshSeconds) + "\">";
  const std::string body = header_bar(page) + "<main>" + map_section(page.regions) +
                           services_section(page.services, page.services_not_shown) +
                           drills_section(page.drills, page.generated_at_ms) +
                           audit_section(page.audit) + "</main>";
  return document("gslb status", refresh, body);
}

std::string render_login_page(std::string_view error) {
  std::string body = "<div class=\"login\"><section><h2>gslb status</h2>";
  if (!error.empty()) body += error_box(std::string(error));
  body +=
      "<form method=\"post\" action=\"/login\"><label for=\"token\">Admin API token</label>"
      "<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"current-password\" "
      "required autofocus><button type=\"submit\">Log in</button></form>"
      "<p class=\"muted\">Any token from gslbd's --admin-tokens file; read tokens are enough. "
      "The page is read-only.</p></section></div>";
  return document("gslb status: log in", "", body);
}

}  // namespace admin::api
