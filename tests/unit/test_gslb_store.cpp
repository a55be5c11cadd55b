// GslbStore: apply -> load round trip, plans, merge vs prune, member ids that survive edits,
// audit rows, zones given with an apply, and refused applies that change nothing.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/unit/test_gslb_store_fixture.h"
#include "zones/audit.h"

using gslbtest::GslbFixture;
using gslbtest::kActor;
using gslbtest::sample;
using gslbtest::shape;

namespace {

std::vector<std::string> objects(const zones::Plan& plan) {
  std::vector<std::string> out;
  for (const zones::Change& c : plan.changes) out.push_back(c.object);
  return out;
}

const zones::Change* find_change(const zones::Plan& plan, const std::string& object) {
  for (const zones::Change& c : plan.changes) {
    if (c.object == object) return &c;
  }
  return nullptr;
}

int64_t member_id(const zones::GslbConfig& c, const std::string& pool, const std::string& addr) {
  for (const zones::Pool& p : c.pools) {
    if (p.name != pool) continue;
    for (const zones::Member& m : p.members) {
      if (m.address == addr) return m.id;
    }
  }
  return 0;
}

zones::Pool& pool_named(zones::GslbConfig& c, const std::string& name) {
  for (zones::Pool& p : c.pools) {
    if (p.name == name) return p;
  }
  FAIL("no pool " << name);
  throw 0;
}

}  // namespace

TEST_CASE("gslb apply on an empty store creates everything and load returns it") {
  GslbFixture f;
  const int64_t audit_before = f.audit_rows();
  zones::Plan plan = f.apply(sample());
  // 2 monitors, 2 regions, 2 pools, 4 members, 3 services, 2 global overrides.
  REQUIRE(plan.changes.size() == 15);
  for (const zones::Change& c : plan.changes) {
    CHECK(c.kind == zones::ChangeKind::kCreate);
    CHECK(c.before.empty());
    CHECK_FALSE(c.after.empty());
  }
  CHECK(objects(plan) == std::vector<std::string>{
                             "monitor/tcp443",
                             "monitor/web",
                             "region/eu-central",
                             "region/us-east",
                             "pool/eu-central",
                             "pool/us-east",
                             "member/eu-central/198.51.100.10",
                             "member/us-east/192.0.2.10",
                             "member/us-east/2001:db8::10",
                             "member/us-east/192.0.2.11",
                             "service/api.gslb.example.com.",
                             "service/geo.gslb.example.com.",
                             "service/www.gslb.example.com.",
                             "override/10.0.0.0/8",
                             "override/192.0.2.128/25",
                         });
  zones::GslbConfig loaded = f.load();
  CHECK(shape(loaded) == shape(sample()));
  for (const zones::Pool& p : loaded.pools) {
    for (const zones::Member& m : p.members) CHECK(m.id > 0);
  }
  // One audit row per change, with the action and the object as JSON.
  CHECK(f.audit_rows() == audit_before + 15);
  auto audit = zones::list_audit(f.db, 15).value();
  std::reverse(audit.begin(), audit.end());
  CHECK(audit.front().action == "monitor.create");
  CHECK(audit.front().object == "monitor/tcp443");
  CHECK(audit.front().actor == kActor);
  CHECK(audit.back().action == "override.create");
  auto pool_audit = std::find_if(audit.begin(), audit.end(),
                                 [](const auto& e) { return e.object == "pool/us-east"; });
  REQUIRE(pool_audit != audit.end());
  auto after = nlohmann::json::parse(pool_audit->after);
  CHECK(after["region"] == "us-east");
  CHECK(after["admin_state"] == "drain");
  CHECK_FALSE(after.contains("members"));  // members are objects of their own
}

TEST_CASE("gslb apply of the stored state plans nothing and writes nothing") {
  GslbFixture f;
  f.apply(sample());
  const int64_t audit = f.audit_rows();
  zones::Db other = zonetest::open_db(f.db.path());
  const int64_t version = other.query_int("PRAGMA data_version").value();
  CHECK(f.apply(sample()).empty());
  CHECK(f.apply(f.load(), {.prune = true}).empty());
  CHECK(f.apply({}).empty());  // without prune, an empty desired state keeps everything
  CHECK(f.audit_rows() == audit);
  CHECK(other.query_int("PRAGMA data_version").value() == version);
}

