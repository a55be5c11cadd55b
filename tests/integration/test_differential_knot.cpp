// Differential test: every question in tests/cases/differential.txt goes to Knot DNS (the
// reference) and to gslbd serving the same zone files; the normalized replies must agree.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "tests/support/case_table.h"
#include "tests/support/dns_client.h"
#include "tests/support/dns_normalize.h"
#include "tests/support/gslbd_runner.h"
#include "tests/support/knot_runner.h"
#include "tests/support/packet_mutations.h"

namespace ts = testsupport;

namespace {

constexpr char kIdentity[] = "gslb-test-id";
constexpr char kVersion[] = "gslb-test-version";

std::vector<ts::ZoneFile> test_zones() {
  return {{"example.test.", ts::case_file("zones/example.test.zone")},
          {"child.example.test.", ts::case_file("zones/child.example.test.zone")}};
}

// One server of each kind for the whole binary; both are stopped at exit (or killed with
// the binary, see Process).
ts::KnotRunner& knot() {
  static ts::KnotRunner runner({test_zones(), kIdentity, kVersion});
  return runner;
}

ts::GslbdRunner& gslbd() {
  static ts::GslbdRunner runner([] {
    ts::GslbdOptions o;
    o.zones = test_zones();
    o.ipv6 = true;
    o.chaos_id = kIdentity;
    o.chaos_version = kVersion;
    return o;
  }());
  return runner;
}

struct Request {
  ts::Bytes wire;
  ts::Transport via = ts::Transport::kUdp;
  bool v6 = false;
};

ts::EdnsOption parse_opt(const std::string& text) {
  const auto colon = text.find(':');
  ts::EdnsOption o{static_cast<uint16_t>(std::stoi(text.substr(0, colon))), {}};
  for (size_t i = colon + 1; i + 1 < text.size(); i += 2)
    o.data.push_back(static_cast<uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
  return o;
}

ts::Query query_of(const ts::CaseRow& row) {
  ts::Query q;
  q.qname = row.get("qname");
  q.qtype = ts::parse_type(row.get("qtype", "A"));
  q.qclass = ts::parse_class(row.get("qclass", "IN"));
  q.opcode = static_cast<uint8_t>(row.get_int("opcode", 0));
  q.rd = row.get_int("rd", 0) != 0;
  q.cd = row.get_int("cd", 0) != 0;
  q.edns = row.has("edns") || row.has("ecs") || row.has("opt") || row.has("ver");
  q.payload = static_cast<uint16_t>(row.get_int("edns", 1232));
  q.edns_version = static_cast<uint8_t>(row.get_int("ver", 0));
  q.do_bit = row.get_int("do", 0) != 0;
  if (row.has("ecs")) {
    const std::string ecs = row.get("ecs");
    const auto slash = ecs.find('/');
    q.options.push_back(ts::ecs_option(ecs.substr(0, slash),
                                       static_cast<uint8_t>(std::stoi(ecs.substr(slash + 1)))));
  }
  if (row.has("opt")) q.options.push_back(parse_opt(row.get("opt")));
  return q;
}

Request request_of(const ts::CaseRow& row, uint16_t id) {
  Request r;
  if (row.has("raw")) {
    r.wire = ts::malformed_query(row.get("raw"), row.get("qname"), id);
  } else {
    ts::Query q = query_of(row);
    q.id = id;
    r.wire = ts::build_query(q);
  }
  r.via = row.get("via", "udp") == "tcp" ? ts::Transport::kTcp : ts::Transport::kUdp;
  r.v6 = row.get("family", "4") == "6";
  return r;
}

struct Reply {
  std::optional<ts::Bytes> wire;
  std::optional<ts::Normalized> n;
  std::string text() const {
    if (!wire) return "  (no reply)\n";
    return n ? ts::to_string(*n) : "  (" + std::to_string(wire->size()) + " unparsable bytes)\n";
  }
};

Reply ask(const ts::Endpoint& server, const Request& r, bool expect_reply) {
  Reply reply;
  // Silence is the expected outcome for some cases; do not wait long for it.
  const auto timeout =
      expect_reply ? std::chrono::milliseconds(2000) : std::chrono::milliseconds(400);
  reply.wire = ts::exchange(server, r.wire, r.via, timeout);
  if (reply.wire) reply.n = ts::normalize(*reply.wire);
  return reply;
}

std::string flags_of(const ts::CaseRow& row, const std::string& key = "expect_flags") {
  std::string f = row.get(key);
  for (auto& c : f)
    if (c == ',') c = ' ';
  return f;
}

std::string lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& l : v) s += l + "\n";
  return s;
}

bool knot_drops(const ts::CaseRow& row) {
  return row.get("knot") == "drops";
}
bool expects_reply(const ts::CaseRow& row) {
  return row.get_int("expect_reply", 1) != 0;
}

