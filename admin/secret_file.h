// A one-line secret in a file (gslbadm --token-file, --etcd-password-file): refused when
// group or others may access it, as ssh refuses such a private key; surrounding whitespace
// is not part of the secret.
#pragma once

#include <string>

#include "zones/result.h"

namespace admin {

// `flag` names the file in errors ("--token-file /etc/gslb/token").
zones::Result<std::string> read_secret_file(const std::string& path, const std::string& flag);

}  // namespace admin
