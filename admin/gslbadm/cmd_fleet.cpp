// gslbadm fleet seed: a fleet's first configuration, from this store (docs/fleet.md);
// gslbadm status: what gslbd serves (--api) or what the store holds (--db), with the
// fleet's applied revision, etcd connectivity and data age.
#include <iostream>

#include "admin/fleet/fleet_flags.h"
#include "admin/fleet/fleet_keys.h"
#include "admin/fleet/fleet_seed.h"
#include "admin/fleet/fleet_state.h"
#include "admin/gslbadm/commands.h"
#include "zones/clock.h"

namespace gslbadm {
namespace {

int run_seed(const Context& ctx, const admin::fleet::FleetFlags& flags) {
  if (ctx.api) return report({zones::ErrorCode::kInvalid, "--api", "fleet seed reads --db"});
  if (flags.etcd.empty()) return report({zones::ErrorCode::kInvalid, "--etcd", "is required"});
  auto settings = admin::fleet::etcd_settings(flags);
  if (!settings) return report(settings.error());
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  admin::fleet::EtcdClient client(*settings);
  const std::string prefix = admin::fleet::canonical_prefix(flags.prefix);
  auto seeded = admin::fleet::seed(*db, client, prefix, local_actor());
  if (!seeded) return report(seeded.error());
  if (ctx.json)
    return print_json(
        {{"prefix", prefix}, {"objects", seeded->objects}, {"revision", seeded->revision}});
  std::cout << "seeded etcd " << prefix << " with " << seeded->objects << " objects at revision "
            << seeded->revision << "\n";
  return kExitOk;
}

std::string age_text(int64_t since_ms, int64_t now_ms) {
  if (since_ms == 0) return "never";
  return std::to_string((now_ms - since_ms + 500) / 1000) + "s ago";
}

// The store's own view: a single node's store, or a fleet node's copy of etcd.
int run_status_local(const Context& ctx) {
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  auto state = admin::fleet::read_fleet_state(*db);
  if (!state) return report(state.error());
  const int64_t now = zones::unix_ms();
  if (ctx.json) {
    nlohmann::json fleet = nullptr;
    if (*state) {
      const auto& s = **state;
      fleet = {{"prefix", s.prefix},
               {"applied_revision", s.applied_revision},
               {"config_revision", s.config_revision},
               {"applied_at_ms", s.applied_at_ms},
               {"contact_at_ms", s.contact_at_ms},
               {"endpoint", s.endpoint},
               {"error", s.error}};
    }
    return print_json({{"db", ctx.db_path}, {"fleet", fleet}});
  }
  std::cout << "store     " << ctx.db_path << "\n";
  if (!*state) {
    std::cout << "fleet     no (a single node's store)\n";
    return kExitOk;
  }
  const auto& s = **state;
  std::cout << "fleet     " << s.prefix << " (a copy of etcd, written by its node's syncer)\n"
            << "revision  applied " << s.applied_revision << ", configuration " << s.config_revision
            << "\n"
            << "etcd      " << (s.endpoint.empty() ? "-" : s.endpoint) << ", last contact "
            << age_text(s.contact_at_ms, now) << "\n";
  if (!s.error.empty()) std::cout << "problem   " << s.error << "\n";
  return kExitOk;
}

int run_status(const Context& ctx) {
  if (!ctx.api) return run_status_local(ctx);
  auto status = ctx.api->get("/v1/status");
  if (!status) return report(status.error());
  if (ctx.json) return print_json(*status);
  const nlohmann::json& s = *status;
  std::cout << "gslbd     " << s.value("version", "?") << ", up "
            << static_cast<int64_t>(s.value("uptime_s", 0.0)) << "s\n";
  const nlohmann::json fleet = s.value("fleet", nlohmann::json());
  if (!fleet.is_object()) {
    std::cout << "fleet     no (a single node)\n";
    return kExitOk;
  }
  const double age = fleet.value("data_age_s", -1.0);
  std::cout << "fleet     " << (fleet.value("connected", false) ? "connected" : "NOT CONNECTED")
            << " to etcd " << fleet.value("endpoint", "-") << "\n"
            << "revision  applied " << fleet.value("applied_revision", 0) << ", configuration "
            << fleet.value("config_revision", 0) << "\n"
            << "data age  "
            << (age < 0 ? std::string("never synced")
                        : std::to_string(static_cast<int64_t>(age)) + "s")
            << (fleet.value("stale", false) ? " (stale: answers carry degraded TTLs)" : "") << "\n"
            << "vantages  " << fleet.value("vantages", nlohmann::json::array()).size() << " live\n";
  const std::string error = fleet.value("error", "");
  if (!error.empty()) std::cout << "problem   " << error << "\n";
  return kExitOk;
}

}  // namespace

void add_fleet_commands(CLI::App& app, Context& ctx) {
  auto* fleet = app.add_subcommand("fleet", "several nodes through etcd: seed");
  fleet->require_subcommand(1);
  auto flags = std::make_shared<admin::fleet::FleetFlags>();
  auto* seed = fleet->add_subcommand(
      "seed", "put this store's configuration into etcd, once, as a fleet's first (--db)");
  admin::fleet::add_fleet_flags(*seed, *flags);
  seed->fallthrough();
  seed->callback([&ctx, flags] { ctx.run = [&ctx, flags] { return run_seed(ctx, *flags); }; });

  auto* status = app.add_subcommand(
      "status", "gslbd's state (--api) or the store's (--db): fleet revision, etcd, data age");
  status->fallthrough();
  status->callback([&ctx] { ctx.run = [&ctx] { return run_status(ctx); }; });
}

}  // namespace gslbadm
