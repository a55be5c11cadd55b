// The pure side of drills: the overlay on a configuration, the total-outage check and the
// drill text forms. No store.
#include <doctest/doctest.h>

#include "tests/unit/config_builders.h"
#include "zones/drills.h"

namespace {

using zones::AdminState;
using zones::DrillAction;
using zones::DrillTargetKind;

zones::Member member(std::string address, AdminState admin = AdminState::kEnabled) {
  return {0, std::move(address), "", 1, admin};
}

zones::Pool pool(std::string name, std::string region, std::vector<zones::Member> members,
                 uint32_t min_healthy = 1, AdminState admin = AdminState::kEnabled) {
  return {std::move(name), std::move(region), "", min_healthy, admin, std::move(members)};
}

using unitcfg::service;

// Two regions; eu has two pools. www uses us-a then eu-a; eu uses both eu pools.
zones::GslbConfig overlay_config() {
  zones::GslbConfig c;
  c.regions = {{"eu", 50, 8, "EU", ""}, {"us", 40, -74, "NA", ""}};
  c.pools = {pool("eu-a", "eu", {member("198.51.100.1"), member("198.51.100.2")}),
             pool("eu-b", "eu", {member("198.51.100.3")}),
             pool("us-a", "us", {member("192.0.2.1"), member("2001:db8::1")})};
  c.services = {service("www.example.", {"us-a", "eu-a"}),
                service("eu.example.", {"eu-a", "eu-b"})};
  return c;
}

zones::Drill drill(DrillTargetKind kind, std::string target, DrillAction action, int64_t id = 1) {
  zones::Drill d;
  d.id = id;
  d.kind = kind;
  d.target = std::move(target);
  d.action = action;
  d.started_at_ms = 0;
  d.ends_at_ms = 600'000;
  return d;
}

const zones::Pool& find_pool(const zones::GslbConfig& c, const std::string& name) {
  for (const zones::Pool& p : c.pools) {
    if (p.name == name) return p;
  }
  FAIL("no pool " << name);
  return c.pools.front();
}

std::vector<AdminState> pool_states(const zones::GslbConfig& c) {
  std::vector<AdminState> out;
  for (const zones::Pool& p : c.pools) out.push_back(p.admin);
  return out;
}

}  // namespace

TEST_CASE("a region drill sets every pool in the region, and no other") {
  zones::GslbConfig c = overlay_config();
  zones::apply_drills(c, {drill(DrillTargetKind::kRegion, "eu", DrillAction::kFail)});
  CHECK(pool_states(c) ==
        std::vector<AdminState>{AdminState::kFail, AdminState::kFail, AdminState::kEnabled});
  CHECK(find_pool(c, "eu-a").members[0].admin == AdminState::kEnabled);
}

TEST_CASE("a pool drill sets the pool; a member drill sets only that member") {
  zones::GslbConfig c = overlay_config();
  zones::apply_drills(c, {drill(DrillTargetKind::kPool, "eu-b", DrillAction::kDrain),
                          drill(DrillTargetKind::kMember, "us-a/2001:db8::1", DrillAction::kFail)});
  CHECK(pool_states(c) ==
        std::vector<AdminState>{AdminState::kEnabled, AdminState::kDrain, AdminState::kEnabled});
  const zones::Pool& us = find_pool(c, "us-a");
  CHECK(us.members[0].admin == AdminState::kEnabled);
  CHECK(us.members[1].admin == AdminState::kFail);
}

