// gslbadm record add|list|delete: static records of a zone.
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/table.h"
#include "zones/json.h"
#include "zones/records.h"
#include "zones/store.h"
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

std::optional<std::string_view> given(const std::string& flag) {
  if (flag.empty()) return std::nullopt;
  return flag;
}

int run_add(const Context& ctx, const RecordFlags& f) {
  std::optional<int64_t> ttl;
  if (!f.ttl.empty()) {
    auto parsed = zones::parse_ttl(f.ttl, "record.ttl");
    if (!parsed) return report(parsed.error());
    ttl = *parsed;
  }
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  zones::Store store(*db);
  auto record = store.add_record(f.zone, f.owner, f.type, ttl, joined(f.rdata), local_actor());
  if (!record) return report(record.error());
  if (ctx.json) return print_json(zones::record_json(*record));
  std::cout << "added " << record->owner << " " << record->ttl << " "
            << zones::type_name(record->type) << " " << record->rdata_text << "\n";
  return kExitOk;
}

int run_list(const Context& ctx, const ListFlags& f) {
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  auto records = zones::Store(*db).list_records(f.zone, given(f.owner), given(f.type));
  if (!records) return report(records.error());
  if (ctx.json) return print_json(zones::records_json(*records));
  std::vector<Row> rows;
  for (const auto& r : *records) {
    rows.push_back({r.owner, std::to_string(r.ttl), zones::type_name(r.type), r.rdata_text});
  }
  print_table(std::cout, {"OWNER", "TTL", "TYPE", "RDATA"}, rows);
  return kExitOk;
}

int run_delete(const Context& ctx, const RecordFlags& f) {
  auto db = open_store(ctx, false);
  if (!db) return report(db.error());
  zones::Store store(*db);
  std::string rdata = joined(f.rdata);
  auto deleted = store.delete_records(f.zone, f.owner, f.type, given(rdata), local_actor());
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
  add_cmd->callback([&ctx, add] { ctx.run = [&ctx, add] { return run_add(ctx, *add); }; });

  auto del = std::make_shared<RecordFlags>();
  auto* del_cmd = add_target(*record, "delete", "delete an RRset, or one record of it", *del);
  del_cmd->add_option("rdata", del->rdata, "only the record with this data");
  del_cmd->callback([&ctx, del] { ctx.run = [&ctx, del] { return run_delete(ctx, *del); }; });

  auto list = std::make_shared<ListFlags>();
  auto* list_cmd = record->add_subcommand("list", "list a zone's records in canonical order");
  list_cmd->fallthrough();
  list_cmd->add_option("zone", list->zone, "the zone apex")->required();
  list_cmd->add_option("--owner", list->owner, "only this owner");
  list_cmd->add_option("--type", list->type, "only this type");
  list_cmd->callback([&ctx, list] { ctx.run = [&ctx, list] { return run_list(ctx, *list); }; });
}

}  // namespace gslbadm
