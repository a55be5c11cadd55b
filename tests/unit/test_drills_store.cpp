// DrillStore: drills in a migrated temp store with a small GSLB configuration, under an
// injected clock (every call takes now_ms).
#include <doctest/doctest.h>

#include "tests/unit/test_gslb_store_fixture.h"
#include "zones/audit.h"
#include "zones/drills.h"

namespace {

using zones::DrillSpec;
using zones::ErrorCode;

constexpr int64_t kNow = 1'800'000'000'000;  // some time in 2027
constexpr int64_t kMinute = 60'000;

// eu has two pools, us one; www fails over from us-a to eu-a, api has only eu-b but answers
// a fallback address when it is down.
zones::GslbConfig drill_config() {
  using namespace zones;
  GslbConfig c;
  c.regions = {{"eu", 50.1, 8.7, "EU", "DE"}, {"us", 40.7, -74.0, "NA", "US"}};
  Pool eu_a{"eu-a", "eu", "", 1, AdminState::kEnabled, {}};
  eu_a.members = {{0, "198.51.100.1", "", 1, AdminState::kEnabled},
                  {0, "198.51.100.2", "", 1, AdminState::kEnabled}};
  Pool eu_b{"eu-b", "eu", "", 1, AdminState::kEnabled, {}};
  eu_b.members = {{0, "198.51.100.3", "", 1, AdminState::kEnabled}};
  Pool us_a{"us-a", "us", "", 1, AdminState::kEnabled, {}};
  us_a.members = {{0, "192.0.2.1", "", 1, AdminState::kEnabled},
                  {0, "2001:db8::1", "", 1, AdminState::kEnabled}};
  c.pools = {eu_a, eu_b, us_a};
  Service www;
  www.name = "www.gslb.example.com.";
  www.pools = {{"us-a", 1, 1, 0}, {"eu-a", 2, 1, 0}};
  Service api;
  api.name = "api.gslb.example.com.";
  api.when_all_down = WhenAllDown::kFallback;
  api.fallback = {"192.0.2.99"};
  api.pools = {{"eu-b", 1, 1, 0}};
  c.services = {api, www};
  return c;
}

DrillSpec spec(std::string target, std::string action = "fail", std::string duration = "10m") {
  DrillSpec s;
  s.target = std::move(target);
  s.action = std::move(action);
  s.duration = std::move(duration);
  return s;
}

struct DrillFixture : gslbtest::GslbFixture {
  zones::DrillStore drills{db};

  DrillFixture() { apply(drill_config()); }

  zones::Drill start(const DrillSpec& s, int64_t now = kNow) {
    auto started = drills.start(s, now, "token:alice");
    REQUIRE_MESSAGE(started.has_value(), (started ? "" : started.error().text()));
    return started->drill;
  }

  zones::Error refused(const DrillSpec& s, int64_t now = kNow) {
    auto started = drills.start(s, now, "token:alice");
    REQUIRE_FALSE(started.has_value());
    return started.error();
  }

  int64_t version() { return count("SELECT version FROM config_version"); }
  int64_t drill_rows() { return count("SELECT count(*) FROM drill"); }
  int64_t audits(const std::string& action) {
    return count("SELECT count(*) FROM audit WHERE action = '" + action + "'");
  }
};

}  // namespace

