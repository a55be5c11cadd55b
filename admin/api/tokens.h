// The admin API's bearer tokens: a file of `NAME ROLE SECRET` lines (ROLE
// read|write, '#' comments), refused when group or others may read or write
// it, and a constant-time lookup of a presented secret.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "zones/result.h"

namespace admin::api {

// A guessable secret is refused: at least this long (e.g. `openssl rand -hex 16`).
inline constexpr size_t kMinSecretChars = 16;

struct Token {
  std::string name;  // the audit log's actor
  bool can_write = false;
  std::string secret;
};

class TokenTable {
 public:
  // Reads and checks `path`; errors name the flag, the file and the line
  // ("tokens.txt:3: role must be read or write").
  static zones::Result<TokenTable> load(const std::string& path);
  // Parses a file's text; `label` names it in errors.
  static zones::Result<TokenTable> parse(std::string_view text, const std::string& label);

  // The token whose secret is `secret`, or nullptr. Every token is compared
  // in full, so the time taken says nothing about how close a guess was.
  const Token* find(std::string_view secret) const;
  size_t size() const { return tokens_.size(); }

 private:
  std::vector<Token> tokens_;
};

}  // namespace admin::api
