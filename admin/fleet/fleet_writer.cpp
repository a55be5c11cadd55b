// Fleet mode's write path (see fleet_writer.h).
#include "admin/fleet/fleet_writer.h"

#include <map>

#include <nlohmann/json.hpp>

#include "admin/fleet/fleet_keys.h"
#include "admin/fleet/fleet_objects.h"
#include "admin/fleet/fleet_state.h"
#include "zones/clock.h"

namespace admin::fleet {
namespace {

using zones::ErrorCode;

// How long a write waits for this node's syncer: to catch up before it runs, and to apply
// it once etcd has it.
constexpr int kCatchUpMs = 2000;

std::string nothing_written(const std::string& why) {
  return why + "; nothing was written";
}

// "by ops at revision 57: pool/us-east, service/www.example.com." from a marker's value.
std::string described_marker(const std::string& value, int64_t revision) {
  const auto j = nlohmann::json::parse(value, nullptr, false);
  std::string text = "revision " + std::to_string(revision);
  if (!j.is_object()) return text;
  text += " by " + j.value("by", std::string("?"));
  const auto objects = j.value("objects", nlohmann::json::array());
  if (!objects.empty()) {
    text += " (";
    for (size_t i = 0; i < objects.size() && i < 5; ++i) {
      text += (i ? ", " : "") + objects[i].get<std::string>();
    }
    if (objects.size() > 5) text += ", ...";
    text += ")";
  }
  return text;
}

}  // namespace

std::vector<std::string> changed_keys(const std::map<std::string, std::string>& before,
                                      const std::map<std::string, std::string>& after) {
  std::vector<std::string> out;
  for (const auto& [key, value] : after) {
    auto found = before.find(key);
    if (found == before.end() || found->second != value) out.push_back(key);
  }
  for (const auto& [key, value] : before) {
    if (!after.contains(key)) out.push_back(key);
  }
  std::sort(out.begin(), out.end());
  return out;
}

FleetWriter::FleetWriter(EtcdSettings etcd, std::string prefix, std::string db_path,
                         const Syncer& syncer)
    : etcd_(std::move(etcd)),
      prefix_(canonical_prefix(prefix)),
      db_path_(std::move(db_path)),
      syncer_(syncer) {}

zones::Result<int64_t> FleetWriter::current_marker(EtcdClient& client) {
  auto marker = client.get(prefix_ + std::string(kWriteMarker));
  if (!marker) {
    return zones::fail(ErrorCode::kBusy, "etcd",
                       nothing_written("etcd cannot take writes now: " + marker.error().message));
  }
  if (marker->kvs.empty()) {
    return zones::fail(ErrorCode::kConflict, "etcd",
                       nothing_written("etcd holds no gslb configuration under " + prefix_ +
                                       " yet: seed it first (gslbadm fleet seed)"));
  }
  return marker->kvs.front().mod_revision;
}

zones::Result<WriteReceipt> FleetWriter::write(std::string_view actor,
                                               std::optional<int64_t> if_revision,
                                               const std::function<bool(zones::Db&)>& run) {
  EtcdClient client(etcd_);
  auto latest = current_marker(client);
  if (!latest) return std::unexpected(latest.error());
  if (if_revision && *if_revision != *latest) {
    return zones::fail(
        ErrorCode::kConflict, "If-Match",
        nothing_written("the configuration is at revision " + std::to_string(*latest) + ", not " +
                        std::to_string(*if_revision) + ": read it again"));
  }
  if (!syncer_.wait_for_config(*latest, kCatchUpMs)) {
    return zones::fail(
        ErrorCode::kBusy, "etcd",
        nothing_written("this node has not applied etcd's configuration revision " +
                        std::to_string(*latest) + " yet (it has " +
                        std::to_string(syncer_.status().config_revision) + "): retry"));
  }
  std::map<std::string, std::string> before, after;
  int64_t base = 0;
  auto ran = run_and_roll_back(run, before, after, base);
  if (!ran) return std::unexpected(ran.error());
  if (!*ran) return WriteReceipt{};
  return commit(client, actor, base, before, after);
}

// The write runs inside a transaction that is always rolled back (before etcd is asked: the
// syncer must be free to apply it): the node's store changes only through its syncer.
zones::Result<bool> FleetWriter::run_and_roll_back(const std::function<bool(zones::Db&)>& run,
                                                   std::map<std::string, std::string>& before,
                                                   std::map<std::string, std::string>& after,
                                                   int64_t& base) {
  zones::DbOptions options;
  options.mode = zones::OpenMode::kExisting;
  auto db = zones::Db::open(db_path_, options);
  if (!db) return std::unexpected(db.error());
  // Never committed: leaving this function rolls the write back.
  auto tx = zones::Transaction::begin(*db, zones::TxMode::kWrite);
  if (!tx) return std::unexpected(tx.error());
  auto state = read_fleet_state(*db);
  if (!state) return std::unexpected(state.error());
  base = *state ? (*state)->config_revision : 0;
  auto exported = export_objects(*db);
  if (!exported) return std::unexpected(exported.error());
  before = std::move(*exported);
  if (!run(*db)) return false;
  exported = export_objects(*db);
  if (!exported) return std::unexpected(exported.error());
  after = std::move(*exported);
  return true;
}

zones::Result<WriteReceipt> FleetWriter::commit(EtcdClient& client, std::string_view actor,
                                                int64_t base,
                                                const std::map<std::string, std::string>& before,
                                                const std::map<std::string, std::string>& after) {
  WriteReceipt receipt;
  receipt.ran = true;
  receipt.objects = changed_keys(before, after);
  if (receipt.objects.empty()) return receipt;
  std::vector<TxnOp> ops;
  for (const std::string& key : receipt.objects) {
    auto found = after.find(key);
    ops.push_back(
        {prefix_ + key, found == after.end() ? std::nullopt : std::optional(found->second), 0});
  }
  const std::string marker_key = prefix_ + std::string(kWriteMarker);
  nlohmann::json marker = {{"by", std::string(actor)}, {"at_ms", zones::unix_ms()}};
  for (const std::string& key : receipt.objects) {
    marker["objects"].push_back(key.substr(kConfigDir.size()));
  }
  const std::string marker_text = marker.dump();
  ops.push_back({marker_key, marker_text, 0});
  auto done = client.txn({{marker_key, base}}, ops);
  if (!done) {
    zones::Error error = done.error();
    error.message = nothing_written("etcd refused the write: " + error.message);
    return std::unexpected(error);
  }
  int64_t revision = done->revision;
  if (!done->succeeded) {
    auto now = client.get(marker_key);
    const bool found = now && !now->kvs.empty();
    // A try that timed out may have landed before the client tried again: the marker is
    // then this write's own.
    if (!found || now->kvs.front().value != marker_text) {
      const std::string who =
          found ? described_marker(now->kvs.front().value, now->kvs.front().mod_revision)
                : "another write";
      return zones::fail(
          ErrorCode::kConflict, "etcd",
          nothing_written("conflict: the configuration changed since revision " +
                          std::to_string(base) + " (" + who + "): read it again and retry"));
    }
    revision = now->kvs.front().mod_revision;
  }
  receipt.changed = true;
  receipt.revision = revision;
  // Read-your-writes on this node; a slow syncer does not undo the write, which is in etcd.
  (void)syncer_.wait_for_config(revision, kCatchUpMs);
  return receipt;
}

}  // namespace admin::fleet
