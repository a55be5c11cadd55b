// gslbadm service add|set|list|show|delete and service pool add|set|delete: GSLB names, their
// policy and the pools they answer from (geo maps are in cmd_geomap.cpp).
#include <charconv>
#include <iostream>
#include <memory>
#include <optional>

#include "admin/gslbadm/commands.h"
#include "admin/gslbadm/gslb_edit.h"
#include "admin/gslbadm/table.h"
#include "zones/gslb_json.h"

namespace gslbadm {
namespace {

struct ServiceFlags {
  std::string name;
  std::optional<std::string> policy, when_all_down, when_unknown, affinity;
  std::optional<uint32_t> ttl, degraded_ttl, max_answers, tolerance_ms;
  std::optional<double> load_threshold;
  std::vector<std::string> fallback, pools, geo;
  CLI::Option* fallback_flag = nullptr;
  CLI::Option* pools_flag = nullptr;
  CLI::Option* geo_flag = nullptr;
};

struct LinkFlags {
  std::string service, pool;
  std::optional<int32_t> priority;
  std::optional<uint32_t> weight;
  std::optional<double> bias;
};

template <typename T>
bool parse_number(std::string_view text, T& value) {
  if (text.empty()) return true;  // an empty field keeps the default
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

// "POOL[:priority[:weight[:bias]]]"; empty fields keep their defaults ("eu::2" = weight 2).
std::optional<zones::ServicePool> parse_link(std::string_view text) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  zones::ServicePool link;
  link.pool = std::string(parts[0]);
  if (link.pool.empty() || parts.size() > 4) return std::nullopt;
  if (parts.size() > 1 && !parse_number(parts[1], link.priority)) return std::nullopt;
  if (parts.size() > 2 && !parse_number(parts[2], link.weight)) return std::nullopt;
  if (parts.size() > 3 && !parse_number(parts[3], link.bias_km)) return std::nullopt;
  return link;
}

CLI::Validator link_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (parse_link(text)) return {};
        return "not POOL[:PRIORITY[:WEIGHT[:BIAS_KM]]]: \"" + text + "\"";
      },
      "POOL[:PRIORITY[:WEIGHT[:BIAS_KM]]]");
}

// "MATCH=POOL[,POOL...]": one geo map entry.
std::optional<zones::GeoEntry> parse_geo(const std::string& text) {
  const size_t equals = text.find('=');
  if (equals == std::string::npos) return std::nullopt;
  auto match = normal_match(text.substr(0, equals));
  if (!match) return std::nullopt;
  return zones::GeoEntry{*match, split_list(text.substr(equals + 1))};
}

CLI::Validator geo_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (parse_geo(text)) return {};
        return "not MATCH=POOL[,POOL...] with MATCH cidr:NET/LEN, country:CC, continent:CC or "
               "default: \"" +
               text + "\"";
      },
      "MATCH=POOL[,POOL...]");
}

void assign(zones::Service& s, const ServiceFlags& f) {
  if (f.policy) s.policy = *zones::parse_policy(*f.policy);
  if (f.ttl) s.ttl = *f.ttl;
  if (f.degraded_ttl) s.degraded_ttl = *f.degraded_ttl;
  if (f.max_answers) s.max_answers = *f.max_answers;
  if (f.when_all_down) s.when_all_down = *zones::parse_when_all_down(*f.when_all_down);
  if (f.when_unknown) s.when_unknown = *zones::parse_health_state(*f.when_unknown);
  if (f.fallback_flag->count() > 0) {
    s.fallback.clear();  // `--fallback ""` clears the list
    for (const std::string& a : f.fallback) {
      if (!a.empty()) s.fallback.push_back(canonical_address(a));
    }
  }
  if (f.affinity) s.affinity = *zones::parse_affinity(*f.affinity);
  if (f.tolerance_ms) s.tolerance_ms = *f.tolerance_ms;
  if (f.load_threshold) s.load_threshold = *f.load_threshold;
  if (f.pools_flag->count() > 0) {
    s.pools.clear();
    for (const std::string& text : f.pools) s.pools.push_back(*parse_link(text));
  }
  if (f.geo_flag->count() > 0) {
    s.geo.clear();
    for (const std::string& text : f.geo) s.geo.push_back(*parse_geo(text));
  }
}

