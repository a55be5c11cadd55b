// Expected failures as values: every fallible call in gslb returns Result<T>.
// Exceptions are only used at the edges (CLI, HTTP handlers).
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace zones {

enum class ErrorCode {
  kInvalid,   // the input is wrong (bad name, bad TTL, bad rdata, ...)
  kNotFound,  // the object named does not exist
  kConflict,  // the write clashes with what is stored (duplicate, CNAME+data, ...)
  kBusy,      // the database is locked by another writer
  kNoSpace,   // the store's disk is full: nothing was written; retry once there is room
  kIo,        // file or database I/O failed
  kTooNew,    // the database schema is newer than this program
  kInternal,  // a bug: should not happen
};

struct Error {
  ErrorCode code = ErrorCode::kInvalid;
  std::string where;    // the place: "zone.test:14", "record.ttl", "--listen"
  std::string message;  // what is wrong, for a human

  // "where: message", or just the message when there is no place.
  std::string text() const { return where.empty() ? message : where + ": " + message; }
};

template <typename T>
using Result = std::expected<T, Error>;

// Shorthand for returning a failure: `return fail(ErrorCode::kInvalid, "ttl", "...")`.
inline std::unexpected<Error> fail(ErrorCode code, std::string where, std::string message) {
  return std::unexpected(Error{code, std::move(where), std::move(message)});
}

}  // namespace zones
