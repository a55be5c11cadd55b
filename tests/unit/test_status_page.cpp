// The admin status page without a socket: escaping, the map's projection and markers, region
// health colouring, the --status-vantage parser, cookies and form bodies, the session table,
// the login flow (StatusSite), and the data gathered from a real store.
#include <doctest/doctest.h>

#include <iterator>
#include <regex>
#include <set>

#include "admin/api/status_html.h"
#include "admin/api/status_page.h"
#include "admin/api/status_session.h"
#include "admin/api/status_site.h"
#include "tests/unit/test_api_fixture.h"
#include "zones/clock.h"
#include "zones/drills.h"

namespace {

using namespace admin::api;

constexpr const char* kWriteSecret = "write-secret-0123456789";
constexpr const char* kReadSecret = "read-secret-0123456789";
constexpr int64_t kNow = 1'796'000'000'000;

// Two regions, a pool each with a monitor (so health rows count), and a geo service sending
// 203.0.113.0/24 to eu-a and everyone else to us-a.
zones::GslbConfig status_config() {
  using namespace zones;
  GslbConfig c;
  Monitor tcp;
  tcp.name = "tcp";
  tcp.type = "tcp";
  tcp.port = 443;
  tcp.interval_ms = 60000;
  tcp.timeout_ms = 1000;
  c.monitors = {tcp};
  c.regions = {{"eu", 50.1, 8.7, "EU", "DE"}, {"us", 40.7, -74.0, "NA", "US"}};
  Pool eu{"eu-a", "eu", "tcp", 1, AdminState::kEnabled, {}};
  eu.members = {{0, "198.51.100.1", "", 1, AdminState::kEnabled}};
  Pool us{"us-a", "us", "tcp", 1, AdminState::kEnabled, {}};
  us.members = {{0, "192.0.2.1", "", 1, AdminState::kEnabled},
                {0, "192.0.2.2", "", 1, AdminState::kEnabled}};
  c.pools = {eu, us};
  Service geo;
  geo.name = "geo.gslb.example.com.";
  geo.policy = Policy::kGeo;
  geo.pools = {{"us-a", 1, 1, 0}, {"eu-a", 2, 1, 0}};
  geo.geo = {{"cidr:203.0.113.0/24", {"eu-a"}}, {"default", {"us-a"}}};
  c.services = {geo};
  return c;
}

struct StatusFixture : apitest::ApiFixture {
  TokenTable tokens = *TokenTable::parse(
      std::string("ops write ") + kWriteSecret + "\nviewer read " + kReadSecret + "\n", "tokens");

  StatusFixture() { apply(status_config(), {.prune = true}); }