TEST_CASE("gslb apply dry run validates and plans but writes nothing") {
  GslbFixture f;
  const int64_t audit = f.audit_rows();
  zones::Plan plan = f.apply(sample(), {.dry_run = true});
  CHECK(plan.changes.size() == 15);
  CHECK(f.audit_rows() == audit);
  CHECK(f.load().pools.empty());
  zones::GslbConfig bad = sample();
  bad.regions[0].latitude = 91;
  CHECK(f.refused(bad, {.dry_run = true}).find("regions[0].lat") != std::string::npos);
}

TEST_CASE("gslb apply commits where other connections see it") {
  GslbFixture f;
  zones::Db other = zonetest::open_db(f.db.path());
  const int64_t before = other.query_int("PRAGMA data_version").value();
  f.apply(sample());
  CHECK(other.query_int("PRAGMA data_version").value() != before);
  zones::GslbStore reader(other);
  CHECK(shape(reader.load().value()) == shape(sample()));
}

TEST_CASE("gslb plan lists the differing fields of each changed object") {
  GslbFixture f;
  f.apply(sample());
  zones::GslbConfig next = sample();
  next.monitors[1].interval_ms = 5000;
  next.monitors[1].expect_body.reset();
  next.regions[1].latitude = 41.5;
  pool_named(next, "us-east").min_healthy = 1;
  pool_named(next, "us-east").members[0].weight = 5;
  pool_named(next, "us-east").members[0].admin = zones::AdminState::kDrain;
  next.services[2].ttl = 20;
  next.overrides[0].region = "eu-central";
  zones::Plan plan = f.apply(next, {.dry_run = true});
  CHECK(objects(plan) == std::vector<std::string>{"monitor/web", "region/us-east", "pool/us-east",
                                                  "member/us-east/192.0.2.10",
                                                  "service/www.gslb.example.com.",
                                                  "override/10.0.0.0/8"});
  for (const zones::Change& c : plan.changes) {
    CHECK(c.kind == zones::ChangeKind::kChange);
    CHECK_FALSE(c.before.empty());
    CHECK_FALSE(c.after.empty());
  }
  CHECK(find_change(plan, "monitor/web")->fields ==
        std::vector<std::string>{"expect_body: \"ok\" -> (none)", "interval: \"2s\" -> \"5s\""});
  CHECK(find_change(plan, "region/us-east")->fields ==
        std::vector<std::string>{"lat: 40.7 -> 41.5"});
  CHECK(find_change(plan, "pool/us-east")->fields ==
        std::vector<std::string>{"min_healthy: 2 -> 1"});
  CHECK(find_change(plan, "member/us-east/192.0.2.10")->fields ==
        std::vector<std::string>{"weight: 1 -> 5", "admin_state: \"enabled\" -> \"drain\""});
  CHECK(find_change(plan, "service/www.gslb.example.com.")->fields ==
        std::vector<std::string>{"ttl: 30 -> 20"});
  CHECK(find_change(plan, "override/10.0.0.0/8")->fields ==
        std::vector<std::string>{"region: \"us-east\" -> \"eu-central\""});
}

TEST_CASE("gslb apply without prune merges by name, with prune deletes the rest") {
  GslbFixture f;
  f.apply(sample());
  zones::GslbConfig part;
  zones::Region region{"ap-south", 19.1, 72.9, "AS", "IN"};
  part.regions = {region};
  zones::Pool pool = sample().pools[1];  // us-east, now with one member
  pool.members.resize(1);
  pool.min_healthy = 1;
  part.pools = {pool};
  part.overrides = {{"10.0.0.0/8", "ap-south"}, {"172.16.0.0/12", "us-east"}};

  zones::Plan merged = f.apply(part);
  CHECK(objects(merged) == std::vector<std::string>{"region/ap-south", "pool/us-east",
                                                    "override/10.0.0.0/8", "override/172.16.0.0/12",
                                                    "member/us-east/2001:db8::10",
                                                    "member/us-east/192.0.2.11"});
  CHECK(merged.changes[4].kind == zones::ChangeKind::kDelete);
  zones::GslbConfig now = f.load();
  CHECK(now.regions.size() == 3);
  CHECK(now.pools.size() == 2);
  CHECK(now.services.size() == 3);
  // Global overrides merge by network: stored order, replaced in place, new ones appended.
  REQUIRE(now.overrides.size() == 3);
  CHECK(now.overrides[0].network == "10.0.0.0/8");
  CHECK(now.overrides[0].region == "ap-south");
  CHECK(now.overrides[1].network == "192.0.2.128/25");
  CHECK(now.overrides[2].network == "172.16.0.0/12");

  // Prune: whatever the desired state does not name goes, in reverse dependency order.
  zones::GslbConfig whole;
  whole.regions = {region};
  zones::Plan pruned = f.apply(whole, {.prune = true});
  std::vector<std::string> expected{"override/10.0.0.0/8",
                                    "override/192.0.2.128/25",
                                    "override/172.16.0.0/12",
                                    "service/api.gslb.example.com.",
                                    "service/geo.gslb.example.com.",
                                    "service/www.gslb.example.com.",
                                    "member/eu-central/198.51.100.10",
                                    "member/us-east/192.0.2.10",
                                    "pool/eu-central",
                                    "pool/us-east",
                                    "region/eu-central",
                                    "region/us-east",
                                    "monitor/tcp443",
                                    "monitor/web"};
  CHECK(objects(pruned) == expected);
  for (const zones::Change& c : pruned.changes) {
    CHECK(c.kind == zones::ChangeKind::kDelete);
    CHECK(c.after.empty());
  }
  CHECK(shape(f.load()) == shape(whole));
  CHECK(f.count("SELECT count(*) FROM member") == 0);
  CHECK(f.count("SELECT count(*) FROM cidr_override") == 0);
  CHECK(f.count("SELECT count(*) FROM geo_map") == 0);
  auto last = zones::list_audit(f.db, 1).value();
  CHECK(last.front().action == "monitor.delete");
}

