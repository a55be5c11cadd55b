// Where gslbadm's commands read and write: the store itself (--db, LocalBackend) or gslbd's
// admin API (--api, ApiBackend). Both answer in the same shapes, so every command has one
// code path and prints the same tables and --json in both modes: GSLB objects as a
// GslbConfig edited by the command's own Edit (validated whole by the store either way),
// drills, the audit log, zones and records as the admin API's JSON; apply plans as
// zones::Plan and config files as their text.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin/config_file.h"
#include "admin/explain.h"
#include "admin/gslbadm/context.h"
#include "admin/gslbadm/gslb_edit.h"
#include "zones/drills.h"
#include "zones/gslb_store.h"
#include "zones/result.h"

namespace gslbadm {

// A config document as `apply -f` read it.
struct ConfigSource {
  std::string text;
  admin::ConfigFormat format = admin::ConfigFormat::kYaml;  // never kAuto
  std::string name;      // for messages: "gslb.yaml:14: ...", "<stdin>:3: ..."
  std::string base_dir;  // what its zones' `file:` paths are relative to
};

// `gslbadm zone add`: the zone and its SOA as the flags give them (store.h create_zone).
struct ZoneSpec {
  std::string name;
  std::vector<std::string> ns;
  zones::SoaFields soa;
  uint32_t ttl = 3600, soa_ttl = 3600;
};

// One RRset (no rdata) or one record of it.
struct RecordSpec {
  std::string zone, owner, type;
  std::optional<int64_t> ttl;  // add only: without it the RRset's, else the zone's
  std::string rdata;           // delete: "" for the whole RRset
};

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

  // Zones as GET /v1/zones[/{zone}] shows them: zone_json with its record_count.
  virtual zones::Result<nlohmann::json> create_zone(const ZoneSpec& zone) = 0;
  // Creates the zone of a zone file or replaces its contents; `origin` "" = the SOA owner's.
  virtual zones::Result<nlohmann::json> import_zone(const std::string& path,
                                                    const std::string& origin) = 0;
  virtual zones::Result<nlohmann::json> list_zones() = 0;
  virtual zones::Result<nlohmann::json> get_zone(const std::string& name) = 0;
  virtual zones::Result<std::string> delete_zone(const std::string& name) = 0;  // the apex gone
  virtual zones::Result<std::string> zone_file(const std::string& name) = 0;    // format_zone
  // Records as record_json, in canonical order; owner and type "" = any.
  virtual zones::Result<nlohmann::json> list_records(const RecordSpec& filter) = 0;
  virtual zones::Result<nlohmann::json> add_record(const RecordSpec& record) = 0;
  virtual zones::Result<int64_t> delete_records(const RecordSpec& records) = 0;  // how many

  // As `apply -f` (GslbStore::apply, zones included): the plan; refusals placed in the file.
  virtual zones::Result<zones::Plan> apply(const ConfigSource& source,
                                           const zones::ApplyOptions& options) = 0;
  // The whole store as a config file (emit_config).
  virtual zones::Result<std::string> export_config(admin::ConfigFormat format) = 0;
};

// The API backend when --api was given, else the store at --db (opened per call).
std::unique_ptr<Backend> make_backend(const Context& ctx);
std::unique_ptr<Backend> make_local_backend(const Context& ctx);
std::unique_ptr<Backend> make_api_backend(ApiClient& api);

}  // namespace gslbadm
