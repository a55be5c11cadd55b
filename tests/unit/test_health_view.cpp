// HealthView: the effective state of a member from its vantage reports
// (quorum of fresh reports, staleness, RTT mean, load maximum), and how it
// lands in a ServiceTable's atomics.
#include <doctest/doctest.h>

#include "server/health_view.h"
#include "zones/compile.h"

using zones::HealthRow;
using zones::HealthState;

namespace {

HealthRow report(const char* vantage, HealthState state, int64_t checked_at,
                 std::optional<int64_t> rtt = {}, std::optional<double> load = {}) {
  HealthRow row;
  row.member_id = 7;
  row.vantage = vantage;
  row.state = state;
  row.checked_at_ms = checked_at;
  row.rtt_ewma_us = rtt;
  row.load = load;
  return row;
}

}  // namespace

TEST_CASE("effective health: no fresh report is unknown") {
  CHECK(server::effective_health({}, {}, 3000, 10'000).state == HealthState::kUnknown);
  const auto stale =
      server::effective_health({report("a", HealthState::kDown, 6'999)}, {}, 3000, 10'000);
  CHECK(stale.state == HealthState::kUnknown);
  CHECK(stale.fresh_reports == 0);
  CHECK(
      server::effective_health({report("a", HealthState::kDown, 7'000)}, {}, 3000, 10'000).state ==
      HealthState::kDown);
}

TEST_CASE("effective health: by default down needs more than half of the fresh reports") {
  const int64_t now = 100'000;
  auto state = [&](std::vector<HealthRow> rows) {
    return server::effective_health(rows, {}, 3000, now).state;
  };
  CHECK(state({report("a", HealthState::kUp, now)}) == HealthState::kUp);
  CHECK(state({report("a", HealthState::kUp, now), report("b", HealthState::kDown, now)}) ==
        HealthState::kUp);  // a tie: one vantage reaches it
  CHECK(state({report("a", HealthState::kUp, now), report("b", HealthState::kDown, now),
               report("c", HealthState::kDown, now)}) == HealthState::kDown);
  // A stale "up" does not outvote a fresh "down".
  CHECK(state({report("a", HealthState::kUp, now - 5000), report("b", HealthState::kDown, now)}) ==
        HealthState::kDown);
  // "unknown" reports count for neither side.
  CHECK(state({report("a", HealthState::kUnknown, now), report("b", HealthState::kDown, now)}) ==
        HealthState::kDown);
}

TEST_CASE("effective health: RTT is the mean of fresh EWMAs, load the maximum") {
  const int64_t now = 100'000;
  const auto h = server::effective_health({report("a", HealthState::kUp, now, 10'000, 0.2),
                                           report("b", HealthState::kUp, now, 30'000, 0.75),
                                           report("c", HealthState::kUp, now - 9000, 90'000, 1.0)},
                                          {}, 3000, now);
  CHECK(h.rtt_us == 20'000);
  CHECK(h.load_permille == 750);
  CHECK(h.fresh_reports == 2);
}

TEST_CASE("effective health: a vantage's heartbeat keeps its unchanged reports fresh") {
  const int64_t now = 100'000;
  const std::vector<HealthRow> rows{report("a", HealthState::kDown, now - 60'000)};
  CHECK(server::effective_health(rows, {}, 3000, now).state == HealthState::kUnknown);
  CHECK(server::effective_health(rows, {{"a", now - 500}}, 3000, now).state == HealthState::kDown);
  CHECK(server::effective_health(rows, {{"a", now - 500}}, 3000, now).newest_age_ms == 500);
  // Another vantage's heartbeat vouches for nothing of a's.
  CHECK(server::effective_health(rows, {{"b", now}}, 3000, now).state == HealthState::kUnknown);
  // A dead vantage's heartbeat stops: its reports go stale.
  CHECK(server::effective_health(rows, {{"a", now - 3001}}, 3000, now).state ==
        HealthState::kUnknown);
}

TEST_CASE("effective health: the quorum of down reports is configurable") {
  const int64_t now = 100'000;
  const std::vector<HealthRow> one_of_three{report("a", HealthState::kDown, now),
                                            report("b", HealthState::kUp, now),
                                            report("c", HealthState::kUp, now)};
  auto state = [&](const char* quorum, const std::vector<HealthRow>& rows) {
    return server::effective_health(rows, {}, 3000, now, *server::parse_quorum(quorum)).state;
  };
  CHECK(state("majority", one_of_three) == HealthState::kUp);
  CHECK(state("any", one_of_three) == HealthState::kDown);
  CHECK(state("1", one_of_three) == HealthState::kDown);
  CHECK(state("2", one_of_three) == HealthState::kUp);
  CHECK(state("all", one_of_three) == HealthState::kUp);
  const std::vector<HealthRow> one_alone{report("a", HealthState::kDown, now)};
  CHECK(state("all", one_alone) == HealthState::kDown);
  CHECK(state("5", one_alone) == HealthState::kDown);  // capped at the fresh reports
  CHECK_FALSE(server::parse_quorum("0"));
  CHECK_FALSE(server::parse_quorum("most"));
  CHECK(server::to_string(*server::parse_quorum("3")) == "3");
}

TEST_CASE("HealthView writes states into the table's atomics, latest report per vantage") {
  zones::GslbConfig config;
  config.regions = {{"r", 0, 0, "EU", "DE"}};
  zones::Pool pool;
  pool.name = "p";
  pool.region = "r";
  pool.members = {{7, "192.0.2.1", "", 1, zones::AdminState::kEnabled},
                  {8, "192.0.2.2", "", 1, zones::AdminState::kEnabled}};
  config.pools = {pool};
  zones::ServiceTable table;
  REQUIRE(zones::compile_services(config, table).has_value());
  REQUIRE(table.members.size() == 2);
  CHECK(table.member_by_id.at(7) == 0);
  CHECK(table.pools[0].stale_after_ms == 3000);  // no monitor: 3 x the 1 s default interval

  server::HealthView view;
  const int64_t now = 50'000;
  HealthRow down = report("a", HealthState::kDown, now, 5000);
  down.seq = 1;
  view.add({down});
  view.apply(table, now);
  CHECK(table.health[0].state.load() == static_cast<uint8_t>(HealthState::kDown));
  CHECK(table.health[0].rtt_us.load() == 5000);
  CHECK(table.health[1].state.load() == static_cast<uint8_t>(HealthState::kUnknown));

  HealthRow up = report("a", HealthState::kUp, now);  // replaces vantage a's report
  up.seq = 2;
  view.add({up});
  view.apply(table, now);
  CHECK(table.health[0].state.load() == static_cast<uint8_t>(HealthState::kUp));
  // Later, with no new report, it goes stale: unknown.
  view.apply(table, now + 3001);
  CHECK(table.health[0].state.load() == static_cast<uint8_t>(HealthState::kUnknown));
  CHECK(view.summary().members_unknown == 2);
  CHECK(view.summary().stale_reports == 1);
  // A heartbeat from vantage a makes its report current again.
  view.add(std::vector<zones::Vantage>{{"a", now + 3000, now, ""}});
  view.apply(table, now + 3001);
  CHECK(table.health[0].state.load() == static_cast<uint8_t>(HealthState::kUp));
  CHECK(view.summary().members_up == 1);
  CHECK(view.summary().oldest_fresh_report_age_ms == 1);
}
