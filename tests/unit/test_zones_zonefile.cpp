// Zone-file import and export: every type, directives, errors with file:line, the serial
// rule, all-or-nothing replacement, and the export -> import round trip.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/unit/zones_fixture.h"
#include "zones/records.h"
#include "zones/zonefile.h"

using zonetest::kActor;
using zonetest::StoreFixture;

namespace {

// Every listed type, a multi-line SOA, owners carried over, $ORIGIN and $TTL mid-file.
constexpr const char* kFullZone = R"(; a test zone
$TTL 300
$ORIGIN example.com.
@   IN  SOA ns1 hostmaster (
        2024010101 ; serial
        3600       ; refresh
        600        ; retry
        604800     ; expire
        60 )       ; minimum
    IN  NS   ns1
    IN  NS   ns2.example.net.
    IN  MX   10 mail
    IN  CAA  0 issue "letsencrypt.org"
ns1 IN  A    192.0.2.53
www 60 IN A  192.0.2.1
    60 IN AAAA 2001:db8::1
ftp IN  CNAME www
txt IN  TXT  ( "first part"
               "second part" )
_sip._tcp IN SRV 10 20 5060 sip
child IN NS ns.child
child IN DS 12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE9A4F6D0D0B6D45C3C9D3E3E5
ns.child IN A 192.0.2.99
opaque IN TYPE65280 \# 4 0A000001
$ORIGIN 2.0.192.in-addr.example.com.
$TTL 1h
1   IN  PTR  www.example.com.
)";

struct Want {
  const char* owner;
  const char* type;
  uint32_t ttl;
  const char* rdata;
};

std::string describe(const zones::RecordRow& r) {
  return r.owner + " " + std::to_string(r.ttl) + " " + zones::type_name(r.type) + " " +
         r.rdata_text;
}

zones::ZoneContent parse_ok(const std::string& text) {
  auto zone = zones::parse_zone_text(text, "test.zone");
  REQUIRE_MESSAGE(zone.has_value(), (zone ? "" : zone.error().text()));
  return *zone;
}

// Minimal valid zone with `extra` lines appended (line numbers start at 4).
std::string small_zone(const std::string& extra) {
  return "$ORIGIN example.com.\n@ 300 IN SOA ns1 hostmaster 1 3600 600 604800 60\n"
         "@ 300 IN NS ns1\n" +
         extra;
}

}  // namespace

TEST_CASE("a zone file with every common type, directives and a multi-line SOA imports") {
  zones::ZoneContent zone = parse_ok(kFullZone);
  CHECK(zone.info.name == "example.com.");
  CHECK(zone.info.soa.mname == "ns1.example.com.");
  CHECK(zone.info.soa.rname == "hostmaster.example.com.");
  CHECK(zone.info.soa.serial == 2024010101);
  CHECK(zone.info.soa.refresh == 3600);
  CHECK(zone.info.soa.retry == 600);
  CHECK(zone.info.soa.expire == 604800);
  CHECK(zone.info.soa.minimum == 60);
  CHECK(zone.info.soa_ttl == 300);
  CHECK(zone.info.default_ttl == 300);

  const Want want[] = {
      {"example.com.", "NS", 300, "ns1.example.com."},
      {"example.com.", "NS", 300, "ns2.example.net."},
      {"example.com.", "MX", 300, "10 mail.example.com."},
      {"example.com.", "CAA", 300, "0 issue \"letsencrypt.org\""},
      {"ns1.example.com.", "A", 300, "192.0.2.53"},
      {"www.example.com.", "A", 60, "192.0.2.1"},
      {"www.example.com.", "AAAA", 60, "2001:db8::1"},
      {"ftp.example.com.", "CNAME", 300, "www.example.com."},
      {"txt.example.com.", "TXT", 300, "\"first part\" \"second part\""},
      {"_sip._tcp.example.com.", "SRV", 300, "10 20 5060 sip.example.com."},
      {"child.example.com.", "NS", 300, "ns.child.example.com."},
      {"child.example.com.", "DS", 300,
       "12345 8 2 49fd46e6c4b45c55d4ac69cbd3cd34ac1afe51de9a4f6d0d0b6d45c3c9d3e3e5"},
      {"ns.child.example.com.", "A", 300, "192.0.2.99"},
      {"opaque.example.com.", "TYPE65280", 300, "\\# 4 0a000001"},
      {"1.2.0.192.in-addr.example.com.", "PTR", 3600, "www.example.com."},
  };
  REQUIRE(zone.records.size() == std::size(want));
  for (size_t i = 0; i < std::size(want); ++i) {
    CAPTURE(i);
    const zones::RecordRow& r = zone.records[i];
    CHECK(describe(r) == std::string(want[i].owner) + " " + std::to_string(want[i].ttl) + " " +
                             want[i].type + " " + want[i].rdata);
  }
  CHECK(zone.records[13].rdata_wire == std::string("\x0a\x00\x00\x01", 4));
}

