// A TCP connect to address:port on libuv; the round trip is the handshake.
// The connection is closed as soon as it is made: the probe sends nothing.
#include "healthd/probe_tcp.h"

#include "healthd/probe_address.h"

namespace healthd {
namespace {

class TcpProbe final : public ProbeRun {
 public:
  using ProbeRun::ProbeRun;

 private:
  void begin() override;
  void release() override;
  static void on_connect(uv_connect_t* request, int status);

  uv_tcp_t tcp_{};
  uv_connect_t connect_{};
  bool tcp_open_ = false;
};

void TcpProbe::begin() {
  const auto target = member_socket_address(address(), monitor().port);
  if (!target) return finish_soon(probe_failure("bad address " + address()));
  if (const int rc = uv_tcp_init(loop(), &tcp_); rc != 0)
    return finish_soon(probe_failure(uv_error_reason("socket", rc)));
  tcp_open_ = true;
  connect_.data = this;
  const int rc =
      uv_tcp_connect(&connect_, &tcp_, reinterpret_cast<const sockaddr*>(&*target), on_connect);
  if (rc != 0) finish_soon(probe_failure(uv_error_reason("connect", rc)));
}

void TcpProbe::release() {
  if (tcp_open_) close_handle(reinterpret_cast<uv_handle_t*>(&tcp_));
  tcp_open_ = false;
}

void TcpProbe::on_connect(uv_connect_t* request, int status) {
  auto* probe = static_cast<TcpProbe*>(request->data);
  // Closing the handle cancels a pending connect: the run has ended already.
  if (probe->finished()) return;
  ProbeResult result;
  if (status == 0) {
    result.up = true;
    result.rtt_us = probe->elapsed_us();
    result.reason = "TCP connected";
  } else {
    result.reason = uv_error_reason("connect", status);
  }
  probe->finish(std::move(result));
}

}  // namespace

ProbeRun* make_tcp_probe(const ProbeContext& context, ProbeTarget target, ProbeDone done) {
  return new TcpProbe(context, std::move(target), std::move(done));
}

}  // namespace healthd