TEST_CASE("gslb members keep their ids and health through pool and member edits") {
  GslbFixture f;
  f.apply(sample());
  zones::GslbConfig before = f.load();
  const int64_t id = member_id(before, "us-east", "192.0.2.10");
  REQUIRE(
      f.gslb
          .write_health({gslbtest::health("us-east", "192.0.2.10", "v1", zones::HealthState::kUp)})
          .has_value());
  zones::GslbConfig next = sample();
  zones::Pool& us = pool_named(next, "us-east");
  us.region = "eu-central";
  us.monitor = "tcp443";
  us.members[0].weight = 7;
  us.members.push_back({0, "192.0.2.12", "new", 1, zones::AdminState::kEnabled});
  f.apply(next);
  zones::GslbConfig after = f.load();
  CHECK(member_id(after, "us-east", "192.0.2.10") == id);
  CHECK(member_id(after, "us-east", "2001:db8::10") ==
        member_id(before, "us-east", "2001:db8::10"));
  CHECK(member_id(after, "us-east", "192.0.2.12") > 0);
  auto health = f.gslb.health_since(0).value();
  REQUIRE(health.size() == 1);
  CHECK(health[0].member_id == id);
  CHECK(shape(after) == shape(next));
}

TEST_CASE("gslb member order is kept and a reorder is a pool change") {
  GslbFixture f;
  f.apply(sample());
  zones::GslbConfig next = sample();
  auto& members = pool_named(next, "us-east").members;
  std::swap(members[0], members[2]);
  members.insert(members.begin() + 1, {0, "192.0.2.20", "", 1, zones::AdminState::kEnabled});
  zones::Plan plan = f.apply(next);
  const zones::Change* pool = find_change(plan, "pool/us-east");
  REQUIRE(pool != nullptr);
  REQUIRE(pool->fields.size() == 1);
  CHECK(pool->fields[0] ==
        "member order: [\"192.0.2.10\",\"2001:db8::10\",\"192.0.2.11\"] -> "
        "[\"192.0.2.11\",\"2001:db8::10\",\"192.0.2.10\"]");
  CHECK(shape(f.load()) == shape(next));
  // Inserting without moving the others is not a pool change.
  pool_named(next, "us-east")
      .members.push_back({0, "192.0.2.21", "", 1, zones::AdminState::kEnabled});
  CHECK(objects(f.apply(next)) == std::vector<std::string>{"member/us-east/192.0.2.21"});
  CHECK(shape(f.load()) == shape(next));
}

TEST_CASE("gslb a service's links, geo map and overrides are replaced whole") {
  GslbFixture f;
  f.apply(sample());
  zones::GslbConfig part;
  zones::Service geo = sample().services[1];
  geo.pools = {{"eu-central", 1, 1, 0}};
  geo.geo = {{"default", {"eu-central"}}};
  geo.overrides = {{"198.51.100.0/24", "us-east"}};
  part.services = {geo};
  zones::Plan plan = f.apply(part);
  REQUIRE(objects(plan) == std::vector<std::string>{"service/geo.gslb.example.com."});
  const auto& fields = plan.changes[0].fields;
  REQUIRE(fields.size() == 3);
  CHECK(fields[0].starts_with("pools: "));
  CHECK(fields[1].starts_with("geo: "));
  CHECK(fields[2] ==
        "overrides: (none) -> [{\"network\":\"198.51.100.0/24\",\"region\":\"us-east\"}]");
  zones::GslbConfig now = f.load();
  CHECK(gslb_json(now.services[1]) == gslb_json(geo));
  CHECK(f.count("SELECT count(*) FROM geo_map_pool") == 1);
}

