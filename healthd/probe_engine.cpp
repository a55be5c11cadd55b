// The probe engine: a table from monitor type to probe kind, the set of runs
// in flight, and the one curl driver every http/https run shares.
#include <curl/curl.h>

#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "healthd/probe.h"
#include "healthd/probe_curl.h"
#include "healthd/probe_dns.h"
#include "healthd/probe_http.h"
#include "healthd/probe_run.h"
#include "healthd/probe_tcp.h"

namespace healthd {
namespace {

using MakeProbe = ProbeRun* (*)(const ProbeContext&, ProbeTarget, ProbeDone);

struct ProbeKind {
  std::string_view type;  // Monitor::type
  MakeProbe make;
};

constexpr ProbeKind kProbeKinds[] = {
    {"http", make_http_probe},
    {"https", make_http_probe},
    {"tcp", make_tcp_probe},
    {"dns", make_dns_probe},
};

// A run that only reports a failure found before any I/O (unknown monitor
// type, engine closed), on the next loop turn like every other result.
class FailedProbe final : public ProbeRun {
 public:
  FailedProbe(const ProbeContext& context, ProbeTarget target, ProbeDone done, std::string why)
      : ProbeRun(context, std::move(target), std::move(done)), why_(std::move(why)) {}

 private:
  void begin() override { finish_soon(probe_failure(why_)); }
  void release() override {}
  std::string why_;
};

class Engine final : public ProbeEngine, private ProbeOwner {
 public:
  Engine(uv_loop_t* loop, const EngineOptions& options, CurlMulti* curl)
      : options_(options), context_{loop, &options_, curl, this} {}
  ~Engine() override { close(); }

  void start(const ProbeTarget& target, ProbeDone done) override;
  size_t in_flight() const override { return runs_.size(); }
  void close() override;

 private:
  void forget(ProbeRun* run) override { runs_.erase(run); }
  ProbeRun* make_run(const ProbeTarget& target, ProbeDone done);

  EngineOptions options_;
  ProbeContext context_;
  std::unordered_set<ProbeRun*> runs_;
  bool closed_ = false;
};

void Engine::start(const ProbeTarget& target, ProbeDone done) {
  ProbeRun* run = make_run(target, std::move(done));
  runs_.insert(run);
  run->start();
}

ProbeRun* Engine::make_run(const ProbeTarget& target, ProbeDone done) {
  if (closed_) return new FailedProbe(context_, target, std::move(done), "probe engine closed");
  for (const ProbeKind& kind : kProbeKinds)
    if (kind.type == target.monitor->type) return kind.make(context_, target, std::move(done));
  return new FailedProbe(context_, target, std::move(done),
                         "unknown monitor type \"" + target.monitor->type + "\"");
}

void Engine::close() {
  // Cancelled runs stop their transfers, so the curl driver goes last.
  for (ProbeRun* run : std::exchange(runs_, {})) run->cancel();
  if (closed_) return;
  closed_ = true;
  context_.curl->shutdown();
  context_.curl = nullptr;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

zones::Result<std::unique_ptr<ProbeEngine>> ProbeEngine::create(uv_loop_t* loop,
                                                                const EngineOptions& options) {
  init_curl_once();
  CurlMulti* curl = CurlMulti::create(loop);
  if (curl == nullptr)
    return zones::fail(zones::ErrorCode::kInternal, "probe engine", "curl_multi_init failed");
  return std::make_unique<Engine>(loop, options, curl);
}

ProbeResult probe_once(const ProbeTarget& target, const EngineOptions& options) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  std::optional<ProbeResult> result;
  if (auto engine = ProbeEngine::create(&loop, options); engine) {
    (*engine)->start(target, [&result](const ProbeResult& r) { result = r; });
    while (!result && uv_run(&loop, UV_RUN_ONCE) != 0) {
    }
    (*engine)->close();
  } else {
    result = probe_failure(engine.error().text());
  }
  // The closed handles' callbacks; then the loop owns nothing.
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return result ? std::move(*result) : probe_failure("probe ended without a result");
}

}  // namespace healthd
