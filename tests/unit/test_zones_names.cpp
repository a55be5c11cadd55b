// Domain names, TTLs and types: parsing, canonical form and order.
#include <doctest/doctest.h>

#include <algorithm>

#include "zones/names.h"
#include "zones/records.h"
#include "zones/serial.h"
#include "zones/validate.h"

TEST_CASE("names are canonicalised to absolute lowercase with the trailing dot") {
  struct Case {
    const char* text;
    const char* origin;
    const char* want;  // nullptr: refused
    const char* error = "";
  };
  const std::string long_label(64, 'a');
  const std::string long_name = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                                std::string(63, 'c') + "." + std::string(63, 'd') + ".";
  const Case cases[] = {
      {"www", "example.com.", "www.example.com."},
      {"WWW.Example.COM.", "example.com.", "www.example.com."},
      {"@", "example.com.", "example.com."},
      {"a.b", "example.com.", "a.b.example.com."},
      {"*.svc", "example.com.", "*.svc.example.com."},
      {"example.com", ".", "example.com."},
      {"a\\.b", "example.com.", "a\\.b.example.com."},
      {"", "example.com.", nullptr, "must not be empty"},
      {"a..b", "example.com.", nullptr, "bad name"},
      {long_label.c_str(), "example.com.", nullptr, "63"},
      {long_name.c_str(), ".", nullptr, "255"},
  };
  for (const Case& c : cases) {
    const std::string text = c.text;
    CAPTURE(text);
    auto name = zones::canonical_name(c.text, c.origin, "record.owner");
    if (c.want == nullptr) {
      REQUIRE_FALSE(name.has_value());
      CHECK(name.error().where == "record.owner");
      CHECK(name.error().message.find(c.error) != std::string::npos);
    } else {
      REQUIRE(name.has_value());
      CHECK(*name == c.want);
    }
  }
}

TEST_CASE("names inside a zone are recognised by labels, not by string suffix") {
  CHECK(zones::in_zone("www.example.com.", "example.com."));
  CHECK(zones::in_zone("example.com.", "example.com."));
  CHECK_FALSE(zones::in_zone("wwwexample.com.", "example.com."));
  CHECK_FALSE(zones::in_zone("a\\.example.com.", "example.com."));
  CHECK(zones::relative_name("www.example.com.", "example.com.") == "www");
  CHECK(zones::relative_name("example.com.", "example.com.") == "@");
  CHECK(zones::relative_name("www.other.org.", "example.com.") == "www.other.org.");
}

TEST_CASE("records sort in DNS canonical order, then type, then rdata") {
  auto row = [](const char* owner, uint16_t type, std::string wire) {
    zones::RecordRow r;
    r.owner = owner;
    r.type = type;
    r.rdata_wire = std::move(wire);
    return r;
  };
  // RFC 4034 section 6.1's example order, with types and rdata to break ties.
  std::vector<zones::RecordRow> rows = {
      row("zabc.a.example.", 1, "x"),     row("z.example.", 1, "x"),    row("a.example.", 15, "x"),
      row("a.example.", 1, "\x02"),       row("a.example.", 1, "\x01"), row("example.", 2, "x"),
      row("yljkjljk.a.example.", 1, "x"), row("*.z.example.", 1, "x"),
  };
  zones::sort_canonical(rows);
  std::vector<std::string> got;
  for (const auto& r : rows) got.push_back(r.owner + "/" + std::to_string(r.type));
  std::vector<std::string> want = {"example./2",    "a.example./1",          "a.example./1",
                                   "a.example./15", "yljkjljk.a.example./1", "zabc.a.example./1",
                                   "z.example./1",  "*.z.example./1"};
  CHECK(got == want);
  CHECK(rows[1].rdata_wire == "\x01");
}

TEST_CASE("sort keys order labels octet by octet, a shorter label first, even with 0x00") {
  const char* ordered[] = {"example.",        "a.example.",      "a\\000.example.",
                           "a\\001.example.", "a\\002.example.", "A\\002b.example.",
                           "ab.example.",     "b.a.example.z."};
  for (size_t i = 1; i < std::size(ordered); ++i) {
    CAPTURE(ordered[i]);
    CHECK(zones::name_sort_key(ordered[i - 1]) < zones::name_sort_key(ordered[i]));
  }
}

TEST_CASE("TTLs must be decimal 0..2147483647 (RFC 2181)") {
  const std::pair<const char*, bool> cases[] = {
      {"0", true},    {"2147483647", true}, {"2147483648", false}, {"-1", false},
      {"abc", false}, {"", false},          {"1h", false},         {"+5", false},
  };
  for (const auto& [text, ok] : cases) {
    CAPTURE(text);
    auto ttl = zones::parse_ttl(text, "record.ttl");
    CHECK(ttl.has_value() == ok);
    if (!ok) CHECK(ttl.error().text().starts_with("record.ttl: must be 0..2147483647 (got "));
  }
  CHECK(zones::parse_ttl("abc", "record.ttl").error().text() ==
        "record.ttl: must be 0..2147483647 (got \"abc\")");
}

TEST_CASE("types are mnemonics or TYPEnnn; meta types and SOA are refused") {
  CHECK(zones::parse_type("A", "t").value() == 1);
  CHECK(zones::parse_type("mx", "t").value() == 15);
  CHECK(zones::parse_type("TYPE65280", "t").value() == 65280);
  CHECK(zones::type_name(65280) == "TYPE65280");
  for (const char* bad : {"FOO", "ANY", "AXFR", "OPT", "SOA", "TYPE0"}) {
    CAPTURE(bad);
    CHECK_FALSE(zones::parse_type(bad, "t").has_value());
  }
  CHECK(zones::parse_type("SOA", "record.type").error().message.find("zone's SOA settings") !=
        std::string::npos);
}

TEST_CASE("serials move by RFC 1982 arithmetic and never become 0") {
  CHECK(zones::next_serial(1) == 2);
  CHECK(zones::next_serial(0xffffffffu) == 1);
  CHECK(zones::serial_newer(1, 0xffffffffu));
  CHECK_FALSE(zones::serial_newer(5, 5));
  CHECK(zones::import_serial(2024010101, 7) == 2024010101);  // the file moves forward
  CHECK(zones::import_serial(3, 7) == 8);                    // the file is older: old + 1
  CHECK(zones::import_serial(8, 7) == 8);
  CHECK(zones::import_serial(7, 7) == 8);
}
