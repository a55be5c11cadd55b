// One line per event on stderr, as key=value pairs after a timestamp and a
// level: `ts=2026-11-23T10:00:00.123Z level=info event=ready addrs=...`.
// Shared by all programs; never called on the query path.
#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>

namespace zones {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

using LogField = std::pair<std::string_view, std::string_view>;

void set_log_level(LogLevel level);
// Parses "debug" | "info" | "warn" | "error"; false if unknown.
bool parse_log_level(std::string_view text, LogLevel& out);
void log_event(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

}  // namespace zones
