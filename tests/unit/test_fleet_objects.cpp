// admin/fleet/fleet_objects: a store's configuration as etcd objects and back. Exporting a
// store, materializing the objects into an empty one and exporting that gives the same
// objects; removals delete; an object set that does not validate changes nothing; drills
// keep their ids, aborts are shared and expiry stays each node's own.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "admin/config_file.h"
#include "admin/fleet/fleet_keys.h"
#include "admin/fleet/fleet_objects.h"
#include "admin/fleet/fleet_state.h"
#include "tests/support/temp_dir.h"
#include "zones/clock.h"
#include "zones/drills.h"
#include "zones/gslb_store.h"
#include "zones/migrate.h"
#include "zones/store.h"

namespace {

using admin::fleet::Objects;

zones::Db new_store(const testsupport::TempDir& dir, const std::string& name) {
  auto db = zones::Db::open((dir / name).string());
  REQUIRE(db.has_value());
  REQUIRE(zones::migrate(*db).has_value());
  return std::move(*db);
}

void apply_demo(zones::Db& db) {
  auto config = admin::read_config_file(std::string(GSLB_SOURCE_DIR) + "/docs/examples/demo.yaml");
  REQUIRE_MESSAGE(config.has_value(), (config ? "" : config.error().text()));
  auto applied = zones::GslbStore(db).apply(config->gslb, {}, "test", config->zones);
  REQUIRE_MESSAGE(applied.has_value(), (applied ? "" : applied.error().text()));
}

Objects exported(zones::Db& db) {
  auto objects = admin::fleet::export_objects(db);
  REQUIRE_MESSAGE(objects.has_value(), (objects ? "" : objects.error().text()));
  return *objects;
}

void materialize(zones::Db& db, const Objects& objects) {
  auto ok = admin::fleet::materialize(db, objects, "fleet:test", 1'000'000);
  REQUIRE_MESSAGE(ok.has_value(), (ok ? "" : ok.error().text()));
}

}  // namespace

TEST_CASE("fleet keys: escaped segments, health and vantage keys parse back") {
  using namespace admin::fleet;
  CHECK(object_key("pool", "us-east") == "config/pool/us-east");
  CHECK(object_key("pool", "a/b%c") == "config/pool/a%2Fb%25c");
  CHECK(unescape_segment("a%2Fb%25c") == "a/b%c");
  const std::string key = health_key({"us-east", "2001:db8::1", "fra"});
  CHECK(key == "health/us-east/2001:db8::1/fra");
  auto parsed = parse_health_key(key);
  REQUIRE(parsed.has_value());
  CHECK(parsed->pool == "us-east");
  CHECK(parsed->address == "2001:db8::1");
  CHECK(parsed->vantage == "fra");
  CHECK_FALSE(parse_health_key("health/us-east/192.0.2.1").has_value());
  CHECK(parse_vantage_key("vantage/fra%2F1") == std::optional<std::string>("fra/1"));
  CHECK_FALSE(parse_vantage_key("vantage/").has_value());
  CHECK(canonical_prefix("gslb") == "/gslb/");
  CHECK(canonical_prefix("/gslb/") == "/gslb/");
}

TEST_CASE("fleet objects: export, materialize into an empty store, export again: the same") {
  testsupport::TempDir dir("fleet-objects");
  zones::Db source = new_store(dir, "source.db");
  apply_demo(source);
  const Objects objects = exported(source);
  CHECK(objects.contains("config/zone/gslb.example."));
  CHECK(objects.contains("config/pool/us-east"));
  CHECK(objects.contains("config/region/eu-west"));
  CHECK(objects.contains("config/monitor/lb-health"));
  const auto pool = nlohmann::json::parse(objects.at("config/pool/us-east"));
  CHECK(pool.at("members").size() == 2);

  zones::Db replica = new_store(dir, "replica.db");
  materialize(replica, objects);
  CHECK(exported(replica) == objects);
  // Again: nothing to do, nothing written (the configuration version does not move).
  const int64_t version = *replica.query_int("SELECT version FROM config_version");
  materialize(replica, objects);
  CHECK(*replica.query_int("SELECT version FROM config_version") == version);
  // The zone's serial is the writer's.
  CHECK(zones::Store(replica).get_zone("gslb.example.")->soa.serial ==
        zones::Store(source).get_zone("gslb.example.")->soa.serial);
}

