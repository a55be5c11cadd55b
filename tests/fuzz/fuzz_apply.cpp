// fuzz_apply: bytes in as a `gslbadm apply` document (YAML, which also reads JSON), through the
// real parser, then validated and planned against a store holding a configuration (dry run:
// nothing is written, so every input sees the same store). A document the store accepts must
// emit (`gslbadm export`) to text that parses again.
#include <filesystem>
#include <string>
#include <string_view>

#include "admin/config_file.h"
#include "tests/fuzz/fuzz_store.h"
#include "tests/fuzz/fuzz_target.h"
#include "zones/gslb_store.h"

namespace {

// `file:` names a zone file to read; paths that reach devices or leave the base directory
// would make the target read forever or touch the machine, not the parser.
bool reads_outside(std::string_view text) {
  for (std::string_view bad : {"/dev", "/proc", "/sys", ".."})
    if (text.find(bad) != std::string_view::npos) return true;
  return false;
}

void check_emit(const admin::ConfigFile& config) {
  const std::string text =
      admin::emit_config(config.gslb, config.zones, admin::ConfigFormat::kYaml);
  auto again = admin::parse_config(text, admin::ConfigFormat::kYaml, "", "emitted.yaml");
  if (!again)
    std::fprintf(stderr, "fuzz: emitted config refused: %s\n", again.error().text().c_str());
  fuzz::check(again.has_value(), "an accepted config's export parses again");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::FuzzStore store;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (reads_outside(text)) return -1;  // -1: libFuzzer keeps it out of the corpus
  auto config =
      admin::parse_config(text, admin::ConfigFormat::kYaml, store.dir.string(), "fuzz.yaml");
  if (!config) return 0;
  zones::ApplyOptions options;
  options.dry_run = true;
  options.prune = size % 2 == 1;  // both merge and prune plans, chosen by the input
  auto plan = zones::GslbStore(store.db()).apply(config->gslb, options, "fuzz", config->zones);
  if (!plan) {
    (void)admin::locate_in_file(plan.error(), *config);
    return 0;
  }
  check_emit(*config);
  return 0;
}
