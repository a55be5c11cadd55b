// The --etcd* flags (see fleet_flags.h).
#include "admin/fleet/fleet_flags.h"

namespace admin::fleet {

void add_fleet_flags(CLI::App& app, FleetFlags& flags) {
  const char* group = "Fleet (etcd, docs/fleet.md)";
  app.add_option("--etcd", flags.etcd,
                 "etcd endpoints, comma-separated (http://10.0.0.1:2379,...): fleet mode")
      ->group(group);
  app.add_option("--etcd-prefix", flags.prefix, "where gslb's keys live in etcd")
      ->capture_default_str()
      ->group(group);
  app.add_option("--etcd-ca", flags.ca_file, "PEM CA bundle to verify etcd's certificate")
      ->group(group);
  app.add_option("--etcd-cert", flags.cert_file, "PEM client certificate for etcd")->group(group);
  app.add_option("--etcd-key", flags.key_file, "PEM private key of --etcd-cert")->group(group);
  app.add_option("--etcd-user", flags.user, "etcd user (etcd auth enabled)")->group(group);
  app.add_option("--etcd-password-file", flags.password_file,
                 "file holding --etcd-user's password (mode 0600)")
      ->group(group);
  app.add_option("--etcd-timeout", flags.timeout_ms, "ms per etcd request and endpoint")
      ->capture_default_str()
      ->check(CLI::Range(100, 60000))
      ->group(group);
}

}  // namespace admin::fleet
