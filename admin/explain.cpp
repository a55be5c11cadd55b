// explain(): build the query gslbd would receive, answer it with gslbd's own
// responder over a snapshot compiled from the store (health applied as gslbd
// applies it), decode the answer with ldns, and replay the selector with the
// same random seed to get its trace.
#include "admin/explain.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>
#include <iomanip>
#include <memory>
#include <sstream>

#include "admin/store_health.h"
#include "server/client.h"
#include "server/health_view.h"
#include "server/responder.h"
#include "server/snapshot_feed.h"
#include "server/wire.h"
#include "zones/clock.h"
#include "zones/ldns_util.h"

namespace admin {
namespace {

using zones::ErrorCode;
using zones::fail;

constexpr uint16_t kEcsOption = 8;

struct Packet {
  std::vector<uint8_t> bytes;
  void put8(unsigned v) { bytes.push_back(static_cast<uint8_t>(v)); }
  void put16(unsigned v) {
    put8(v >> 8);
    put8(v & 0xFF);
  }
};

zones::Result<sockaddr_storage> parse_client(const std::string& text) {
  sockaddr_storage ss{};
  auto* in4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, text.c_str(), &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
  } else if (inet_pton(AF_INET6, text.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
  } else {
    return fail(ErrorCode::kInvalid, "--client", "\"" + text + "\" is not an IP address");
  }
  return ss;
}

// "203.0.113.0/24" -> the ECS option's data (family, source prefix, scope 0,
// the prefix's octets with the bits beyond it cleared).
zones::Result<std::vector<uint8_t>> ecs_option_data(const std::string& text) {
  const size_t slash = text.find('/');
  const std::string addr = text.substr(0, slash);
  uint8_t bytes[16] = {};
  unsigned family = 0, max = 0;
  if (inet_pton(AF_INET, addr.c_str(), bytes) == 1) {
    family = 1;
    max = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), bytes) == 1) {
    family = 2;
    max = 128;
  } else {
    return fail(ErrorCode::kInvalid, "--ecs", "\"" + text + "\" is not ADDRESS/PREFIX");
  }
  unsigned prefix = max;
  if (slash != std::string::npos) {
    const char* begin = text.data() + slash + 1;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(begin, end, prefix);
    if (ec != std::errc{} || ptr != end || prefix > max)
      return fail(ErrorCode::kInvalid, "--ecs",
                  "prefix length must be 0.." + std::to_string(max) + " in \"" + text + "\"");
  }
  for (unsigned bit = prefix; bit < max; ++bit)
    bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  std::vector<uint8_t> data = {0, static_cast<uint8_t>(family), static_cast<uint8_t>(prefix), 0};
  data.insert(data.end(), bytes, bytes + (prefix + 7) / 8);
  return data;
}

zones::Result<Packet> build_query(const ExplainRequest& r, uint16_t qtype) {
  const std::string absolute = r.name.ends_with('.') ? r.name : r.name + ".";
  ldns_rdf* dname = ldns_dname_new_frm_str(absolute.c_str());
  if (dname == nullptr)
    return fail(ErrorCode::kInvalid, "NAME", "\"" + r.name + "\" is not a domain name");
  Packet p;
  for (unsigned v : {0x4711u, 0u, 1u, 0u, 0u, 1u}) p.put16(v);  // id, flags, counts
  p.bytes.insert(p.bytes.end(), ldns_rdf_data(dname), ldns_rdf_data(dname) + ldns_rdf_size(dname));
  ldns_rdf_deep_free(dname);
  p.put16(qtype);
  p.put16(1);  // IN
  std::vector<uint8_t> ecs;
  if (r.ecs) {
    auto data = ecs_option_data(*r.ecs);
    if (!data) return std::unexpected(data.error());
    ecs = *data;
  }
  p.put8(0);  // OPT: root owner
  p.put16(41);
  p.put16(1232);
  p.put16(0);
  p.put16(0);
  p.put16(ecs.empty() ? 0 : 4 + ecs.size());
  if (!ecs.empty()) {
    p.put16(kEcsOption);
    p.put16(ecs.size());
    p.bytes.insert(p.bytes.end(), ecs.begin(), ecs.end());
  }
  return p;
}

