// gslbd's Prometheus page: every sample belongs to a family with HELP and
// TYPE, names are valid, label values are escaped, workers are summed, and
// the page parses with a real Prometheus parser when one is installed.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "server/metrics_render.h"

namespace {

// The value of the sample whose name and labels are exactly `series`, or
// "" when the page has no such sample.
std::string value_of(const std::string& page, const std::string& series) {
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with(series + " ")) return line.substr(series.size() + 1);
  return "";
}

// The problems of a page in text format 0.0.4, as the checks see them.
std::vector<std::string> format_problems(const std::string& page) {
  static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+)");
  static const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge))");
  // name, optional {label="escaped value",...}, a number
  static const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")"
      R"((,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? (-?[0-9]+(\.[0-9]+)?|NaN|[+-]Inf))");
  std::set<std::string> helped, typed;
  std::vector<std::string> problems;
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      if (!helped.insert(m[1]).second) problems.push_back("second HELP: " + line);
    } else if (std::regex_match(line, m, type)) {
      if (!helped.contains(m[1])) problems.push_back("TYPE before HELP: " + line);
      if (!typed.insert(m[1]).second) problems.push_back("second TYPE: " + line);
    } else if (std::regex_match(line, m, sample)) {
      if (!typed.contains(m[1])) problems.push_back("sample without HELP/TYPE: " + line);
    } else {
      problems.push_back("not a valid line: " + line);
    }
  }
  return problems;
}

server::GslbdMetricsInput typical_input() {
  server::GslbdMetricsInput in;
  in.status.generation = 7;
  in.status.built_at_ms = 1'700'000'000'000;
  in.status.reloads_ok = 3;
  in.status.reloads_failed = 1;
  in.status.last_error = "zone \"a.test\": bad TTL \\x\nsecond line";
  in.status.last_error_at_ms = 1'700'000'100'500;
  in.status.health.fresh_reports = 5;
  in.status.health.stale_reports = 2;
  in.status.health.oldest_fresh_report_age_ms = 1500;
  in.version = "1.2.3";
  in.started_at_ms = 1'699'999'999'000;
  in.now_ms = 1'700'000'002'250;
  in.drills_active = 2;
  return in;
}

server::ParsedQuery question(uint16_t qtype) {
  server::ParsedQuery q;
  q.question_ok = true;
  q.qtype = qtype;
  return q;
}

}  // namespace

TEST_CASE("every sample of the page has HELP and TYPE, valid names and escaped labels") {
  server::WorkerMetrics worker;
  worker.count_query(server::Transport::kUdp, question(1), 0, false);
  server::GslbdMetricsInput in = typical_input();
  in.workers = {&worker};
  const std::string page = server::render_gslbd_metrics(in);
  CAPTURE(page);
  CHECK(format_problems(page).empty());
  for (const char* family :
       {"gslb_queries_total", "gslb_responses_truncated_total", "gslb_packets_dropped_total",
        "gslb_answers_total", "gslb_members", "gslb_member_up", "gslb_health_reports",
        "gslb_health_report_oldest_age_seconds", "gslb_snapshot_generation",
        "gslb_snapshot_age_seconds", "gslb_snapshot_built_timestamp_seconds", "gslb_reloads_total",
        "gslb_last_reload_error_timestamp_seconds", "gslb_last_reload_error_info",
        "gslb_drills_active", "gslb_build_info", "gslb_start_time_seconds"}) {
    CAPTURE(family);
    CHECK(page.find(std::string("# TYPE ") + family + " ") != std::string::npos);
  }
}

