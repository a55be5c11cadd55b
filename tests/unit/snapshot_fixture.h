// Builds snapshots straight from zone text (parsed by ldns), and runs
// queries built by ldns through the responder, so unit tests check our codec
// against an independent one without a store or a socket.
#pragma once

#include <ldns/ldns.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "server/responder.h"
#include "server/wire.h"
#include "zones/compile.h"

namespace fixture {

// `text`: one RR per line in presentation form, absolute owners; the SOA
// line fills ZoneInfo. Throws on bad input (tests only).
inline zones::ZoneContent zone_from_text(const std::string& apex, const std::string& text) {
  zones::ZoneContent zone;
  zone.info.name = apex;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ldns_rr* rr = nullptr;
    if (ldns_rr_new_frm_str(&rr, line.c_str(), 3600, nullptr, nullptr) != LDNS_STATUS_OK)
      throw std::runtime_error("bad RR: " + line);
    char* owner = ldns_rdf2str(ldns_rr_owner(rr));
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
      auto num = [&](int i) { return ldns_rdf2native_int32(ldns_rr_rdf(rr, i)); };
      char* m = ldns_rdf2str(ldns_rr_rdf(rr, 0));
      char* r = ldns_rdf2str(ldns_rr_rdf(rr, 1));
      zone.info.soa = {m, r, num(2), num(3), num(4), num(5), num(6)};
      zone.info.soa_ttl = ldns_rr_ttl(rr);
      free(m);
      free(r);
    } else {
      zones::RecordRow row;
      row.owner = owner;
      for (char& c : row.owner) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      row.type = ldns_rr_get_type(rr);
      row.ttl = ldns_rr_ttl(rr);
      ldns_buffer* buf = ldns_buffer_new(512);
      for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i)
        ldns_rdf2buffer_wire(buf, ldns_rr_rdf(rr, i));
      row.rdata_wire.assign(reinterpret_cast<const char*>(ldns_buffer_begin(buf)),
                            ldns_buffer_position(buf));
      ldns_buffer_free(buf);
      zone.records.push_back(row);
    }
    free(owner);
    ldns_rr_free(rr);
  }
  return zone;
}

inline zones::SnapshotPtr compile(const std::vector<zones::ZoneContent>& zones) {
  auto snap = zones::compile_snapshot(zones, 1);
  if (!snap) throw std::runtime_error(snap.error().text());
  return *snap;
}

struct QueryOptions {
  bool edns = false;
  uint16_t payload = 1232;
  bool dnssec_ok = false;
  server::Transport transport = server::Transport::kUdp;
};

// A parsed response, or null when the responder sent nothing.
using Packet = std::unique_ptr<ldns_pkt, decltype(&ldns_pkt_free)>;

inline Packet ask_wire(const zones::Snapshot& snap, const std::vector<uint8_t>& wire,
                       server::Transport transport = server::Transport::kUdp,
                       const server::ResponderConfig& cfg = {}) {
  static server::QueryContext ctx;
  std::vector<uint8_t> out(server::kMaxMessage);
  const size_t len =
      server::answer_query(snap, cfg, ctx, wire.data(), wire.size(), out.data(), transport);
  if (len == 0) return Packet(nullptr, ldns_pkt_free);
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, out.data(), len) != LDNS_STATUS_OK)
    throw std::runtime_error("response does not parse with ldns");
  return Packet(pkt, ldns_pkt_free);
}

inline std::vector<uint8_t> query_wire(const std::string& name, ldns_rr_type type,
                                       const QueryOptions& opt = {},
                                       ldns_rr_class cls = LDNS_RR_CLASS_IN) {
  ldns_pkt* q = nullptr;
  ldns_pkt_query_new_frm_str(&q, name.c_str(), type, cls, 0);
  ldns_pkt_set_id(q, 4242);
  if (opt.edns) {
    ldns_pkt_set_edns_udp_size(q, opt.payload);
    ldns_pkt_set_edns_do(q, opt.dnssec_ok);
  }
  uint8_t* wire = nullptr;
  size_t size = 0;
  ldns_pkt2wire(&wire, q, &size);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  ldns_pkt_free(q);
  return out;
}

inline Packet ask(const zones::Snapshot& snap, const std::string& name, ldns_rr_type type,
                  const QueryOptions& opt = {}) {
  return ask_wire(snap, query_wire(name, type, opt), opt.transport);
}

// "type owner" of every RR in a section, lowercased, sorted: easy to compare.
inline std::vector<std::string> section(const ldns_rr_list* list) {
  std::vector<std::string> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    char* s = ldns_rr2str(ldns_rr_list_rr(list, i));
    std::string line(s);
    free(s);
    while (!line.empty() && line.back() == '\n') line.pop_back();
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace fixture
