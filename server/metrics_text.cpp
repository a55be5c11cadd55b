// Prometheus text format 0.0.4: escaping and number formatting.
#include "server/metrics_text.h"

#include <cmath>
#include <system_error>

namespace server {
namespace {

std::string escape(std::string_view in, bool quotes) {
  std::string out;
  out.reserve(in.size());
  for (const char c : in) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void MetricValue::set_double(double value) {
  std::string_view special;
  if (std::isnan(value)) special = "NaN";
  if (std::isinf(value)) special = value > 0 ? "+Inf" : "-Inf";
  if (!special.empty()) {
    len_ = special.copy(text_, sizeof text_);
    return;
  }
  // Plain decimal reads best (timestamps, ages); huge values fall back to
  // the shortest form, which may use an exponent (also valid).
  auto r = std::to_chars(text_, text_ + sizeof text_, value, std::chars_format::fixed);
  if (r.ec != std::errc()) r = std::to_chars(text_, text_ + sizeof text_, value);
  len_ = static_cast<size_t>(r.ptr - text_);
}

std::string escape_label_value(std::string_view value) {
  return escape(value, true);
}

std::string escape_help(std::string_view help) {
  return escape(help, false);
}

void MetricsText::family(std::string_view name, std::string_view type, std::string_view help) {
  out_.append("# HELP ").append(name).append(" ").append(escape_help(help)).append("\n");
  out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void MetricsText::sample(std::string_view name, std::initializer_list<MetricLabel> labels,
                         MetricValue value) {
  out_.append(name);
  if (labels.size() != 0) {
    out_ += '{';
    bool first = true;
    for (const MetricLabel& l : labels) {
      if (!first) out_ += ',';
      first = false;
      out_.append(l.name).append("=\"").append(escape_label_value(l.value)).append("\"");
    }
    out_ += '}';
  }
  out_.append(" ").append(value.text()).append("\n");
}

}  // namespace server