TEST_CASE("migration 0005 replaces the sketched drill table on a store at version 4") {
  testsupport::TempDir dir{"gslb-drills"};
  auto opened = zones::Db::open((dir / "old.db").string());
  REQUIRE(opened.has_value());
  zones::Db& db = *opened;
  std::vector<zones::Migration> up_to_4;
  for (const auto& m : zones::embedded_migrations()) {
    if (m.version <= 4) up_to_4.push_back(m);
  }
  REQUIRE(zones::migrate(db, up_to_4).value() == 4);
  REQUIRE(db.exec("INSERT INTO region (name, latitude, longitude) VALUES ('eu', 50, 8)"));

  REQUIRE(zones::migrate(db).value() >= 5);
  CHECK(db.query_int("SELECT count(*) FROM region").value() == 1);
  for (const char* column :
       {"target_kind", "target", "action", "note", "created_by", "started_at_ms", "ends_at_ms",
        "ended_at_ms", "end_reason", "report"}) {
    CAPTURE(column);
    CHECK(
        db.query_int(std::string("SELECT count(*) FROM pragma_table_info('drill') WHERE name = '") +
                     column + "'")
            .value() == 1);
  }
  CHECK(db.query_int("SELECT count(*) FROM pragma_table_info('drill') WHERE name = 'state'")
            .value() == 0);
  CHECK(db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
                     "tbl_name = 'drill'")
            .value() == 3);
  CHECK(db.query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'drill' AND sql LIKE "
                     "'%STRICT%'")
            .value() == 1);
}

TEST_CASE_FIXTURE(DrillFixture,
                  "a started drill is stored, audited with its actor and bumps "
                  "config_version") {
  const int64_t before = version();
  DrillSpec s = spec("pool/us-a", "drain", "15m");
  s.note = "quarterly failover test";
  zones::Drill d = start(s);
  CHECK(d.id > 0);
  CHECK(version() > before);

  zones::Drill got = drills.get(d.id).value();
  CHECK(got.kind == zones::DrillTargetKind::kPool);
  CHECK(got.target == "us-a");
  CHECK(got.action == zones::DrillAction::kDrain);
  CHECK(got.note == "quarterly failover test");
  CHECK(got.created_by == "token:alice");
  CHECK(got.started_at_ms == kNow);
  CHECK(got.ends_at_ms == kNow + 15 * kMinute);
  CHECK_FALSE(got.ended_at_ms.has_value());
  CHECK_FALSE(got.end_reason.has_value());
  CHECK_FALSE(got.report.has_value());

  auto audit = zones::list_audit(db, 1).value();
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].action == "drill.start");
  CHECK(audit[0].actor == "token:alice");
  CHECK(audit[0].object == "drill/" + std::to_string(d.id));
  CHECK(audit[0].at_ms == kNow);
  auto after = nlohmann::json::parse(audit[0].after);
  CHECK(after["target"] == "pool/us-a");
  CHECK(after["duration"] == "15m");
  CHECK(after["end_reason"].is_null());
}

TEST_CASE_FIXTURE(DrillFixture, "drill targets are checked against the configuration") {
  CHECK(start(spec("region/eu")).kind == zones::DrillTargetKind::kRegion);
  zones::Drill member = start(spec("member/us-a/2001:DB8:0::1"));
  CHECK(member.kind == zones::DrillTargetKind::kMember);
  CHECK(member.target == "us-a/2001:db8::1");  // canonical, as the overlay matches it
}

TEST_CASE_FIXTURE(DrillFixture,
                  "an invalid drill is refused naming its field, and writes "
                  "nothing") {
  struct Row {
    DrillSpec spec;
    const char* error;
  };
  DrillSpec long_note = spec("pool/eu-a");
  long_note.note = std::string(1001, 'x');
  const Row rows[] = {
      {spec("pool/eu"), "target: no pool named \"eu\""},
      {spec("region/mars"), "target: no region named \"mars\""},
      {spec("member/eu-a/198.51.100.9"), "target: no member 198.51.100.9 in pool \"eu-a\""},
      {spec("member/eu-x/198.51.100.1"), "target: no pool named \"eu-x\""},
      {spec("member/eu-a/nonsense"), "target: not an address: \"nonsense\""},
      {spec("member/eu-a"), "target: must be region/NAME, pool/NAME or member/POOL/ADDRESS"},
      {spec("host/eu-a"), "target: must be region/NAME, pool/NAME or member/POOL/ADDRESS"},
      {spec("eu-a"), "target: must be region/NAME"},
      {spec(""), "target: must be region/NAME"},
      {spec("pool/eu-a", "explode"), "action: must be fail or drain (got \"explode\")"},
      {spec("pool/eu-a", ""), "action: must be fail or drain"},
      {spec("pool/eu-a", "fail", "9s"), "duration: must be between 10s and 168h (7 days)"},
      {spec("pool/eu-a", "fail", "169h"), "duration: must be between 10s and 168h"},
      {spec("pool/eu-a", "fail", "0"), "duration: must be between"},
      {spec("pool/eu-a", "fail", "ten minutes"), "duration: not a duration: \"ten minutes\""},
      {spec("pool/eu-a", "fail", ""), "duration: not a duration"},
      {spec("pool/eu-a", "fail", "-5m"), "duration: not a duration"},
      {long_note, "note: at most 1000 characters (got 1001)"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.spec.target);
    CAPTURE(row.spec.action);
    CAPTURE(row.spec.duration);
    zones::Error e = refused(row.spec);
    CHECK(e.code == ErrorCode::kInvalid);
    CHECK_MESSAGE(e.text().find(row.error) != std::string::npos, e.text());
  }
  CHECK(drill_rows() == 0);
  CHECK(audits("drill.start") == 0);
}