  void set_health(const char* pool, const char* address, zones::HealthState state) {
    zones::HealthRow row;
    row.pool = pool;
    row.address = address;
    row.vantage = "test";
    row.state = state;
    row.checked_at_ms = row.changed_at_ms = zones::unix_ms() + 60'000;  // fresh all test long
    auto written = gslb.write_health({row});
    REQUIRE_MESSAGE(written.has_value(), (written ? "" : written.error().text()));
  }
};

PageRequest get_root(std::string cookie = "", std::string bearer = "", bool authorization = false) {
  return {"GET", "/", authorization, std::move(bearer), std::move(cookie), ""};
}

PageRequest post(const std::string& path, const std::string& body, std::string cookie = "") {
  return {"POST", path, false, "", std::move(cookie), body};
}

std::string header(const PageResponse& r, const std::string& name) {
  for (const auto& [key, value] : r.headers)
    if (key == name) return value;
  return "";
}

// "gslb_session=ID; Path=/; ..." -> "gslb_session=ID", as a browser sends it back.
std::string cookie_pair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("html_escape escapes the five characters that matter and nothing else") {
  struct Row {
    const char* in;
    const char* out;
  };
  for (const Row& row : {Row{"plain text", "plain text"}, Row{"<b>", "&lt;b&gt;"},
                         Row{"a & b", "a &amp; b"}, Row{"\"q\" 'a'", "&quot;q&quot; &#39;a&#39;"},
                         Row{"&amp;", "&amp;amp;"}, Row{"", ""}, Row{"é ü", "é ü"}}) {
    CAPTURE(row.in);
    CHECK(html_escape(row.in) == row.out);
  }
}

TEST_CASE("the map projection is equirectangular and clamps onto the edges") {
  struct Row {
    double lat, lon, x, y;
  };
  for (const Row& row : {Row{90, -180, 0, 0}, Row{-90, 180, 720, 360}, Row{0, 0, 360, 180},
                         Row{40.7, -74.0, 212, 98.6}, Row{-33.9, 151.2, 662.4, 247.8},
                         Row{95, 200, 720, 0}, Row{-100, -190, 0, 360}}) {
    CAPTURE(row.lat);
    CAPTURE(row.lon);
    const MapPoint p = project(row.lat, row.lon);
    CHECK(p.x == doctest::Approx(row.x));
    CHECK(p.y == doctest::Approx(row.y));
  }
}

TEST_CASE("a region's health comes from its members' combined states") {
  struct Row {
    uint32_t up, down, unknown;
    RegionHealth health;
  };
  for (const Row& row :
       {Row{3, 0, 0, RegionHealth::kHealthy}, Row{2, 1, 0, RegionHealth::kDegraded},
        Row{1, 0, 1, RegionHealth::kDegraded}, Row{0, 2, 0, RegionHealth::kDown},
        Row{0, 1, 3, RegionHealth::kDown}, Row{0, 0, 2, RegionHealth::kUnknown},
        Row{0, 0, 0, RegionHealth::kUnknown}}) {
    CAPTURE(row.up);
    CAPTURE(row.down);
    CAPTURE(row.unknown);
    CHECK(region_health(row.up, row.down, row.unknown) == row.health);
  }
  CHECK(std::string(to_string(RegionHealth::kDegraded)) == "degraded");
  std::set<std::string> colours;
  for (const RegionHealth h : {RegionHealth::kHealthy, RegionHealth::kDegraded, RegionHealth::kDown,
                               RegionHealth::kUnknown})
    colours.insert(health_colour(h));
  CHECK(colours.size() == 4);
}

TEST_CASE("the map has a marker per region, at its place, coloured by health, name escaped") {
  RegionStatus ny{"us-east", 40.7, -74.0, {"p"}, 1, 0, 0, RegionHealth::kHealthy, {}};
  RegionStatus bad{"<x&y>", -33.9, 151.2, {}, 0, 1, 0, RegionHealth::kDown, {}};
  const std::string svg = render_world_map({ny, bad});
  CHECK(svg.starts_with("<svg"));
  CHECK(svg.ends_with("</svg>"));
  CHECK(has(svg, "<polygon class=\"land\""));
  CHECK(has(svg, "class=\"graticule\""));
  CHECK(has(svg, "data-region=\"us-east\" data-health=\"healthy\""));
  CHECK(has(svg, "<circle cx=\"212.0\" cy=\"98.6\" r=\"6\" fill=\"" +
                     std::string(health_colour(RegionHealth::kHealthy)) + "\""));
  CHECK(has(svg, ">us-east</text>"));
  CHECK(has(svg, "data-region=\"&lt;x&amp;y&gt;\" data-health=\"down\""));
  CHECK(has(svg, ">&lt;x&amp;y&gt;</text>"));
  CHECK_FALSE(has(svg, "<x&y>"));
  // Near the east edge the name goes left of the marker.
  CHECK(has(svg, "text-anchor=\"end\">&lt;x&amp;y&gt;"));
  const std::regex marker("<g class=\"region\"");
  CHECK(std::distance(std::sregex_iterator(svg.begin(), svg.end(), marker),
                      std::sregex_iterator()) == 2);
}

TEST_CASE("admin states and running drills are shown beside a region's health") {
  zones::GslbConfig config = status_config();
  config.pools[0].admin = zones::AdminState::kDrain;
  config.pools[1].members[1].admin = zones::AdminState::kFail;
  std::vector<RegionStatus> regions = region_statuses(config, {});
  zones::Drill region_drill;
  region_drill.id = 7;
  region_drill.kind = zones::DrillTargetKind::kRegion;
  region_drill.target = "us";
  zones::Drill member_drill;
  member_drill.id = 8;
  member_drill.kind = zones::DrillTargetKind::kMember;
  member_drill.action = zones::DrillAction::kDrain;
  member_drill.target = "eu-a/198.51.100.1";
  add_forced_states(regions, config, {region_drill, member_drill});
  REQUIRE(regions.size() == 2);
  CHECK(regions[0].forced ==
        std::vector<std::string>{"pool eu-a: drain", "drill #8: drain member/eu-a/198.51.100.1"});
  CHECK(regions[1].forced ==
        std::vector<std::string>{"member us-a/192.0.2.2: fail", "drill #7: fail region/us"});
  const std::string svg = render_world_map(regions);
  CHECK(has(svg, "<circle class=\"forced\""));
  CHECK(has(svg, "<title>pool eu-a: drain; drill #8: drain member/eu-a/198.51.100.1</title>"));
}

TEST_CASE("--status-vantage values are NAME=ADDRESS with a sane name and an IP address") {
  struct Row {
    const char* text;
    const char* error;  // "" when accepted
  };
  for (const Row& row :
       {Row{"new-york=198.51.100.10", ""}, Row{"tokyo=2001:db8::1", ""}, Row{"a_b.c=192.0.2.1", ""},
        Row{"new-york", "expected NAME=ADDRESS"}, Row{"=192.0.2.1", "NAME must be"},
        Row{"new york=192.0.2.1", "NAME must be"}, Row{"x=", "ADDRESS must be"},
        Row{"x=192.0.2.0/24", "ADDRESS must be"}, Row{"x=example.com", "ADDRESS must be"}}) {
    CAPTURE(row.text);
    auto parsed = parse_status_vantage(row.text);
    if (std::string(row.error).empty()) {
      CHECK(parsed.has_value());
    } else {
      REQUIRE_FALSE(parsed.has_value());
      CHECK(has(parsed.error().text(), row.error));
      CHECK(has(parsed.error().text(), row.text));
    }
  }
  auto two = parse_status_vantages({"a=192.0.2.1", "b=2001:db8::2"});
  REQUIRE(two.has_value());
  CHECK(*two == std::vector<StatusVantage>{{"a", "192.0.2.1"}, {"b", "2001:db8::2"}});
  auto twice = parse_status_vantages({"a=192.0.2.1", "a=192.0.2.2"});
  REQUIRE_FALSE(twice.has_value());
  CHECK(has(twice.error().text(), "given twice"));
}

TEST_CASE("cookies and form bodies are read by name, decoded") {
  CHECK(cookie_value("gslb_session=abc", "gslb_session") == "abc");
  CHECK(cookie_value("a=1; gslb_session=abc; b=2", "gslb_session") == "abc");
  CHECK(cookie_value("xgslb_session=abc", "gslb_session") == "");
  CHECK(cookie_value("", "gslb_session") == "");
  CHECK(form_value("token=abc", "token") == "abc");
  CHECK(form_value("x=1&token=a%2Bb+c%26d&y=2", "token") == "a+b c&d");
  CHECK(form_value("tokens=1", "token") == "");
  CHECK(form_value("token", "token") == "");
  CHECK(form_value("token=%zz%4", "token") == "%zz%4");
}

TEST_CASE("sessions: random ids, 12 hours, removal, and a bounded table") {
  SessionTable sessions;
  const std::string id = sessions.create("viewer", kNow);
  CHECK(std::regex_match(id, std::regex("[0-9a-f]{64}")));
  CHECK(sessions.create("viewer", kNow) != id);
  CHECK(sessions.find(id, kNow) == "viewer");
  CHECK(sessions.find(id, kNow + kSessionLifetimeMs - 1) == "viewer");
  CHECK_FALSE(sessions.find(id, kNow + kSessionLifetimeMs).has_value());
  CHECK_FALSE(sessions.find(id.substr(1), kNow).has_value());
  const std::string other = sessions.create("ops", kNow);
  sessions.remove(other);
  CHECK_FALSE(sessions.find(other, kNow).has_value());

  SessionTable full;
  const std::string oldest = full.create("a", kNow);
  for (size_t i = 1; i < SessionTable::kMaxSessions; ++i) full.create("b", kNow + 1);
  CHECK(full.size() == SessionTable::kMaxSessions);
  const std::string newest = full.create("c", kNow + 2);
  CHECK(full.size() == SessionTable::kMaxSessions);
  CHECK_FALSE(full.find(oldest, kNow + 2).has_value());
  CHECK(full.find(newest, kNow + 2) == "c");
}

TEST_CASE("session cookies are HttpOnly and SameSite=Strict, Secure under TLS") {
  const std::string plain = session_cookie("abc", false);
  CHECK(plain.starts_with("gslb_session=abc;"));
  CHECK(has(plain, "HttpOnly"));
  CHECK(has(plain, "SameSite=Strict"));
  CHECK(has(plain, "Path=/"));
  CHECK(has(plain, "Max-Age=43200"));
  CHECK_FALSE(has(plain, "Secure"));
  CHECK(has(session_cookie("abc", true), "; Secure"));
  CHECK(has(cleared_session_cookie(false), "Max-Age=0"));
  CHECK(cleared_session_cookie(false).starts_with("gslb_session=;"));
}

TEST_CASE_FIXTURE(StatusFixture, "the login flow: form, bad token, session cookie, logout") {
  StatusSite site(context, tokens, false, {});
  CHECK(StatusSite::handles("GET", "/"));
  CHECK(StatusSite::handles("POST", "/login"));
  CHECK(StatusSite::handles("POST", "/logout"));
  CHECK_FALSE(StatusSite::handles("POST", "/"));
  CHECK_FALSE(StatusSite::handles("GET", "/v1/regions"));

  PageResponse r = site.serve(get_root(), kNow);
  CHECK(r.status == 200);
  CHECK(has(r.body, "<form method=\"post\" action=\"/login\">"));
  CHECK(has(r.body, "type=\"password\""));
  CHECK(has(header(r, "Content-Security-Policy"), "default-src 'none'"));
  CHECK(header(r, "Cache-Control") == "no-store");

  r = site.serve(post("/login", "token=wrong-secret-0123456789"), kNow);
  CHECK(r.status == 401);
  CHECK(has(r.body, "That token is not valid."));
  CHECK(has(r.body, "action=\"/login\""));
  CHECK(header(r, "Set-Cookie").empty());

  r = site.serve(post("/login", std::string("token=") + kReadSecret), kNow);
  CHECK(r.status == 303);
  CHECK(header(r, "Location") == "/");
  const std::string set_cookie = header(r, "Set-Cookie");
  CHECK(has(set_cookie, "HttpOnly"));
  CHECK(has(set_cookie, "SameSite=Strict"));
  CHECK_FALSE(has(set_cookie, kReadSecret));
  const std::string cookie = "other=1; " + cookie_pair(set_cookie);

  r = site.serve(get_root(cookie), kNow);
  CHECK(r.status == 200);
  CHECK(has(r.body, "data-region=\"eu\""));
  CHECK(has(r.body, "<meta http-equiv=\"refresh\""));
  CHECK(has(r.body, "<b>viewer</b>"));
  CHECK_FALSE(has(r.body, kReadSecret));

  // The session ends after 12 hours: the form again, and the cookie is cleared.
  r = site.serve(get_root(cookie), kNow + kSessionLifetimeMs);
  CHECK(r.status == 200);
  CHECK(has(r.body, "action=\"/login\""));
  CHECK(has(header(r, "Set-Cookie"), "Max-Age=0"));

  r = site.serve(post("/logout", "", cookie), kNow);
  CHECK(r.status == 303);
  CHECK(has(header(r, "Set-Cookie"), "Max-Age=0"));
  r = site.serve(get_root(cookie), kNow);
  CHECK(has(r.body, "action=\"/login\""));
}

TEST_CASE_FIXTURE(StatusFixture, "a bearer header is judged as the API judges it") {
  StatusSite site(context, tokens, true, [] { return nlohmann::json{{"version", "9.9.9"}}; });
  PageResponse r = site.serve(get_root("", kWriteSecret, true), kNow);
  CHECK(r.status == 200);
  CHECK(has(r.body, "<b>9.9.9</b>"));
  CHECK(has(r.body, "<b>ops</b>"));
  r = site.serve(get_root("", "nope", true), kNow);
  CHECK(r.status == 401);
  CHECK(header(r, "WWW-Authenticate").starts_with("Bearer"));
  CHECK(has(r.body, "action=\"/login\""));
  // Under TLS the cookie is Secure.
  r = site.serve(post("/login", std::string("token=") + kWriteSecret), kNow);
  CHECK(has(header(r, "Set-Cookie"), "; Secure"));
}

TEST_CASE_FIXTURE(StatusFixture,
                  "the page data: region health, answers per vantage, drills, audit") {
  set_health("us-a", "192.0.2.1", zones::HealthState::kUp);
  set_health("us-a", "192.0.2.2", zones::HealthState::kDown);
  set_health("eu-a", "198.51.100.1", zones::HealthState::kUp);

  StatusPage page = gather_status_page(context, zones::unix_ms());
  REQUIRE(page.regions.error.empty());
  REQUIRE(page.regions.items.size() == 2);
  CHECK(page.regions.items[0].name == "eu");
  CHECK(page.regions.items[0].health == RegionHealth::kHealthy);
  CHECK(page.regions.items[1].name == "us");
  CHECK(page.regions.items[1].health == RegionHealth::kDegraded);
  CHECK(page.regions.items[1].up == 1);
  CHECK(page.regions.items[1].down == 1);
  CHECK(page.regions.items[1].pools == std::vector<std::string>{"us-a"});

  REQUIRE(page.services.error.empty());
  REQUIRE(page.services.items.size() == 1);
  const ServiceAnswers& geo = page.services.items[0];
  CHECK(geo.service == "geo.gslb.example.com.");
  CHECK(geo.policy == "geo");
  REQUIRE(geo.answers.size() == 1);
  CHECK(geo.answers[0].vantage == "no location");
  CHECK(geo.answers[0].client == kUnknownClient);
  CHECK(geo.answers[0].rcode == "NOERROR");
  CHECK(geo.answers[0].addresses == std::vector<std::string>{"192.0.2.1"});

  context.status_vantages = {{"frankfurt", "203.0.113.10"}, {"new-york", "198.51.100.200"}};
  page = gather_status_page(context, zones::unix_ms());
  const auto& answers = page.services.items.at(0).answers;
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].vantage == "frankfurt");
  CHECK(answers[0].addresses == std::vector<std::string>{"198.51.100.1"});
  CHECK(answers[0].ttl == 30);
  CHECK(answers[1].vantage == "new-york");
  CHECK(answers[1].addresses == std::vector<std::string>{"192.0.2.1"});

  int reports_asked = 0;
  context.drill_report = [&](const zones::Drill&) -> std::optional<nlohmann::json> {
    ++reports_asked;
    return nlohmann::json{{"verdict", "pass"}, {"reason", "moved <fast>"}};
  };
  zones::DrillStore drills(db);
  zones::DrillSpec spec;
  spec.target = "pool/eu-a";
  spec.action = "drain";
  spec.duration = "10m";
  REQUIRE(drills.start(spec, zones::unix_ms(), "ops").has_value());

  page = gather_status_page(context, zones::unix_ms());
  REQUIRE(page.drills.error.empty());
  REQUIRE(page.drills.items.size() == 1);
  CHECK(page.drills.items[0].drill.target == "eu-a");
  const std::string drill_text =
      "drill #" + std::to_string(page.drills.items[0].drill.id) + ": drain pool/eu-a";
  CHECK(page.regions.items.at(0).forced == std::vector<std::string>{drill_text});
  CHECK(page.regions.items.at(1).forced.empty());
  CHECK(reports_asked == 1);
  REQUIRE(page.audit.error.empty());
  CHECK(!page.audit.items.empty());
  CHECK(page.audit.items.size() <= static_cast<size_t>(kAuditEntries));
  CHECK(page.audit.items[0].action == "drill.start");

  page.viewer = "<viewer>";
  const std::string html = render_status_page(page);
  CHECK(has(html, "moved &lt;fast&gt;"));
  CHECK(has(html, "&lt;viewer&gt;"));
  CHECK(has(html, "from frankfurt"));
  CHECK(has(html, "drill.start"));
  CHECK(has(html, "data-drill=\""));
}