TEST_CASE("gslb apply normalises names, addresses, networks and codes") {
  GslbFixture f;
  zones::GslbConfig c = sample();
  c.regions[0].continent = "eu";
  c.regions[0].country = "de";
  pool_named(c, "us-east").members[1].address = "2001:DB8:0:0::10";
  c.services[1].name = "GEO.gslb.example.com";
  c.services[1].geo[1].match = "country:jp";
  c.services[1].geo[0].match = "cidr:203.0.113.0/24";
  c.services[2].overrides[1].network = "2001:DB8:1:0::/48";
  c.overrides[0].network = "10.0.0.0/8";
  f.apply(c);
  CHECK(shape(f.load()) == shape(sample()));
  CHECK(f.apply(c).empty());
}

TEST_CASE("gslb deleting an object still in use is refused, naming both") {
  GslbFixture f;
  f.apply(sample());
  const int64_t audit = f.audit_rows();
  zones::GslbConfig c = sample();
  c.pools.erase(c.pools.begin());          // eu-central, used by every service
  c.regions.erase(c.regions.begin() + 1);  // us-east, used by pool us-east and two overrides
  std::string text = f.refused(c, {.prune = true});
  CHECK(text.find("services[0].pools[1].pool: pool \"eu-central\" is being deleted but is still "
                  "used by service api.gslb.example.com.") != std::string::npos);
  CHECK(text.find("services[1].geo[0].pools[0]: pool \"eu-central\" is being deleted") !=
        std::string::npos);
  CHECK(text.find("pools[0].region: region \"us-east\" is being deleted but is still used by "
                  "pool us-east") != std::string::npos);
  CHECK(text.find("overrides[0].region: region \"us-east\" is being deleted but is still used by "
                  "global override 10.0.0.0/8") != std::string::npos);
  CHECK(f.audit_rows() == audit);
  CHECK(shape(f.load()) == shape(sample()));
}

TEST_CASE("gslb a refused apply reports every problem and changes nothing") {
  GslbFixture f;
  f.apply(sample());
  const int64_t audit = f.audit_rows();
  zones::GslbConfig c = sample();
  c.regions[0].latitude = 100;
  c.pools[1].members[0].address = "not-an-address";
  c.services[0].pools[0].pool = "nowhere";
  auto result = f.gslb.apply(c, {}, kActor);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == zones::ErrorCode::kInvalid);
  const std::string text = result.error().text();
  CHECK(text.find("regions[0].lat: must be between -90 and 90") != std::string::npos);
  CHECK(text.find("pools[1].members[0].address: not an IPv4 or IPv6 address") != std::string::npos);
  CHECK(text.find("services[0].pools[0].pool: no pool named \"nowhere\"") != std::string::npos);
  CHECK(f.audit_rows() == audit);
  CHECK(shape(f.load()) == shape(sample()));
}

TEST_CASE("gslb objects kept from the store are named by name in errors") {
  GslbFixture f;
  f.apply(sample());
  // A zone given with the apply puts a static A record where a kept service lives.
  std::string text = gslbtest::kZoneText;
  text += "geo IN A 192.0.2.1\n";
  auto result = f.gslb.apply({}, {}, kActor, {gslbtest::zone_content(text)});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().text().find(
            "services[geo.gslb.example.com.].name: a static A record exists at "
            "geo.gslb.example.com.") != std::string::npos);
  CHECK(f.store.list_records("gslb.example.com.", std::string_view("geo")).value().empty());
}