std::string rr_text(const ldns_rr* rr) {
  char* s = ldns_rr2str(rr);
  std::string text = s ? s : "";
  free(s);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text)
    if (c == '\t') c = ' ';
  return text;
}

std::optional<int> ecs_scope_of(const ldns_pkt* pkt) {
  const ldns_rdf* data = ldns_pkt_edns_data(pkt);
  if (data == nullptr) return std::nullopt;
  const uint8_t* p = ldns_rdf_data(data);
  size_t left = ldns_rdf_size(data);
  while (left >= 4) {
    const unsigned code = (p[0] << 8) | p[1], len = (p[2] << 8) | p[3];
    if (len + 4 > left) break;
    if (code == kEcsOption && len >= 4) return p[4 + 3];
    p += 4 + len;
    left -= 4 + len;
  }
  return std::nullopt;
}

zones::Result<void> decode(const uint8_t* wire, size_t len, ExplainResult& out) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire, len) != LDNS_STATUS_OK)
    return fail(ErrorCode::kInternal, "explain", "the responder wrote an undecodable answer");
  char* rcode = ldns_pkt_rcode2str(ldns_pkt_get_rcode(pkt));
  out.rcode = rcode ? rcode : "?";
  free(rcode);
  out.authoritative = ldns_pkt_aa(pkt);
  const ldns_rr_list* answer = ldns_pkt_answer(pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    out.answer.push_back(rr_text(ldns_rr_list_rr(answer, i)));
    out.ttl = ldns_rr_ttl(ldns_rr_list_rr(answer, i));
  }
  const ldns_rr_list* authority = ldns_pkt_authority(pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(authority); ++i)
    out.authority.push_back(rr_text(ldns_rr_list_rr(authority, i)));
  out.ecs_scope = ecs_scope_of(pkt);
  ldns_pkt_free(pkt);
  return {};
}

// Replays the selector for a service name, with the seed the answer used.
void trace_service(const zones::Snapshot& snap, const server::ResponderConfig& cfg,
                   const server::QueryContext& ctx, uint64_t seed, ExplainResult& out) {
  const server::ParsedQuery& q = ctx.query;
  const zones::Resolution res = snap.resolve(q.lname, q.labels, false);
  if (res.found != zones::Found::kNode) return;
  const uint32_t s = snap.nodes[res.node].service;
  if (s == zones::kNone) return;
  const zones::CompiledService& service = snap.services.services[s];
  out.service = service.name;
  out.policy = zones::to_string(service.policy);
  if (q.qtype != server::rtype::kA && q.qtype != server::rtype::kAaaa) return;
  server::Rng rng(seed);
  const server::Client client =
      server::client_for_query(q, ctx.peer, cfg.ecs_max_prefix_v4, cfg.ecs_max_prefix_v6);
  const server::SelectorEnv env{&snap.services, cfg.geodb, &rng};
  server::select(service, q.qtype, client, env, &out.trace);
}

}  // namespace

zones::Result<ExplainResult> explain(zones::Db& db, const ExplainRequest& request) {
  const ldns_rr_type qtype = ldns_get_rr_type_by_name(request.type.c_str());
  if (qtype == 0) return fail(ErrorCode::kInvalid, "--type", "unknown type " + request.type);
  auto peer = parse_client(request.client);
  if (!peer) return std::unexpected(peer.error());
  auto query = build_query(request, qtype);
  if (!query) return std::unexpected(query.error());
  std::unique_ptr<geo::GeoDb> geodb;
  if (!request.geoip.empty()) {
    auto opened = geo::GeoDb::open(request.geoip);
    if (!opened) return fail(ErrorCode::kInvalid, "--geoip", opened.error().text());
    geodb = std::move(*opened);
  }
  auto snap = server::load_snapshot(db, 1);
  if (!snap) return std::unexpected(snap.error());
  auto health = store_health(db, request.health_quorum);
  if (!health) return std::unexpected(health.error());
  health->apply((*snap)->services, zones::unix_ms());

  server::ResponderConfig cfg;
  cfg.geodb = geodb.get();
  cfg.ecs_max_prefix_v4 = request.ecs_max_prefix_v4;
  cfg.ecs_max_prefix_v6 = request.ecs_max_prefix_v6;
  auto ctx = std::make_unique<server::QueryContext>();
  ctx->peer = reinterpret_cast<const sockaddr*>(&*peer);
  ctx->rng = server::Rng(request.seed);
  std::vector<uint8_t> out(server::kMaxMessage);
  const size_t len = server::answer_query(**snap, cfg, *ctx, query->bytes.data(),
                                          query->bytes.size(), out.data(), server::Transport::kTcp);
  ExplainResult result;
  result.question = request.name + " IN " + request.type;
  if (auto decoded = decode(out.data(), len, result); !decoded)
    return std::unexpected(decoded.error());
  trace_service(**snap, cfg, *ctx, request.seed, result);
  return result;
}