TEST_CASE("label values escape quotes, backslashes and newlines") {
  CHECK(server::escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(server::escape_help("a\"b\\c\nd") == "a\"b\\\\c\\nd");
  const std::string page = server::render_gslbd_metrics(typical_input());
  CHECK(value_of(page,
                 "gslb_last_reload_error_info{error=\"zone \\\"a.test\\\": bad TTL "
                 "\\\\x\\nsecond line\"}") == "1");
}

TEST_CASE("feed status and process facts appear as numbers in seconds") {
  const std::string page = server::render_gslbd_metrics(typical_input());
  CHECK(value_of(page, "gslb_snapshot_generation") == "7");
  CHECK(value_of(page, "gslb_snapshot_age_seconds") == "2.25");
  CHECK(value_of(page, "gslb_snapshot_built_timestamp_seconds") == "1700000000");
  CHECK(value_of(page, "gslb_reloads_total{result=\"ok\"}") == "3");
  CHECK(value_of(page, "gslb_reloads_total{result=\"failed\"}") == "1");
  CHECK(value_of(page, "gslb_last_reload_error_timestamp_seconds") == "1700000100.5");
  CHECK(value_of(page, "gslb_health_reports{freshness=\"stale\"}") == "2");
  CHECK(value_of(page, "gslb_health_report_oldest_age_seconds") == "1.5");
  CHECK(value_of(page, "gslb_drills_active") == "2");
  CHECK(value_of(page, "gslb_build_info{version=\"1.2.3\"}") == "1");
  CHECK(value_of(page, "gslb_start_time_seconds") == "1699999999");
}

TEST_CASE("without a failed reload the error info has no sample and its time is 0") {
  server::GslbdMetricsInput in = typical_input();
  in.status.last_error.clear();
  const std::string page = server::render_gslbd_metrics(in);
  CHECK(format_problems(page).empty());
  CHECK(page.find("gslb_last_reload_error_info{") == std::string::npos);
  CHECK(value_of(page, "gslb_last_reload_error_timestamp_seconds") == "0");
}

TEST_CASE("the page sums every worker's counters") {
  server::WorkerMetrics one, two;
  one.count_query(server::Transport::kUdp, question(1), 0, false);
  one.count_query(server::Transport::kUdp, question(1), 0, true);
  two.count_query(server::Transport::kUdp, question(1), 0, false);
  two.count_query(server::Transport::kTcp, question(99), 3, false);  // other qtype, NXDOMAIN
  two.count_query(server::Transport::kTcp, server::ParsedQuery{}, 1, false);  // no question
  one.count_dropped();
  two.count_dropped();
  server::GslbdMetricsInput in = typical_input();
  in.workers = {&one, &two};
  const std::string page = server::render_gslbd_metrics(in);
  CHECK(value_of(page, R"(gslb_queries_total{transport="udp",qtype="A",rcode="NOERROR"})") == "3");
  CHECK(value_of(page, R"(gslb_queries_total{transport="tcp",qtype="other",rcode="NXDOMAIN"})") ==
        "1");
  CHECK(value_of(page, R"(gslb_queries_total{transport="tcp",qtype="other",rcode="FORMERR"})") ==
        "1");
  CHECK(value_of(page, R"(gslb_queries_total{transport="tcp",qtype="MX",rcode="SERVFAIL"})") ==
        "0");  // every series exists from the start
  CHECK(value_of(page, "gslb_responses_truncated_total") == "1");
  CHECK(value_of(page, "gslb_packets_dropped_total") == "2");
}

// Debian's python3-prometheus-client, when installed: the reference parser.
TEST_CASE("the page parses with prometheus_client when it is installed") {
  if (std::system("/usr/bin/python3 -c 'import prometheus_client' >/dev/null 2>&1") != 0) {
    MESSAGE("python3-prometheus-client is not installed: skipped");
    return;
  }
  server::WorkerMetrics worker;
  worker.count_query(server::Transport::kUdp, question(28), 0, false);
  server::GslbdMetricsInput in = typical_input();
  in.workers = {&worker};
  const std::string page = server::render_gslbd_metrics(in);
  FILE* python = popen(
      "/usr/bin/python3 -c 'import sys\n"
      "from prometheus_client.parser import text_string_to_metric_families as parse\n"
      "n = sum(len(f.samples) for f in parse(sys.stdin.read()))\n"
      "sys.exit(0 if n > 100 else 1)'",
      "w");
  REQUIRE(python != nullptr);
  fwrite(page.data(), 1, page.size(), python);
  CHECK(pclose(python) == 0);
}
