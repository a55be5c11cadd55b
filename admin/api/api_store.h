// What the resource handlers share: a store connection per request, the one write path for
// GSLB objects (GslbStore::edit as the request's actor), and the store's or the config
// parser's problems renamed relative to the object the request was about.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "admin/api/routes.h"
#include "admin/explain.h"
#include "zones/db.h"
#include "zones/gslb_model.h"
#include "zones/gslb_store.h"
#include "zones/result.h"

namespace admin::api {

// A connection of the request's own: handlers run on several HTTP threads at once. Inside a
// RequestDbScope on this thread, that scope's connection instead.
zones::Result<zones::Db> open_db(const ApiContext& context);

// While alive, open_db on this thread hands out `db`'s connection: fleet mode runs a write
// handler inside a transaction it then rolls back (fleet_write.h).
class RequestDbScope {
 public:
  explicit RequestDbScope(zones::Db& db);
  ~RequestDbScope();
  RequestDbScope(const RequestDbScope&) = delete;
  RequestDbScope& operator=(const RequestDbScope&) = delete;

 private:
  zones::Db* previous_;
};
// An explain question about `name` answered with gslbd's own settings (GeoIP database, ECS
// caps, health quorum), as /v1/explain and the status page ask it.
ExplainRequest gslbd_explain_request(const ApiContext& context, const std::string& name);

zones::Result<zones::GslbConfig> load_gslb(const ApiContext& context);

// Edits the stored configuration under GslbStore::edit (validated whole, audited as
// request.actor, one write lock), then tells gslbd (context.config_written). `change` sets
// `focus` to the edited object's path in the desired state ("pools[3]"), so that the store's
// problems with it are reported by the body's own field names ("members[1].address"). An
// error returned by `change` itself is passed on as is.
using GslbChange = std::function<zones::Result<void>(zones::GslbConfig&, std::string& focus)>;
zones::Result<zones::Plan> edit_gslb(const ApiContext& context, const ApiRequest& request,
                                     const GslbChange& change);

// Called after every successful write that did not go through edit_gslb.
void written(const ApiContext& context);

// `error`'s problems ("path: message", one per line) with `focus` taken off the paths that
// start with it; problems elsewhere name their object ("service/www.example.com. ...") when
// `desired` holds it. A single problem keeps its field in `where`, as error_response wants.
zones::Error relative_to(const zones::Error& error, std::string_view focus,
                         const zones::GslbConfig* desired = nullptr);

// Parses `object` as the one item of the config file's list `list` ("pools"), with the
// config file parser itself, so the API accepts exactly what `gslbadm apply` accepts.
// Problems are named by the object's own fields.
zones::Result<zones::GslbConfig> parse_as(std::string_view list, const nlohmann::json& object);
// The same for a whole config document whose object of interest is at `focus`
// ("pools[0].members[0]" for a member wrapped in its pool).
zones::Result<zones::GslbConfig> parse_document(const nlohmann::json& document,
                                                std::string_view focus);

// "pool/x: not found" (404) and "pool/x: already exists" (409), with no field to blame.
zones::Error not_found(const std::string& object);
zones::Error already_exists(const std::string& object);

// Names and addresses spelled as the store keeps them (zones::normalise_gslb, the store's
// own rule): "WWW.Example.com" -> "www.example.com.", "2001:DB8::0010" -> "2001:db8::10".
std::string stored_service_name(std::string_view text);
std::string stored_address(std::string_view text);
std::string stored_network(std::string_view text);

ApiResponse json_response(int status, nlohmann::json body);
// The query or path parameter `name`, or "" when absent.
std::string param(const ApiRequest& request, const std::string& name);

}  // namespace admin::api
