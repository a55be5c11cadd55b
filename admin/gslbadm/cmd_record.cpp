// gslbadm record add|list|delete: static records of a zone, on the store or through the admin
// API (backend.h).
#include <iostream>
#include <memory>

#include "admin/gslbadm/backend.h"
#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/table.h"
#include "zones/validate.h"

namespace gslbadm {
namespace {

struct RecordFlags {
  std::string zone, owner, type;
  std::vector<std::string> rdata;  // words, joined by spaces: `MX 10 mail` needs no quoting
  std::string ttl;
};

struct ListFlags {
  std::string zone, owner, type;
};

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& w : words) text += (text.empty() ? "" : " ") + w;
  return text;
}

RecordSpec spec_of(const std::string& zone, const std::string& owner, const std::string& type,
                   const std::string& rdata = "") {
  RecordSpec spec;
  spec.zone = zone;
  spec.owner = owner;
  spec.type = type;
  spec.rdata = rdata;
  return spec;
}

int run_record_add(const Context& ctx, const RecordFlags& f) {
  RecordSpec spec = spec_of(f.zone, f.owner, f.type, joined(f.rdata));
  if (!f.ttl.empty()) {
    auto parsed = zones::parse_ttl(f.ttl, "record.ttl");
    if (!parsed) return report(parsed.error());
    spec.ttl = *parsed;
  }
  auto record = make_backend(ctx)->add_record(spec);
  if (!record) return report(record.error());
  if (ctx.json) return print_json(*record);
  std::cout << "added " << record->value("owner", "") << " " << (*record)["ttl"].dump() << " "
            << record->value("type", "") << " " << record->value("rdata", "") << "\n";
  return kExitOk;
}

int run_record_list(const Context& ctx, const ListFlags& f) {
  auto records = make_backend(ctx)->list_records(spec_of(f.zone, f.owner, f.type));
  if (!records) return report(records.error());
  if (ctx.json) return print_json(*records);
  std::vector<Row> rows;
  for (const nlohmann::json& r : *records) {
    rows.push_back(
        {r.value("owner", ""), r["ttl"].dump(), r.value("type", ""), r.value("rdata", "")});
  }
  print_table(std::cout, {"OWNER", "TTL", "TYPE", "RDATA"}, rows);
  return kExitOk;
}

int run_record_delete(const Context& ctx, const RecordFlags& f) {
  auto deleted =
      make_backend(ctx)->delete_records(spec_of(f.zone, f.owner, f.type, joined(f.rdata)));
  if (!deleted) return report(deleted.error());
  if (ctx.json) return print_json({{"deleted", *deleted}});
  std::cout << "deleted " << *deleted << (*deleted == 1 ? " record\n" : " records\n");
  return kExitOk;
}

CLI::App* add_target(CLI::App& record, const char* name, const char* help, RecordFlags& f) {
  auto* cmd = record.add_subcommand(name, help);
  cmd->fallthrough();
  cmd->add_option("zone", f.zone, "the zone apex")->required();
  cmd->add_option("owner", f.owner,
                  "relative to the zone, @ for the apex, or absolute with a trailing dot")
      ->required();
  cmd->add_option("type", f.type, "A, AAAA, MX, ... or TYPEnnn")->required();
  return cmd;
}

}  // namespace

void add_record_commands(CLI::App& app, Context& ctx) {
  auto* record = app.add_subcommand("record", "static records: add, list, delete");
  record->fallthrough();
  record->require_subcommand(1);

  auto add = std::make_shared<RecordFlags>();
  auto* add_cmd = add_target(*record, "add", "add one record", *add);
  add_cmd->add_option("rdata", add->rdata, "the record data, e.g. 10 mail")->required();
  add_cmd->add_option("--ttl", add->ttl, "seconds (default: the RRset's, else the zone's)");
  add_cmd->callback([&ctx, add] { ctx.run = [&ctx, add] { return run_record_add(ctx, *add); }; });

  auto del = std::make_shared<RecordFlags>();
  auto* del_cmd = add_target(*record, "delete", "delete an RRset, or one record of it", *del);
  del_cmd->add_option("rdata", del->rdata, "only the record with this data");
  del_cmd->callback(
      [&ctx, del] { ctx.run = [&ctx, del] { return run_record_delete(ctx, *del); }; });

  auto list = std::make_shared<ListFlags>();
  auto* list_cmd = record->add_subcommand("list", "list a zone's records in canonical order");
  list_cmd->fallthrough();
  list_cmd->add_option("zone", list->zone, "the zone apex")->required();
  list_cmd->add_option("--owner", list->owner, "only this owner");
  list_cmd->add_option("--type", list->type, "only this type");
  list_cmd->callback(
      [&ctx, list] { ctx.run = [&ctx, list] { return run_record_list(ctx, *list); }; });
}

}  // namespace gslbadm