TEST_CASE_FIXTURE(DrillFixture, "every problem of a drill is reported at once") {
  DrillSpec s = spec("pool/nope", "explode", "1s");
  s.note = std::string(1001, 'n');
  const std::string text = refused(s).text();
  CHECK(text.find("target: no pool named \"nope\"") != std::string::npos);
  CHECK(text.find("action: must be fail or drain") != std::string::npos);
  CHECK(text.find("duration: must be between") != std::string::npos);
  CHECK(text.find("note: at most 1000 characters") != std::string::npos);
}

TEST_CASE_FIXTURE(DrillFixture,
                  "duration and note limits are inclusive; notes count "
                  "characters, not bytes") {
  start(spec("pool/eu-a", "drain", "10s"));
  start(spec("pool/eu-a", "drain", "168h"));
  DrillSpec s = spec("pool/eu-a", "drain");
  std::string note;
  for (int i = 0; i < 1000; ++i) note += "\xc3\xa9";  // é: 2000 bytes, 1000 characters
  s.note = note;
  CHECK(start(s).note == note);
}

TEST_CASE_FIXTURE(DrillFixture,
                  "a dry run validates and returns the drill but writes "
                  "nothing") {
  const int64_t before = version();
  DrillSpec s = spec("region/us", "fail", "1h");
  s.dry_run = true;
  auto started = drills.start(s, kNow, "token:alice");
  REQUIRE(started.has_value());
  CHECK(started->drill.id == 0);
  CHECK(started->drill.ends_at_ms == kNow + 60 * kMinute);
  CHECK(started->services_out.empty());
  CHECK(drill_rows() == 0);
  CHECK(audits("drill.start") == 0);
  CHECK(version() == before);

  s.target = "pool/eu";
  CHECK(refused(s).text() == "target: no pool named \"eu\"");
}

TEST_CASE_FIXTURE(DrillFixture,
                  "a drill that leaves a service no pool is refused unless "
                  "allowed") {
  const zones::Drill us = start(spec("pool/us-a"));
  // eu-b is api's only pool, but api answers its fallback address: not an outage.
  start(spec("pool/eu-b"));

  const zones::Error e = refused(spec("pool/eu-a", "drain"));
  CHECK(e.code == ErrorCode::kConflict);
  CHECK(e.where == "target");
  CHECK(e.message == "service www.gslb.example.com. would have no usable pool: drill " +
                         std::to_string(us.id) +
                         " (fail pool/us-a) already running, and this drill (drain pool/eu-a); set "
                         "allow_total_outage to run it anyway");
  CHECK(drill_rows() == 2);

  DrillSpec allowed = spec("pool/eu-a", "drain");
  allowed.allow_total_outage = true;
  auto started = drills.start(allowed, kNow, "token:alice");
  REQUIRE(started.has_value());
  CHECK(started->services_out == std::vector<std::string>{"www.gslb.example.com."});
  CHECK(drill_rows() == 3);
}

