// Validation of a whole GSLB configuration against itself and the served zones (see
// validate_gslb in gslb_store.h). Every problem is reported, each at its path.
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "zones/gslb_internal.h"
#include "zones/gslb_json.h"
#include "zones/names.h"
#include "zones/records.h"
#include "zones/validate.h"

namespace zones::gslb {
namespace {

constexpr uint32_t kMaxWeight = 1000000;
constexpr uint32_t kMaxAnswers = 16;
constexpr uint32_t kMaxToleranceMs = 60000;
constexpr uint32_t kMaxIntervalMs = 86400000;  // a day
constexpr size_t kMaxNameLength = 63;

bool valid_object_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

// Text that goes into a probe's request line or headers.
bool printable(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return false;
  }
  return true;
}

// An HTTP field name (RFC 9110 token): letters, digits and !#$%&'*+-.^_`|~.
bool header_name(std::string_view text) {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  if (text.empty()) return false;
  for (char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kSymbols.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// Why a monitor cannot ask for `type` (upper case, see normalise_gslb), or nullptr when it
// can. ldns reads "TYPE<n>" with atoi, so that form is checked here first.
const char* query_type_problem(const std::string& type) {
  if (type.starts_with("TYPE") && type.size() > 4) {
    uint32_t number = 0;
    auto [end, ec] = std::from_chars(type.data() + 4, type.data() + type.size(), number);
    if (ec != std::errc() || end != type.data() + type.size() || number == 0 || number > 65535) {
      return "is not a record type (TYPE<n> needs n from 1 to 65535)";
    }
  }
  const ldns_rr_type rr_type = ldns_get_rr_type_by_name(type.c_str());
  if (rr_type == 0) return "is not a record type such as A, AAAA, TXT or SOA";
  static const std::set<ldns_rr_type> kMeta{LDNS_RR_TYPE_AXFR, LDNS_RR_TYPE_IXFR, LDNS_RR_TYPE_OPT,
                                            LDNS_RR_TYPE_TSIG, LDNS_RR_TYPE_TKEY};
  if (kMeta.contains(rr_type)) return "cannot be asked for in a query over UDP";
  return nullptr;
}

bool has_wildcard_label(std::string_view name) {
  size_t start = 0;
  bool escaped = false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (escaped) {
      escaped = false;
    } else if (name[i] == '\\') {
      escaped = true;
    } else if (name[i] == '.') {
      if (name.substr(start, i - start) == "*") return true;
      start = i + 1;
    }
  }
  return false;
}

bool valid_continent(std::string_view code) {
  static const std::set<std::string_view> kCodes{"AF", "AN", "AS", "EU", "NA", "OC", "SA"};
  return kCodes.contains(code);
}

bool valid_country(std::string_view code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

std::string in_quotes(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

class Checker {
 public:
  Checker(const GslbConfig& config, const std::vector<ZoneContent>& zones,
          const ValidateContext& context)
      : config_(config), zones_(zones), context_(context) {}

  std::vector<Error> run() {
    collect_names();
    for (size_t i = 0; i < config_.monitors.size(); ++i) monitor(i);
    for (size_t i = 0; i < config_.regions.size(); ++i) region(i);
    for (size_t i = 0; i < config_.pools.size(); ++i) pool(i);
    for (size_t i = 0; i < config_.services.size(); ++i) service(i);
    overrides(config_.overrides, "", "global override");
    return std::move(errors_);
  }

 private:
  struct Names {
    const char* kind;  // "region"
    std::set<std::string> now, before;
  };

  void error(std::string where, std::string message) {
    errors_.push_back({ErrorCode::kInvalid, std::move(where), std::move(message)});
  }

  static std::string at(const char* list, const std::vector<std::string>* labels, size_t i) {
    std::string label = labels && i < labels->size() ? (*labels)[i] : std::to_string(i);
    return std::string(list) + "[" + label + "]";
  }
  const std::vector<std::string>* labels(std::vector<std::string> PathLabels::*member) const {
    return context_.labels ? &(context_.labels->*member) : nullptr;
  }

  template <typename T>
  static void names_of(const std::vector<T>& items, std::set<std::string>& out) {
    for (const T& item : items) out.insert(item.name);
  }

  void collect_names() {
    names_of(config_.monitors, monitors_.now);
    names_of(config_.regions, regions_.now);
    names_of(config_.pools, pools_.now);
    if (const GslbConfig* p = context_.previous) {
      names_of(p->monitors, monitors_.before);
      names_of(p->regions, regions_.before);
      names_of(p->pools, pools_.before);
    }
  }

  // `name` must be one of `names`; `user` says who refers to it ("pool us-east").
  void reference(const std::string& where, const Names& names, const std::string& name,
                 const std::string& user) {
    if (names.now.contains(name)) return;
    if (names.before.contains(name)) {
      error(where, std::string(names.kind) + " " + in_quotes(name) +
                       " is being deleted but is still used by " + user);
    } else {
      error(where, std::string("no ") + names.kind + " named " + in_quotes(name));
    }
  }

  // A region/monitor/pool name: syntax, and unique among its kind.
  void object_name(const std::string& where, const std::string& name,
                   std::map<std::string, std::string>& seen) {
    if (name.empty()) {
      error(where, "must not be empty");
      return;
    }
    if (!valid_object_name(name)) {
      error(where, in_quotes(name) +
                       " is not a valid name: use 1 to 63 of a-z, 0-9, '.', '_' and '-', "
                       "starting with a letter or digit");
    }
    auto [it, fresh] = seen.emplace(name, where);
    if (!fresh) {
      error(where, std::string("duplicate name ") + in_quotes(name) + " (also " + it->second + ")");
    }
  }

  void monitor(size_t i) {
    const Monitor& m = config_.monitors[i];
    const std::string p = at("monitors", labels(&PathLabels::monitors), i);
    object_name(p + ".name", m.name, monitor_seen_);
    static const std::set<std::string_view> kTypes{"http", "https", "tcp", "dns"};
    if (!kTypes.contains(m.type)) {
      error(p + ".type", "must be http, https, tcp or dns (not " + in_quotes(m.type) + ")");
    }
    if (m.port == 0) error(p + ".port", "must be between 1 and 65535");
    if (m.type == "http" || m.type == "https") {
      http_request(p, m);
      http_answer(p, m);
      http_load(p, m);
    } else {
      no_http_knobs(p, m);
    }
    if (m.type == "https") {
      tls(p, m);
    } else {
      no_tls_knobs(p, m);
    }
    if (m.type == "dns") {
      dns_query(p, m);
    } else {
      no_dns_knobs(p, m);
    }
    schedule(p, m);
  }

  void http_request(const std::string& p, const Monitor& m) {
    if (m.method != "GET" && m.method != "HEAD") {
      error(p + ".method", "must be GET or HEAD (not " + in_quotes(m.method) + ")");
    }
    if (!m.path.starts_with('/')) error(p + ".path", "must start with \"/\"");
    if (!printable(m.path)) error(p + ".path", "must not contain spaces or control characters");
    if (!printable(m.host)) error(p + ".host", "must not contain spaces or control characters");
  }

  void http_answer(const std::string& p, const Monitor& m) {
    if (m.expect_status.empty()) error(p + ".expect_status", "needs at least one status code");
    for (size_t k = 0; k < m.expect_status.size(); ++k) {
      if (m.expect_status[k] < 100 || m.expect_status[k] > 599) {
        error(p + ".expect_status[" + std::to_string(k) + "]", "must be between 100 and 599");
      }
    }
    if (m.expect_body && m.expect_body->empty()) {
      error(p + ".expect_body", "must not be empty (leave it out to accept any body)");
    } else if (m.expect_body && m.method == "HEAD") {
      error(p + ".expect_body", "a HEAD request gets no body (use method GET)");
    }
  }

  void http_load(const std::string& p, const Monitor& m) {
    if (m.load_field && m.load_header) {
      error(p + ".load_header", "give load_field or load_header, not both");
    }
    if (m.load_field && m.load_field->empty()) {
      error(p + ".load_field", "must not be empty (leave it out when there is no load)");
    } else if (m.load_field && m.method == "HEAD") {
      error(p + ".load_field", "a HEAD request gets no body (use method GET, or load_header)");
    }
    if (m.load_header && !header_name(*m.load_header)) {
      error(p + ".load_header",
            "must be an HTTP header name such as X-Load (not " + in_quotes(*m.load_header) + ")");
    }
  }

  // What only an HTTP(S) probe reads: refused with its default left alone elsewhere, so
  // that nobody believes a tcp or dns monitor checks a status or a body.
  void no_http_knobs(const std::string& p, const Monitor& m) {
    static const Monitor kDefaults;
    const std::string why = "applies to http and https monitors only (type is " + m.type + ")";
    if (m.method != kDefaults.method) error(p + ".method", why);
    if (m.path != kDefaults.path) error(p + ".path", why);
    if (m.expect_status != kDefaults.expect_status) error(p + ".expect_status", why);
    if (m.expect_body) error(p + ".expect_body", why);
    if (m.follow_redirects != kDefaults.follow_redirects) error(p + ".follow_redirects", why);
    if (m.load_field) error(p + ".load_field", why);
    if (m.load_header) error(p + ".load_header", why);
  }

  void tls(const std::string& p, const Monitor& m) {
    if (m.ca_file && m.ca_file->empty()) {
      error(p + ".ca_file", "must not be empty (leave it out to trust the system's CAs)");
    }
  }

  void no_tls_knobs(const std::string& p, const Monitor& m) {
    static const Monitor kDefaults;
    const std::string why = "applies to https monitors only (type is " + m.type + ")";
    if (m.tls_verify != kDefaults.tls_verify) error(p + ".tls_verify", why);
    if (m.ca_file) error(p + ".ca_file", why);
  }

  void dns_query(const std::string& p, const Monitor& m) {
    if (!m.query_name) {
      error(p + ".query_name", "a dns monitor needs the name to query");
    } else if (auto name = canonical_name(*m.query_name, ".", p + ".query_name"); !name) {
      error(name.error().where, name.error().message);
    }
    if (const char* why = query_type_problem(m.query_type)) {
      error(p + ".query_type", in_quotes(m.query_type) + " " + why);
    }
    if (ldns_lookup_by_name(ldns_rcodes, m.expect_rcode.c_str()) == nullptr) {
      const std::string examples = "NOERROR, NXDOMAIN or REFUSED";
      error(p + ".expect_rcode",
            "not a DNS response code such as " + examples + ": " + in_quotes(m.expect_rcode));
    }
  }

  void no_dns_knobs(const std::string& p, const Monitor& m) {
    static const Monitor kDefaults;
    const std::string why = "applies to dns monitors only (type is " + m.type + ")";
    if (m.query_name) error(p + ".query_name", why);
    if (m.query_type != kDefaults.query_type) error(p + ".query_type", why);
    if (m.expect_rcode != kDefaults.expect_rcode) error(p + ".expect_rcode", why);
    if (m.expect_answer != kDefaults.expect_answer) error(p + ".expect_answer", why);
  }

  void schedule(const std::string& p, const Monitor& m) {
    if (m.interval_ms == 0 || m.interval_ms > kMaxIntervalMs) {
      error(p + ".interval", "must be between 1ms and 24h");
    }
    if (m.timeout_ms == 0) {
      error(p + ".timeout", "must be at least 1ms");
    } else if (m.interval_ms != 0 && m.timeout_ms >= m.interval_ms) {
      error(p + ".timeout",
            "must be shorter than the interval (" + format_duration_ms(m.interval_ms) + ")");
    }
    // Probes move at most this much each way: less than half the interval keeps them in order.
    if (m.jitter_ms && m.interval_ms != 0 && uint64_t{*m.jitter_ms} * 2 >= m.interval_ms) {
      error(p + ".jitter",
            "must be shorter than half the interval of " + format_duration_ms(m.interval_ms));
    }
    if (m.rise == 0) error(p + ".rise", "must be at least 1");
    if (m.fall == 0) error(p + ".fall", "must be at least 1");
  }

  void region(size_t i) {
    const Region& r = config_.regions[i];
    const std::string p = at("regions", labels(&PathLabels::regions), i);
    object_name(p + ".name", r.name, region_seen_);
    if (!std::isfinite(r.latitude) || r.latitude < -90 || r.latitude > 90) {
      error(p + ".lat", "must be between -90 and 90");
    }
    if (!std::isfinite(r.longitude) || r.longitude < -180 || r.longitude > 180) {
      error(p + ".lon", "must be between -180 and 180");
    }
    if (!r.continent.empty() && !valid_continent(r.continent)) {
      error(p + ".continent", "must be one of AF, AN, AS, EU, NA, OC, SA, or empty (not " +
                                  in_quotes(r.continent) + ")");
    }
    if (!r.country.empty() && !valid_country(r.country)) {
      error(p + ".country", "must be a two-letter ISO 3166-1 code such as US, or empty (not " +
                                in_quotes(r.country) + ")");
    }
  }

  // An address handed to clients (a member's, a fallback).
  void address(const std::string& where, const std::string& text,
               std::map<std::string, std::string>& seen) {
    auto canonical = canonical_address(text);
    if (!canonical) {
      error(where, "not an IPv4 or IPv6 address: " + in_quotes(text));
      return;
    }
    if (const char* why = unusable_address(*canonical)) {
      error(where, *canonical + " is " + why);
      return;
    }
    auto [it, fresh] = seen.emplace(*canonical, where);
    if (!fresh) {
      error(where, "duplicate address " + *canonical + " (also " + it->second + ")");
    }
  }

  void pool(size_t i) {
    const Pool& pool = config_.pools[i];
    const std::string p = at("pools", labels(&PathLabels::pools), i);
    const std::string user = "pool " + pool.name;
    object_name(p + ".name", pool.name, pool_seen_);
    if (pool.region.empty()) {
      error(p + ".region", "must name a region");
    } else {
      reference(p + ".region", regions_, pool.region, user);
    }
    if (!pool.monitor.empty()) reference(p + ".monitor", monitors_, pool.monitor, user);
    std::map<std::string, std::string> addresses, names;
    for (size_t j = 0; j < pool.members.size(); ++j) {
      const Member& m = pool.members[j];
      const std::string mp = p + ".members[" + std::to_string(j) + "]";
      address(mp + ".address", m.address, addresses);
      if (m.weight > kMaxWeight) error(mp + ".weight", "must be at most 1000000");
      if (!m.name.empty()) {
        if (m.name.size() > kMaxNameLength || !printable(m.name)) {
          error(mp + ".name",
                "must be at most 63 characters, without spaces or control characters");
        }
        auto [it, fresh] = names.emplace(m.name, mp + ".name");
        if (!fresh)
          error(mp + ".name",
                "duplicate member name " + in_quotes(m.name) + " (also " + it->second + ")");
      }
    }
    if (!pool.members.empty() && pool.min_healthy > pool.members.size()) {
      error(p + ".min_healthy", "is " + std::to_string(pool.min_healthy) + " but the pool has " +
                                    std::to_string(pool.members.size()) + " member" +
                                    (pool.members.size() == 1 ? "" : "s"));
    }
  }

  // The global list (`service_path` empty) or a service's.
  void overrides(const std::vector<CidrOverride>& list, const std::string& service_path,
                 const std::string& user) {
    std::map<std::string, std::string> seen;
    for (size_t k = 0; k < list.size(); ++k) {
      const CidrOverride& o = list[k];
      const std::string op = service_path.empty()
                                 ? at("overrides", labels(&PathLabels::overrides), k)
                                 : service_path + ".overrides[" + std::to_string(k) + "]";
      auto net = parse_network(o.network);
      if (!net) {
        error(op + ".network", "not a network such as 192.0.2.0/24: " + in_quotes(o.network));
      } else if (net->host_bits) {
        error(op + ".network",
              "host bits are set in " + o.network + " (did you mean " + net->text + "?)");
      } else {
        auto [it, fresh] = seen.emplace(net->text, op);
        if (!fresh) {
          error(op + ".network", "duplicate network " + net->text + " (also " + it->second + ")");
        }
      }
      if (o.region.empty()) {
        error(op + ".region", "must name a region");
      } else {
        reference(op + ".region", regions_, o.region, user + " " + o.network);
      }
    }
  }

  void service(size_t i) {
    const Service& s = config_.services[i];
    const std::string p = at("services", labels(&PathLabels::services), i);
    const std::string user = "service " + s.name;
    service_name(p, s);
    if (s.ttl > kMaxTtl) error(p + ".ttl", "must be at most 2147483647");
    if (s.degraded_ttl > kMaxTtl) error(p + ".degraded_ttl", "must be at most 2147483647");
    if (s.max_answers == 0 || s.max_answers > kMaxAnswers) {
      error(p + ".max_answers", "must be between 1 and 16");
    }
    if (s.tolerance_ms > kMaxToleranceMs) error(p + ".tolerance_ms", "must be at most 60000");
    if (!std::isfinite(s.load_threshold) || s.load_threshold < 0 || s.load_threshold > 1) {
      error(p + ".load_threshold", "must be between 0 and 1");
    }
    if (s.when_unknown != HealthState::kUp && s.when_unknown != HealthState::kDown) {
      error(p + ".when_unknown", "must be up or down");
    }
    if (s.affinity == Affinity::kSubnet && s.policy != Policy::kWeighted) {
      error(p + ".affinity", std::string("subnet affinity applies to the weighted policy only "
                                         "(policy is ") +
                                 to_string(s.policy) + ")");
    }
    fallback(p, s);
    std::set<std::string> linked = links(p, s, user);
    geo(p, s, linked, user);
    overrides(s.overrides, p, user + " override");
  }

  void service_name(const std::string& p, const Service& s) {
    auto name = canonical_name(s.name, ".", p + ".name");
    if (!name) {
      error(name.error().where, name.error().message);
      return;
    }
    if (has_wildcard_label(*name)) {
      error(p + ".name", "a service cannot be a wildcard name: " + *name);
      return;
    }
    auto [it, fresh] = service_seen_.emplace(*name, p + ".name");
    if (!fresh) {
      error(p + ".name", "duplicate service " + *name + " (also " + it->second + ")");
      return;
    }
    auto problems = check_placement(*name, zones_, p + ".name");
    errors_.insert(errors_.end(), problems.begin(), problems.end());
  }

  void fallback(const std::string& p, const Service& s) {
    if (s.when_all_down == WhenAllDown::kFallback && s.fallback.empty()) {
      error(p + ".fallback", "when_all_down: fallback needs at least one fallback address");
    }
    if (s.when_all_down != WhenAllDown::kFallback && !s.fallback.empty()) {
      error(p + ".fallback", "fallback addresses are used only with when_all_down: fallback");
    }
    std::map<std::string, std::string> seen;
    for (size_t k = 0; k < s.fallback.size(); ++k) {
      address(p + ".fallback[" + std::to_string(k) + "]", s.fallback[k], seen);
    }
  }

  std::set<std::string> links(const std::string& p, const Service& s, const std::string& user) {
    std::set<std::string> linked;
    std::map<std::string, std::string> seen;
    if (s.pools.empty()) error(p + ".pools", "at least one pool is needed");
    for (size_t k = 0; k < s.pools.size(); ++k) {
      const ServicePool& link = s.pools[k];
      const std::string lp = p + ".pools[" + std::to_string(k) + "]";
      reference(lp + ".pool", pools_, link.pool, user);
      auto [it, fresh] = seen.emplace(link.pool, lp);
      if (!fresh) {
        error(lp + ".pool",
              "pool " + in_quotes(link.pool) + " is linked twice (also " + it->second + ")");
      }
      linked.insert(link.pool);
      if (link.weight > kMaxWeight) error(lp + ".weight", "must be at most 1000000");
      if (!std::isfinite(link.bias_km)) error(lp + ".bias", "must be a finite number");
    }
    return linked;
  }

  void geo_match(const std::string& where, const std::string& match) {
    auto bad = [&] {
      error(where, "must be cidr:NETWORK, country:CC, continent:CC or default (not " +
                       in_quotes(match) + ")");
    };
    if (match == "default") return;
    if (match.starts_with("country:")) {
      std::string code = match.substr(8);
      if (!valid_country(code)) {
        error(where, "not a two-letter ISO 3166-1 country code: " + in_quotes(code));
      }
    } else if (match.starts_with("continent:")) {
      std::string code = match.substr(10);
      if (!valid_continent(code)) {
        error(where,
              "continent must be one of AF, AN, AS, EU, NA, OC, SA (not " + in_quotes(code) + ")");
      }
    } else if (match.starts_with("cidr:")) {
      auto net = parse_network(match.substr(5));
      if (!net) {
        error(where, "not a network such as cidr:192.0.2.0/24: " + in_quotes(match));
      } else if (net->host_bits) {
        error(where, "host bits are set in " + match + " (did you mean cidr:" + net->text + "?)");
      }
    } else {
      bad();
    }
  }

  void geo(const std::string& p, const Service& s, const std::set<std::string>& linked,
           const std::string& user) {
    if (s.policy != Policy::kGeo) {
      if (!s.geo.empty()) {
        error(p + ".geo", std::string("only the geo policy uses a geo map (policy is ") +
                              to_string(s.policy) + ")");
      }
      return;
    }
    if (s.geo.empty()) {
      error(p + ".geo", "the geo policy needs a geo map with a default entry");
      return;
    }
    bool has_default = false;
    std::map<std::string, std::string> seen;
    for (size_t k = 0; k < s.geo.size(); ++k) {
      const GeoEntry& e = s.geo[k];
      const std::string gp = p + ".geo[" + std::to_string(k) + "]";
      geo_match(gp + ".match", e.match);
      if (e.match == "default") has_default = true;
      auto [it, fresh] = seen.emplace(e.match, gp);
      if (!fresh) {
        error(gp + ".match",
              "duplicate match " + in_quotes(e.match) + " (also " + it->second + ")");
      }
      if (e.pools.empty()) error(gp + ".pools", "needs at least one pool");
      std::set<std::string> in_entry;
      for (size_t n = 0; n < e.pools.size(); ++n) {
        const std::string& name = e.pools[n];
        const std::string pp = gp + ".pools[" + std::to_string(n) + "]";
        if (!pools_.now.contains(name)) {
          reference(pp, pools_, name, user);
        } else if (!linked.contains(name)) {
          error(pp, "pool " + in_quotes(name) + " is not linked to the service (add it to pools)");
        }
        if (!in_entry.insert(name).second) {
          error(pp, "pool " + in_quotes(name) + " is listed twice");
        }
      }
    }
    if (!has_default) error(p + ".geo", "needs a \"default\" entry");
  }

  const GslbConfig& config_;
  const std::vector<ZoneContent>& zones_;
  const ValidateContext& context_;
  std::vector<Error> errors_;
  Names monitors_{"monitor", {}, {}}, regions_{"region", {}, {}}, pools_{"pool", {}, {}};
  std::map<std::string, std::string> monitor_seen_, region_seen_, pool_seen_, service_seen_;
};

template <typename Zones, typename NameOf>
std::optional<size_t> deepest(std::string_view name, const Zones& zones, NameOf name_of) {
  std::optional<size_t> best;
  for (size_t i = 0; i < zones.size(); ++i) {
    const std::string& apex = name_of(zones[i]);
    if (!in_zone(name, apex)) continue;
    if (!best || apex.size() > name_of(zones[*best]).size()) best = i;
  }
  return best;
}

}  // namespace

std::optional<size_t> deepest_zone(std::string_view name, const std::vector<ZoneInfo>& zones) {
  return deepest(name, zones, [](const ZoneInfo& z) -> const std::string& { return z.name; });
}

std::optional<size_t> deepest_zone(std::string_view name, const std::vector<ZoneContent>& zones) {
  return deepest(name, zones,
                 [](const ZoneContent& z) -> const std::string& { return z.info.name; });
}

std::string record_problem(std::string_view name, std::string_view apex, const RecordRow& r) {
  if (r.type == LDNS_RR_TYPE_NS && r.owner != apex && in_zone(name, r.owner)) {
    return std::string(name) + " is at or below the delegation to other servers at " + r.owner +
           " (NS records there)";
  }
  if (r.type == LDNS_RR_TYPE_DNAME && r.owner != name && in_zone(name, r.owner)) {
    return std::string(name) + " is below the DNAME at " + r.owner;
  }
  if (r.owner == name &&
      (r.type == LDNS_RR_TYPE_A || r.type == LDNS_RR_TYPE_AAAA || r.type == LDNS_RR_TYPE_CNAME)) {
    return "a static " + type_name(r.type) + " record exists at " + r.owner +
           ": the service answers A and AAAA there (delete the record first)";
  }
  return {};
}

std::vector<Error> check_placement(std::string_view name, const std::vector<ZoneContent>& zones,
                                   const std::string& where) {
  std::vector<Error> errors;
  auto add = [&](std::string message) {
    errors.push_back({ErrorCode::kInvalid, where, std::move(message)});
  };
  auto index = deepest_zone(name, zones);
  if (!index) {
    add(std::string(name) + " is not inside any zone we serve");
    return errors;
  }
  const ZoneContent& zone = zones[*index];
  std::set<std::pair<std::string, uint16_t>> reported;
  for (const RecordRow& r : zone.records) {
    if (reported.contains({r.owner, r.type})) continue;
    std::string problem = record_problem(name, zone.info.name, r);
    if (problem.empty()) continue;
    reported.insert({r.owner, r.type});
    add(std::move(problem));
  }
  return errors;
}

std::vector<Error> validate(const GslbConfig& config, const std::vector<ZoneContent>& zones,
                            const ValidateContext& context) {
  return Checker(config, zones, context).run();
}

}  // namespace zones::gslb

namespace zones {

std::vector<Error> validate_gslb(const GslbConfig& config, const std::vector<ZoneContent>& zones) {
  GslbConfig copy = config;
  normalise_gslb(copy);
  return gslb::validate(copy, zones, {});
}

}  // namespace zones
