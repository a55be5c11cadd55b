// The admin API's token file: format, errors by line, file mode, lookup.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "admin/api/tokens.h"
#include "tests/support/temp_dir.h"

namespace {

using admin::api::TokenTable;

constexpr const char* kTwoTokens =
    "# who   role   secret\n"
    "ops     write  0123456789abcdef0123\n"
    "\n"
    "viewer  read   fedcba9876543210fedc   # dashboards\n";

std::string error_of(std::string_view text) {
  auto table = TokenTable::parse(text, "tokens");
  REQUIRE_FALSE(table);
  return table.error().text();
}

}  // namespace

TEST_CASE("tokens: names, roles and secrets are read; comments and blank lines skipped") {
  auto table = TokenTable::parse(kTwoTokens, "tokens");
  REQUIRE(table);
  CHECK(table->size() == 2);
  const auto* ops = table->find("0123456789abcdef0123");
  REQUIRE(ops != nullptr);
  CHECK(ops->name == "ops");
  CHECK(ops->can_write);
  const auto* viewer = table->find("fedcba9876543210fedc");
  REQUIRE(viewer != nullptr);
  CHECK(viewer->name == "viewer");
  CHECK_FALSE(viewer->can_write);
}

TEST_CASE("tokens: a secret matches only in full") {
  auto table = TokenTable::parse(kTwoTokens, "tokens");
  REQUIRE(table);
  CHECK(table->find("") == nullptr);
  CHECK(table->find("0123456789abcdef012") == nullptr);    // one short
  CHECK(table->find("0123456789abcdef01234") == nullptr);  // one long
  CHECK(table->find("0123456789abcdef0124") == nullptr);   // last byte differs
  CHECK(table->find("ops") == nullptr);                    // a name is not a secret
}

TEST_CASE("tokens: every malformed line is refused naming the line") {
  CHECK(error_of("ops write\n") == "tokens:1: expected NAME ROLE SECRET (got 2 words)");
  CHECK(error_of("# c\nops admin 0123456789abcdef0123\n") ==
        "tokens:2: role must be read or write (got \"admin\")");
  CHECK(error_of("ops write short\n") ==
        "tokens:1: the secret of \"ops\" is shorter than 16 characters");
  CHECK(error_of("a write 0123456789abcdef0123\na read 0123456789abcdef9999\n") ==
        "tokens:2: token name \"a\" is used twice");
  CHECK(error_of("a write 0123456789abcdef0123\nb read 0123456789abcdef0123\n") ==
        "tokens:2: same secret as token \"a\"");
  CHECK(error_of("# nothing\n\n") == "tokens: no tokens in the file");
}

TEST_CASE("tokens: a file others may read or write is refused") {
  testsupport::TempDir dir{"gslb-tokens"};
  const auto path = dir.write("tokens", kTwoTokens);
  ::chmod(path.c_str(), 0600);
  CHECK(TokenTable::load(path.string()));
  ::chmod(path.c_str(), 0644);
  auto readable = TokenTable::load(path.string());
  REQUIRE_FALSE(readable);
  CHECK(readable.error().text() ==
        "--admin-tokens " + path.string() + ": readable by others (mode 0644); chmod 600 it");
  ::chmod(path.c_str(), 0620);
  auto writable = TokenTable::load(path.string());
  REQUIRE_FALSE(writable);
  CHECK(writable.error().text().find("writable by others (mode 0620)") != std::string::npos);
  auto missing = TokenTable::load((dir / "absent").string());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().text() ==
        "--admin-tokens " + (dir / "absent").string() + ": cannot read it");
}

TEST_CASE("tokens: errors in a loaded file name the flag and the line") {
  testsupport::TempDir dir{"gslb-tokens"};
  const auto path = dir.write("tokens", "ops write 0123456789abcdef0123\nbad\n");
  ::chmod(path.c_str(), 0600);
  auto table = TokenTable::load(path.string());
  REQUIRE_FALSE(table);
  CHECK(table.error().text() ==
        "--admin-tokens " + path.string() + ":2: expected NAME ROLE SECRET (got 1 word)");
}
