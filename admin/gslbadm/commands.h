// The gslbadm command groups; each adds its subcommands to the app (main.cpp wires them).
#pragma once

#include <CLI/CLI.hpp>

#include "admin/gslbadm/context.h"

namespace gslbadm {

void add_init_command(CLI::App& app, Context& ctx);
void add_zone_commands(CLI::App& app, Context& ctx);
void add_zone_file_commands(CLI::App& zone, Context& ctx);  // zone import / zone export
void add_record_commands(CLI::App& app, Context& ctx);
// GSLB objects: load, edit a copy, GslbStore::apply (gslb_edit.h).
void add_region_commands(CLI::App& app, Context& ctx);
void add_monitor_commands(CLI::App& app, Context& ctx);
void add_pool_commands(CLI::App& app, Context& ctx);
void add_member_commands(CLI::App& app, Context& ctx);
void add_service_commands(CLI::App& app, Context& ctx);
void add_geomap_commands(CLI::App& app, Context& ctx);
void add_override_commands(CLI::App& app, Context& ctx);
void add_health_command(CLI::App& app, Context& ctx);
void add_explain_command(CLI::App& app, Context& ctx);
void add_apply_command(CLI::App& app, Context& ctx);   // apply -f FILE (config_file.h)
void add_export_command(CLI::App& app, Context& ctx);  // export: the store as a config file
void add_drill_commands(CLI::App& app, Context& ctx);  // drill start|list|show|abort
void add_audit_command(CLI::App& app, Context& ctx);   // audit: who changed what
// fleet seed (etcd, docs/fleet.md) and status (gslbd or the store, with the fleet state)
void add_fleet_commands(CLI::App& app, Context& ctx);
// completion bash|zsh: a completion script generated from `app`'s command tree.
void add_completion_command(CLI::App& app, Context& ctx);

}  // namespace gslbadm
