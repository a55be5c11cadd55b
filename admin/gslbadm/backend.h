// Where gslbadm's commands read and write: the store itself (--db, LocalBackend) or gslbd's
// admin API (--api, ApiBackend). Both answer in the same shapes, so every command has one
// code path and prints the same tables and --json in both modes: GSLB objects as a
// GslbConfig edited by the command's own Edit (validated whole by the store either way),
// drills and the audit log as the admin API's JSON.
#pragma once

#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include "admin/explain.h"
#include "admin/gslbadm/context.h"
#include "admin/gslbadm/gslb_edit.h"
#include "zones/drills.h"
#include "zones/gslb_store.h"
#include "zones/result.h"

namespace gslbadm {

class Backend {
 public:
  virtual ~Backend() = default;

  // The configuration and, when asked, every health row and heartbeat.
  virtual zones::Result<Stored> load(bool with_health) = 0;
  // Runs `edit` on the configuration and writes the result; the plan written (empty: no
  // change). The edit's own refusals come back as they are; the store's name objects as
  // the command line does ("member/us-east/192.0.2.300 address: ...").
  virtual zones::Result<zones::Plan> edit(const Edit& edit) = 0;
  // The API ignores the request's geoip, ECS limits and quorum: gslbd's own apply.
  virtual zones::Result<admin::ExplainResult> explain(const admin::ExplainRequest& request) = 0;

  // As POST /v1/drills: drill_json + services_out; a dry run adds dry_run and the changes.
  virtual zones::Result<nlohmann::json> start_drill(const zones::DrillSpec& spec) = 0;
  virtual zones::Result<nlohmann::json> list_drills(int64_t limit) = 0;  // {"drills": [...]}
  virtual zones::Result<nlohmann::json> get_drill(int64_t id) = 0;       // drill_json + running
  virtual zones::Result<nlohmann::json> abort_drill(int64_t id) = 0;
  // As GET /v1/audit: newest first, {id, at_ms, actor, action, object, before, after}.
  virtual zones::Result<nlohmann::json> audit(int64_t limit) = 0;
};

// The API backend when --api was given, else the store at --db (opened per call).
std::unique_ptr<Backend> make_backend(const Context& ctx);
std::unique_ptr<Backend> make_local_backend(const Context& ctx);
std::unique_ptr<Backend> make_api_backend(ApiClient& api);

// An audit row's before/after text as JSON again: null when empty, the text itself when
// it is not JSON.
nlohmann::json audit_object_json(const std::string& text);

}  // namespace gslbadm
