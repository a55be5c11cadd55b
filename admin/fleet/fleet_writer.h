// Fleet mode's write path. A write (an admin API request) runs exactly as on a single node
// — the same handler, validation and store code — but inside a transaction on the node's
// store that is then rolled back: what it would have changed is read off as etcd objects
// (export before and after, compared) and put to etcd in one transaction that also puts
// the write marker and holds only if the marker is still at the revision this node's store
// was at. So writes are serialised across the fleet: one that raced another, or was based
// on an older view (If-Match), is refused as a conflict and nothing is written; etcd
// without quorum refuses it whole. Once etcd took it, the writer waits for its own syncer
// to apply it, so a read on the same node right after sees the write.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/fleet/etcd_client.h"
#include "admin/fleet/syncer.h"
#include "zones/db.h"
#include "zones/result.h"

namespace admin::fleet {

struct WriteReceipt {
  bool ran = false;                  // the write itself succeeded (else nothing went to etcd)
  bool changed = false;              // it changed something, now in etcd
  int64_t revision = 0;              // etcd's revision after it (changed only)
  std::vector<std::string> objects;  // keys put or deleted
};

class FleetWriter {
 public:
  // `syncer` is this node's (it must outlive the writer).
  FleetWriter(EtcdSettings etcd, std::string prefix, std::string db_path, const Syncer& syncer);

  // Runs `write` on the store connection given (it returns whether it succeeded) and
  // writes its effect to etcd. `if_revision`: the configuration revision the caller based
  // the write on; kConflict unless it is still the current one. Errors: kConflict (another
  // write came first), kBusy (etcd unreachable or without quorum; this node behind etcd),
  // kInvalid (etcd refused the transaction, e.g. too many objects).
  zones::Result<WriteReceipt> write(std::string_view actor, std::optional<int64_t> if_revision,
                                    const std::function<bool(zones::Db&)>& write);

  const std::string& prefix() const { return prefix_; }

 private:
  zones::Result<int64_t> current_marker(EtcdClient& client);
  zones::Result<bool> run_and_roll_back(const std::function<bool(zones::Db&)>& run,
                                        std::map<std::string, std::string>& before,
                                        std::map<std::string, std::string>& after, int64_t& base);
  zones::Result<WriteReceipt> commit(EtcdClient& client, std::string_view actor, int64_t base,
                                     const std::map<std::string, std::string>& before,
                                     const std::map<std::string, std::string>& after);

  EtcdSettings etcd_;
  std::string prefix_;
  std::string db_path_;
  const Syncer& syncer_;
};

// The objects that differ between `before` and `after` (changed, added or removed keys).
std::vector<std::string> changed_keys(const std::map<std::string, std::string>& before,
                                      const std::map<std::string, std::string>& after);

}  // namespace admin::fleet
