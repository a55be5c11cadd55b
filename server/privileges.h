// --user: gslbd binds its DNS sockets as root (port 53 is privileged), then
// becomes an ordinary account before it opens the store, the GeoIP file, the
// tokens file or the admin API's socket, so a flaw in the query path or the
// API cannot act as root. Without --user, run it unprivileged with
// CAP_NET_BIND_SERVICE (docs/operations.md).
#pragma once

#include <string>

#include "zones/result.h"

namespace server {

// Becomes `user` (by name or numeric uid): its primary group, no supplementary
// groups, then its uid, and checks that root cannot be regained. When not
// running as root, only the current user itself is accepted (a no-op).
zones::Result<void> drop_privileges(const std::string& user);

}  // namespace server