TEST_CASE_FIXTURE(DrillFixture, "the outage guard counts only drills still running") {
  start(spec("region/us", "fail", "10m"));
  CHECK(refused(spec("region/eu"), kNow + kMinute).code == ErrorCode::kConflict);
  // Once the us drill's end time has passed (closed or not), eu may be drilled.
  CHECK(start(spec("region/eu"), kNow + 10 * kMinute).kind == zones::DrillTargetKind::kRegion);
}

TEST_CASE_FIXTURE(DrillFixture, "a dry run reports the refusal of a total outage too") {
  DrillSpec s = spec("member/us-a/192.0.2.1");
  start(spec("pool/eu-a"));
  start(spec("member/us-a/2001:db8::1"));
  s.dry_run = true;
  const zones::Error e = refused(s);
  CHECK(e.code == ErrorCode::kConflict);
  CHECK(e.message.find("drill 1 (fail pool/eu-a), 2 (fail member/us-a/2001:db8::1) already "
                       "running") != std::string::npos);
}

TEST_CASE_FIXTURE(DrillFixture, "aborting ends a running drill now, audited") {
  const zones::Drill d = start(spec("pool/us-a"));
  const int64_t before = version();
  auto aborted = drills.abort(d.id, kNow + 3 * kMinute, "token:bob");
  REQUIRE(aborted.has_value());
  CHECK(aborted->ended_at_ms == kNow + 3 * kMinute);
  CHECK(aborted->end_reason == zones::DrillEndReason::kAborted);
  CHECK(version() > before);
  CHECK(drills.get(d.id).value().end_reason == zones::DrillEndReason::kAborted);

  auto audit = zones::list_audit(db, 1).value();
  CHECK(audit[0].action == "drill.abort");
  CHECK(audit[0].actor == "token:bob");
  CHECK(audit[0].object == "drill/" + std::to_string(d.id));
  CHECK(nlohmann::json::parse(audit[0].before)["ended_at_ms"].is_null());
  CHECK(nlohmann::json::parse(audit[0].after)["end_reason"] == "aborted");

  auto again = drills.abort(d.id, kNow + 4 * kMinute, "token:bob");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == ErrorCode::kConflict);
  CHECK(again.error().text() == "drill: drill 1 already ended (aborted)");
}

TEST_CASE_FIXTURE(DrillFixture, "abort refuses unknown drills and drills past their end") {
  auto missing = drills.abort(42, kNow, "token:bob");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().text() == "drill: no drill 42");

  const zones::Drill d = start(spec("pool/us-a", "fail", "10m"));
  auto late = drills.abort(d.id, kNow + 10 * kMinute, "token:bob");
  REQUIRE_FALSE(late.has_value());
  CHECK(late.error().code == ErrorCode::kConflict);
  CHECK(late.error().message.find("already reached its end time") != std::string::npos);
  CHECK(audits("drill.abort") == 0);
}

TEST_CASE_FIXTURE(DrillFixture,
                  "expired drills end at their end time, even when closed much "
                  "later") {
  const zones::Drill short_one = start(spec("pool/us-a", "fail", "10m"));
  const zones::Drill long_one = start(spec("pool/eu-b", "drain", "1h"));
  int64_t before = version();
  CHECK(drills.close_expired(kNow + 5 * kMinute).value().empty());
  CHECK(version() == before);  // nothing due: nothing written

  // gslbd was down from minute 5 to a day later.
  const int64_t much_later = kNow + 24 * 60 * kMinute;
  CHECK(drills.close_expired(kNow + 30 * kMinute).value() == std::vector<int64_t>{short_one.id});
  CHECK(version() > before);
  before = version();
  CHECK(drills.close_expired(much_later).value() == std::vector<int64_t>{long_one.id});
  CHECK(version() > before);

  for (const zones::Drill& d : {short_one, long_one}) {
    zones::Drill got = drills.get(d.id).value();
    CHECK(got.ended_at_ms == d.ends_at_ms);
    CHECK(got.end_reason == zones::DrillEndReason::kExpired);
  }
  auto audit = zones::list_audit(db, 1).value();
  CHECK(audit[0].action == "drill.expire");
  CHECK(audit[0].actor == zones::kDrillExpiryActor);
  CHECK(audit[0].at_ms == much_later);
  CHECK(drills.close_expired(much_later).value().empty());
}