TEST_CASE("every error in a zone file is reported with file:line") {
  const std::string text = small_zone(
      "www IN A 1.2.3\n"                 // 4
      "; a comment line\n"               // 5
      "ok IN A 192.0.2.1\n"              // 6
      "bad IN FOO bar\n"                 // 7
      "@ IN SOA a. b. 1 2 3 4 5\n"       // 8
      "ch CH A 192.0.2.1\n"              // 9
      "ok IN CNAME www\n"                // 10
      "ok 60 IN A 192.0.2.2\n"           // 11
      "www.other.org. IN A 192.0.2.1\n"  // 12
      "$INCLUDE other.zone\n"            // 13
      "big 4294967295 IN A 192.0.2.1\n"  // 14
      "@ IN CNAME www\n");               // 15
  auto zone = zones::parse_zone_text(text, "bad.zone");
  REQUIRE_FALSE(zone.has_value());
  const std::string errors = zone.error().text();
  CAPTURE(errors);
  const std::pair<int, const char*> want[] = {
      {4, "could not parse"},
      {7, "FOO"},
      {8, "second SOA"},
      {9, "class CH"},
      {10, "already has A data"},
      {11, "TTL 60 differs"},
      {12, "not inside zone"},
      {13, "$INCLUDE"},
      {14, "must be 0..2147483647"},
      {15, "zone apex"},
  };
  for (const auto& [line, text_part] : want) {
    CAPTURE(line);
    const std::string prefix = "bad.zone:" + std::to_string(line) + ": ";
    size_t at = errors.find(prefix);
    REQUIRE(at != std::string::npos);
    size_t end = errors.find('\n', at);
    CHECK(errors.substr(at, end - at).find(text_part) != std::string::npos);
  }
  CHECK(errors.find("bad.zone:5") == std::string::npos);
  CHECK(errors.find("bad.zone:6") == std::string::npos);
}

TEST_CASE("zone files without a proper SOA or apex NS are refused") {
  struct Case {
    const char* name;
    std::string text;
    std::optional<std::string_view> origin;
    const char* error;
  };
  const Case cases[] = {
      {"no SOA", "$ORIGIN example.com.\n@ IN NS ns1\n", {}, "f.zone: no SOA record"},
      {"empty", "", {}, "no SOA record"},
      {"relative SOA without origin",
       "@ IN SOA a. b. 1 2 3 4 5\n@ IN NS a.\n",
       {},
       "f.zone:1: the SOA owner is relative"},
      {"SOA off the apex", "sub.example.com. IN SOA a. b. 1 2 3 4 5\n@ IN NS a.\n", "example.com",
       "f.zone:1: the SOA must be at the zone apex"},
      {"no apex NS",
       "$ORIGIN example.com.\n@ IN SOA a. b. 1 2 3 4 5\nwww IN A 192.0.2.1\n",
       {},
       "f.zone: no NS record at the apex"},
      {"broken SOA", "example.com. IN SOA a. b. 1 2\n", {}, "f.zone:1: "},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    auto zone = zones::parse_zone_text(c.text, "f.zone", c.origin);
    REQUIRE_FALSE(zone.has_value());
    CHECK(zone.error().text().find(c.error) != std::string::npos);
  }
}

TEST_CASE("--origin resolves a relative SOA and names the apex") {
  auto zone = zones::parse_zone_text("@ 60 IN SOA ns hm 7 1 2 3 4\n@ 60 IN NS ns\n", "f.zone",
                                     "Example.ORG");
  REQUIRE(zone.has_value());
  CHECK(zone->info.name == "example.org.");
  CHECK(zone->info.soa.mname == "ns.example.org.");
  CHECK(zone->info.default_ttl == 60);  // no $TTL: the SOA's TTL
}