TEST_CASE("gslb apply imports the zones it is given first, in the same transaction") {
  zonetest::StoreFixture base;
  zones::GslbStore gslb(base.db);
  const zones::ZoneContent zone = gslbtest::zone_content();
  // Services in a zone that only the same apply creates.
  auto plan = gslb.apply(sample(), {}, kActor, {zone});
  REQUIRE_MESSAGE(plan.has_value(), (plan ? "" : plan.error().text()));
  REQUIRE(plan->changes.size() == 16);
  CHECK(plan->changes[0].object == "zone/gslb.example.com.");
  CHECK(plan->changes[0].kind == zones::ChangeKind::kCreate);
  CHECK(base.store.get_zone("gslb.example.com").has_value());
  // The same zone again is no change (its serial does not move).
  auto again = gslb.apply(sample(), {}, kActor, {zone});
  REQUIRE(again.has_value());
  CHECK(again->empty());
  // New records are a change.
  std::string text = gslbtest::kZoneText;
  text += "mail IN A 192.0.2.25\n";
  auto changed = gslb.apply({}, {}, kActor, {gslbtest::zone_content(text)});
  REQUIRE(changed.has_value());
  REQUIRE(changed->changes.size() == 1);
  CHECK(changed->changes[0].fields ==
        std::vector<std::string>{"records: 7 -> 8", "serial: 1 -> 2"});
  CHECK(base.store.get_zone("gslb.example.com").value().soa.serial == 2);
  // A refused apply does not import its zone either.
  text += "more IN A 192.0.2.26\n";
  zones::GslbConfig bad = sample();
  bad.services[0].ttl = 4000000000u;
  auto refused = gslb.apply(bad, {}, kActor, {gslbtest::zone_content(text)});
  REQUIRE_FALSE(refused.has_value());
  CHECK(base.store.list_records("gslb.example.com.", std::string_view("more")).value().empty());
}

TEST_CASE("gslb a service moves to a new zone below its own") {
  GslbFixture f;
  f.apply(sample());
  auto zone_of = [&] {
    return f.db
        .query_int(
            "SELECT z.name = 'x.gslb.example.com.' FROM service s JOIN zone z ON z.id = "
            "s.zone_id WHERE s.name = 'www.x.gslb.example.com.'")
        .value();
  };
  zones::GslbConfig c;
  zones::Service s = sample().services[2];
  s.name = "www.x.gslb.example.com.";
  c.services = {s};
  f.apply(c);
  CHECK(zone_of() == 0);
  auto child = zones::parse_zone_text(
      "$ORIGIN x.gslb.example.com.\n@ 300 IN SOA ns1 h 1 2 3 4 5\n@ 300 IN NS ns1\n"
      "ns1 300 IN A 192.0.2.1\n",
      "x.zone");
  REQUIRE(child.has_value());
  REQUIRE(f.store.replace_zone(*child, kActor).has_value());
  CHECK(zone_of() == 1);
  // The child zone now holds a service: it cannot go while the service lives.
  auto refused = f.store.delete_zone("x.gslb.example.com", kActor);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().text() == "zone: zone x.gslb.example.com. has 1 service: delete it first");
  // create_zone places services the same way.
  s.name = "www.y.gslb.example.com.";
  c.services = {s};
  f.apply(c);
  REQUIRE(f.store.create_zone("y.gslb.example.com", {}, 300, 300, {"ns1.gslb.example.com"}, kActor)
              .has_value());
  CHECK(f.db.query_int("SELECT z.name = 'y.gslb.example.com.' FROM service s JOIN zone z ON z.id = "
                       "s.zone_id WHERE s.name = 'www.y.gslb.example.com.'")
            .value() == 1);
}

TEST_CASE("gslb edit changes the stored state under one write lock") {
  GslbFixture f;
  f.apply(sample());
  auto plan = f.gslb.edit(
      [](zones::GslbConfig& c) -> zones::Result<void> {
        c.regions[0].latitude = 51.0;
        return {};
      },
      {}, kActor);
  REQUIRE(plan.has_value());
  CHECK(objects(*plan) == std::vector<std::string>{"region/eu-central"});
  CHECK(f.load().regions[0].latitude == 51.0);

  // A refusal from the edit itself, or from validation, writes nothing.
  const int64_t version = f.count("SELECT version FROM config_version");
  auto refused = f.gslb.edit(
      [](zones::GslbConfig&) -> zones::Result<void> {
        return zones::fail(zones::ErrorCode::kNotFound, "region/x", "not found");
      },
      {}, kActor);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == zones::ErrorCode::kNotFound);
  auto invalid = f.gslb.edit(
      [](zones::GslbConfig& c) -> zones::Result<void> {
        c.regions[0].latitude = 91;
        return {};
      },
      {}, kActor);
  REQUIRE_FALSE(invalid.has_value());
  CHECK(invalid.error().text().find("lat") != std::string::npos);
  CHECK(f.count("SELECT version FROM config_version") == version);
}
