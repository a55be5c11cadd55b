// What every gslbadm command shares: the global flags, opening the store, the audit actor,
// and how results and errors are printed (exit codes 0 ok, 1 refused, 2 usage).
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "admin/gslbadm/api_client.h"
#include "zones/db.h"
#include "zones/result.h"

namespace gslbadm {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsage = 2;

struct Context {
  std::string db_path;       // --db, or $GSLB_DB
  bool json = false;         // --json
  std::function<int()> run;  // set by the chosen command while parsing
  bool needs_store = true;   // false: the command reads neither --db nor --api (completion)
  std::string command;       // "zone import": the chosen command, for messages
  // --api URL (or $GSLB_API): set, the commands go through gslbd's admin API instead of
  // opening the store.
  std::shared_ptr<ApiClient> api;
};

// Opens the store and brings its schema up to date. `create` is for `init` only: other
// commands refuse a file that is missing or was never initialised. With --api it refuses:
// only the local backend and `init` (which creates a store) call it ("init needs --db ...").
zones::Result<zones::Db> open_store(const Context& ctx, bool create);

// "local:<unix user>": who the audit log says made a change from this CLI.
std::string local_actor();

// Prints "error: <where>: <message>" to stderr, one line per problem; returns kExitRefused.
// An admin API error (where == kApiWhere) prints as "gslbadm: <error> (field: <field>)".
int report(const zones::Error& error);

// Prints `value` as indented JSON on stdout; returns kExitOk.
int print_json(const nlohmann::json& value);

}  // namespace gslbadm