TEST_CASE_FIXTURE(DrillFixture, "running drills and the next end, for gslbd's timer") {
  CHECK(drills.running(kNow).value().empty());
  CHECK_FALSE(drills.next_end_ms(kNow).value().has_value());

  const zones::Drill a = start(spec("pool/us-a", "fail", "30m"));
  const zones::Drill b = start(spec("pool/eu-b", "fail", "10m"));
  const zones::Drill c = start(spec("member/eu-a/198.51.100.1", "drain", "20m"));
  REQUIRE(drills.abort(c.id, kNow + kMinute, "token:bob").has_value());

  auto running = drills.running(kNow + 2 * kMinute).value();
  REQUIRE(running.size() == 2);
  CHECK(running[0].id == a.id);
  CHECK(running[1].id == b.id);
  CHECK(drills.next_end_ms(kNow + 2 * kMinute).value() == b.ends_at_ms);
  // At its end time a drill no longer runs, closed or not.
  CHECK(drills.running(b.ends_at_ms).value().size() == 1);
  CHECK(drills.next_end_ms(b.ends_at_ms).value() == a.ends_at_ms);
  CHECK(drills.running(kNow - 1).value().empty());  // not started yet
  CHECK_FALSE(drills.next_end_ms(a.ends_at_ms).value().has_value());
}

TEST_CASE_FIXTURE(DrillFixture, "list returns the newest drills first") {
  const zones::Drill a = start(spec("pool/us-a"));
  const zones::Drill b = start(spec("pool/eu-b"));
  const zones::Drill c = start(spec("region/us", "drain"));
  auto all = drills.list(10).value();
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == c.id);
  CHECK(all[2].id == a.id);
  auto two = drills.list(2).value();
  REQUIRE(two.size() == 2);
  CHECK(two[1].id == b.id);
  CHECK(drills.get(99).error().code == ErrorCode::kNotFound);
}

TEST_CASE_FIXTURE(DrillFixture, "a report is stored without an audit row or a config bump") {
  const zones::Drill d = start(spec("pool/us-a"));
  const int64_t before = version();
  const int64_t audit_before = audit_rows();
  REQUIRE(drills.set_report(d.id, R"({"verdict": "pass"})").has_value());
  CHECK(version() == before);
  CHECK(audit_rows() == audit_before);
  zones::Drill got = drills.get(d.id).value();
  REQUIRE(got.report.has_value());
  CHECK(zones::drill_json(got)["report"]["verdict"] == "pass");
  CHECK_FALSE(zones::drill_json(got, false).contains("report"));

  auto bad = drills.set_report(d.id, "{not json");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == ErrorCode::kInvalid);
  CHECK(bad.error().where == "report");
  CHECK(drills.set_report(77, "{}").error().code == ErrorCode::kNotFound);
}

TEST_CASE_FIXTURE(DrillFixture, "the running drills overlay the stored configuration") {
  start(spec("region/us", "drain"));
  start(spec("member/eu-a/198.51.100.2"));
  zones::GslbConfig config = load();
  zones::apply_drills(config, drills.running(kNow + kMinute).value());
  CHECK(config.pools[2].name == "us-a");
  CHECK(config.pools[2].admin == zones::AdminState::kDrain);
  CHECK(config.pools[0].admin == zones::AdminState::kEnabled);
  CHECK(config.pools[0].members[1].admin == zones::AdminState::kFail);
  // The stored configuration itself is untouched.
  CHECK(load().pools[2].admin == zones::AdminState::kEnabled);
}
