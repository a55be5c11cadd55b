// fuzz_zonefile: bytes in as a zone file, through the real import parser (with and without a
// given origin) and, when it is accepted, the exporter and the snapshot compiler: an accepted
// zone must export to text that imports again to as many records (docs/zones.md: export then
// import reproduces the same rows).
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_target.h"
#include "zones/compile.h"
#include "zones/zonefile.h"

namespace {

void round_trip(const zones::ZoneContent& zone) {
  const std::string text = zones::format_zone(zone);
  auto again = zones::parse_zone_text(text, "exported.zone");
  if (!again)
    std::fprintf(stderr, "fuzz: exported zone refused: %s\n", again.error().text().c_str());
  fuzz::check(again.has_value(), "an imported zone's export imports again");
  fuzz::check(again->records.size() == zone.records.size(), "export keeps every record");
  // The compiler may refuse a zone (the caller keeps its last snapshot) but must not crash.
  (void)zones::compile_snapshot({*again}, 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto zone = zones::parse_zone_text(text, "fuzz.zone")) round_trip(*zone);
  // With an origin given, relative owners and a missing $ORIGIN take other paths.
  if (auto zone = zones::parse_zone_text(text, "fuzz.zone", "example.test.")) round_trip(*zone);
  return 0;
}
