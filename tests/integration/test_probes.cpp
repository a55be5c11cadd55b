// The probe engine against real members on loopback: backend.py as the
// regional balancer (HTTP, and HTTPS with a generated certificate), plain
// sockets for TCP, gslbd and a scripted UDP server for DNS. Every probe's
// callback is counted, and every test ends by proving the loop closes clean.
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "healthd/probe.h"
#include "healthd/probe_workers.h"
#include "tests/support/backend.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/net.h"
#include "tests/support/temp_dir.h"
#include "tests/support/zone_file.h"

using namespace testsupport;
using healthd::ProbeResult;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

// Bounds only failing probes: one that gets its answer ends at the answer.
constexpr uint32_t kGenerousTimeoutMs = 5000;
// A cut probe's callback may come this much after its timeout on a loaded machine.
constexpr milliseconds kTimeoutSlack{200};

zones::Monitor monitor_of(const std::string& type, uint16_t port) {
  zones::Monitor m;
  m.name = type + "-probe-test";
  m.type = type;
  m.port = port;
  m.timeout_ms = kGenerousTimeoutMs;
  m.interval_ms = 2 * kGenerousTimeoutMs;
  return m;
}

struct Outcome {
  int calls = 0;
  ProbeResult result;
  milliseconds elapsed{0};
};

// One uv loop and one engine on it (or worker threads reporting to it).
// Checks that no callback runs inside start() or off the loop's thread, and
// counts them all.
class ProbeLoop {
 public:
  explicit ProbeLoop(size_t worker_threads = 0) {
    REQUIRE(uv_loop_init(&loop_) == 0);
    auto engine = worker_threads == 0 ? healthd::ProbeEngine::create(&loop_, {})
                                      : healthd::start_probe_workers(&loop_, {}, worker_threads);
    REQUIRE_MESSAGE(engine.has_value(), (engine ? "" : engine.error().text()));
    engine_ = std::move(*engine);
  }
  ~ProbeLoop() {
    if (loop_closed_) return;
    engine_.reset();
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
  }
  ProbeLoop(const ProbeLoop&) = delete;
  ProbeLoop& operator=(const ProbeLoop&) = delete;

  // `then` runs inside the callback, after the outcome is recorded.
  Outcome& start(const zones::Monitor& m, const std::string& address,
                 std::function<void()> then = {}) {
    Outcome& outcome = outcomes_.emplace_back();
    const auto began = Clock::now();
    auto done = [this, &outcome, began, then](const ProbeResult& result) {
      CHECK_FALSE(starting_);
      CHECK(std::this_thread::get_id() == loop_thread_);
      ++outcome.calls;
      outcome.result = result;
      outcome.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - began);
      --pending_;
      if (then) then();
    };
    ++pending_;
    starting_ = true;
    engine_->start({std::make_shared<const zones::Monitor>(m), address}, done);
    starting_ = false;
    return outcome;
  }

  void run_until_done() {
    while (pending_ > 0 && uv_run(&loop_, UV_RUN_ONCE) != 0) {
    }
  }

  // Closes the engine (when still there) and proves the loop owns nothing.
  void close() {
    if (engine_) {
      engine_->close();
      CHECK(engine_->in_flight() == 0);
    }
    CHECK(uv_run(&loop_, UV_RUN_DEFAULT) == 0);
    CHECK(uv_loop_close(&loop_) == 0);
    loop_closed_ = true;
  }

  uv_loop_t* loop() { return &loop_; }
  std::unique_ptr<healthd::ProbeEngine>& engine() { return engine_; }

 private:
  uv_loop_t loop_{};
  std::unique_ptr<healthd::ProbeEngine> engine_;
  std::deque<Outcome> outcomes_;
  std::thread::id loop_thread_ = std::this_thread::get_id();
  int pending_ = 0;
  bool starting_ = false;
  bool loop_closed_ = false;
};

// One probe on its own loop; exactly one callback.
ProbeResult probe(const zones::Monitor& m, const std::string& address) {
  ProbeLoop loop;
  const Outcome& outcome = loop.start(m, address);
  loop.run_until_done();
  loop.close();
  CHECK(outcome.calls == 1);
  return outcome.result;
}