zones::Result<zones::Service*> need_service(zones::GslbConfig& config, const std::string& name) {
  return need(config.services, "service", service_name(name));
}

int run_service_add(const Context& ctx, const ServiceFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    const std::string name = service_name(f.name);
    if (find_named(config.services, name))
      return std::unexpected(already_exists("service/" + name));
    zones::Service service;
    service.name = name;
    assign(service, f);
    config.services.push_back(std::move(service));
    return {};
  });
}

int run_service_set(const Context& ctx, const ServiceFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto service = need_service(config, f.name);
    if (!service) return std::unexpected(service.error());
    assign(**service, f);
    return {};
  });
}

int run_service_delete(const Context& ctx, const std::string& name) {
  return edit_config(ctx, [&name](zones::GslbConfig& config) {
    return erase_named(config.services, "service", service_name(name));
  });
}

std::string link_object(const std::string& service, const std::string& pool) {
  return "service/" + service_name(service) + "/pool/" + pool;
}

zones::ServicePool* find_link(zones::Service& s, const std::string& pool) {
  for (zones::ServicePool& link : s.pools) {
    if (link.pool == pool) return &link;
  }
  return nullptr;
}

void assign(zones::ServicePool& link, const LinkFlags& f) {
  if (f.priority) link.priority = *f.priority;
  if (f.weight) link.weight = *f.weight;
  if (f.bias) link.bias_km = *f.bias;
}

int run_service_link_add(const Context& ctx, const LinkFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto service = need_service(config, f.service);
    if (!service) return std::unexpected(service.error());
    if (find_link(**service, f.pool)) {
      return std::unexpected(already_exists(link_object(f.service, f.pool)));
    }
    zones::ServicePool link;
    link.pool = f.pool;
    assign(link, f);
    (*service)->pools.push_back(std::move(link));
    return {};
  });
}

int run_service_link_set(const Context& ctx, const LinkFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto service = need_service(config, f.service);
    if (!service) return std::unexpected(service.error());
    zones::ServicePool* link = find_link(**service, f.pool);
    if (link == nullptr) return std::unexpected(not_found(link_object(f.service, f.pool)));
    assign(*link, f);
    return {};
  });
}

int run_service_link_delete(const Context& ctx, const LinkFlags& f) {
  return edit_config(ctx, [&f](zones::GslbConfig& config) -> zones::Result<void> {
    auto service = need_service(config, f.service);
    if (!service) return std::unexpected(service.error());
    zones::ServicePool* link = find_link(**service, f.pool);
    if (link == nullptr) return std::unexpected(not_found(link_object(f.service, f.pool)));
    auto& links = (*service)->pools;
    links.erase(links.begin() + (link - links.data()));
    return {};
  });
}

std::string link_pools(const zones::Service& s) {
  std::vector<std::string> names;
  for (const zones::ServicePool& link : s.pools) names.push_back(link.pool);
  return join_names(names);
}

int run_service_list(const Context& ctx) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::GslbConfig& config = stored->config;
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const zones::Service& s : config.services) list.push_back(zones::gslb_json(s));
    return print_json(list);
  }
  std::vector<Row> rows;
  for (const zones::Service& s : config.services) {
    rows.push_back({s.name, zones::to_string(s.policy), std::to_string(s.ttl),
                    std::to_string(s.degraded_ttl), std::to_string(s.max_answers),
                    zones::to_string(s.when_all_down), link_pools(s)});
  }
  print_table(std::cout,
              {"SERVICE", "POLICY", "TTL", "DEGRADED_TTL", "MAX_ANSWERS", "WHEN_ALL_DOWN", "POOLS"},
              rows);
  return kExitOk;
}

