// Reading a member's load from its health response: rows of JSON bodies with
// dotted paths, and of header values, with the load or the reason expected.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "healthd/probe.h"

namespace {

struct JsonLoadCase {
  const char* body;
  const char* path;
  std::optional<double> load;
  const char* why;  // when load is nullopt
};

const JsonLoadCase kJsonCases[] = {
    {R"({"load": 0.2, "status": "ok"})", "load", 0.2, ""},
    {R"({"stats": {"load": 0.75}})", "stats.load", 0.75, ""},
    {R"({"stats": {"cpu": {"load": 1}}})", "stats.cpu.load", 1.0, ""},
    {R"({"load": 0})", "load", 0.0, ""},
    {R"({"load": "0.5"})", "load", 0.5, ""},
    {R"({"load": " 0.25 "})", "load", 0.25, ""},
    {R"({"regions": [{"load": 0.1}, {"load": 0.9}]})", "regions.1.load", 0.9, ""},
    {R"({"load": 0.2})", "stats.load", std::nullopt, "load field stats.load missing"},
    {R"({"stats": 3})", "stats.load", std::nullopt, "load field stats.load missing"},
    {R"({"regions": [{"load": 0.1}]})", "regions.4.load", std::nullopt,
     "load field regions.4.load missing"},
    {R"({"load": 1.5})", "load", std::nullopt, "load field load out of range 0..1 (1.5)"},
    {R"({"load": -0.1})", "load", std::nullopt, "load field load out of range 0..1 (-0.1)"},
    {R"({"load": "high"})", "load", std::nullopt, "load field load is not a number"},
    {R"({"load": "0.5x"})", "load", std::nullopt, "load field load is not a number"},
    {R"({"load": true})", "load", std::nullopt, "load field load is not a number"},
    {R"({"load": null})", "load", std::nullopt, "load field load is not a number"},
    {R"({"load": {"now": 0.1}})", "load", std::nullopt, "load field load is not a number"},
    {"not json", "load", std::nullopt, "load field load: body is not JSON"},
    {R"({"load": 0.2)", "load", std::nullopt, "load field load: body is not JSON"},
    {"", "load", std::nullopt, "load field load: body is not JSON"},
};

struct HeaderLoadCase {
  const char* value;
  std::optional<double> load;
  const char* why;
};

const HeaderLoadCase kHeaderCases[] = {
    {"0.2", 0.2, ""},
    {" 0.9\t", 0.9, ""},
    {"1", 1.0, ""},
    {"0", 0.0, ""},
    {"1e-1", 0.1, ""},
    {"", std::nullopt, "load header \"\" is not a number"},
    {"abc", std::nullopt, "load header \"abc\" is not a number"},
    {"0.5 0.6", std::nullopt, "load header \"0.5 0.6\" is not a number"},
    {"2", std::nullopt, "load header out of range 0..1 (2)"},
    {"nan", std::nullopt, "load header out of range 0..1 (nan)"},
    {"inf", std::nullopt, "load header out of range 0..1 (inf)"},
};

}  // namespace

TEST_CASE("load_from_json reads a number or numeric string at a dotted path") {
  for (const auto& c : kJsonCases) {
    CAPTURE(c.body);
    CAPTURE(c.path);
    std::string why;
    const auto load = healthd::load_from_json(c.body, c.path, &why);
    REQUIRE(load.has_value() == c.load.has_value());
    if (c.load) {
      CHECK(*load == doctest::Approx(*c.load));
    } else {
      CHECK(why == c.why);
    }
  }
}

TEST_CASE("load_from_header_value reads a number in 0..1") {
  for (const auto& c : kHeaderCases) {
    CAPTURE(c.value);
    std::string why;
    const auto load = healthd::load_from_header_value(c.value, &why);
    REQUIRE(load.has_value() == c.load.has_value());
    if (c.load) {
      CHECK(*load == doctest::Approx(*c.load));
    } else {
      CHECK(why == c.why);
    }
  }
}

TEST_CASE("load readers accept a null reason") {
  CHECK_FALSE(healthd::load_from_json("{}", "load", nullptr));
  CHECK_FALSE(healthd::load_from_header_value("x", nullptr));
}
