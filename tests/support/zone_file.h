// A zone file to load into a server under test, and where the committed ones live.
#pragma once

#include <filesystem>
#include <string>

namespace testsupport {

struct ZoneFile {
  std::string origin{};  // "example.test."
  std::filesystem::path path{};
};

// gslb.test. with only its SOA and NS (and the name server's address): the zone that tests of
// GSLB services load their services into.
inline constexpr const char* kGslbTestZone = R"($ORIGIN gslb.test.
$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 604800 60
@ IN NS ns1
ns1 IN A 192.0.2.53
)";

// tests/cases/<relative>, e.g. case_file("zones/example.test.zone").
std::filesystem::path case_file(const std::string& relative);
// An executable by name from PATH, /usr/sbin or /sbin; throws when none is found.
std::string find_program(const std::string& name);

}  // namespace testsupport
