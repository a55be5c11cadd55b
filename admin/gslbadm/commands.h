// The gslbadm command groups; each adds its subcommands to the app (main.cpp wires them).
#pragma once

#include <CLI/CLI.hpp>

#include "admin/gslbadm/context.h"

namespace gslbadm {

void add_init_command(CLI::App& app, Context& ctx);
void add_zone_commands(CLI::App& app, Context& ctx);
void add_zone_file_commands(CLI::App& zone, Context& ctx);  // zone import / zone export
void add_record_commands(CLI::App& app, Context& ctx);

}  // namespace gslbadm
