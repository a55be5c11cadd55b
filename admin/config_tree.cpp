// Reading a config document into a ConfigTree: YAML through yaml-cpp, JSON through
// nlohmann's SAX parser (so that duplicate keys and the line of every key are seen).
#include "admin/config_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <iterator>
#include <list>
#include <optional>
#include <sstream>

namespace admin {

int ConfigTree::line_of(const std::string& path) const {
  std::string p = path;
  while (true) {
    if (auto it = lines.find(p); it != lines.end()) return it->second;
    if (p.empty()) return 0;
    size_t cut = p.find_last_of(".[");
    p = cut == std::string::npos ? "" : p.substr(0, cut);
  }
}

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string item_path(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

namespace {

// Far deeper than any config (services[0].geo[0].pools[0] is 6 levels); a bound keeps paths,
// which grow with the depth, from growing quadratically on hostile input.
constexpr size_t kMaxDepth = 32;
constexpr const char* kTooDeep = "nested too deeply (more than 32 levels of lists and maps)";

std::pair<int, zones::Error> tree_error(const std::string& file, int line, const std::string& path,
                                        const std::string& message) {
  std::string where = line > 0 ? file + ":" + std::to_string(line) : file;
  return {line,
          {zones::ErrorCode::kInvalid, std::move(where),
           path.empty() ? message : path + ": " + message}};
}

// ---- YAML ----

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_core_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

}  // namespace

std::optional<nlohmann::json> resolve_plain_scalar(const std::string& s) {
  if (s == "~" || s == "null" || s == "Null" || s == "NULL") return nlohmann::json();
  if (s == "true" || s == "True" || s == "TRUE") return nlohmann::json(true);
  if (s == "false" || s == "False" || s == "FALSE") return nlohmann::json(false);
  std::string_view body = s;
  bool negative = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (all_digits(body)) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
    if (ec == std::errc() && end == body.data() + body.size()) {
      if (!negative) return nlohmann::json(value);
      if (value <= uint64_t{INT64_MAX} + 1) return nlohmann::json(static_cast<int64_t>(0 - value));
    }
  }
  if (is_core_float(s)) return nlohmann::json(std::strtod(s.c_str(), nullptr));
  return std::nullopt;
}

namespace {

// Well-formed UTF-8 as RFC 3629 defines it (no overlong forms, surrogates or code points past
// U+10FFFF): what nlohmann::json's dump accepts.
bool is_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      lo = c == 0xE0 ? 0xA0 : 0x80;
      hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      lo = c == 0xF0 ? 0x90 : 0x80;
      hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return false;
    }
    i += len;
  }
  return true;
}

class YamlReader {
 public:
  YamlReader(ConfigTree& tree, const std::string& file) : tree_(tree), file_(file) {}
  bool too_deep() const { return too_deep_; }

