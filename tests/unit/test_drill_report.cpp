// Drill reports from counts: the scope of each kind of target, the verdict and its
// reason, and the counts a saved report carries into a restarted gslbd.
#include <doctest/doctest.h>

#include "server/drill_report.h"
#include "tests/unit/config_builders.h"

namespace {

using server::AnswerKey;
using server::DrillCounts;
using server::DrillScope;

zones::Pool pool(std::string name, std::string region) {
  zones::Pool p;
  p.name = std::move(name);
  p.region = std::move(region);
  return p;
}

using unitcfg::service;

// Regions us (pool us-a) and eu (pools eu-a, eu-b); www uses us-a and eu-a, api uses eu-b.
zones::GslbConfig drill_report_config() {
  zones::GslbConfig c;
  c.pools = {pool("us-a", "us"), pool("eu-a", "eu"), pool("eu-b", "eu")};
  c.services = {service("www.x.", {"us-a", "eu-a"}), service("api.x.", {"eu-b"})};
  return c;
}

zones::Drill drill(zones::DrillTargetKind kind, std::string target) {
  zones::Drill d;
  d.id = 7;
  d.kind = kind;
  d.target = std::move(target);
  d.started_at_ms = 100'000;
  d.ends_at_ms = 160'000;
  return d;
}

DrillCounts live_counts() {
  DrillCounts c;
  c.started_at_ms = 100'000;
  c.live_at_ms = 100'040;
  c.counted_until_ms = 110'000;
  c.before_from_ms = 40'000;
  c.before_to_ms = 100'000;
  return c;
}

}  // namespace

TEST_CASE("drill scope: a pool drill touches the services linking the pool") {
  auto scope =
      server::drill_scope(drill(zones::DrillTargetKind::kPool, "us-a"), drill_report_config());
  CHECK(scope.target_pools == std::set<std::string>{"us-a"});
  REQUIRE(scope.services.size() == 1);
  CHECK(scope.services[0].first == "www.x.");
  CHECK(scope.services[0].second == std::vector<std::string>{"us-a", "eu-a"});
  CHECK(scope.pool_is_target("us-a"));
  CHECK_FALSE(scope.pool_is_target("eu-a"));
}

TEST_CASE("drill scope: a region drill targets every pool of the region") {
  auto scope =
      server::drill_scope(drill(zones::DrillTargetKind::kRegion, "eu"), drill_report_config());
  CHECK(scope.target_pools == std::set<std::string>{"eu-a", "eu-b"});
  CHECK(scope.services.size() == 2);
}

TEST_CASE("drill scope: a member drill targets the member; its pool is marked") {
  auto scope = server::drill_scope(drill(zones::DrillTargetKind::kMember, "eu-b/2001:db8::1"),
                                   drill_report_config());
  CHECK(scope.target_pools.empty());
  REQUIRE(scope.target_member);
  CHECK(*scope.target_member == server::MemberKey{"eu-b", "2001:db8::1"});
  REQUIRE(scope.services.size() == 1);
  CHECK(scope.services[0].first == "api.x.");
  CHECK(scope.pool_is_target("eu-b"));
}