void print_links(const zones::GslbConfig& config, const zones::Service& s) {
  std::vector<Row> rows;
  for (const zones::ServicePool& link : s.pools) {
    const zones::Pool* pool = find_named(config.pools, link.pool);
    rows.push_back({link.pool, std::to_string(link.priority), std::to_string(link.weight),
                    number_text(link.bias_km), pool != nullptr ? pool->region : "-",
                    pool != nullptr ? zones::to_string(pool->admin) : "-"});
  }
  print_table(std::cout, {"POOL", "PRIORITY", "WEIGHT", "BIAS_KM", "REGION", "ADMIN"}, rows);
}

void print_geo(const zones::Service& s) {
  std::vector<Row> rows;
  for (size_t i = 0; i < s.geo.size(); ++i) {
    rows.push_back({std::to_string(i + 1), s.geo[i].match, join_names(s.geo[i].pools)});
  }
  print_table(std::cout, {"POSITION", "MATCH", "POOLS"}, rows);
}

void print_overrides(const zones::Service& s) {
  std::vector<Row> rows;
  for (const zones::CidrOverride& o : s.overrides) rows.push_back({o.network, o.region});
  print_table(std::cout, {"NETWORK", "REGION"}, rows);
}

std::string when_unknown_text(zones::HealthState state) {
  if (state == zones::HealthState::kDown) return "down (members nobody reports on are left out)";
  return "up (members nobody reports on are answered)";
}

int run_service_show(const Context& ctx, const std::string& name) {
  auto stored = load_stored(ctx, false);
  if (!stored) return report(stored.error());
  const zones::Service* s = find_named(stored->config.services, service_name(name));
  if (s == nullptr) return report(not_found("service/" + service_name(name)));
  if (ctx.json) return print_json(zones::gslb_json(*s));
  print_fields(std::cout, {{"service", s->name},
                           {"policy", zones::to_string(s->policy)},
                           {"ttl", std::to_string(s->ttl)},
                           {"degraded_ttl", std::to_string(s->degraded_ttl)},
                           {"max_answers", std::to_string(s->max_answers)},
                           {"when_all_down", zones::to_string(s->when_all_down)},
                           {"when_unknown", when_unknown_text(s->when_unknown)},
                           {"fallback", join_names(s->fallback)},
                           {"affinity", zones::to_string(s->affinity)},
                           {"tolerance_ms", std::to_string(s->tolerance_ms)},
                           {"load_threshold", number_text(s->load_threshold)}});
  std::cout << "\npools:\n";
  print_links(stored->config, *s);
  if (!s->geo.empty()) {
    std::cout << "\ngeo map (first most specific match wins):\n";
    print_geo(*s);
  }
  if (!s->overrides.empty()) {
    std::cout << "\noverrides (before the global ones):\n";
    print_overrides(*s);
  }
  return kExitOk;
}

template <typename E>
std::vector<std::string> names_of(std::initializer_list<E> values) {
  std::vector<std::string> names;
  for (E v : values) names.push_back(zones::to_string(v));
  return names;
}

