// A writer for the Prometheus text exposition format (version 0.0.4): HELP
// and TYPE lines per family, samples with escaped label values. Shared by
// gslbd's metrics and the admin API's own counters on the same page.
#pragma once

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace server {

struct MetricLabel {
  std::string_view name;   // [a-zA-Z_][a-zA-Z0-9_]*, not escaped
  std::string_view value;  // any bytes; escaped when written
};

// A sample's value as text: integers exactly, floating point in plain
// decimal (NaN, +Inf, -Inf spelt as Prometheus expects).
class MetricValue {
 public:
  template <typename T>
  requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
      MetricValue(T value) {  // NOLINT: implicit on purpose, so callers pass plain numbers
    if constexpr (std::is_floating_point_v<T>) {
      set_double(static_cast<double>(value));
    } else {
      len_ = static_cast<size_t>(std::to_chars(text_, text_ + sizeof text_, value).ptr - text_);
    }
  }
  std::string_view text() const { return {text_, len_}; }

 private:
  void set_double(double value);
  char text_[64];
  size_t len_ = 0;
};

// `\` -> `\\`, `"` -> `\"`, newline -> `\n` (label values).
std::string escape_label_value(std::string_view value);
// `\` -> `\\`, newline -> `\n` (HELP text).
std::string escape_help(std::string_view help);

class MetricsText {
 public:
  // Starts a family: `# HELP` and `# TYPE` (counter, gauge, untyped...).
  // Once per name, before its samples, as the format requires.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, std::initializer_list<MetricLabel> labels, MetricValue value);
  void sample(std::string_view name, MetricValue value) { sample(name, {}, value); }
  // A family with one unlabelled sample.
  void single(std::string_view name, std::string_view type, std::string_view help,
              MetricValue value) {
    family(name, type, help);
    sample(name, value);
  }

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace server
