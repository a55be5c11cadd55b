// Builders of broken queries. Valid queries come from ldns; the damage is done by hand.
#include "tests/support/packet_mutations.h"

#include <functional>
#include <map>
#include <stdexcept>

#include "tests/support/dns_client.h"

namespace testsupport {
namespace {

constexpr size_t kHeader = 12;

Bytes base_query(const std::string& qname, uint16_t id, bool edns) {
  Query q;
  q.qname = qname;
  q.id = id;
  q.edns = edns;
  return build_query(q);
}

// End of the question section of a one-question query built by ldns (no compression).
size_t question_end(const Bytes& wire) {
  size_t i = kHeader;
  while (i < wire.size() && wire[i] != 0) i += wire[i] + 1;
  return i + 1 + 4;
}

Bytes opt_rr(uint16_t payload, const Bytes& rdata) {
  // Sized up front: inserting into a vector made from an initializer list
  // trips GCC 12's false -Warray-bounds at -O3.
  Bytes rr(11 + rdata.size(), 0);
  rr[2] = 41;
  rr[3] = static_cast<uint8_t>(payload >> 8);
  rr[4] = static_cast<uint8_t>(payload);
  rr[9] = static_cast<uint8_t>(rdata.size() >> 8);
  rr[10] = static_cast<uint8_t>(rdata.size());
  std::copy(rdata.begin(), rdata.end(), rr.begin() + 11);
  return rr;
}

Bytes with_opt(const std::string& qname, uint16_t id, const Bytes& opt_rdata) {
  Bytes w = base_query(qname, id, false);
  const Bytes rr = opt_rr(1232, opt_rdata);
  w.insert(w.end(), rr.begin(), rr.end());
  set_count(w, 3, 1);
  return w;
}

using Builder = std::function<Bytes(const std::string&, uint16_t)>;

const std::map<std::string, Builder>& builders() {
  static const std::map<std::string, Builder> kBuilders = {
      {"qdcount2",  // two questions: RFC 9619 says a query has exactly one
       [](const std::string& n, uint16_t id) {
         Bytes w = base_query(n, id, false);
         w.insert(w.end(), w.begin() + kHeader, w.end());
         set_count(w, 0, 2);
         return w;
       }},
      {"qdcount0",
       [](const std::string&, uint16_t id) {
         return Bytes{
             static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
       }},
      {"truncated-qname",  // QDCOUNT=1 but the name stops after a few bytes
       [](const std::string& n, uint16_t id) {
         Bytes w = base_query(n, id, false);
         w.resize(kHeader + 5);
         return w;
       }},
      {"truncated-qtype",  // the name is whole, QTYPE/QCLASS are cut short
       [](const std::string& n, uint16_t id) {
         Bytes w = base_query(n, id, false);
         w.resize(w.size() - 3);
         return w;
       }},
      {"pointer-loop",  // the question name is a compression pointer to itself
       [](const std::string&, uint16_t id) {
         Bytes w{static_cast<uint8_t>(id >> 8),
                 static_cast<uint8_t>(id),
                 0,
                 0,
                 0,
                 1,
                 0,
                 0,
                 0,
                 0,
                 0,
                 0,
                 0xc0,
                 0x0c,
                 0,
                 1,
                 0,
                 1};
         return w;
       }},
      {"bad-label-type",  // 0x40: the obsolete extended label type (RFC 6891 5)
       [](const std::string& n, uint16_t id) {
         Bytes w = base_query(n, id, false);
         w[kHeader] = static_cast<uint8_t>(0x40 | (w[kHeader] & 0x3f));
         return w;
       }},
      {"two-opt",  // RFC 6891 6.1.1: more than one OPT is FORMERR
       [](const std::string& n, uint16_t id) {
         Bytes w = with_opt(n, id, {});
         const Bytes rr = opt_rr(1232, {});
         w.insert(w.end(), rr.begin(), rr.end());
         set_count(w, 3, 2);
         return w;
       }},
      {"opt-bad-option-length",  // option length runs past the OPT RDATA
       [](const std::string& n, uint16_t id) {
         return with_opt(n, id, {0, 10, 0, 40, 1, 2});
       }},
      {"trailing-garbage",
       [](const std::string& n, uint16_t id) {
         Bytes w = base_query(n, id, false);
         w.insert(w.end(), {0xde, 0xad, 0xbe, 0xef});
         return w;
       }},
      {"qr-set",  // a response must never be answered (no reflection loops)
       [](const std::string& n, uint16_t id) {
         Bytes w = base_query(n, id, false);
         w[2] |= 0x80;
         return w;
       }},
  };
  return kBuilders;
}

}  // namespace

void set_count(Bytes& wire, int which, uint16_t value) {
  const size_t at = 4 + 2 * static_cast<size_t>(which);
  if (wire.size() < at + 2) return;
  wire[at] = static_cast<uint8_t>(value >> 8);
  wire[at + 1] = static_cast<uint8_t>(value);
}

std::vector<std::string> malformed_query_names() {
  std::vector<std::string> names;
  for (const auto& [name, _] : builders()) names.push_back(name);
  return names;
}

Bytes malformed_query(const std::string& name, const std::string& qname, uint16_t id) {
  const auto it = builders().find(name);
  if (it == builders().end()) throw std::invalid_argument("unknown malformed query " + name);
  return it->second(qname, id);
}

namespace {

size_t pick(std::mt19937& rng, size_t n) {
  return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng);
}

uint8_t random_byte(std::mt19937& rng) {
  return static_cast<uint8_t>(std::uniform_int_distribution<int>(0, 255)(rng));
}

void flip_bits(Bytes& w, std::mt19937& rng) {
  const size_t flips = 1 + pick(rng, 4);
  for (size_t i = 0; i < flips && !w.empty(); ++i)
    w[pick(rng, w.size())] ^= static_cast<uint8_t>(1u << pick(rng, 8));
}

void random_label_length(Bytes& w, std::mt19937& rng) {
  if (w.size() <= kHeader) return;
  size_t i = kHeader;
  std::vector<size_t> labels;
  while (i < w.size() && w[i] != 0 && w[i] < 64) {
    labels.push_back(i);
    i += w[i] + 1;
  }
  if (!labels.empty()) w[labels[pick(rng, labels.size())]] = random_byte(rng);
}

void compression_loop(Bytes& w, std::mt19937& rng) {
  if (w.size() <= kHeader + 2) return;
  // A pointer to itself, to the header, or forward past the end.
  const uint16_t targets[] = {static_cast<uint16_t>(kHeader), 0,
                              static_cast<uint16_t>(w.size() + 10), 0x3fff};
  const uint16_t t = targets[pick(rng, 4)];
  const size_t at = kHeader + pick(rng, std::min<size_t>(w.size() - kHeader - 1, 16));
  w[at] = static_cast<uint8_t>(0xc0 | (t >> 8));
  w[at + 1] = static_cast<uint8_t>(t);
}

void bogus_opt(Bytes& w, std::mt19937& rng) {
  w.resize(std::min(w.size(), question_end(w)));
  const int kind = static_cast<int>(pick(rng, 5));
  Bytes rdata;
  if (kind == 0) rdata = {0, 8, 0, 2, 0, 1};                     // ECS too short
  if (kind == 1) rdata = {0, 8, 0, 8, 0, 1, 33, 0, 1, 2, 3, 4};  // IPv4 /33
  if (kind == 2) rdata = {0, 8, 0, 8, 0, 9, 24, 0, 1, 2, 3, 0};  // unknown family
  if (kind == 3) rdata = {0, 8, 0, 7, 0, 1, 24, 30, 1, 2, 3};    // scope set in query
  if (kind == 4)
    for (size_t i = 0; i < pick(rng, 40); ++i) rdata.push_back(random_byte(rng));
  const size_t copies = 1 + pick(rng, 3);
  for (size_t i = 0; i < copies; ++i) {
    Bytes rr = opt_rr(static_cast<uint16_t>(pick(rng, 65536)), rdata);
    rr[5] = random_byte(rng);                          // extended rcode
    rr[6] = pick(rng, 4) == 0 ? random_byte(rng) : 0;  // version
    w.insert(w.end(), rr.begin(), rr.end());
  }
  set_count(w, 3, static_cast<uint16_t>(pick(rng, 3) == 0 ? pick(rng, 65536) : copies));
}

}  // namespace

Bytes mutate(const Bytes& valid, std::mt19937& rng) {
  Bytes w = valid;
  switch (pick(rng, 8)) {
    case 0:
      flip_bits(w, rng);
      break;
    case 1:
      w.resize(pick(rng, w.size() + 1));
      break;
    case 2:
      set_count(w, static_cast<int>(pick(rng, 4)), static_cast<uint16_t>(pick(rng, 65536)));
      break;
    case 3:
      random_label_length(w, rng);
      break;
    case 4:
      compression_loop(w, rng);
      break;
    case 5:
      bogus_opt(w, rng);
      break;
    case 6:
      w.resize(pick(rng, 600));
      for (auto& b : w) b = random_byte(rng);
      break;
    default:
      flip_bits(w, rng);
      w.resize(pick(rng, w.size() + 1));
      break;
  }
  return w;
}

}  // namespace testsupport
