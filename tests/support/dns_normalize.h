// A reply reduced to what two correct servers must agree on: header bits, question, and
// each section as a sorted list of presentation-form RRs (owners lowercased), plus EDNS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/socket_io.h"

namespace testsupport {

struct OptSummary {
  bool present = false;
  uint16_t payload = 0;
  uint8_t version = 0;
  bool do_bit = false;
  std::vector<std::string> options;  // "CODE:hexdata", in wire order
  bool operator==(const OptSummary&) const = default;
};

struct Normalized {
  uint16_t id = 0;
  int opcode = 0;
  int rcode = 0;         // 12-bit, including the EDNS extended bits
  std::string flags;     // present flags in the order "qr aa tc rd ra ad cd"
  std::string question;  // as the server wrote it: case preserved
  std::vector<std::string> answer, authority, additional;  // OPT excluded
  OptSummary opt;
  bool operator==(const Normalized&) const = default;
};

// nullopt when ldns cannot parse `wire`.
std::optional<Normalized> normalize(const Bytes& wire);

std::string rcode_name(int rcode);  // "NOERROR", "BADVERS", "RCODE23"...
std::string to_string(const OptSummary& opt);
std::string to_string(const Normalized& n);  // multi-line, for failure messages
// How many distinct (owner, type) RRsets a section holds.
size_t rrset_count(const std::vector<std::string>& section);
// The ECS option from `opt`, as "family/source/scope/addresshex", or empty.
std::string ecs_of(const OptSummary& opt);

}  // namespace testsupport