  nlohmann::json convert(const YAML::Node& node, const std::string& path, size_t depth = 0) {
    if (depth > kMaxDepth && (node.IsMap() || node.IsSequence())) {
      const int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
      if (!too_deep_) tree_.errors.push_back(tree_error(file_, line, "", kTooDeep));
      too_deep_ = true;
      return nullptr;
    }
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return convert_map(node, path, depth);
      case YAML::NodeType::Sequence: {
        nlohmann::json list = nlohmann::json::array();
        size_t index = 0;
        for (const YAML::Node& item : node) {
          std::string p = item_path(path, index++);
          if (item.Mark().line >= 0) tree_.lines[p] = item.Mark().line + 1;
          list.push_back(convert(item, p, depth + 1));
        }
        return list;
      }
      case YAML::NodeType::Scalar: {
        check_utf8(node, path);
        if (node.Tag() != "?") return node.Scalar();
        auto value = resolve_plain_scalar(node.Scalar());
        if (!value) return node.Scalar();
        if (!value->is_null()) tree_.plain[path] = node.Scalar();
        return *value;
      }
      default:
        return nullptr;
    }
  }

 private:
  nlohmann::json convert_map(const YAML::Node& node, const std::string& path, size_t depth) {
    nlohmann::json object = nlohmann::json::object();
    // yaml-cpp's iterator yields its key/value pair by value: take copies
    // (Node is a handle), never references into that temporary.
    for (const auto& entry : node) {
      const YAML::Node key = entry.first;
      const int line = key.Mark().line >= 0 ? key.Mark().line + 1 : 0;
      if (!key.IsScalar()) {
        tree_.errors.push_back(
            tree_error(file_, line, path, "a key must be a plain string, not a list or map"));
        continue;
      }
      check_utf8(key, path);
      const std::string name = key.Scalar();
      const std::string p = child_path(path, name);
      if (object.contains(name)) {
        auto first = tree_.lines.find(p);
        std::string message = "duplicate key";
        if (first != tree_.lines.end()) {
          message += " (first on line " + std::to_string(first->second) + ")";
        }
        tree_.errors.push_back(tree_error(file_, line, p, message));
        continue;
      }
      if (line > 0) tree_.lines[p] = line;
      object[name] = convert(entry.second, p, depth + 1);
    }
    return object;
  }

  // yaml-cpp passes any bytes through (and encodes a "\uD800" escape as a surrogate), but the
  // objects become JSON, whose dump throws on text that is not UTF-8: gslbadm apply and POST
  // /v1/apply died on such a monitor path (found by fuzz_apply, tests/fuzz/corpus/apply/
  // not_utf8_*). Noted with its place; parse_config refuses the document.
  void check_utf8(const YAML::Node& scalar, const std::string& path) {
    if (is_utf8(scalar.Scalar())) return;
    const int line = scalar.Mark().line >= 0 ? scalar.Mark().line + 1 : 0;
    tree_.not_utf8.push_back(tree_error(file_, line, path, "text is not valid UTF-8"));
  }

  ConfigTree& tree_;
  const std::string& file_;
  bool too_deep_ = false;
};

// ---- JSON ----

// Counts the lines the JSON lexer has consumed.
struct LineCounter {
  int lines = 1;
  char last = 0;
};

class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* p, LineCounter* counter) : p_(p), counter_(counter) {}
  reference operator*() const { return *p_; }
  CountingIterator& operator++() {
    counter_->last = *p_;
    if (*p_ == '\n') ++counter_->lines;
    ++p_;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return p_ == other.p_; }
  bool operator!=(const CountingIterator& other) const { return p_ != other.p_; }

 private:
  const char* p_;
  LineCounter* counter_;
};

// Builds the JSON value like nlohmann's own DOM parser, but records the line of every key and
// list item and refuses duplicate keys.
class JsonBuilder {
 public:
  using json = nlohmann::json;

  JsonBuilder(ConfigTree& tree, const std::string& file, const LineCounter& counter)
      : tree_(tree), file_(file), counter_(counter) {}

