// The --etcd* flags on a command line (gslbd, gslb-healthd, gslbadm fleet seed): kept apart
// from fleet_node.h so that only the programs' flag parsing includes CLI11.
#pragma once

#include <CLI/CLI.hpp>

#include "admin/fleet/fleet_node.h"

namespace admin::fleet {

void add_fleet_flags(CLI::App& app, FleetFlags& flags);

}  // namespace admin::fleet
