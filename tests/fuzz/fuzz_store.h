// A migrated store in a temp dir, made once per fuzzing process, holding the demo's
// configuration (docs/examples/demo.yaml and its zone), for the targets that plan or write
// against a store. The temp dir goes when the process exits normally.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>

#include "admin/config_file.h"
#include "tests/fuzz/fuzz_target.h"
#include "zones/db.h"
#include "zones/gslb_store.h"
#include "zones/migrate.h"

namespace fuzz {

// In memory (/dev/shm) when there is one: every API write commits, and fsync on a disk would
// make the target a hundred times slower.
inline std::filesystem::path make_temp_dir() {
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                         ? std::filesystem::path("/dev/shm")
                                         : std::filesystem::temp_directory_path();
  std::string pattern = (base / "gslb-fuzz-XXXXXX").string();
  check(mkdtemp(pattern.data()) != nullptr, "a temp dir for the store");
  return pattern;
}

struct FuzzStore {
  // First member, so it is removed after the database is closed.
  struct RemoveDir {
    std::filesystem::path path;
    ~RemoveDir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } temp{make_temp_dir()};
  const std::filesystem::path& dir = temp.path;
  const std::string db_path = (dir / "store.db").string();
  std::optional<zones::Db> db_;

  FuzzStore() {
    const std::filesystem::path examples = std::filesystem::path(GSLB_SOURCE_DIR) / "docs/examples";
    // Documents naming `file: gslb.example.zone` (the examples do) find it next to the store.
    std::filesystem::copy_file(examples / "gslb.example.zone", dir / "gslb.example.zone");
    auto db = zones::Db::open(db_path);
    check(db.has_value(), "the store opens");
    check(zones::migrate(*db).has_value(), "the store migrates");
    db_.emplace(std::move(*db));
    auto config = admin::read_config_file((examples / "demo.yaml").string());
    check(config.has_value(), "docs/examples/demo.yaml parses");
    auto plan = zones::GslbStore(*db_).apply(config->gslb, {}, "fuzz", config->zones);
    check(plan.has_value(), "docs/examples/demo.yaml applies");
  }

  zones::Db& db() { return *db_; }
};

}  // namespace fuzz
