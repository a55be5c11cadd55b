// A real etcd cluster for the fleet tests: N members of Debian's etcd on loopback, random
// free ports, data in a temp dir. Members can be killed and started again; the destructor
// stops every one. Tests skip (with a message) when etcd is not installed.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace testsupport {

class EtcdCluster {
 public:
  // The etcd program, or "" when it is not installed.
  static std::string program();

  // Starts `members` members and waits until the cluster has a leader.
  explicit EtcdCluster(int members = 1);
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
};

}  // namespace testsupport
