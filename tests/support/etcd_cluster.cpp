// A real etcd cluster on loopback for the fleet tests (see etcd_cluster.h).
#include "tests/support/etcd_cluster.h"

#include <unistd.h>

#include <fstream>
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

TestPki make_test_pki(const std::filesystem::path& dir) {
  const std::string openssl = find_program("openssl");
  auto run = [&](const std::vector<std::string>& argv) {
    const RunResult r = run_program(argv);
    if (r.status != 0) throw std::runtime_error("openssl failed:\n" + r.err + r.out);
  };
  const std::string ca = (dir / "ca.crt").string(), ca_key = (dir / "ca.key").string();
  run({openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
       "-subj", "/CN=gslb-test-ca", "-days", "2"});
  const std::string ext = (dir / "leaf.ext").string();
  std::ofstream(ext) << "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n";
  auto leaf = [&](const std::string& name) {
    const std::string key = (dir / (name + ".key")).string(),
                      csr = (dir / (name + ".csr")).string(),
                      cert = (dir / (name + ".crt")).string();
    run({openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj",
         "/CN=" + name});
    run({openssl, "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
         "-out", cert, "-days", "2", "-extfile", ext});
    return std::pair{cert, key};
  };
  const auto [server_cert, server_key] = leaf("etcd-server");
  const auto [client_cert, client_key] = leaf("gslb-client");
  return {ca, server_cert, server_key, client_cert, client_key};
}

std::string EtcdCluster::program() {
  return find_program("etcd");
}

EtcdCluster::EtcdCluster(int members, std::optional<EtcdTls> tls) : tls_(std::move(tls)) {
  if (tls_)
    ctl_flags_ = {"--cacert", tls_->cert, "--cert", tls_->client_cert, "--key", tls_->client_key};
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
      throw std::runtime_error("etcd member " + std::to_string(i) + " not ready; its output:\n" +
                               members_[static_cast<size_t>(i)].process->output());
  }
}

EtcdCluster::~EtcdCluster() {
  for (Member& m : members_) {
    if (m.process) m.process->stop(std::chrono::seconds(3));
  }
}

void EtcdCluster::launch(int member) {
  Member& m = members_.at(static_cast<size_t>(member));
  const std::string client = endpoint(member);
  const std::string peer = "http://127.0.0.1:" + std::to_string(m.peer_port);
  // Short heartbeats and elections: a killed leader is replaced within a second, as the
  // tests expect of a healthy cluster. Many objects per transaction, as docs/fleet.md advises.
  std::vector<std::string> argv{program(), "--name", m.name, "--data-dir",
                                (dir_ / m.name).string()};
  for (const char* flag : {"--listen-client-urls", "--advertise-client-urls"})
    argv.insert(argv.end(), {flag, client});
  for (const char* flag : {"--listen-peer-urls", "--initial-advertise-peer-urls"})
    argv.insert(argv.end(), {flag, peer});
  argv.insert(argv.end(), {"--initial-cluster", initial_cluster_, "--initial-cluster-state", "new",
                           "--initial-cluster-token", "gslb-test", "--heartbeat-interval", "50",
                           "--election-timeout", "500", "--max-txn-ops", "10000", "--logger", "zap",
                           "--log-level", "error"});
  if (tls_) {
    argv.insert(argv.end(), {"--cert-file", tls_->cert, "--key-file", tls_->key,
                             "--client-cert-auth", "--trusted-ca-file", tls_->client_ca});
  }
  m.process = std::make_unique<Process>(argv);
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
  return std::string(tls_ ? "https" : "http") +
         "://127.0.0.1:" + std::to_string(members_.at(static_cast<size_t>(member)).client_port);
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
    if (tls_) {
      // /health needs a client certificate here: etcdctl has one.
      std::vector<std::string> argv{find_program("etcdctl"), "--endpoints", endpoint(member),
                                    "endpoint", "health"};
      argv.insert(argv.end(), ctl_flags_.begin(), ctl_flags_.end());
      if (run_program(argv, std::chrono::seconds(5)).status == 0) return true;
    } else {
      const HttpResponse r =
          http_request("GET", endpoint(member) + "/health", "", {}, std::chrono::milliseconds(500));
      if (r.status == 200 && r.body.find("\"true\"") != std::string::npos) return true;
    }
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

RunResult run_etcdctl(const std::string& endpoint, const std::vector<std::string>& flags,
                      std::vector<std::string> args) {
  args.insert(args.begin(), flags.begin(), flags.end());
  args.insert(args.begin(), {find_program("etcdctl"), "--endpoints", endpoint});
  setenv("ETCDCTL_API", "3", 1);
  RunResult r = run_program(args, std::chrono::seconds(10));
  if (r.status != 0) throw std::runtime_error("etcdctl " + join_args(args) + ": " + r.err);
  return r;
}

}  // namespace

void EtcdCluster::put(const std::string& key, const std::string& value, const std::string& lease) {
  if (lease.empty()) {
    run_etcdctl(live_endpoint(), ctl_flags_, {"put", key, value});
  } else {
    run_etcdctl(live_endpoint(), ctl_flags_, {"put", "--lease=" + lease, key, value});
  }
}

std::string EtcdCluster::grant_lease(int ttl_seconds) {
  // "lease 694d7a5a4f8c9a0b granted with TTL(30s)"
  const std::string out =
      run_etcdctl(live_endpoint(), ctl_flags_, {"lease", "grant", std::to_string(ttl_seconds)}).out;
  const size_t start = out.find("lease ") + 6;
  return out.substr(start, out.find(' ', start) - start);
}

void EtcdCluster::revoke_lease(const std::string& lease) {
  run_etcdctl(live_endpoint(), ctl_flags_, {"lease", "revoke", lease});
}

std::string EtcdCluster::get(const std::string& key) {
  std::string out =
      run_etcdctl(live_endpoint(), ctl_flags_, {"get", key, "--print-value-only"}).out;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

int64_t EtcdCluster::revision() {
  const auto status = nlohmann::json::parse(
      run_etcdctl(live_endpoint(), ctl_flags_, {"endpoint", "status", "-w", "json"}).out);
  return status.at(0).at("Status").at("header").at("revision").get<int64_t>();
}

std::string EtcdCluster::etcdctl(std::vector<std::string> args) {
  return run_etcdctl(live_endpoint(), ctl_flags_, std::move(args)).out;
}

void EtcdCluster::compact(int64_t revision) {
  run_etcdctl(live_endpoint(), ctl_flags_, {"compact", std::to_string(revision)});
}

}  // namespace testsupport
