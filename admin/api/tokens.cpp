// Reading the tokens file and matching bearer secrets (tokens.h).
#include "admin/api/tokens.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace admin::api {

namespace {

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Time depends on the presented length only, never on where a byte differs.
bool equal_constant_time(std::string_view presented, std::string_view stored) {
  if (stored.empty()) return false;
  unsigned char diff = presented.size() == stored.size() ? 0 : 1;
  for (size_t i = 0; i < presented.size(); ++i)
    diff |= static_cast<unsigned char>(presented[i] ^ stored[i % stored.size()]);
  return diff == 0;
}

zones::Result<Token> parse_line(std::string_view line, const std::string& where) {
  const auto w = words(line);
  if (w.size() != 3)
    return zones::fail(zones::ErrorCode::kInvalid, where,
                       "expected NAME ROLE SECRET (got " + std::to_string(w.size()) +
                           (w.size() == 1 ? " word)" : " words)"));
  if (w[1] != "read" && w[1] != "write")
    return zones::fail(zones::ErrorCode::kInvalid, where,
                       "role must be read or write (got \"" + w[1] + "\")");
  if (w[2].size() < kMinSecretChars)
    return zones::fail(zones::ErrorCode::kInvalid, where,
                       "the secret of \"" + w[0] + "\" is shorter than " +
                           std::to_string(kMinSecretChars) + " characters");
  return Token{w[0], w[1] == "write", w[2]};
}

}  // namespace

zones::Result<TokenTable> TokenTable::parse(std::string_view text, const std::string& label) {
  TokenTable table;
  std::istringstream in{std::string(text)};
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    line = line.substr(0, line.find('#'));
    if (words(line).empty()) continue;
    const std::string where = label + ":" + std::to_string(number);
    auto token = parse_line(line, where);
    if (!token) return std::unexpected(token.error());
    for (const Token& seen : table.tokens_) {
      if (seen.name == token->name)
        return zones::fail(zones::ErrorCode::kInvalid, where,
                           "token name \"" + seen.name + "\" is used twice");
      if (seen.secret == token->secret)
        return zones::fail(zones::ErrorCode::kInvalid, where,
                           "same secret as token \"" + seen.name + "\"");
    }
    table.tokens_.push_back(std::move(*token));
  }
  if (table.tokens_.empty())
    return zones::fail(zones::ErrorCode::kInvalid, label, "no tokens in the file");
  return table;
}

zones::Result<TokenTable> TokenTable::load(const std::string& path) {
  const std::string flag = "--admin-tokens " + path;
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    return zones::fail(zones::ErrorCode::kIo, flag, "cannot read it");
  // A secret others can read is no secret; one others can write lets them in.
  if ((info.st_mode & 0077) != 0) {
    const char* what = (info.st_mode & 0044) != 0 ? "readable" : "writable";
    return zones::fail(
        zones::ErrorCode::kInvalid, flag,
        std::string(what) + " by others (mode " + octal_mode(info.st_mode) + "); chmod 600 it");
  }
  std::ifstream in(path);
  if (!in) return zones::fail(zones::ErrorCode::kIo, flag, "cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  auto table = parse(text.str(), path);
  if (!table) table.error().where = "--admin-tokens " + table.error().where;
  return table;
}

const Token* TokenTable::find(std::string_view secret) const {
  const Token* found = nullptr;
  for (const Token& token : tokens_)
    if (equal_constant_time(secret, token.secret)) found = &token;
  return found;
}

}  // namespace admin::api
