// Malformed DNS messages: named ones for the differential table (each breaks one rule on
// purpose) and random mutations of valid queries for the robustness storm.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tests/support/socket_io.h"

namespace testsupport {

// The names known to malformed_query(): "qdcount2", "qdcount0", ...
std::vector<std::string> malformed_query_names();
// A query for `qname` broken in the named way; throws std::invalid_argument for an unknown
// name.
Bytes malformed_query(const std::string& name, const std::string& qname, uint16_t id);

// Header count fields (RFC 1035 4.1.1): 0 QD, 1 AN, 2 NS, 3 AR.
void set_count(Bytes& wire, int which, uint16_t value);

// One random way of breaking `valid` (bit flips, truncation, bogus counts, bad labels,
// compression loops, bogus or repeated OPT records, bad ECS options, random bytes).
Bytes mutate(const Bytes& valid, std::mt19937& rng);

}  // namespace testsupport