  bool null() { return add(nullptr, false) != nullptr; }
  bool boolean(bool value) { return add(value, false) != nullptr; }
  bool number_integer(json::number_integer_t value) { return add(value, true) != nullptr; }
  bool number_unsigned(json::number_unsigned_t value) { return add(value, true) != nullptr; }
  bool number_float(json::number_float_t value, const json::string_t&) {
    return add(value, true) != nullptr;
  }
  bool string(json::string_t& value) { return add(std::move(value), false) != nullptr; }
  bool binary(json::binary_t&) { return false; }  // not produced by the JSON reader
  bool start_object(std::size_t) { return open(json::object(), true); }
  bool start_array(std::size_t) { return open(json::array(), false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& name) {
    Frame& top = stack_.back();
    top.key = name;
    const std::string p = child_path(top.path, name);
    top.duplicate = top.node->contains(name);
    if (top.duplicate) {
      tree_.errors.push_back(
          tree_error(file_, counter_.lines, p,
                     "duplicate key (first on line " + std::to_string(tree_.lines[p]) + ")"));
    } else {
      tree_.lines[p] = counter_.lines;
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ..."
    std::string message = e.what();
    int line = counter_.lines;
    if (size_t at = message.find("at line "); at != std::string::npos) {
      line = std::atoi(message.c_str() + at + 8);
      if (size_t colon = message.find(": ", at); colon != std::string::npos) {
        message = message.substr(colon + 2);
      }
    }
    tree_.errors.push_back(tree_error(file_, line, "", message));
    tree_.root = nullptr;
    return false;
  }

 private:
  struct Frame {
    json* node;
    std::string path;
    std::string key;  // objects: the key whose value comes next
    size_t index = 0;
    bool duplicate = false;
  };

  // Places `value` where the parser is and returns it (nullptr never: kept for symmetry).
  json* add(json value, bool number) {
    if (stack_.empty()) {
      tree_.root = std::move(value);
      return &tree_.root;
    }
    Frame& top = stack_.back();
    if (top.node->is_object()) {
      if (top.duplicate) {
        discarded_.push_back(std::move(value));
        return &discarded_.back();
      }
      return &((*top.node)[top.key] = std::move(value));
    }
    const std::string p = item_path(top.path, top.index++);
    // A number is only known to have ended when the lexer read the character after it.
    tree_.lines[p] = counter_.lines - (number && counter_.last == '\n' ? 1 : 0);
    top.node->push_back(std::move(value));
    return &top.node->back();
  }

  std::string next_path() const {
    if (stack_.empty()) return "";
    const Frame& top = stack_.back();
    if (top.node->is_object()) return child_path(top.path, top.key);
    return item_path(top.path, top.index);
  }

  bool open(json value, bool) {
    if (stack_.size() >= kMaxDepth) {
      tree_.errors.push_back(tree_error(file_, counter_.lines, "", kTooDeep));
      tree_.root = nullptr;
      return false;  // stops the parser
    }
    std::string path = next_path();
    json* node = add(std::move(value), false);
    stack_.push_back(Frame{node, std::move(path), "", 0, false});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  ConfigTree& tree_;
  const std::string& file_;
  const LineCounter& counter_;
  std::vector<Frame> stack_;
  std::list<json> discarded_;
};

// Counts a stream's documents without building them, and notices a stuck parser. Not
// YAML::LoadAll: yaml-cpp 0.7 (Debian 12) loops there forever, allocating a null document per
// turn, on a stray flow indicator such as "," (jbeder/yaml-cpp#1040, fixed upstream by #1319):
// the parser reports an empty document without consuming the token. Found by fuzz_apply
// (tests/fuzz/corpus/apply/yaml_stray_comma_*); POST /v1/apply took the same path.
class DocumentCounter : public YAML::EventHandler {
 public:
  size_t documents = 0;
  bool stuck = false;  // two empty documents in a row at the same place
  int stuck_line = 0;

  void OnDocumentStart(const YAML::Mark&) override { ++documents; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    if (last_null_ && last_null_->pos == mark.pos && last_null_document_ + 1 == documents) {
      stuck = true;
      stuck_line = mark.line + 1;
    }
    last_null_ = mark;
    last_null_document_ = documents;
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  std::optional<YAML::Mark> last_null_;
  size_t last_null_document_ = 0;
};

// Reads at most three documents: enough to tell one from several, and a stuck parser (which
// repeats an empty document) from a real second one.
DocumentCounter count_documents(const std::string& text) {
  std::istringstream input(text);
  YAML::Parser parser(input);
  DocumentCounter counter;
  while (counter.documents < 3 && !counter.stuck && parser.HandleNextDocument(counter)) {
  }
  return counter;
}

}  // namespace

ConfigTree read_yaml_tree(std::string_view text, const std::string& file_name) {
  ConfigTree tree;
  try {
    const std::string input(text);
    const DocumentCounter docs = count_documents(input);
    if (docs.stuck) {
      tree.errors.push_back(
          tree_error(file_name, docs.stuck_line, "", "YAML syntax: unexpected character"));
      return tree;
    }
    if (docs.documents > 1) {
      tree.errors.push_back(
          tree_error(file_name, 0, "", "more than one YAML document: put everything in one"));
      return tree;
    }
    if (docs.documents == 1) {
      YamlReader reader(tree, file_name);
      tree.root = reader.convert(YAML::Load(input), "");
      if (reader.too_deep()) tree.root = nullptr;  // as a syntax error: nothing else is read
    }
  } catch (const YAML::Exception& e) {
    tree.errors.push_back(
        tree_error(file_name, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "YAML syntax: " + e.msg));
    tree.root = nullptr;
  }
  return tree;
}

ConfigTree read_json_tree(std::string_view text, const std::string& file_name) {
  ConfigTree tree;
  LineCounter counter;
  JsonBuilder builder(tree, file_name, counter);
  CountingIterator first(text.data(), &counter);
  CountingIterator last(text.data() + text.size(), &counter);
  nlohmann::json::sax_parse(first, last, &builder);
  return tree;
}

}  // namespace admin