// A loopback socket on an ephemeral port: UDP, or TCP listening or only bound
// (a bound TCP port that does not listen refuses connections).
class LocalSocket {
 public:
  LocalSocket(const std::string& host, int type, bool listening) {
    sockaddr_storage address{};
    socklen_t length = Endpoint{host, 0}.to_sockaddr(address);
    fd_ = socket(address.ss_family, type | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0);
    if (listening) REQUIRE(listen(fd_, 16) == 0);
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ =
        ntohs(address.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  }
  ~LocalSocket() { ::close(fd_); }
  LocalSocket(const LocalSocket&) = delete;
  LocalSocket& operator=(const LocalSocket&) = delete;

  int fd() const { return fd_; }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// ---- HTTP -----------------------------------------------------------------

struct HttpCase {
  const char* name;
  std::function<void(Backend&)> backend;
  std::function<void(zones::Monitor&)> monitor;
  bool up;
  const char* reason;
  std::optional<double> load;
};

const HttpCase kHttpCases[] = {
    {"a healthy backend", [](Backend&) {}, [](zones::Monitor&) {}, true, "HTTP 200", {}},
    {"load from a JSON field", [](Backend&) {}, [](zones::Monitor& m) { m.load_field = "load"; },
     true, "HTTP 200", 0.2},
    {"load from a header in any case", [](Backend& b) { b.set_load(0.7); },
     [](zones::Monitor& m) { m.load_header = "x-LOAD"; }, true, "HTTP 200", 0.7},
    {"an unexpected status",
     [](Backend& b) { b.set_status(503); },
     [](zones::Monitor&) {},
     false,
     "HTTP 503 (expected 200)",
     {}},
    {"a status among several expected",
     [](Backend& b) { b.set_status(503); },
     [](zones::Monitor& m) {
       m.expect_status = {200, 503};
     },
     true,
     "HTTP 503",
     {}},
    {"a body with the expected text",
     [](Backend&) {},
     [](zones::Monitor& m) { m.expect_body = "\"status\": \"ok\""; },
     true,
     "HTTP 200",
     {}},
    {"a body lacking the expected text",
     [](Backend& b) { b.set_body("maintenance"); },
     [](zones::Monitor& m) { m.expect_body = "ok"; },
     false,
     "body lacks \"ok\"",
     {}},
    {"a HEAD request, load from its header", [](Backend&) {},
     [](zones::Monitor& m) {
       m.method = "HEAD";
       m.load_header = "X-Load";
     },
     true, "HTTP 200", 0.2},
    {"a redirect, not followed by default",
     [](Backend& b) { b.set_redirect(302, "/x"); },
     [](zones::Monitor&) {},
     false,
     "HTTP 302 (expected 200)",
     {}},
    {"a missing load field",
     [](Backend&) {},
     [](zones::Monitor& m) { m.load_field = "stats.load"; },
     true,
     "HTTP 200; load field stats.load missing",
     {}},
    {"a missing load header",
     [](Backend&) {},
     [](zones::Monitor& m) { m.load_header = "X-Nope"; },
     true,
     "HTTP 200; load header X-Nope missing",
     {}},
    {"a load out of range",
     [](Backend& b) { b.set_load(1.5); },
     [](zones::Monitor& m) { m.load_field = "load"; },
     true,
     "HTTP 200; load field load out of range 0..1 (1.5)",
     {}},
    {"a body that is not JSON",
     [](Backend& b) { b.set_body("plain"); },
     [](zones::Monitor& m) { m.load_field = "load"; },
     true,
     "HTTP 200; load field load: body is not JSON",
     {}},
};

TEST_CASE("HTTP probes judge the status, the body and the load of the answer") {
  for (const HttpCase& c : kHttpCases) {
    CAPTURE(c.name);
    Backend backend;
    c.backend(backend);
    zones::Monitor m = monitor_of("http", backend.port());
    c.monitor(m);
    const ProbeResult r = probe(m, backend.address());
    CHECK(r.up == c.up);
    CHECK(r.reason == c.reason);
    // The member answered, so the path was measured (a 503 too).
    REQUIRE(r.rtt_us.has_value());
    CHECK(*r.rtt_us > 0);
    CHECK(*r.rtt_us < kGenerousTimeoutMs * 1000);
    CHECK(r.load.has_value() == c.load.has_value());
    if (r.load && c.load) CHECK(*r.load == doctest::Approx(*c.load));
  }
}

TEST_CASE("HTTP probes follow redirects when the monitor says so") {
  Backend target;
  Backend redirecting;
  redirecting.set_redirect(302, "http://127.0.0.1:" + std::to_string(target.port()) + "/ok");
  zones::Monitor m = monitor_of("http", redirecting.port());
  m.follow_redirects = true;
  m.load_field = "load";
  target.set_load(0.4);
  const ProbeResult r = probe(m, "127.0.0.1");
  CHECK(r.up);
  CHECK(r.reason == "HTTP 200");
  CHECK(r.load == 0.4);
}

TEST_CASE("HTTP probes read at most max_body_bytes of the body") {
  Backend backend;  // body {"load": 0.2, "status": "ok"}
  zones::Monitor m = monitor_of("http", backend.port());
  healthd::EngineOptions options;
  options.max_body_bytes = 8;  // {"load":
  m.expect_body = "load";
  CHECK(healthd::probe_once({std::make_shared<zones::Monitor>(m), "127.0.0.1"}, options).up);
  m.expect_body = "status";
  const ProbeResult r =
      healthd::probe_once({std::make_shared<zones::Monitor>(m), "127.0.0.1"}, options);
  CHECK_FALSE(r.up);
  CHECK(r.reason == "body lacks \"status\"");
}

TEST_CASE("HTTP probes report a closed port as connection refused") {
  const LocalSocket closed("127.0.0.1", SOCK_STREAM, /*listening=*/false);
  const ProbeResult r = probe(monitor_of("http", closed.port()), "127.0.0.1");
  CHECK_FALSE(r.up);
  CHECK(r.reason == "connection refused");
  CHECK_FALSE(r.rtt_us.has_value());
}

TEST_CASE("HTTP and HTTPS probes reach members over IPv6") {
  TempDir dir("gslb-probe-tls");
  BackendOptions o;
  o.bind = "::1";
  Backend plain(o);
  o.tls = make_self_signed_cert(dir.path(), "probe.test");  // valid for IP ::1 too
  Backend tls(o);

  zones::Monitor m = monitor_of("http", plain.port());
  m.load_header = "X-Load";
  const ProbeResult r = probe(m, "::1");
  CHECK(r.up);
  CHECK(r.load == 0.2);

  zones::Monitor s = monitor_of("https", tls.port());
  s.ca_file = o.tls->cert.string();
  CHECK(probe(s, "::1").reason == "HTTP 200");
  s.host = "probe.test";
  CHECK(probe(s, "::1").reason == "HTTP 200");
}

// ---- HTTPS ----------------------------------------------------------------

struct TlsCase {
  const char* name;
  std::function<void(zones::Monitor&, const TlsFiles&)> monitor;
  bool up;
  const char* reason_prefix;
};

const TlsCase kTlsCases[] = {
    {"verifying against the system's CAs", [](zones::Monitor&, const TlsFiles&) {}, false, "TLS: "},
    {"not verifying", [](zones::Monitor& m, const TlsFiles&) { m.tls_verify = false; }, true,
     "HTTP 200"},
    {"not verifying, with a Host and SNI name",
     [](zones::Monitor& m, const TlsFiles&) {
       m.tls_verify = false;
       m.host = "probe.test";
     },
     true, "HTTP 200"},
    {"pinned CA, the certificate's name as host",
     [](zones::Monitor& m, const TlsFiles& t) {
       m.ca_file = t.cert.string();
       m.host = "probe.test";
     },
     true, "HTTP 200"},
    {"pinned CA, the certificate's IP address",
     [](zones::Monitor& m, const TlsFiles& t) { m.ca_file = t.cert.string(); }, true, "HTTP 200"},
    {"pinned CA, a host the certificate does not name",
     [](zones::Monitor& m, const TlsFiles& t) {
       m.ca_file = t.cert.string();
       m.host = "other.test";
     },
     false, "TLS: "},
};

TEST_CASE("HTTPS probes verify the certificate unless the monitor says not to") {
  TempDir dir("gslb-probe-tls");
  const TlsFiles files = make_self_signed_cert(dir.path(), "probe.test");
  BackendOptions o;
  o.tls = files;
  Backend backend(o);
  for (const TlsCase& c : kTlsCases) {
    CAPTURE(c.name);
    zones::Monitor m = monitor_of("https", backend.port());
    m.load_field = "load";
    c.monitor(m, files);
    const ProbeResult r = probe(m, "127.0.0.1");
    CAPTURE(r.reason);
    CHECK(r.up == c.up);
    CHECK(starts_with(r.reason, c.reason_prefix));
    if (!c.up) CHECK(r.reason.find("certificate") != std::string::npos);  // curl's own text
    CHECK(r.rtt_us.has_value() == c.up);
    if (c.up) CHECK(r.load == 0.2);
  }
}

// ---- timeouts -------------------------------------------------------------

TEST_CASE("A hanging member is cut at its timeout without delaying the others") {
  TempDir dir("gslb-probe-tls");
  BackendOptions hanging;
  hanging.hang = true;
  Backend hung(hanging);
  hanging.tls = make_self_signed_cert(dir.path(), "probe.test");
  Backend hung_tls(hanging);
  Backend healthy;

  zones::Monitor slow = monitor_of("http", hung.port());
  slow.timeout_ms = 1000;
  zones::Monitor slow_tls = monitor_of("https", hung_tls.port());
  slow_tls.timeout_ms = 1000;
  slow_tls.tls_verify = false;
  zones::Monitor fast = monitor_of("http", healthy.port());
  fast.timeout_ms = 1000;

  ProbeLoop loop;
  Outcome& cut = loop.start(slow, "127.0.0.1");
  Outcome& cut_tls = loop.start(slow_tls, "127.0.0.1");
  Outcome& quick = loop.start(fast, "127.0.0.1");
  CHECK(loop.engine()->in_flight() == 3);
  loop.run_until_done();
  loop.close();

  for (const Outcome* o : {&cut, &cut_tls}) {
    CHECK(o->calls == 1);
    CHECK_FALSE(o->result.up);
    CHECK(o->result.reason == "timeout after 1000ms");
    CHECK_FALSE(o->result.rtt_us.has_value());
    // libuv's loop clock is coarse (a few ms); the cut never comes much early or late.
    CHECK(o->elapsed >= milliseconds(990));
    CHECK(o->elapsed <= milliseconds(1000) + kTimeoutSlack);
  }
  CHECK(quick.calls == 1);
  CHECK(quick.result.up);
  CHECK(quick.elapsed < cut.elapsed);
  CHECK(quick.elapsed < milliseconds(1000));
}

TEST_CASE("An answer that arrived in time is not a timeout because the loop was busy") {
  // The connect completes in the kernel while the loop's thread is held up
  // past the timeout; when the loop runs again its timers come before its
  // I/O, so the guard fires first and must look at the socket before it
  // calls the probe a timeout.
  const LocalSocket listening("127.0.0.1", SOCK_STREAM, /*listening=*/true);
  zones::Monitor tcp = monitor_of("tcp", listening.port());
  tcp.timeout_ms = 200;
  ProbeLoop loop;
  const Outcome& late = loop.start(tcp, "127.0.0.1");
  std::this_thread::sleep_for(milliseconds(400));
  loop.run_until_done();
  loop.close();
  CHECK(late.calls == 1);
  CHECK(late.result.up);
  CHECK(late.result.reason == "TCP connected");
}

TEST_CASE("Probes on worker threads report on the caller's loop") {
  BackendOptions hanging;
  hanging.hang = true;
  Backend hung(hanging);
  Backend healthy;
  const LocalSocket listening("127.0.0.1", SOCK_STREAM, /*listening=*/true);
  const LocalSocket bound_only("127.0.0.1", SOCK_STREAM, /*listening=*/false);
  zones::Monitor slow = monitor_of("http", hung.port());
  slow.timeout_ms = 500;

  ProbeLoop loop(/*worker_threads=*/3);
  std::vector<Outcome*> up, refused, cut;
  for (int i = 0; i < 10; ++i) {
    up.push_back(&loop.start(monitor_of("http", healthy.port()), "127.0.0.1"));
    up.push_back(&loop.start(monitor_of("tcp", listening.port()), "127.0.0.1"));
    refused.push_back(&loop.start(monitor_of("http", bound_only.port()), "127.0.0.1"));
  }
  cut.push_back(&loop.start(slow, "127.0.0.1"));
  CHECK(loop.engine()->in_flight() == 31);
  loop.run_until_done();
  CHECK(loop.engine()->in_flight() == 0);
  for (const Outcome* o : up) {
    CHECK(o->calls == 1);
    CHECK(o->result.up);
  }
  for (const Outcome* o : refused) {
    CHECK(o->calls == 1);
    CHECK(o->result.reason == "connection refused");
  }
  CHECK(cut[0]->calls == 1);
  CHECK(cut[0]->result.reason == "timeout after 500ms");
  CHECK(cut[0]->elapsed >= milliseconds(490));

  // Closing with probes in flight on the workers: no callback, threads joined.
  std::vector<Outcome*> silent;
  for (int i = 0; i < 6; ++i) silent.push_back(&loop.start(slow, "127.0.0.1"));
  CHECK(loop.engine()->in_flight() == 6);
  loop.close();
  for (const Outcome* o : silent) CHECK(o->calls == 0);
}

// ---- TCP ------------------------------------------------------------------

TEST_CASE("TCP probes are up when the port accepts and down when it refuses") {
  for (const std::string host : {"127.0.0.1", "::1"}) {
    CAPTURE(host);
    const LocalSocket listening(host, SOCK_STREAM, /*listening=*/true);
    const ProbeResult up = probe(monitor_of("tcp", listening.port()), host);
    CHECK(up.up);
    CHECK(up.reason == "TCP connected");
    REQUIRE(up.rtt_us.has_value());
    CHECK(*up.rtt_us >= 0);

    const LocalSocket bound_only(host, SOCK_STREAM, /*listening=*/false);
    const ProbeResult down = probe(monitor_of("tcp", bound_only.port()), host);
    CHECK_FALSE(down.up);
    CHECK(down.reason == "connection refused");
  }
}

// ---- DNS ------------------------------------------------------------------

struct DnsCase {
  const char* name;
  const char* type;
  const char* expect_rcode;
  bool expect_answer;
  bool up;
  const char* reason;
};

const DnsCase kDnsCases[] = {
    {"www.example.test.", "A", "NOERROR", true, true, "DNS NOERROR, 1 answer"},
    {"multi.example.test.", "A", "NOERROR", true, true, "DNS NOERROR, 5 answers"},
    {"WWW.Example.TEST", "AAAA", "noerror", true, true, "DNS NOERROR, 1 answer"},
    {"nope.example.test.", "A", "NOERROR", true, false, "DNS NXDOMAIN (expected NOERROR)"},
    {"nope.example.test.", "A", "NXDOMAIN", false, true, "DNS NXDOMAIN, 0 answers"},
    {"www.example.test.", "MX", "NOERROR", true, false, "DNS NOERROR but no answer"},
    {"www.example.test.", "MX", "NOERROR", false, true, "DNS NOERROR, 0 answers"},
};

TEST_CASE("DNS probes of gslbd judge the rcode and the answer section") {
  GslbdOptions o;
  o.zones = {{"example.test.", case_file("zones/example.test.zone")}};
  o.ipv6 = true;
  GslbdRunner gslbd(o);
  for (const Endpoint& server : {gslbd.v4(), gslbd.v6()}) {
    for (const DnsCase& c : kDnsCases) {
      CAPTURE(server.to_string());
      CAPTURE(c.name);
      CAPTURE(c.type);
      zones::Monitor m = monitor_of("dns", server.port);
      m.query_name = c.name;
      m.query_type = c.type;
      m.expect_rcode = c.expect_rcode;
      m.expect_answer = c.expect_answer;
      const ProbeResult r = probe(m, server.host);
      CHECK(r.up == c.up);
      CHECK(r.reason == c.reason);
      CHECK(r.rtt_us.has_value());
    }
  }
}

TEST_CASE("DNS probes time out against a UDP port that never answers") {
  const LocalSocket silent("127.0.0.1", SOCK_DGRAM, /*listening=*/false);
  zones::Monitor m = monitor_of("dns", silent.port());
  m.query_name = "www.example.test.";
  m.timeout_ms = 500;
  ProbeLoop loop;
  const Outcome& o = loop.start(m, "127.0.0.1");
  loop.run_until_done();
  loop.close();
  CHECK(o.calls == 1);
  CHECK_FALSE(o.result.up);
  CHECK(o.result.reason == "timeout after 500ms");
  CHECK(o.elapsed >= milliseconds(490));
  CHECK(o.elapsed <= milliseconds(500) + kTimeoutSlack);
}

TEST_CASE("DNS probes report a closed UDP port as connection refused") {
  std::optional<LocalSocket> socket_once_there;
  socket_once_there.emplace("127.0.0.1", SOCK_DGRAM, /*listening=*/false);
  const uint16_t port = socket_once_there->port();
  socket_once_there.reset();  // the kernel now answers with port unreachable
  zones::Monitor m = monitor_of("dns", port);
  m.query_name = "www.example.test.";
  const ProbeResult r = probe(m, "127.0.0.1");
  CHECK_FALSE(r.up);
  CHECK(r.reason == "connection refused");
}

// The query turned into a reply: QR set, this rcode, the question kept.
std::vector<uint8_t> reply_to(std::vector<uint8_t> query, uint8_t rcode) {
  query[2] |= 0x80;
  query[3] = static_cast<uint8_t>((query[3] & 0xf0) | rcode);
  return query;
}

TEST_CASE("DNS probes ignore replies whose ID or question differ from the query") {
  const LocalSocket server("127.0.0.1", SOCK_DGRAM, /*listening=*/false);
  const timeval wait{10, 0};
  setsockopt(server.fd(), SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  // Replies NOERROR with a wrong ID, then NOERROR for another type, then REFUSED
  // to the query itself: only the last one may count.
  std::thread answerer([&server] {
    std::vector<uint8_t> query(512);
    sockaddr_storage from{};
    socklen_t from_length = sizeof from;
    const ssize_t n = recvfrom(server.fd(), query.data(), query.size(), 0,
                               reinterpret_cast<sockaddr*>(&from), &from_length);
    if (n < 12) return;
    query.resize(static_cast<size_t>(n));
    auto wrong_id = reply_to(query, 0);
    wrong_id[1] ^= 0x01;
    auto wrong_type = reply_to(query, 0);
    wrong_type[wrong_type.size() - 3] ^= 0x02;  // QTYPE's low octet: A (1) becomes 3
    for (const auto& reply : {wrong_id, wrong_type, reply_to(query, 5)})
      sendto(server.fd(), reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from),
             from_length);
  });
  zones::Monitor m = monitor_of("dns", server.port());
  m.query_name = "www.example.test.";
  m.expect_answer = false;
  const ProbeResult r = probe(m, "127.0.0.1");
  answerer.join();
  CHECK_FALSE(r.up);
  CHECK(r.reason == "DNS REFUSED (expected NOERROR)");
}

// ---- the engine's life ----------------------------------------------------

// Probes that cannot end before the test closes the engine: a hanging HTTP
// member, a hanging HTTPS member and a silent DNS server.
struct StuckMembers {
  TempDir dir{"gslb-probe-tls"};
  Backend http{hanging(false)};
  Backend https{hanging(true)};
  LocalSocket udp{"127.0.0.1", SOCK_DGRAM, false};

  BackendOptions hanging(bool tls) {
    BackendOptions o;
    o.hang = true;
    if (tls) o.tls = make_self_signed_cert(dir.path(), "probe.test");
    return o;
  }

  std::vector<Outcome*> start(ProbeLoop& loop) const {
    zones::Monitor h = monitor_of("http", http.port());
    zones::Monitor s = monitor_of("https", https.port());
    s.tls_verify = false;
    zones::Monitor d = monitor_of("dns", udp.port());
    d.query_name = "www.example.test.";
    return {&loop.start(h, "127.0.0.1"), &loop.start(s, "127.0.0.1"), &loop.start(d, "127.0.0.1")};
  }
};

TEST_CASE("Closing the engine ends probes in flight silently and frees the loop") {
  StuckMembers stuck;
  const LocalSocket listening("127.0.0.1", SOCK_STREAM, /*listening=*/true);
  const zones::Monitor tcp = monitor_of("tcp", listening.port());
  ProbeLoop loop;
  std::vector<Outcome*> silent;

  SUBCASE("before the loop has run") {
    silent = stuck.start(loop);
    CHECK(loop.engine()->in_flight() == 3);
  }
  SUBCASE("from inside another probe's callback") {
    silent = stuck.start(loop);
    const Outcome& o = loop.start(tcp, "127.0.0.1", [&loop] { loop.engine()->close(); });
    loop.run_until_done();
    CHECK(o.calls == 1);
    CHECK(o.result.up);
  }
  SUBCASE("by destroying the engine inside an HTTP probe's callback") {
    Backend healthy;
    silent = stuck.start(loop);
    const Outcome& o = loop.start(monitor_of("http", healthy.port()), "127.0.0.1",
                                  [&loop] { loop.engine().reset(); });
    loop.run_until_done();
    CHECK(o.calls == 1);
    CHECK(o.result.up);
  }
  SUBCASE("from a timer while the members keep the probes waiting") {
    silent = stuck.start(loop);
    uv_timer_t timer;
    uv_timer_init(loop.loop(), &timer);
    timer.data = &loop;
    uv_timer_start(
        &timer,
        [](uv_timer_t* t) {
          static_cast<ProbeLoop*>(t->data)->engine()->close();
          uv_close(reinterpret_cast<uv_handle_t*>(t), nullptr);
        },
        300, 0);
    // Nothing but the timer ends these probes: the loop runs dry once it fired.
    CHECK(uv_run(loop.loop(), UV_RUN_DEFAULT) == 0);
  }
  loop.close();
  for (const Outcome* o : silent) CHECK(o->calls == 0);
}

TEST_CASE("Failures found before any I/O still arrive on the loop") {
  ProbeLoop loop;
  const Outcome& unknown = loop.start(monitor_of("icmp", 0), "127.0.0.1");
  const Outcome& bad_address = loop.start(monitor_of("tcp", 80), "not-an-address");
  zones::Monitor no_name = monitor_of("dns", 53);
  const Outcome& unnamed = loop.start(no_name, "127.0.0.1");
  loop.run_until_done();
  CHECK(unknown.result.reason == "unknown monitor type \"icmp\"");
  CHECK(bad_address.result.reason == "bad address not-an-address");
  CHECK(unnamed.result.reason == "dns monitor has no query_name");
  loop.engine()->close();
  const Outcome& after_close = loop.start(monitor_of("tcp", 80), "127.0.0.1");
  loop.run_until_done();
  CHECK(after_close.calls == 1);
  CHECK(after_close.result.reason == "probe engine closed");
  loop.close();
  for (const Outcome* o : {&unknown, &bad_address, &unnamed}) {
    CHECK(o->calls == 1);
    CHECK_FALSE(o->result.up);
  }
}

TEST_CASE("probe_once runs one probe on a private loop") {
  Backend backend;
  zones::Monitor m = monitor_of("http", backend.port());
  m.load_field = "load";
  const ProbeResult up = healthd::probe_once({std::make_shared<zones::Monitor>(m), "127.0.0.1"});
  CHECK(up.up);
  CHECK(up.load == 0.2);

  const LocalSocket refusing("127.0.0.1", SOCK_STREAM, /*listening=*/false);
  const ProbeResult down = healthd::probe_once(
      {std::make_shared<zones::Monitor>(monitor_of("tcp", refusing.port())), "127.0.0.1"});
  CHECK_FALSE(down.up);
  CHECK(down.reason == "connection refused");
}

}  // namespace
