// The admin API's zones and records, through zones::Store.
#include <doctest/doctest.h>

#include "tests/unit/test_api_fixture.h"

using apitest::ApiFixture;
using nlohmann::json;

TEST_CASE_FIXTURE(ApiFixture,
                  "a zone is created from SOA fields or from a zone file, then deleted") {
  auto r = call("POST", "/v1/zones",
                json{{"name", "example.org"}, {"ns", {"ns1.example.net"}}, {"ttl", 300}});
  CHECK_STATUS(r, 201);
  CHECK(r.body["name"] == "example.org.");
  CHECK(r.body["default_ttl"] == 300);
  CHECK_STATUS(
      call("POST", "/v1/zones", json{{"name", "example.org"}, {"ns", {"ns1.example.net"}}}), 409);

  const std::string file =
      "$ORIGIN example.net.\n@ 300 IN SOA ns1 hostmaster 7 3600 600 604800 60\n"
      "@ 300 IN NS ns1\nns1 300 IN A 192.0.2.53\n";
  r = call("POST", "/v1/zones", json{{"name", "example.net"}, {"content", file}});
  CHECK_STATUS(r, 201);
  CHECK(r.body["record_count"] == 2);
  CHECK(call("GET", "/v1/zones").body.size() == 3);

  CHECK_STATUS(call("DELETE", "/v1/zones/example.org"), 200);
  CHECK_STATUS(call("GET", "/v1/zones/example.org"), 404);
  CHECK(reloads == 3);
}

TEST_CASE_FIXTURE(ApiFixture, "zone refusals name the field and change nothing") {
  const std::string before = everything();
  auto r = call("POST", "/v1/zones",
                json{{"name", "x.org"}, {"ns", {"ns1.example.net"}}, {"ttl", "abc"}});
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "ttl");
  r = call("POST", "/v1/zones", json{{"name", "x.org"}, {"ns", {"ns1.example.net"}}, {"tll", 1}});
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "tll");
  CHECK_STATUS(call("POST", "/v1/zones", json{{"name", "x.org"}, {"content", "garbage"}}), 400);
  r = call("POST", "/v1/zones",
           json{{"name", "x.org"}, {"ns", {"ns1.example.net"}}, {"mname", "a..b"}});
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "mname");
  CHECK(everything() == before);
}

TEST_CASE_FIXTURE(ApiFixture, "records are added, listed by owner and type, and deleted") {
  const std::string records = "/v1/zones/gslb.example.com/records";
  auto r = call("POST", records,
                json{{"owner", "mail"}, {"type", "A"}, {"rdata", "192.0.2.25"}, {"ttl", 60}});
  CHECK_STATUS(r, 201);
  CHECK(r.body["owner"] == "mail.gslb.example.com.");
  CHECK(r.body["ttl"] == 60);
  CHECK(call("GET", records + "?owner=mail&type=A").body.size() == 1);

  const std::string before = everything();
  r = call("POST", records, json{{"owner", "mail"}, {"type", "A"}, {"rdata", "not-an-address"}});
  CHECK_STATUS(r, 400);
  CHECK(r.body["field"] == "rdata");
  r = call("POST", records, json{{"owner", "mail"}, {"type", "CNAME"}, {"rdata", "www"}});
  CHECK_STATUS(r, 409);  // a CNAME cannot share its name with other data
  CHECK_STATUS(call("POST", records, json{{"owner", "mail"}, {"type", "A"}}), 400);
  CHECK_STATUS(call("DELETE", records + "?owner=mail"), 400);
  CHECK_STATUS(call("POST", "/v1/zones/nowhere.org/records",
                    json{{"owner", "a"}, {"type", "A"}, {"rdata", "192.0.2.1"}}),
               404);
  CHECK(everything() == before);

  r = call("DELETE", records + "?owner=mail&type=A&rdata=192.0.2.25");
  CHECK_STATUS(r, 200);
  CHECK(r.body["deleted"] == 1);
  CHECK(call("GET", records + "?owner=mail").body.empty());
}
