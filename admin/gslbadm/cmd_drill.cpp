// gslbadm drill start|list|show|abort: failover drills (docs/drills.md), in the store or
// through the admin API; human output in drill_text.h, --json as the API answers.
#include <iostream>
#include <memory>

#include "admin/gslbadm/backend.h"
#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/drill_text.h"
#include "zones/clock.h"

namespace gslbadm {
namespace {

int run_drill_start(const Context& ctx, const zones::DrillSpec& spec) {
  auto started = make_backend(ctx)->start_drill(spec);
  if (!started) return report(started.error());
  if (ctx.json) return print_json(*started);
  print_drill_started(std::cout, *started);
  return kExitOk;
}

int run_drill_list(const Context& ctx, int64_t limit) {
  auto listed = make_backend(ctx)->list_drills(limit);
  if (!listed) return report(listed.error());
  if (ctx.json) return print_json(*listed);
  print_drill_list(std::cout, listed->value("drills", nlohmann::json::array()), zones::unix_ms());
  return kExitOk;
}

int run_drill_show(const Context& ctx, int64_t id) {
  auto drill = make_backend(ctx)->get_drill(id);
  if (!drill) return report(drill.error());
  if (ctx.json) return print_json(*drill);
  print_drill(std::cout, *drill, zones::unix_ms());
  return kExitOk;
}

int run_drill_abort(const Context& ctx, int64_t id) {
  auto ended = make_backend(ctx)->abort_drill(id);
  if (!ended) return report(ended.error());
  if (ctx.json) return print_json(*ended);
  std::cout << "aborted drill " << id << " (" << ended->value("action", "") << " "
            << ended->value("target", "") << ")\n";
  return kExitOk;
}

void add_start(CLI::App& drill, Context& ctx) {
  auto spec = std::make_shared<zones::DrillSpec>();
  auto* cmd = add_command(drill, "start", "start a drill: treat a target as failed or drained");
  cmd->add_option("--target", spec->target, "pool/NAME, region/NAME or member/POOL/ADDRESS")
      ->required();
  cmd->add_option("--action", spec->action,
                  "fail (down: failover, degraded TTL) or drain (out of answers, not down)")
      ->required()
      ->check(CLI::IsMember({"fail", "drain"}));
  cmd->add_option("--duration", spec->duration, "how long, 10s .. 7d: e.g. 90s, 10m, 1h")
      ->required();
  cmd->add_option("--note", spec->note, "why, for the drill list and the audit log");
  cmd->add_flag("--allow-total-outage", spec->allow_total_outage,
                "run it even if it leaves a service with no usable pool");
  cmd->add_flag("--dry-run", spec->dry_run,
                "only show which answers would change, per service and client region");
  on_run(cmd, ctx, [&ctx, spec] { return run_drill_start(ctx, *spec); });
}

void add_by_id(CLI::App& drill, Context& ctx, const char* name, const char* help,
               int (*run)(const Context&, int64_t)) {
  auto id = std::make_shared<int64_t>(0);
  auto* cmd = add_command(drill, name, help);
  cmd->add_option("id", *id, "the drill's id (see drill list)")
      ->required()
      ->check(CLI::PositiveNumber);
  on_run(cmd, ctx, [&ctx, id, run] { return run(ctx, *id); });
}

}  // namespace

void add_drill_commands(CLI::App& app, Context& ctx) {
  auto* drill = add_command(app, "drill", "failover drills: start, list, show, abort");
  drill->require_subcommand(1);
  add_start(*drill, ctx);
  auto limit = std::make_shared<int64_t>(20);
  auto* list = add_command(*drill, "list", "the newest drills, newest first");
  list->add_option("--limit", *limit, "how many (1..1000)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000}))
      ->capture_default_str();
  on_run(list, ctx, [&ctx, limit] { return run_drill_list(ctx, *limit); });
  add_by_id(*drill, ctx, "show", "a drill and its report", run_drill_show);
  add_by_id(*drill, ctx, "abort", "end a running drill now", run_drill_abort);
}

}  // namespace gslbadm