TEST_CASE("drill report: answers elsewhere and none at the target pass") {
  auto scope =
      server::drill_scope(drill(zones::DrillTargetKind::kPool, "us-a"), drill_report_config());
  DrillCounts c = live_counts();
  c.during = {{{"www.x.", "eu-a"}, 30}, {{"www.x.", "(fallback)"}, 2}};
  c.before = {{{"www.x.", "us-a"}, 25}, {{"www.x.", "eu-a"}, 5}};
  c.first_moved_answer_ms = 90;
  auto report = server::drill_report_json(scope, c);
  CHECK(report["verdict"] == "pass");
  CHECK(
      report["reason"] ==
      "the drill took effect 40 ms after the start; 32 answers went elsewhere, none to the target");
  CHECK(report["first_moved_answer_ms"] == 90);
  CHECK(report["answers_at_target"] == 0);
  CHECK(report["window"]["live_at_ms"] == 100'040);
  CHECK(report["before"]["covered_ms"] == 60'000);
  const auto& rows = report["services"][0]["pools"];
  REQUIRE(rows.size() == 3);  // the linked pools, then the fallback answers
  CHECK(rows[0] ==
        nlohmann::json{{"pool", "us-a"}, {"during", 0}, {"before", 25}, {"target", true}});
  CHECK(rows[1] ==
        nlohmann::json{{"pool", "eu-a"}, {"during", 30}, {"before", 5}, {"target", false}});
  CHECK(rows[2]["pool"] == "(fallback)");
  CHECK(report["final"] == false);
}

TEST_CASE("drill report: answers at the target fail; a drill that never went live fails") {
  auto scope =
      server::drill_scope(drill(zones::DrillTargetKind::kPool, "us-a"), drill_report_config());
  DrillCounts c = live_counts();
  c.answers_at_target = 3;
  auto report = server::drill_report_json(scope, c);
  CHECK(report["verdict"] == "fail");
  CHECK(report["reason"] ==
        "3 answers still pointed at the target after the drill took effect 40 ms after the start");
  c = live_counts();
  c.live_at_ms.reset();
  report = server::drill_report_json(scope, c);
  CHECK(report["verdict"] == "pending");  // running: the workers have not switched yet
  CHECK(report["reason"] == "waiting for gslbd's workers to answer with the drill");
  c.final = true;
  report = server::drill_report_json(scope, c);
  CHECK(report["verdict"] == "fail");
  CHECK(report["reason"] == "the drill never took effect in gslbd's answers");
  CHECK(report["window"]["live_at_ms"].is_null());
}

TEST_CASE("drill report: a member drill's pool keeps answering; only the member's answers count") {
  auto scope = server::drill_scope(drill(zones::DrillTargetKind::kMember, "eu-b/192.0.2.1"),
                                   drill_report_config());
  DrillCounts c = live_counts();
  c.during = {{{"api.x.", "eu-b"}, 12}};
  CHECK(server::moved_answers(scope, c) == 12);
  c.answers_at_target = 2;
  CHECK(server::moved_answers(scope, c) == 10);
  c = live_counts();
  auto quiet = server::drill_report_json(scope, c);
  CHECK(quiet["verdict"] == "pass");
  CHECK(quiet["reason"] ==
        "the drill took effect 40 ms after the start; no answers for the "
        "services it touches since then, none at the target");
}

TEST_CASE("drill report: a saved report gives back its counts") {
  auto scope =
      server::drill_scope(drill(zones::DrillTargetKind::kRegion, "eu"), drill_report_config());
  DrillCounts c = live_counts();
  c.during = {{{"www.x.", "us-a"}, 9}, {{"api.x.", "eu-b"}, 1}};
  c.before = {{{"www.x.", "eu-a"}, 4}};
  c.answers_at_target = 1;
  c.first_moved_answer_ms = 55;
  const auto back = server::counts_from_report(server::drill_report_json(scope, c));
  CHECK(back.started_at_ms == c.started_at_ms);
  CHECK(back.counted_until_ms == c.counted_until_ms);
  CHECK(back.live_at_ms == c.live_at_ms);
  CHECK(back.before_from_ms == c.before_from_ms);
  CHECK(back.before_to_ms == c.before_to_ms);
  CHECK(back.during == c.during);
  CHECK(back.before == c.before);
  CHECK(back.answers_at_target == 1);
  CHECK(back.first_moved_answer_ms == 55);
  CHECK_FALSE(back.final);
}

TEST_CASE("drill report: a malformed saved report counts as nothing") {
  for (const char* text : {"null", "[]", "{\"services\": 3}", "{\"window\": []}",
                           "{\"services\": [{\"service\": 1}, {\"pools\": 2}]}"}) {
    const auto back = server::counts_from_report(nlohmann::json::parse(text));
    CHECK(back.during.empty());
    CHECK_FALSE(back.live_at_ms);
    CHECK(back.answers_at_target == 0);
  }
}
