// The GSLB configuration as plain values: regions, monitors, pools with their
// members, services with their pool links, geo maps and CIDR overrides.
// Objects refer to each other by name, as operators do (in gslbadm, in the
// declarative config and in the API); the store maps names to row ids.
// One GslbConfig is a whole desired (or current) state: gslbadm commands and
// `apply` both edit a copy, validate it whole and write the difference.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zones {

// Operator overrides of health on a pool or member (drills add their own).
//  kDrain: out of answers, still probed, not "down" (no degraded TTL);
//  kFail:  treated as down (failover happens, degraded TTL applies).
enum class AdminState : uint8_t { kEnabled, kDrain, kFail };

enum class Policy : uint8_t { kFailover, kWeighted, kGeo, kProximity, kLatency, kAll };
enum class WhenAllDown : uint8_t { kFailOpen, kNodata, kFallback };
enum class Affinity : uint8_t { kNone, kSubnet };
enum class HealthState : uint8_t { kUnknown, kUp, kDown };

struct Region {
  std::string name;
  double latitude = 0;    // -90..90
  double longitude = 0;   // -180..180
  std::string continent;  // two-letter code as in GeoIP2 (AF AN AS EU NA OC SA), or empty
  std::string country;    // ISO 3166-1 alpha-2, upper case, or empty
};

struct Monitor {
  std::string name;
  std::string type;  // http | https | tcp | dns
  uint16_t port = 0;
  // http/https
  std::string method = "GET";  // GET | HEAD
  std::string path = "/";
  std::string host;  // Host header and SNI; empty = the member's address
  std::vector<uint16_t> expect_status{200};
  std::optional<std::string> expect_body;  // substring of the body
  bool tls_verify = true;                  // https: verify the certificate chain and name
  std::optional<std::string> ca_file;      // https: trust these CAs instead of the system's
  bool follow_redirects = false;           // 3xx are answers unless this is set
  // Load, 0..1 (1 = saturated), read from the response: a dotted JSON path in
  // the body ("stats.load") or a header ("X-Load"); at most one of the two.
  std::optional<std::string> load_field;
  std::optional<std::string> load_header;
  // dns: a query for query_name/query_type over UDP; up when the rcode is
  // expect_rcode and (with expect_answer) the answer section is not empty.
  std::optional<std::string> query_name;
  std::string query_type = "A";
  std::string expect_rcode = "NOERROR";
  bool expect_answer = true;
  // Scheduling.
  uint32_t interval_ms = 1000;
  uint32_t timeout_ms = 800;  // < interval_ms
  uint32_t rise = 2;
  uint32_t fall = 2;
  std::optional<uint32_t> jitter_ms;  // each probe starts up to this much early or late;
                                      // unset = interval / 10
  uint32_t max_concurrent = 0;        // probes of this monitor in flight at once; 0 = no cap
};

struct Member {
  int64_t id = 0;       // row id when read from the store (health rows refer to it); else 0
  std::string address;  // canonical text of an IPv4 or IPv6 address; unique in its pool
  std::string name;     // optional label for output; empty = shown as the address
  uint32_t weight = 1;
  AdminState admin = AdminState::kEnabled;
};

struct Pool {
  std::string name;
  std::string region;   // Region::name
  std::string monitor;  // Monitor::name, or empty for none (never probed: health unknown)
  uint32_t min_healthy = 1;
  AdminState admin = AdminState::kEnabled;
  std::vector<Member> members;  // in the order the operator gave
};

struct ServicePool {
  std::string pool;      // Pool::name
  int32_t priority = 1;  // failover: lower first
  uint32_t weight = 1;   // weighted, all, latency; spreading a dead region's clients
  double bias_km = 0;    // proximity/latency: a positive bias grows the pool's catchment
};

// One geo-map entry: `match` is "cidr:NET/LEN", "country:CC", "continent:CC"
// or "default"; `pools` are tried in order (first one up wins).
struct GeoEntry {
  std::string match;
  std::vector<std::string> pools;
};

// Clients in `network` ("192.0.2.0/24", "2001:db8::/32") are located in `region`
// instead of where the MaxMind DB places them.
struct CidrOverride {
  std::string network;
  std::string region;
};

struct Service {
  std::string name;  // absolute, lowercase, trailing dot; inside a zone we serve
  Policy policy = Policy::kFailover;
  uint32_t ttl = 30;
  uint32_t degraded_ttl = 10;
  uint32_t max_answers = 1;
  WhenAllDown when_all_down = WhenAllDown::kFailOpen;
  std::vector<std::string> fallback;    // addresses, only with kFallback
  Affinity affinity = Affinity::kNone;  // weighted only
  uint32_t tolerance_ms = 20;           // latency only
  double load_threshold = 0.9;          // latency: pools reporting more load shed traffic
  // A member no fresh health report speaks for (no monitor, healthd down,
  // reports stale): kUp answers it (fail-open, the default), kDown does not.
  HealthState when_unknown = HealthState::kUp;
  std::vector<ServicePool> pools;
  std::vector<GeoEntry> geo;            // geo policy
  std::vector<CidrOverride> overrides;  // this service only; before the global ones
};

struct GslbConfig {
  std::vector<Monitor> monitors;
  std::vector<Region> regions;
  std::vector<Pool> pools;
  std::vector<Service> services;
  std::vector<CidrOverride> overrides;  // global
};

// Health as written by gslb-healthd (or by tests), per member and vantage.

struct HealthRow {
  std::string pool;  // identifies the member with `address`
  std::string address;
  int64_t member_id = 0;  // filled when read from the store
  std::string vantage;
  HealthState state = HealthState::kUnknown;
  std::optional<int64_t> rtt_us;
  std::optional<int64_t> rtt_ewma_us;
  std::optional<double> load;
  int64_t checked_at_ms = 0;
  int64_t changed_at_ms = 0;
  std::string reason;
  int64_t seq = 0;  // filled when read from the store
};

// A health daemon's heartbeat (like an etcd lease): while a vantage keeps
// beating, its rows stand as current even when they were written long ago
// (healthd writes a row only when something changed). A report's age is
// now - max(row.checked_at_ms, vantage.seen_at_ms).
struct Vantage {
  std::string name;
  int64_t seen_at_ms = 0;     // last heartbeat
  int64_t started_at_ms = 0;  // when this daemon started
  std::string version;
};

// Text forms, as in the config file, the CLI and the API.
const char* to_string(AdminState state);
const char* to_string(Policy policy);
const char* to_string(WhenAllDown value);
const char* to_string(Affinity value);
const char* to_string(HealthState state);
std::optional<AdminState> parse_admin_state(std::string_view text);
std::optional<Policy> parse_policy(std::string_view text);
std::optional<WhenAllDown> parse_when_all_down(std::string_view text);
std::optional<Affinity> parse_affinity(std::string_view text);
std::optional<HealthState> parse_health_state(std::string_view text);

}  // namespace zones
