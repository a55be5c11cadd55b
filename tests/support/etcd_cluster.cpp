// A real etcd cluster on loopback for the fleet tests (see etcd_cluster.h).
#include "tests/support/etcd_cluster.h"

#include <unistd.h>

#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/http_client.h"
#include "tests/support/net.h"

namespace testsupport {
namespace {

std::string find_program(const char* name) {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/"}) {
    const std::string path = std::string(dir) + name;
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

}  // namespace

std::string EtcdCluster::program() {
  return find_program("etcd");
}

EtcdCluster::EtcdCluster(int members) {
  if (program().empty() || find_program("etcdctl").empty())
    throw std::runtime_error(
        "etcd and etcdctl are not installed (Debian: etcd-server etcd-client)");
  members_.resize(static_cast<size_t>(members));
  for (int i = 0; i < members; ++i) {
    Member& m = members_[static_cast<size_t>(i)];
    m.name = "m" + std::to_string(i);
    m.client_port = free_port();
    m.peer_port = free_port();
    if (!initial_cluster_.empty()) initial_cluster_ += ",";
    initial_cluster_ += m.name + "=http://127.0.0.1:" + std::to_string(m.peer_port);
  }
  for (int i = 0; i < members; ++i) launch(i);
  for (int i = 0; i < members; ++i) {
    if (!wait_healthy(i))
      throw std::runtime_error("etcd member " + std::to_string(i) + " not ready");
  }
}

EtcdCluster::~EtcdCluster() {
  for (Member& m : members_) {
    if (m.process) m.process->stop(std::chrono::seconds(3));
  }
}

void EtcdCluster::launch(int member) {
  Member& m = members_.at(static_cast<size_t>(member));
  const std::string client = "http://127.0.0.1:" + std::to_string(m.client_port);
  const std::string peer = "http://127.0.0.1:" + std::to_string(m.peer_port);
  // Short heartbeats and elections: a killed leader is replaced within a second, as the
  // tests expect of a healthy cluster. Many objects per transaction, as docs/fleet.md advises.
  m.process = std::make_unique<Process>(std::vector<std::string>{program(),
                                                                 "--name",
                                                                 m.name,
                                                                 "--data-dir",
                                                                 (dir_ / m.name).string(),
                                                                 "--listen-client-urls",
                                                                 client,
                                                                 "--advertise-client-urls",
                                                                 client,
                                                                 "--listen-peer-urls",
                                                                 peer,
                                                                 "--initial-advertise-peer-urls",
                                                                 peer,
                                                                 "--initial-cluster",
                                                                 initial_cluster_,
                                                                 "--initial-cluster-state",
                                                                 "new",
                                                                 "--initial-cluster-token",
                                                                 "gslb-test",
                                                                 "--heartbeat-interval",
                                                                 "50",
                                                                 "--election-timeout",
                                                                 "500",
                                                                 "--max-txn-ops",
                                                                 "10000",
                                                                 "--logger",
                                                                 "zap",
                                                                 "--log-level",
                                                                 "error"});
}

void EtcdCluster::kill(int member) {
  Member& m = members_.at(static_cast<size_t>(member));
  if (m.process) m.process->stop(std::chrono::milliseconds(0));
  m.process.reset();
}

void EtcdCluster::start(int member) {
  launch(member);
}

std::string EtcdCluster::endpoint(int member) const {
  return "http://127.0.0.1:" + std::to_string(members_.at(static_cast<size_t>(member)).client_port);
}

std::vector<std::string> EtcdCluster::endpoints() const {
  std::vector<std::string> out;
  for (int i = 0; i < size(); ++i) out.push_back(endpoint(i));
  return out;
}

std::string EtcdCluster::endpoints_csv() const {
  std::string out;
  for (const std::string& e : endpoints()) out += (out.empty() ? "" : ",") + e;
  return out;
}

bool EtcdCluster::wait_healthy(int member, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const HttpResponse r =
        http_request("GET", endpoint(member) + "/health", "", {}, std::chrono::milliseconds(500));
    if (r.status == 200 && r.body.find("\"true\"") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string EtcdCluster::live_endpoint() const {
  for (int i = 0; i < size(); ++i) {
    if (members_[static_cast<size_t>(i)].process) return endpoint(i);
  }
  throw std::runtime_error("no etcd member is running");
}

namespace {

RunResult etcdctl(const std::string& endpoint, std::vector<std::string> args) {
  args.insert(args.begin(), {find_program("etcdctl"), "--endpoints", endpoint});
  setenv("ETCDCTL_API", "3", 1);
  RunResult r = run_program(args, std::chrono::seconds(10));
  if (r.status != 0) throw std::runtime_error("etcdctl " + join_args(args) + ": " + r.err);
  return r;
}

}  // namespace

void EtcdCluster::put(const std::string& key, const std::string& value, const std::string& lease) {
  if (lease.empty()) {
    etcdctl(live_endpoint(), {"put", key, value});
  } else {
    etcdctl(live_endpoint(), {"put", "--lease=" + lease, key, value});
  }
}

std::string EtcdCluster::grant_lease(int ttl_seconds) {
  // "lease 694d7a5a4f8c9a0b granted with TTL(30s)"
  const std::string out =
      etcdctl(live_endpoint(), {"lease", "grant", std::to_string(ttl_seconds)}).out;
  const size_t start = out.find("lease ") + 6;
  return out.substr(start, out.find(' ', start) - start);
}

void EtcdCluster::revoke_lease(const std::string& lease) {
  etcdctl(live_endpoint(), {"lease", "revoke", lease});
}

std::string EtcdCluster::get(const std::string& key) {
  std::string out = etcdctl(live_endpoint(), {"get", key, "--print-value-only"}).out;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

int64_t EtcdCluster::revision() {
  const auto status =
      nlohmann::json::parse(etcdctl(live_endpoint(), {"endpoint", "status", "-w", "json"}).out);
  return status.at(0).at("Status").at("header").at("revision").get<int64_t>();
}

void EtcdCluster::compact(int64_t revision) {
  etcdctl(live_endpoint(), {"compact", std::to_string(revision)});
}

}  // namespace testsupport
