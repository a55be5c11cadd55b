// One health probe of one member with one monitor: HTTP(S) through libcurl's
// multi interface driven by libuv, TCP connect and DNS-over-UDP on libuv.
// A ProbeEngine runs any number of probes at once on a loop; each probe ends
// by calling its callback exactly once, never later than the monitor's
// timeout (plus a few ms of loop latency), so a hanging member never delays
// the others. The engine only measures: rise/fall, scheduling and writes are
// the daemon's (healthd/scheduler.h, healthd/member_state.h).
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "zones/gslb_model.h"
#include "zones/result.h"

namespace healthd {

struct ProbeTarget {
  std::shared_ptr<const zones::Monitor> monitor;  // shared by all its members' probes
  std::string address;                            // canonical IPv4 or IPv6 text
};

struct ProbeResult {
  bool up = false;
  // HTTP(S): time to the first byte of the response; TCP: to the completed
  // connect; DNS: to the answer. Set whenever the member answered, also when
  // the answer made the probe fail (a 503 still measures the path).
  std::optional<int64_t> rtt_us;
  std::optional<double> load;  // 0..1, when the monitor reads one and it parsed
  // Why, in a few words an operator reads in `gslbadm health`:
  // "HTTP 200", "HTTP 503 (expected 200)", "body lacks \"ok\"",
  // "timeout after 800ms", "connection refused", "TLS: certificate verify failed: ...",
  // "DNS NOERROR, 1 answer", "DNS SERVFAIL (expected NOERROR)", "load field stats.load missing".
  // A load that cannot be read does not fail the probe; the reason says so.
  std::string reason;
};

using ProbeDone = std::function<void(const ProbeResult&)>;

struct EngineOptions {
  std::string user_agent = "gslb-healthd/" GSLB_VERSION;
  size_t max_body_bytes = 64 * 1024;  // read at most this much of an HTTP body
};

class ProbeEngine {
 public:
  // `loop` must outlive the engine; everything runs on the loop's thread.
  static zones::Result<std::unique_ptr<ProbeEngine>> create(uv_loop_t* loop,
                                                            const EngineOptions& options);
  virtual ~ProbeEngine() = default;

  // Starts a probe now; `done` runs later on the loop (never inside start()).
  virtual void start(const ProbeTarget& target, ProbeDone done) = 0;
  virtual size_t in_flight() const = 0;
  // Ends every probe in flight without calling their callbacks and releases
  // the loop's handles (the loop can then run to completion).
  virtual void close() = 0;
};

// Runs one probe on a private loop and returns its result (gslbadm monitor test).
ProbeResult probe_once(const ProbeTarget& target, const EngineOptions& options = {});

// Load figures from a response, 0..1; nullopt with `why` set when absent or
// not a number in range. Exposed for unit tests.
std::optional<double> load_from_json(std::string_view body, std::string_view dotted_path,
                                     std::string* why);
std::optional<double> load_from_header_value(std::string_view value, std::string* why);

}  // namespace healthd
