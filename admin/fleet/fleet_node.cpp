// Fleet mode in a program (see fleet_node.h).
#include "admin/fleet/fleet_node.h"

#include "admin/fleet/fleet_keys.h"
#include "admin/secret_file.h"
#include "server/metrics_text.h"

namespace admin::fleet {
namespace {

std::vector<std::string> split_endpoints(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma - start);
    while (!item.empty() && item.back() == '/') item.pop_back();
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

zones::Result<EtcdSettings> etcd_settings(const FleetFlags& flags) {
  EtcdSettings settings;
  settings.endpoints = split_endpoints(flags.etcd);
  settings.ca_file = flags.ca_file;
  settings.cert_file = flags.cert_file;
  settings.key_file = flags.key_file;
  settings.user = flags.user;
  settings.request_timeout_ms = flags.timeout_ms;
  if (!flags.password_file.empty()) {
    if (flags.user.empty()) {
      return zones::fail(zones::ErrorCode::kInvalid, "--etcd-password-file", "needs --etcd-user");
    }
    auto password = read_secret_file(flags.password_file, "--etcd-password-file");
    if (!password) return std::unexpected(password.error());
    settings.password = *password;
  } else if (!flags.user.empty()) {
    return zones::fail(zones::ErrorCode::kInvalid, "--etcd-user", "needs --etcd-password-file");
  }
  if (auto ok = validate(settings); !ok) return std::unexpected(ok.error());
  return settings;
}

zones::Result<std::unique_ptr<FleetNode>> FleetNode::start(const FleetFlags& flags,
                                                           const std::string& db_path,
                                                           bool import_health) {
  auto settings = etcd_settings(flags);
  if (!settings) return std::unexpected(settings.error());
  SyncerOptions options;
  options.etcd = *settings;
  options.prefix = canonical_prefix(flags.prefix);
  options.db_path = db_path;
  options.import_health = import_health;
  auto syncer = Syncer::start(options);
  if (!syncer) return std::unexpected(syncer.error());
  auto node = std::unique_ptr<FleetNode>(new FleetNode());
  node->etcd_ = *settings;
  node->syncer_ = std::move(*syncer);
  node->writer_ = std::make_unique<FleetWriter>(*settings, options.prefix, db_path, *node->syncer_);
  return node;
}

double data_age_s(const SyncStatus& status, int64_t now_ms) {
  if (status.contact_at_ms == 0) return -1;
  return static_cast<double>(now_ms - status.contact_at_ms) / 1000;
}

bool FleetNode::data_stale(int64_t now_ms) const {
  const SyncStatus status = syncer_->status();
  return status.contact_at_ms == 0 || now_ms - status.contact_at_ms > kStaleAfterMs;
}

nlohmann::json FleetNode::status_json(int64_t now_ms) const {
  const SyncStatus s = syncer_->status();
  return {{"connected", s.connected},
          {"seeded", s.seeded},
          {"endpoint", s.endpoint},
          {"applied_revision", s.applied_revision},
          {"config_revision", s.config_revision},
          {"applied_at_ms", s.applied_at_ms},
          {"contact_at_ms", s.contact_at_ms},
          {"data_age_s", data_age_s(s, now_ms)},
          {"stale", data_stale(now_ms)},
          {"vantages", s.vantages},
          {"resyncs", s.resyncs},
          {"error", s.error}};
}

std::string FleetNode::metrics_text(int64_t now_ms) const {
  const SyncStatus s = syncer_->status();
  server::MetricsText out;
  out.single("gslb_fleet_connected", "gauge", "1 while the last exchange with etcd succeeded",
             s.connected ? 1 : 0);
  out.single("gslb_fleet_applied_revision", "gauge",
             "etcd revision of the last change applied to this node's store", s.applied_revision);
  out.single("gslb_fleet_config_revision", "gauge",
             "etcd revision of the configuration this node serves", s.config_revision);
  out.single("gslb_fleet_data_age_seconds", "gauge",
             "seconds since this node last heard from etcd (-1: never)", data_age_s(s, now_ms));
  out.single("gslb_fleet_vantages", "gauge", "live health vantages (with an etcd lease)",
             static_cast<uint64_t>(s.vantages.size()));
  out.single("gslb_fleet_resyncs_total", "counter", "full reads of etcd (start, broken watch)",
             s.resyncs);
  out.single("gslb_fleet_sync_failures_total", "counter",
             "failed exchanges with etcd or failed applies", s.failures);
  return out.take();
}

}  // namespace admin::fleet