TEST_CASE("fleet objects: removals delete, a set that does not validate changes nothing") {
  testsupport::TempDir dir("fleet-objects");
  zones::Db source = new_store(dir, "source.db");
  apply_demo(source);
  Objects objects = exported(source);
  zones::Db replica = new_store(dir, "replica.db");
  materialize(replica, objects);

  SUBCASE("every service removed, then the zone") {
    std::erase_if(objects, [](const auto& kv) { return kv.first.starts_with("config/service/"); });
    materialize(replica, objects);
    CHECK(zones::GslbStore(replica).load()->services.empty());
    objects.erase("config/zone/gslb.example.");
    materialize(replica, objects);
    CHECK(zones::Store(replica).list_zones()->empty());
  }
  SUBCASE("a pool in a region that is not there") {
    Objects broken = objects;
    broken.erase("config/region/us-east");
    auto ok = admin::fleet::materialize(replica, broken, "fleet:test", 1);
    REQUIRE_FALSE(ok.has_value());
    CHECK_MESSAGE(ok.error().text().find("config/pool/us-east.region") != std::string::npos,
                  ok.error().text());
    CHECK(exported(replica) == objects);
  }
  SUBCASE("an object that is not JSON") {
    Objects broken = objects;
    broken["config/pool/us-east"] = "{not json";
    auto ok = admin::fleet::materialize(replica, broken, "fleet:test", 1);
    REQUIRE_FALSE(ok.has_value());
    CHECK(ok.error().text().find("config/pool/us-east") != std::string::npos);
    CHECK(exported(replica) == objects);
  }
}

TEST_CASE("fleet objects: drills keep their ids; an abort is shared, an expiry is not") {
  testsupport::TempDir dir("fleet-objects");
  zones::Db source = new_store(dir, "source.db");
  apply_demo(source);
  zones::DrillStore drills(source);
  const int64_t now = zones::unix_ms();
  auto first = drills.start({"pool/eu-west", "fail", "10m", "drill one"}, now, "ops");
  REQUIRE(first.has_value());
  auto second = drills.start({"pool/ap-southeast", "drain", "10m", ""}, now, "ops");
  REQUIRE(second.has_value());
  REQUIRE(drills.abort(second->drill.id, now + 1000, "ops").has_value());
  // Expired on this node only: exported as still open.
  REQUIRE(drills.close_expired(now + 11 * 60 * 1000).has_value());
  const Objects objects = exported(source);
  const auto one =
      nlohmann::json::parse(objects.at("config/drill/" + std::to_string(first->drill.id)));
  CHECK(one.at("end_reason").is_null());
  const auto two =
      nlohmann::json::parse(objects.at("config/drill/" + std::to_string(second->drill.id)));
  CHECK(two.at("end_reason") == "aborted");

  zones::Db replica = new_store(dir, "replica.db");
  materialize(replica, objects);
  zones::DrillStore copies(replica);
  auto copy_one = copies.get(first->drill.id);
  auto copy_two = copies.get(second->drill.id);
  REQUIRE(copy_one.has_value());
  REQUIRE(copy_two.has_value());
  CHECK(copy_one->note == "drill one");
  CHECK_FALSE(copy_one->end_reason.has_value());
  CHECK(copy_two->end_reason == zones::DrillEndReason::kAborted);
  // The replica closes the first one at its end time, and a later sync does not reopen it.
  REQUIRE(copies.close_expired(now + 11 * 60 * 1000).has_value());
  materialize(replica, objects);
  CHECK(copies.get(first->drill.id)->end_reason == zones::DrillEndReason::kExpired);
}

TEST_CASE("fleet state: a store with the row is a replica, gslbadm-style writes are refused") {
  testsupport::TempDir dir("fleet-objects");
  zones::Db db = new_store(dir, "node.db");
  CHECK(admin::fleet::refuse_if_replica(db).has_value());
  admin::fleet::FleetState state;
  state.prefix = "/gslb/";
  state.applied_revision = 42;
  REQUIRE(admin::fleet::write_fleet_state(db, state).has_value());
  auto read = admin::fleet::read_fleet_state(db);
  REQUIRE(read.has_value());
  REQUIRE(read->has_value());
  CHECK((*read)->applied_revision == 42);
  auto refused = admin::fleet::refuse_if_replica(db);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("--api") != std::string::npos);
}

TEST_CASE("nested transactions: an inner one is a savepoint the outer one decides") {
  testsupport::TempDir dir("fleet-objects");
  zones::Db db = new_store(dir, "node.db");
  REQUIRE(db.exec("BEGIN IMMEDIATE").has_value());
  {
    auto inner = zones::Transaction::begin(db);
    REQUIRE(inner.has_value());
    REQUIRE(db.exec("INSERT INTO region (name, latitude, longitude) VALUES ('a', 1, 2)"));
    REQUIRE(inner->commit().has_value());
  }
  {
    auto inner = zones::Transaction::begin(db);
    REQUIRE(inner.has_value());
    REQUIRE(db.exec("INSERT INTO region (name, latitude, longitude) VALUES ('b', 1, 2)"));
    // not committed: only this one is undone
  }
  CHECK(*db.query_int("SELECT count(*) FROM region") == 1);
  REQUIRE(db.exec("ROLLBACK").has_value());
  CHECK(*db.query_int("SELECT count(*) FROM region") == 0);
  CHECK_FALSE(db.in_transaction());
}
