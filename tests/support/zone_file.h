// A zone file to load into a server under test, and where the committed ones live.
#pragma once

#include <filesystem>
#include <string>

namespace testsupport {

struct ZoneFile {
  std::string origin{};  // "example.test."
  std::filesystem::path path{};
};

// tests/cases/<relative>, e.g. case_file("zones/example.test.zone").
std::filesystem::path case_file(const std::string& relative);
// An executable by name from PATH, /usr/sbin or /sbin; throws when none is found.
std::string find_program(const std::string& name);

}  // namespace testsupport