// The table's own expectations, checked on both servers so that a shared mistake (or a
// Knot configuration problem) cannot pass silently.
void check_expectations(const ts::CaseRow& row, const Reply& reply, const std::string& who) {
  CAPTURE(who);
  const bool optional = who == "gslbd" && row.get("ours_reply") == "optional";
  if (!optional || reply.wire) CHECK(reply.wire.has_value() == expects_reply(row));
  if (!reply.wire || !expects_reply(row)) return;
  CHECK_MESSAGE(reply.n.has_value(), who << " sent a reply ldns cannot parse");
  if (!reply.n) return;
  if (row.has("expect_rcode")) CHECK(ts::rcode_name(reply.n->rcode) == row.get("expect_rcode"));
  if (row.has("expect_flags")) CHECK(reply.n->flags == flags_of(row));
  if (row.has("expect_answer"))
    CHECK(reply.n->answer.size() == static_cast<size_t>(row.get_int("expect_answer", 0)));
}

// Removes gslbd's ECS option after checking it, since Knot (no geoip module) sends none.
void check_and_strip_ecs(const ts::CaseRow& row, ts::Normalized& ours) {
  const std::string ecs = ts::ecs_of(ours.opt);
  CHECK(ecs.rfind(row.get("ours_ecs") + "/", 0) == 0);
  std::erase_if(ours.opt.options, [](const std::string& o) { return o.rfind("8:", 0) == 0; });
}

// Knot adds Extended DNS Errors (RFC 8914, optional) that gslbd need not send; the row
// names the info code Knot is expected to use, so the table stays honest about it.
void strip_knot_ede(const ts::CaseRow& row, ts::Normalized& ref) {
  char code[8];
  std::snprintf(code, sizeof code, "%04x", row.get_int("knot_ede", 0));
  const std::string ede = "15:" + std::string(code);
  CHECK(std::find(ref.opt.options.begin(), ref.opt.options.end(), ede) != ref.opt.options.end());
  std::erase_if(ref.opt.options, [](const std::string& o) { return o.rfind("15:", 0) == 0; });
}

void compare(const ts::CaseRow& row, ts::Normalized ref, ts::Normalized ours) {
  if (row.has("ours_ecs")) check_and_strip_ecs(row, ours);
  if (row.has("knot_ede")) strip_knot_ede(row, ref);
  if (row.has("ours_rrsets"))
    CHECK(ts::rrset_count(ours.answer) == static_cast<size_t>(row.get_int("ours_rrsets", 1)));
  CHECK(ts::rcode_name(ours.rcode) == ts::rcode_name(ref.rcode));
  CHECK(ours.flags == (row.has("ours_flags") ? flags_of(row, "ours_flags") : ref.flags));
  CHECK(ours.opcode == ref.opcode);
  CHECK(ours.question == ref.question);
  CHECK(ts::to_string(ours.opt) == ts::to_string(ref.opt));
  if (row.get("compare", "all") == "header") return;
  CHECK(lines(ours.answer) == lines(ref.answer));
  CHECK(lines(ours.authority) == lines(ref.authority));
  CHECK(lines(ours.additional) == lines(ref.additional));
}

std::vector<ts::CaseRow> cases() {
  return ts::read_case_table(ts::case_file("differential.txt"));
}

const ts::Endpoint& endpoint_of(bool v6, const ts::Endpoint& v4_ep, const ts::Endpoint& v6_ep) {
  return v6 ? v6_ep : v4_ep;
}

}  // namespace

TEST_CASE("Knot answers every differential case as the table expects") {
  auto& k = knot();
  const bool dump = std::getenv("GSLB_DIFF_DUMP") != nullptr;
  uint16_t id = 1000;
  for (const auto& row : cases()) {
    CAPTURE(row.where);
    CAPTURE(row.text);
    const Request r = request_of(row, ++id);
    const Reply ref = ask(endpoint_of(r.v6, k.v4(), k.v6()), r, !knot_drops(row));
    if (dump) MESSAGE(row.get("name") << "\n" << ref.text());
    if (knot_drops(row))
      CHECK_MESSAGE(!ref.wire, "Knot now answers; make it the reference for this row again");
    else
      check_expectations(row, ref, "knot");
  }
}

TEST_CASE("gslbd answers every differential case like Knot") {
  auto& k = knot();
  auto& g = gslbd();
  uint16_t id = 2000;
  for (const auto& row : cases()) {
    CAPTURE(row.where);
    CAPTURE(row.text);
    const Request r = request_of(row, ++id);
    const Reply ref = ask(endpoint_of(r.v6, k.v4(), k.v6()), r, !knot_drops(row));
    const Reply ours = ask(endpoint_of(r.v6, g.v4(), g.v6()), r, expects_reply(row));
    const std::string knot_text = ref.text(), gslbd_text = ours.text();
    INFO("knot said:\n" << knot_text << "gslbd said:\n" << gslbd_text);
    check_expectations(row, ours, "gslbd");
    if (knot_drops(row)) continue;
    CHECK(ours.wire.has_value() == ref.wire.has_value());
    if (!ref.n || !ours.n) continue;
    CHECK(ours.n->id == ts::wire_id(r.wire));
    compare(row, *ref.n, *ours.n);
  }
  CHECK(g.process().alive());
}
