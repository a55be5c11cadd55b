// A real etcd cluster for the fleet tests: N members of Debian's etcd on loopback, random
// free ports, data in a temp dir. Members can be killed and started again; the destructor
// stops every one. Tests skip (with a message) when etcd is not installed.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace testsupport {

// Serving clients over TLS: the server's certificate and key, and the CA client
// certificates must chain to (--client-cert-auth); the helpers' own etcdctl uses
// client_cert and client_key.
struct EtcdTls {
  std::string cert, key, client_ca, client_cert, client_key;
};

// A throwaway CA and two certificates it signs, for 127.0.0.1, usable for server and client
// authentication (etcd's JSON gateway connects to etcd itself with the server's), made with
// the openssl CLI in `dir`. EtcdTls for a cluster that requires client certificates.
struct TestPki {
  std::string ca, server_cert, server_key, client_cert, client_key;
  EtcdTls etcd_tls() const { return {server_cert, server_key, ca, client_cert, client_key}; }
};
TestPki make_test_pki(const std::filesystem::path& dir);

class EtcdCluster {
 public:
  // The etcd program, or "" when it is not installed.
  static std::string program();

  // Starts `members` members and waits until the cluster has a leader.
  explicit EtcdCluster(int members = 1, std::optional<EtcdTls> tls = std::nullopt);
  ~EtcdCluster();
  EtcdCluster(const EtcdCluster&) = delete;
  EtcdCluster& operator=(const EtcdCluster&) = delete;

  int size() const { return static_cast<int>(members_.size()); }
  std::string endpoint(int member) const;  // "http://127.0.0.1:PORT"
  std::vector<std::string> endpoints() const;
  std::string endpoints_csv() const;  // for --etcd

  void kill(int member);   // SIGKILL
  void start(int member);  // again, with its data
  // Waits until `member` says it is healthy (it has a leader); false after `timeout`.
  bool wait_healthy(int member, std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // etcdctl-free helpers over the JSON gateway of the first live member.
  void put(const std::string& key, const std::string& value, const std::string& lease = "");
  std::string grant_lease(int ttl_seconds);  // the lease's id, as etcdctl spells it
  void revoke_lease(const std::string& lease);
  std::string get(const std::string& key);  // "" when absent
  int64_t revision();
  void compact(int64_t revision);
  // etcdctl's own flags for this cluster from now on: TLS files, --user (after auth enable).
  void set_etcdctl_flags(std::vector<std::string> flags) { ctl_flags_ = std::move(flags); }
  // Runs etcdctl with these flags against a live member; throws when it fails.
  std::string etcdctl(std::vector<std::string> args);

 private:
  struct Member {
    std::string name;
    uint16_t client_port = 0, peer_port = 0;
    std::unique_ptr<Process> process;
  };
  void launch(int member);
  std::string live_endpoint() const;

  TempDir dir_{"gslb-etcd"};
  std::vector<Member> members_;
  std::string initial_cluster_;
  std::optional<EtcdTls> tls_;
  std::vector<std::string> ctl_flags_;
};

}  // namespace testsupport