TEST_CASE("fail beats drain beats enabled, whoever set them and in any order") {
  struct Row {
    AdminState stored;
    std::vector<DrillAction> actions;
    AdminState expected;
  };
  const Row rows[] = {
      {AdminState::kEnabled, {DrillAction::kDrain}, AdminState::kDrain},
      {AdminState::kEnabled, {DrillAction::kFail}, AdminState::kFail},
      {AdminState::kFail, {DrillAction::kDrain}, AdminState::kFail},
      {AdminState::kDrain, {DrillAction::kFail}, AdminState::kFail},
      {AdminState::kEnabled, {DrillAction::kFail, DrillAction::kDrain}, AdminState::kFail},
      {AdminState::kEnabled, {DrillAction::kDrain, DrillAction::kFail}, AdminState::kFail},
  };
  for (const Row& row : rows) {
    CAPTURE(zones::to_string(row.stored));
    CAPTURE(row.actions.size());
    for (DrillTargetKind kind : {DrillTargetKind::kPool, DrillTargetKind::kMember}) {
      CAPTURE(zones::to_string(kind));
      zones::GslbConfig c = overlay_config();
      zones::Pool& eu = c.pools[0];
      eu.admin = row.stored;
      eu.members[0].admin = row.stored;
      std::vector<zones::Drill> running;
      const std::string target = kind == DrillTargetKind::kPool ? "eu-a" : "eu-a/198.51.100.1";
      for (DrillAction a : row.actions) running.push_back(drill(kind, target, a));
      zones::apply_drills(c, running);
      CHECK((kind == DrillTargetKind::kPool ? eu.admin : eu.members[0].admin) == row.expected);
    }
  }
}

TEST_CASE("a drill whose target is gone changes nothing") {
  const zones::GslbConfig before = overlay_config();
  zones::GslbConfig c = before;
  zones::apply_drills(c,
                      {drill(DrillTargetKind::kRegion, "ap", DrillAction::kFail),
                       drill(DrillTargetKind::kPool, "eu", DrillAction::kFail),
                       drill(DrillTargetKind::kMember, "eu-a/198.51.100.9", DrillAction::kFail),
                       drill(DrillTargetKind::kMember, "eu-a-x/198.51.100.1", DrillAction::kFail),
                       drill(DrillTargetKind::kMember, "eu", DrillAction::kFail)});
  CHECK(pool_states(c) == pool_states(before));
  for (size_t i = 0; i < c.pools.size(); ++i) {
    for (size_t m = 0; m < c.pools[i].members.size(); ++m) {
      CHECK(c.pools[i].members[m].admin == AdminState::kEnabled);
    }
  }
}

TEST_CASE("a service is out when none of its pools can answer") {
  struct Row {
    const char* what;
    void (*edit)(zones::GslbConfig&);
    std::vector<std::string> out;
  };
  const Row rows[] = {
      {"everything enabled", [](zones::GslbConfig&) {}, {}},
      {"one of two pools failed",
       [](zones::GslbConfig& c) { c.pools[2].admin = AdminState::kFail; },
       {}},
      {"both of www's pools failed or drained",
       [](zones::GslbConfig& c) {
         c.pools[2].admin = AdminState::kFail;
         c.pools[0].admin = AdminState::kDrain;
       },
       {"www.example."}},
      {"members drained below min_healthy",
       [](zones::GslbConfig& c) {
         c.pools[2].admin = AdminState::kFail;
         c.pools[0].min_healthy = 2;
         c.pools[0].members[1].admin = AdminState::kDrain;
       },
       {"www.example."}},
      {"min_healthy 0 still needs one enabled member",
       [](zones::GslbConfig& c) {
         c.pools[2].min_healthy = 0;
         c.pools[2].members[0].admin = AdminState::kFail;
         c.pools[2].members[1].admin = AdminState::kDrain;
         c.pools[0].admin = AdminState::kFail;
       },
       {"www.example."}},
      {"an empty pool cannot answer",
       [](zones::GslbConfig& c) {
         c.pools[2].members.clear();
         c.pools[0].admin = AdminState::kFail;
       },
       {"www.example."}},
      {"every pool out: services sorted",
       [](zones::GslbConfig& c) {
         for (zones::Pool& p : c.pools) p.admin = AdminState::kFail;
       },
       {"eu.example.", "www.example."}},
      {"a fallback address keeps a service answering",
       [](zones::GslbConfig& c) {
         for (zones::Pool& p : c.pools) p.admin = AdminState::kFail;
         c.services[0].when_all_down = zones::WhenAllDown::kFallback;
         c.services[0].fallback = {"192.0.2.99"};
       },
       {"eu.example."}},
      {"fallback without addresses does not",
       [](zones::GslbConfig& c) {
         for (zones::Pool& p : c.pools) p.admin = AdminState::kFail;
         c.services[0].when_all_down = zones::WhenAllDown::kFallback;
       },
       {"eu.example.", "www.example."}},
  };
  for (const Row& row : rows) {
    CAPTURE(row.what);
    zones::GslbConfig c = overlay_config();
    row.edit(c);
    CHECK(zones::services_left_without_pools(c) == row.out);
  }
}

