// normalize(): ldns parses, we flatten to strings so CHECK(a == b) prints a useful diff.
#include "tests/support/dns_normalize.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <sstream>

#include "tests/support/dns_client.h"

namespace testsupport {
namespace {

std::string lowercase(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string rr_to_string(const ldns_rr* rr) {
  char* text = ldns_rr2str(rr);
  std::string s = text != nullptr ? text : "?";
  LDNS_FREE(text);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Owner names are compared case-insensitively (servers may copy the qname's case into the
// answer, RFC 4343), everything else as written.
std::vector<std::string> section(const ldns_rr_list* list) {
  std::vector<std::string> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    std::string s = rr_to_string(ldns_rr_list_rr(list, i));
    const auto tab = s.find('\t');
    out.push_back(lowercase(s.substr(0, tab)) + (tab == std::string::npos ? "" : s.substr(tab)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string hex(const uint8_t* p, size_t n) {
  std::string s;
  char buf[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", p[i]);
    s += buf;
  }
  return s;
}

std::vector<std::string> edns_options(const ldns_rdf* data) {
  std::vector<std::string> out;
  if (data == nullptr) return out;
  const uint8_t* p = ldns_rdf_data(data);
  const size_t n = ldns_rdf_size(data);
  for (size_t i = 0; i + 4 <= n;) {
    const int code = p[i] << 8 | p[i + 1];
    const size_t len = std::min<size_t>(static_cast<size_t>(p[i + 2] << 8 | p[i + 3]), n - i - 4);
    out.push_back(std::to_string(code) + ":" + hex(p + i + 4, len));
    i += 4 + len;
  }
  return out;
}

std::string flag_string(const ldns_pkt* pkt) {
  const std::pair<bool, const char*> flags[] = {{ldns_pkt_qr(pkt), "qr"}, {ldns_pkt_aa(pkt), "aa"},
                                                {ldns_pkt_tc(pkt), "tc"}, {ldns_pkt_rd(pkt), "rd"},
                                                {ldns_pkt_ra(pkt), "ra"}, {ldns_pkt_ad(pkt), "ad"},
                                                {ldns_pkt_cd(pkt), "cd"}};
  std::string s;
  for (const auto& [on, name] : flags)
    if (on) s += (s.empty() ? "" : " ") + std::string(name);
  return s;
}

OptSummary opt_summary(ldns_pkt* pkt) {
  OptSummary o;
  o.present = ldns_pkt_edns(pkt);
  if (!o.present) return o;
  o.payload = ldns_pkt_edns_udp_size(pkt);
  o.version = ldns_pkt_edns_version(pkt);
  o.do_bit = ldns_pkt_edns_do(pkt);
  o.options = edns_options(ldns_pkt_edns_data(pkt));
  return o;
}

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += "    " + l + "\n";
  return s;
}

}  // namespace

std::optional<Normalized> normalize(const Bytes& wire) {
  PktPtr pkt = parse_packet(wire);
  if (!pkt) return std::nullopt;
  ldns_pkt* p = pkt.get();
  Normalized n;
  n.id = ldns_pkt_id(p);
  n.opcode = ldns_pkt_get_opcode(p);
  n.rcode = ldns_pkt_get_rcode(p) | (ldns_pkt_edns_extended_rcode(p) << 4);
  n.flags = flag_string(p);
  for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_question(p)); ++i)
    n.question +=
        (n.question.empty() ? "" : " | ") + rr_to_string(ldns_rr_list_rr(ldns_pkt_question(p), i));
  n.answer = section(ldns_pkt_answer(p));
  n.authority = section(ldns_pkt_authority(p));
  n.additional = section(ldns_pkt_additional(p));
  n.opt = opt_summary(p);
  return n;
}

std::string rcode_name(int rcode) {
  static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                       "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                       "NXRRSET", "NOTAUTH", "NOTZONE"};
  if (rcode >= 0 && rcode <= 10) return kNames[rcode];
  if (rcode == 16) return "BADVERS";
  return "RCODE" + std::to_string(rcode);
}

std::string to_string(const OptSummary& opt) {
  if (!opt.present) return "none";
  std::string s = "payload=" + std::to_string(opt.payload) +
                  " version=" + std::to_string(opt.version) + (opt.do_bit ? " do" : "");
  for (const auto& o : opt.options) s += " opt=" + o;
  return s;
}

std::string to_string(const Normalized& n) {
  std::ostringstream s;
  s << "  rcode=" << rcode_name(n.rcode) << " opcode=" << n.opcode << " flags=[" << n.flags
    << "] id=" << n.id << "\n  question: " << n.question << "\n  answer:\n"
    << join(n.answer) << "  authority:\n"
    << join(n.authority) << "  additional:\n"
    << join(n.additional) << "  opt: " << to_string(n.opt) << "\n";
  return s.str();
}

size_t rrset_count(const std::vector<std::string>& section) {
  std::set<std::string> keys;
  for (const auto& rr : section) {
    // owner \t ttl \t class \t type \t rdata
    std::istringstream in(rr);
    std::string owner, ttl, cls, type;
    in >> owner >> ttl >> cls >> type;
    keys.insert(owner + " " + cls + " " + type);
  }
  return keys.size();
}

std::string ecs_of(const OptSummary& opt) {
  for (const auto& o : opt.options) {
    if (o.rfind("8:", 0) != 0 || o.size() < 2 + 8) continue;
    const std::string d = o.substr(2);
    return std::to_string(std::stoi(d.substr(0, 4), nullptr, 16)) + "/" +
           std::to_string(std::stoi(d.substr(4, 2), nullptr, 16)) + "/" +
           std::to_string(std::stoi(d.substr(6, 2), nullptr, 16)) + "/" + d.substr(8);
  }
  return "";
}

}  // namespace testsupport
