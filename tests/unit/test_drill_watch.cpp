// DrillWatch on a real temp store: a drill goes live when every worker serves it, its
// counts start there, its report is saved while it runs and when it ends, and a watch
// started later (a restarted gslbd) carries the saved counts on.
#include <doctest/doctest.h>

#include "server/drill_watch.h"
#include "tests/unit/test_gslb_store_fixture.h"
#include "zones/drills.h"

namespace {

using server::AnswerKey;
using server::DrillWatch;
using server::QueryTotals;

constexpr int64_t kStart = 1'800'000'000'000;
const AnswerKey kWwwUs{"www.gslb.example.com.", "us-a"};
const AnswerKey kWwwEu{"www.gslb.example.com.", "eu-a"};

zones::GslbConfig watch_config() {
  using namespace zones;
  GslbConfig c;
  c.regions = {{"eu", 50.1, 8.7, "EU", "DE"}, {"us", 40.7, -74.0, "NA", "US"}};
  Pool eu_a{"eu-a", "eu", "", 1, AdminState::kEnabled, {}};
  eu_a.members = {{0, "198.51.100.1", "", 1, AdminState::kEnabled}};
  Pool us_a{"us-a", "us", "", 1, AdminState::kEnabled, {}};
  us_a.members = {{0, "192.0.2.1", "", 1, AdminState::kEnabled},
                  {0, "192.0.2.2", "", 1, AdminState::kEnabled}};
  c.pools = {eu_a, us_a};
  Service www;
  www.name = "www.gslb.example.com.";
  www.pools = {{"us-a", 1, 1, 0}, {"eu-a", 2, 1, 0}};
  c.services = {www};
  return c;
}

struct WatchFixture : gslbtest::GslbFixture {
  zones::DrillStore drills{db};
  DrillWatch watch{db, kStart - 10'000};
  std::vector<zones::Drill> serving;
  QueryTotals totals;

  WatchFixture() { apply(watch_config()); }

  zones::Drill start(const std::string& target) {
    zones::DrillSpec spec;
    spec.target = target;
    spec.action = "fail";
    spec.duration = "1m";
    spec.allow_total_outage = true;
    auto started = drills.start(spec, kStart, "ops");
    REQUIRE(started);
    return started->drill;
  }
  // One poll: the feed serves generation `generation`; the oldest worker serves `oldest`.
  void tick(int64_t now, uint64_t generation = 2, uint64_t oldest = 2) {
    const DrillWatch::Serving s{serving, generation, oldest};
    if (watch.wants_tick(now, s)) watch.tick(now, s, totals);
  }
  nlohmann::json stored_report(int64_t id) {
    auto drill = drills.get(id);
    REQUIRE(drill);
    REQUIRE(drill->report);
    return nlohmann::json::parse(*drill->report);
  }
};

uint64_t during(const nlohmann::json& report, const std::string& pool) {
  for (const auto& row : report["services"][0]["pools"])
    if (row["pool"] == pool) return row["during"];
  FAIL("no row for pool " << pool);
  return 0;
}

}  // namespace

TEST_CASE_FIXTURE(WatchFixture, "drill watch: counts start when every worker serves the drill") {
  totals.answers = {{kWwwUs, 100}};
  tick(kStart - 2'000, 1, 1);  // history before the drill
  totals.answers = {{kWwwUs, 130}};
  tick(kStart - 1'000, 1, 1);
  const zones::Drill drill = start("pool/us-a");
  serving = {drill};
  totals.answers = {{kWwwUs, 135}};
  tick(kStart + 20, 2, 1);  // one worker still on generation 1: not live
  auto report = watch.live_report(drill.id);
  REQUIRE(report);
  CHECK((*report)["window"]["live_at_ms"].is_null());
  CHECK((*report)["verdict"] == "pending");

  totals.answers = {{kWwwUs, 136}};
  tick(kStart + 70);  // every worker switched: live, counted from here
  totals.answers = {{kWwwUs, 136}, {kWwwEu, 4}};
  tick(kStart + 120);
  report = watch.live_report(drill.id);
  REQUIRE(report);
  CHECK((*report)["window"]["live_at_ms"] == kStart + 70);
  CHECK((*report)["first_moved_answer_ms"] == 120);
  CHECK((*report)["answers_at_target"] == 0);
  CHECK(during(*report, "eu-a") == 4);
  CHECK(during(*report, "us-a") == 0);
  CHECK((*report)["before"]["to_ms"] == kStart - 1'000);
  // From the counters' zero (the watch's start) to the last sample before the start.
  CHECK((*report)["before"]["from_ms"] == kStart - 10'000);
  CHECK((*report)["services"][0]["pools"][0]["before"] == 130);
  CHECK((*report)["verdict"] == "pass");
}

TEST_CASE_FIXTURE(WatchFixture, "drill watch: answers at the target after live fail the drill") {
  const zones::Drill drill = start("pool/us-a");
  serving = {drill};
  totals.answers = {{kWwwUs, 10}};
  tick(kStart + 10);
  totals.answers = {{kWwwUs, 12}, {kWwwEu, 1}};
  tick(kStart + 60);
  auto report = watch.live_report(drill.id);
  REQUIRE(report);
  CHECK((*report)["answers_at_target"] == 2);
  CHECK((*report)["verdict"] == "fail");
}

TEST_CASE_FIXTURE(WatchFixture, "drill watch: a member drill counts the member's own answers") {
  const zones::Drill drill = start("member/us-a/192.0.2.1");
  serving = {drill};
  totals.member_answers = {{{"us-a", "192.0.2.1"}, 7}, {{"us-a", "192.0.2.2"}, 7}};
  totals.answers = {{kWwwUs, 14}};
  tick(kStart + 10);
  totals.member_answers = {{{"us-a", "192.0.2.1"}, 7}, {{"us-a", "192.0.2.2"}, 12}};
  totals.answers = {{kWwwUs, 19}};
  tick(kStart + 60);
  auto report = watch.live_report(drill.id);
  REQUIRE(report);
  CHECK((*report)["answers_at_target"] == 0);
  CHECK((*report)["first_moved_answer_ms"] == 60);
  CHECK((*report)["services"][0]["pools"][0]["target"] == true);
  CHECK((*report)["verdict"] == "pass");
}

TEST_CASE_FIXTURE(WatchFixture, "drill watch: saved while running, final when it ends") {
  const zones::Drill drill = start("pool/us-a");
  serving = {drill};
  tick(kStart + 10);
  totals.answers = {{kWwwEu, 5}};
  tick(kStart + 10 + DrillWatch::kSaveEveryMs);
  auto saved = stored_report(drill.id);
  CHECK(saved["final"] == false);
  CHECK(during(saved, "eu-a") == 5);

  totals.answers = {{kWwwEu, 8}};
  tick(kStart + 6'000);  // less than a second since the last tick: not counted
  totals.answers = {{kWwwEu, 9}};
  tick(kStart + 59'990);  // the last second before its end: counted every poll
  serving.clear();        // the drill left the serving snapshot (it expired)
  totals.answers = {{kWwwEu, 9}, {kWwwUs, 3}};  // the new snapshot answers us-a again
  tick(kStart + 60'010, 3, 3);
  CHECK_FALSE(watch.live_report(drill.id));
  auto final_report = stored_report(drill.id);
  CHECK(final_report["final"] == true);
  CHECK(during(final_report, "eu-a") == 9);
  CHECK(final_report["window"]["to_ms"] == kStart + 59'990);
  CHECK(final_report["answers_at_target"] == 0);
}

TEST_CASE_FIXTURE(WatchFixture, "drill watch: a restarted gslbd carries the saved counts on") {
  const zones::Drill drill = start("pool/us-a");
  serving = {drill};
  tick(kStart + 10);
  totals.answers = {{kWwwEu, 5}};
  tick(kStart + 100);
  watch.save_all(kStart + 200);  // gslbd stops

  DrillWatch restarted{db, kStart + 2'000};
  auto resumed = drills.get(drill.id);
  REQUIRE(resumed);
  std::vector<zones::Drill> now_serving{*resumed};
  QueryTotals fresh;  // counters start from 0 in the new process
  const DrillWatch::Serving s{now_serving, 1, 1};
  restarted.tick(kStart + 3'000, s, fresh);
  fresh.answers = {{kWwwEu, 2}};
  restarted.tick(kStart + 4'000, s, fresh);
  auto report = restarted.live_report(drill.id);
  REQUIRE(report);
  CHECK(during(*report, "eu-a") == 7);
  CHECK((*report)["window"]["live_at_ms"] == kStart + 10);
  CHECK((*report)["first_moved_answer_ms"] == 100);
}