TEST_CASE("only services a drill newly takes out count against it") {
  zones::GslbConfig c = overlay_config();
  const std::vector<zones::Drill> running = {
      drill(DrillTargetKind::kPool, "us-a", DrillAction::kFail, 1),
      drill(DrillTargetKind::kPool, "eu-b", DrillAction::kDrain, 2)};
  const zones::Drill eu_a = drill(DrillTargetKind::kPool, "eu-a", DrillAction::kDrain, 0);
  CHECK(zones::services_taken_out(c, running, eu_a) ==
        std::vector<std::string>{"eu.example.", "www.example."});

  auto conflicts = zones::total_outage_conflicts(c, running, eu_a);
  REQUIRE(conflicts.size() == 2);
  CHECK(conflicts[0].code == zones::ErrorCode::kConflict);
  CHECK(conflicts[0].text() ==
        "target: service eu.example. would have no usable pool: drill 2 (drain pool/eu-b) "
        "already running, and this drill (drain pool/eu-a); set allow_total_outage to run it "
        "anyway");
  CHECK(conflicts[1].message.find("www.example. would have no usable pool: drill 1 (fail "
                                  "pool/us-a) already running") != std::string::npos);

  // A service that is out already (the operator drained its pools) is not the drill's doing.
  c.pools[0].admin = AdminState::kDrain;
  c.pools[1].admin = AdminState::kDrain;
  CHECK(
      zones::services_taken_out(c, {}, drill(DrillTargetKind::kRegion, "us", DrillAction::kFail)) ==
      std::vector<std::string>{"www.example."});
  CHECK(zones::total_outage_conflicts(c, {},
                                      drill(DrillTargetKind::kRegion, "us", DrillAction::kFail))[0]
            .message.find("with this drill (fail region/us)") != std::string::npos);
}

TEST_CASE("drill text forms read back, and JSON shows the target as the API spells it") {
  for (auto kind : {DrillTargetKind::kRegion, DrillTargetKind::kPool, DrillTargetKind::kMember}) {
    CHECK(zones::parse_drill_target_kind(zones::to_string(kind)) == kind);
  }
  for (auto action : {DrillAction::kFail, DrillAction::kDrain}) {
    CHECK(zones::parse_drill_action(zones::to_string(action)) == action);
  }
  for (auto reason : {zones::DrillEndReason::kExpired, zones::DrillEndReason::kAborted}) {
    CHECK(zones::parse_drill_end_reason(zones::to_string(reason)) == reason);
  }
  CHECK_FALSE(zones::parse_drill_action("Fail").has_value());

  zones::Drill d = drill(DrillTargetKind::kMember, "eu-a/2001:db8::1", DrillAction::kDrain, 7);
  d.ended_at_ms = 300'000;
  d.end_reason = zones::DrillEndReason::kAborted;
  d.report = "not json";
  const nlohmann::json j = zones::drill_json(d);
  CHECK(j["id"] == 7);
  CHECK(j["target"] == "member/eu-a/2001:db8::1");
  CHECK(j["action"] == "drain");
  CHECK(j["duration"] == "10m");
  CHECK(j["ended_at_ms"] == 300'000);
  CHECK(j["end_reason"] == "aborted");
  CHECK(j["report"] == "not json");
  CHECK(zones::drill_summary(d) == "drain member/eu-a/2001:db8::1");
}
