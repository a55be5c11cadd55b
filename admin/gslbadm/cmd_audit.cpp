// gslbadm audit: the newest changes, newest first: when, who ("local:<user>" for gslbadm
// with --db, the token's name through the API), what and which object; with --diff the
// object's JSON before and after.
#include <iostream>
#include <memory>

#include "admin/gslbadm/backend.h"
#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/table.h"

namespace gslbadm {
namespace {

using nlohmann::json;

struct AuditFlags {
  int64_t limit = 20;
  bool diff = false;
};

Row entry_row(const json& e) {
  return {std::to_string(e.value("id", int64_t{0})), utc_text(e.value("at_ms", int64_t{0})),
          field_text(e, "actor"), field_text(e, "action"), field_text(e, "object")};
}

// One block per entry: its row, then the object's JSON before and after.
void print_diffs(const json& entries) {
  for (const json& e : entries) {
    const Row row = entry_row(e);
    std::cout << "#" << row[0] << " " << row[1] << " " << row[2] << " " << row[3] << " " << row[4]
              << "\n";
    for (const char* side : {"before", "after"}) {
      const json object = e.value(side, json());
      std::cout << "  " << side << ": " << (object.is_null() ? "-" : object.dump()) << "\n";
    }
  }
}

int run_audit(const Context& ctx, const AuditFlags& f) {
  auto entries = make_backend(ctx)->audit(f.limit);
  if (!entries) return report(entries.error());
  if (ctx.json) return print_json(*entries);
  if (f.diff) {
    print_diffs(*entries);
    return kExitOk;
  }
  std::vector<Row> rows;
  for (const json& e : *entries) rows.push_back(entry_row(e));
  print_table(std::cout, {"ID", "WHEN", "WHO", "ACTION", "OBJECT"}, rows);
  return kExitOk;
}

}  // namespace

void add_audit_command(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<AuditFlags>();
  auto* cmd = add_command(app, "audit", "who changed what, newest first");
  cmd->add_option("--limit", flags->limit, "how many entries (1..1000)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000}))
      ->capture_default_str();
  cmd->add_flag("--diff,-v", flags->diff, "also print each object's JSON before and after");
  on_run(cmd, ctx, [&ctx, flags] { return run_audit(ctx, *flags); });
}

}  // namespace gslbadm
