// A fake regional load balancer (tests/support/backend.py) started by a test:
// its health endpoint's status, load, body and hanging flipped at runtime.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "tests/support/process.h"

namespace testsupport {

struct TlsFiles {
  std::filesystem::path cert;  // PEM, self-signed (its own CA)
  std::filesystem::path key;   // PEM, unencrypted
};

// Writes a self-signed certificate for `name` (also valid for 127.0.0.1 and
// ::1) and its key into `dir` with the openssl CLI; throws when openssl fails.
TlsFiles make_self_signed_cert(const std::filesystem::path& dir, const std::string& name);

struct BackendOptions {
  std::string bind = "127.0.0.1";  // or "::1", "0.0.0.0"
  int status = 200;
  double load = 0.2;
  bool hang = false;
  std::optional<TlsFiles> tls{};  // serve HTTPS
};

class Backend {
 public:
  // Starts backend.py on a free port and waits for its ready line; throws on failure.
  explicit Backend(BackendOptions options = {});
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  uint16_t port() const { return port_; }
  // An address a client reaches it at: the bind address, loopback for a wildcard.
  std::string address() const;

  void set_status(int status);
  void set_hang(bool hang);
  void set_load(double load);
  void set_body(const std::string& body);
  void set_redirect(int status, const std::string& location);
  // POST /control with this JSON object; throws unless the backend accepts it.
  void control(const std::string& json);

 private:
  BackendOptions options_;
  std::unique_ptr<Process> process_;
  uint16_t port_ = 0;
};

}  // namespace testsupport