TEST_CASE("exact duplicate records in a file are merged silently") {
  auto zone = parse_ok(small_zone("www 300 IN A 192.0.2.1\nwww 300 IN A 192.0.2.1\n"));
  CHECK(zone.records.size() == 2);
}

TEST_CASE("a file with hundreds of bad lines reports the first 100 errors") {
  std::string extra;
  for (int i = 0; i < 150; ++i) extra += "x IN A 1.2.3\n";
  auto zone = zones::parse_zone_text(small_zone(extra), "many.zone");
  REQUIRE_FALSE(zone.has_value());
  const std::string text = zone.error().text();
  CHECK(std::count(text.begin(), text.end(), '\n') == 100);
  CHECK(text.find("too many errors") != std::string::npos);
}

TEST_CASE("importing replaces the whole zone, and a bad file changes nothing") {
  StoreFixture f;
  const std::string good = f.dir.write("example.com.zone", kFullZone).string();
  auto first = zones::import_zone_file(f.store, good, {}, kActor);
  REQUIRE_MESSAGE(first.has_value(), (first ? "" : first.error().text()));
  CHECK(first->soa.serial == 2024010101);
  const auto before = f.store.load_zone("example.com").value();

  std::string broken_text = std::string(kFullZone) + "zz IN A 999.1.1.1\n";
  const std::string broken = f.dir.write("broken.zone", broken_text).string();
  auto refused = zones::import_zone_file(f.store, broken, {}, kActor);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().text().find("broken.zone:28:") != std::string::npos);
  const auto after = f.store.load_zone("example.com").value();
  CHECK(after.info.soa.serial == before.info.soa.serial);
  CHECK(after.records.size() == before.records.size());

  // The same file again: the serial still moves (old + 1), and the contents are replaced.
  const std::string smaller = f.dir.write("small.zone", small_zone("")).string();
  auto again = zones::import_zone_file(f.store, smaller, {}, kActor);
  REQUIRE(again.has_value());
  CHECK(again->soa.serial == 2024010102);
  CHECK(f.count() == 1);
  CHECK(f.store.list_zones().value().size() == 1);
}

TEST_CASE("a missing zone file is an I/O error naming the path") {
  StoreFixture f;
  auto zone = zones::import_zone_file(f.store, "/nonexistent/x.zone", {}, kActor);
  REQUIRE_FALSE(zone.has_value());
  CHECK(zone.error().code == zones::ErrorCode::kIo);
  CHECK(zone.error().where == "/nonexistent/x.zone");
}

TEST_CASE("export then import into an empty store gives identical rows") {
  StoreFixture source;
  REQUIRE(source.store.replace_zone(parse_ok(kFullZone), kActor).has_value());
  // Records written through the CLI path too, with spellings ldns normalises.
  source.add("esc", "TXT", "\"semi;colon\" \"quote\\\"d\" tab\\009");
  source.add("a\\.dot", "A", "192.0.2.5");
  source.add("*.wild", "MX", "0 .");
  source.add("empty", "TYPE65281", "\\# 0");
  const auto exported = zones::export_zone(source.store, "example.com").value();

  StoreFixture target;
  const std::string path = target.dir.write("exported.zone", exported).string();
  auto imported = zones::import_zone_file(target.store, path, {}, kActor);
  CAPTURE(exported);
  REQUIRE_MESSAGE(imported.has_value(), (imported ? "" : imported.error().text()));

  const auto a = source.store.load_zone("example.com").value();
  const auto b = target.store.load_zone("example.com").value();
  CHECK(zones::format_zone(a) == zones::format_zone(b));
  CHECK(a.info.soa.serial == b.info.soa.serial);
  CHECK(a.info.default_ttl == b.info.default_ttl);
  CHECK(a.info.soa_ttl == b.info.soa_ttl);
  REQUIRE(a.records.size() == b.records.size());
  for (size_t i = 0; i < a.records.size(); ++i) {
    CAPTURE(describe(a.records[i]));
    CHECK(a.records[i].owner == b.records[i].owner);
    CHECK(a.records[i].type == b.records[i].type);
    CHECK(a.records[i].ttl == b.records[i].ttl);
    CHECK(a.records[i].rdata_text == b.records[i].rdata_text);
    CHECK(a.records[i].rdata_wire == b.records[i].rdata_wire);
  }
}