CLI::App* add_write(CLI::App& service, const char* name, const char* help, ServiceFlags& f,
                    bool add) {
  using zones::Affinity, zones::HealthState, zones::Policy, zones::WhenAllDown;
  auto* cmd = add_command(service, name, help);
  cmd->add_option("name", f.name, "the GSLB name, inside a served zone (trailing dot optional)")
      ->required();
  auto* policy =
      cmd->add_option("--policy", f.policy, "failover, weighted, geo, proximity, latency or all")
          ->check(CLI::IsMember(names_of({Policy::kFailover, Policy::kWeighted, Policy::kGeo,
                                          Policy::kProximity, Policy::kLatency, Policy::kAll})));
  if (add) policy->required();
  cmd->add_option("--ttl", f.ttl, "answer TTL in seconds (default 30)");
  cmd->add_option("--degraded-ttl", f.degraded_ttl,
                  "TTL while any of its pools is down, seconds (default 10)");
  cmd->add_option("--max-answers", f.max_answers, "addresses per answer (default 1)");
  cmd->add_option("--when-all-down", f.when_all_down, "fail-open (default), nodata or fallback")
      ->check(CLI::IsMember(
          names_of({WhenAllDown::kFailOpen, WhenAllDown::kNodata, WhenAllDown::kFallback})));
  cmd->add_option("--when-unknown", f.when_unknown,
                  "members no fresh health report speaks for (no monitor, healthd down, stale "
                  "reports): up answers them (default), down leaves them out")
      ->check(CLI::IsMember(names_of({HealthState::kUp, HealthState::kDown})));
  f.fallback_flag = cmd->add_option("--fallback", f.fallback,
                                    "addresses answered when all is down (with "
                                    "--when-all-down fallback), comma-separated; \"\" clears")
                        ->delimiter(',')
                        ->allow_extra_args(false);
  cmd->add_option("--affinity", f.affinity, "weighted policy: none (default) or subnet")
      ->check(CLI::IsMember(names_of({Affinity::kNone, Affinity::kSubnet})));
  cmd->add_option("--tolerance-ms", f.tolerance_ms,
                  "latency policy: pools this close to the best share traffic (default 20)");
  cmd->add_option("--load-threshold", f.load_threshold,
                  "latency policy: pools reporting more load (0..1) shed traffic (default 0.9)");
  f.pools_flag = cmd->add_option("--pool", f.pools,
                                 "a pool it answers from, POOL[:PRIORITY[:WEIGHT[:BIAS_KM]]] "
                                 "(repeat for more; on set, replaces the list)")
                     ->check(link_check())
                     ->allow_extra_args(false);
  f.geo_flag = cmd->add_option("--geo", f.geo,
                               "geo policy: a geo map entry, MATCH=POOL[,POOL...], e.g. "
                               "continent:EU=eu-central,us-east (repeat for more, in order; on "
                               "set, replaces the map; edit single entries with `geomap`)")
                   ->check(geo_check())
                   ->allow_extra_args(false);
  return cmd;
}

CLI::App* add_link(CLI::App& links, const char* name, const char* help, LinkFlags& f, bool fields) {
  auto* cmd = add_command(links, name, help);
  cmd->add_option("service", f.service, "the service")->required();
  cmd->add_option("pool", f.pool, "the pool")->required();
  if (fields) {
    cmd->add_option("--priority", f.priority, "failover order, lower first (default 1)");
    cmd->add_option("--weight", f.weight, "share of traffic (default 1)");
    cmd->add_option("--bias", f.bias,
                    "proximity/latency: km added to the pool's catchment (default 0)");
  }
  return cmd;
}

void add_link_commands(CLI::App& service, Context& ctx) {
  auto* links = add_command(service, "pool", "a service's pools: add, set, delete");
  links->require_subcommand(1);
  auto add = std::make_shared<LinkFlags>();
  on_run(add_link(*links, "add", "let a service answer from a pool", *add, true), ctx,
         [&ctx, add] { return run_service_link_add(ctx, *add); });
  auto set = std::make_shared<LinkFlags>();
  on_run(add_link(*links, "set", "change a link's priority, weight or bias", *set, true), ctx,
         [&ctx, set] { return run_service_link_set(ctx, *set); });
  auto del = std::make_shared<LinkFlags>();
  on_run(add_link(*links, "delete", "stop answering from a pool", *del, false), ctx,
         [&ctx, del] { return run_service_link_delete(ctx, *del); });
}

}  // namespace

void add_service_commands(CLI::App& app, Context& ctx) {
  auto* service =
      add_command(app, "service", "services (GSLB names): add, set, list, show, delete, pool");
  service->require_subcommand(1);

  auto add = std::make_shared<ServiceFlags>();
  on_run(add_write(*service, "add", "create a service", *add, true), ctx,
         [&ctx, add] { return run_service_add(ctx, *add); });
  auto set = std::make_shared<ServiceFlags>();
  on_run(add_write(*service, "set", "change a service's given settings", *set, false), ctx,
         [&ctx, set] { return run_service_set(ctx, *set); });
  on_run(add_command(*service, "list", "list services with policy and pools"), ctx,
         [&ctx] { return run_service_list(ctx); });
  add_named_command(*service, ctx, "show", "show a service, its pools, geo map and overrides",
                    "name", "the service", run_service_show);
  add_named_command(*service, ctx, "delete", "delete a service", "name", "the service",
                    run_service_delete);
  add_link_commands(*service, ctx);
}

}  // namespace gslbadm