nlohmann::json explain_json(const ExplainResult& r) {
  nlohmann::json pools = nlohmann::json::array();
  for (const server::TracePool& p : r.trace.pools) {
    nlohmann::json j = {{"pool", p.pool},     {"region", p.region},     {"state", p.state},
                        {"weight", p.weight}, {"priority", p.priority}, {"chosen", p.chosen}};
    if (p.distance_km >= 0) j["distance_km"] = p.distance_km;
    if (p.bias_km != 0) j["bias_km"] = p.bias_km;
    if (p.latency_ms >= 0) j["latency_ms"] = p.latency_ms;
    if (p.load >= 0) j["load"] = p.load;
    pools.push_back(j);
  }
  nlohmann::json j = {{"question", r.question},           {"rcode", r.rcode},
                      {"authoritative", r.authoritative}, {"answer", r.answer},
                      {"authority", r.authority},         {"ttl", r.ttl}};
  if (r.ecs_scope) j["ecs_scope"] = *r.ecs_scope;
  if (!r.service.empty()) {
    j["service"] = r.service;
    j["policy"] = r.policy;
    j["trace"] = {{"location", r.trace.location},
                  {"location_source", r.trace.location_source},
                  {"pools", pools},
                  {"members", r.trace.members},
                  {"rule", r.trace.rule},
                  {"notes", r.trace.notes}};
  }
  return j;
}

std::string explain_text(const ExplainResult& r) {
  std::ostringstream out;
  out << r.question << ": " << r.rcode << (r.authoritative ? " (authoritative)" : "") << "\n";
  if (r.service.empty()) {
    out << "static data (not a GSLB service)\n";
  } else {
    const server::Trace& t = r.trace;
    out << "service " << r.service << " policy " << r.policy << "\n";
    if (!t.location.empty())
      out << "client location: " << t.location << " [" << t.location_source << "]\n";
    if (!t.pools.empty()) {
      out << "  " << std::left << std::setw(16) << "pool" << std::setw(16) << "region"
          << std::setw(28) << "state" << std::setw(24) << "distance" << std::setw(12) << "latency"
          << std::setw(8) << "weight"
          << "priority\n";
      for (const server::TracePool& p : t.pools) {
        std::ostringstream dist, lat;
        if (p.distance_km >= 0)
          dist << std::fixed << std::setprecision(0) << p.distance_km << " km";
        if (p.bias_km != 0) dist << " (bias " << std::showpos << p.bias_km << std::noshowpos << ")";
        if (p.latency_ms >= 0) lat << std::fixed << std::setprecision(1) << p.latency_ms << " ms";
        out << (p.chosen ? "* " : "  ") << std::setw(16) << p.pool << std::setw(16) << p.region
            << std::setw(28) << p.state << std::setw(24) << dist.str() << std::setw(12) << lat.str()
            << std::setw(8) << p.weight << p.priority << "\n";
      }
    }
    for (const std::string& m : t.members) out << "member: " << m << "\n";
    if (!t.rule.empty()) out << "rule: " << t.rule << "\n";
    for (const std::string& n : t.notes) out << "note: " << n << "\n";
  }
  for (const std::string& rr : r.answer) out << "answer: " << rr << "\n";
  for (const std::string& rr : r.authority) out << "authority: " << rr << "\n";
  if (r.ecs_scope) out << "ECS scope: /" << *r.ecs_scope << "\n";
  return out.str();
}

}  // namespace admin