TEST_CASE_FIXTURE(StatusFixture,
                  "the page carries nothing from elsewhere and escapes stored text") {
  StatusPage page = gather_status_page(context, zones::unix_ms());
  page.audit.items.insert(
      page.audit.items.begin(),
      zones::AuditEntry{1, kNow, "<img src=x onerror=alert(1)>", "x.y", "pool/\"q\"", "", ""});
  const std::string html = render_status_page(page);
  CHECK_FALSE(has(html, "<img"));
  CHECK(has(html, "&lt;img src=x onerror=alert(1)&gt;"));
  CHECK(has(html, "pool/&quot;q&quot;"));
  CHECK_FALSE(has(html, "<script"));
  CHECK_FALSE(has(html, "http://"));
  CHECK_FALSE(has(html, "https://"));
  CHECK_FALSE(has(html, " src=\""));
  CHECK(has(html, "<svg class=\"map\""));
}

TEST_CASE("a section that cannot load shows its error; the rest of the page still renders") {
  apitest::ApiFixture f;
  f.context.db_path = (f.dir / "missing" / "nothing.db").string();
  const StatusPage page = gather_status_page(f.context, kNow);
  CHECK_FALSE(page.regions.error.empty());
  CHECK_FALSE(page.audit.error.empty());
  const std::string html = render_status_page(page);
  CHECK(has(html, "class=\"error\""));
  CHECK(has(html, html_escape(page.regions.error)));
  CHECK(has(html, "Recent changes"));

  StatusPage partial;
  partial.generated_at_ms = kNow;
  partial.services.error = "explain failed <badly>";
  const std::string text = render_status_page(partial);
  CHECK(has(text, "explain failed &lt;badly&gt;"));
  CHECK(has(text, "No regions configured."));
  CHECK(has(text, "No drill is running."));
}
