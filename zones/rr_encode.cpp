// Pre-encoding of RRsets: owner placeholders, in-zone name compression
// against the apex, and the patch lists the answer writer fills in.
#include "zones/rr_encode.h"

#include <ldns/ldns.h>

namespace zones {
namespace {

void put16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

void put32(std::vector<uint8_t>& b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}

// Length of the uncompressed wire name at the start of `wire`.
size_t name_length(std::string_view wire) {
  size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0) pos += static_cast<uint8_t>(wire[pos]) + 1u;
  return pos + 1;
}

// Writes a name; when it lies at or under the apex, its apex part becomes a
// pointer patch (so "ns1.example.com." costs 4 octets + 2).
class Encoder {
 public:
  Encoder(Snapshot& snap, std::string_view apex) : snap_(snap), apex_(apex) {}

  void name(std::string_view wire, bool compress) {
    const size_t keep = compress ? prefix_before_apex(wire) : std::string::npos;
    if (keep == std::string::npos) {
      bytes().insert(bytes().end(), wire.begin(), wire.end());
      return;
    }
    bytes().insert(bytes().end(), wire.begin(), wire.begin() + keep);
    placeholder(PatchKind::kApex);
  }

  void placeholder(PatchKind kind) {
    snap_.patches.push_back({static_cast<uint16_t>(bytes().size() - start_), kind});
    put16(bytes(), 0);
  }

  void begin() {
    start_ = bytes().size();
    first_patch_ = snap_.patches.size();
  }

  EncodedRrset end() const {
    EncodedRrset e;
    e.bytes_off = static_cast<uint32_t>(start_);
    e.bytes_len = static_cast<uint32_t>(bytes().size() - start_);
    e.patches_off = static_cast<uint32_t>(first_patch_);
    e.patch_count = static_cast<uint16_t>(snap_.patches.size() - first_patch_);
    return e;
  }

  std::vector<uint8_t>& bytes() const { return snap_.bytes; }

 private:
  // Octets of `wire` before its apex suffix, or npos if not under the apex.
  size_t prefix_before_apex(std::string_view wire) const {
    const std::string lower = lower_wire(wire);
    size_t pos = 0;
    while (pos < lower.size()) {
      if (std::string_view(lower).substr(pos) == apex_) return pos;
      if (lower[pos] == 0) break;
      pos += static_cast<uint8_t>(lower[pos]) + 1u;
    }
    return std::string::npos;
  }

  Snapshot& snap_;
  std::string_view apex_;
  size_t start_ = 0;
  size_t first_patch_ = 0;
};

// RFC 3597 §4: only RFC 1035 types may carry compressed names in RDATA.
void encode_rdata(Encoder& enc, uint16_t type, std::string_view rdata) {
  switch (type) {
    case LDNS_RR_TYPE_NS:
    case LDNS_RR_TYPE_CNAME:
    case LDNS_RR_TYPE_PTR:
      enc.name(rdata, true);
      return;
    case LDNS_RR_TYPE_MX:
      enc.bytes().insert(enc.bytes().end(), rdata.begin(), rdata.begin() + 2);
      enc.name(rdata.substr(2), true);
      return;
    case LDNS_RR_TYPE_SOA: {
      const size_t mname = name_length(rdata);
      const size_t rname = name_length(rdata.substr(mname));
      enc.name(rdata.substr(0, mname), true);
      enc.name(rdata.substr(mname, rname), true);
      const auto rest = rdata.substr(mname + rname);
      enc.bytes().insert(enc.bytes().end(), rest.begin(), rest.end());
      return;
    }
    default:
      enc.bytes().insert(enc.bytes().end(), rdata.begin(), rdata.end());
  }
}

// One shape: every RR is owner + type/class/ttl/rdlength + RDATA.
EncodedRrset encode_shape(Encoder& enc, const RrsetSource& src, bool named) {
  enc.begin();
  for (std::string_view rdata : src.rdatas) {
    if (named)
      enc.name(src.owner_wire, true);
    else
      enc.placeholder(PatchKind::kOwner);
    put16(enc.bytes(), src.type);
    put16(enc.bytes(), LDNS_RR_CLASS_IN);
    put32(enc.bytes(), src.ttl);
    const size_t rdlength_at = enc.bytes().size();
    put16(enc.bytes(), 0);
    encode_rdata(enc, src.type, rdata);
    const size_t rdlength = enc.bytes().size() - rdlength_at - 2;
    enc.bytes()[rdlength_at] = static_cast<uint8_t>(rdlength >> 8);
    enc.bytes()[rdlength_at + 1] = static_cast<uint8_t>(rdlength);
  }
  return enc.end();
}

}  // namespace

std::string lower_wire(std::string_view wire) {
  std::string out(wire);
  size_t pos = 0;
  while (pos < out.size() && out[pos] != 0) {
    const size_t end = pos + 1 + static_cast<uint8_t>(out[pos]);
    for (size_t i = pos + 1; i < end && i < out.size(); ++i)
      if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] + 32);
    pos = end;
  }
  return out;
}

bool encode_rrset(const RrsetSource& src, std::string_view apex_wire, Snapshot& snap, Rrset& out) {
  Encoder enc(snap, apex_wire);
  out.type = src.type;
  out.ttl = src.ttl;
  out.count = static_cast<uint16_t>(src.rdatas.size());
  out.at_owner = encode_shape(enc, src, false);
  out.named = encode_shape(enc, src, true);
  return out.named.bytes_len <= 65535 - 12 && src.rdatas.size() <= 65535;
}

std::string_view rdata_target(uint16_t type, std::string_view rdata) {
  switch (type) {
    case LDNS_RR_TYPE_NS:
      return rdata;
    case LDNS_RR_TYPE_MX:
      return rdata.size() > 2 ? rdata.substr(2) : std::string_view();
    case LDNS_RR_TYPE_SRV:
      return rdata.size() > 6 ? rdata.substr(6) : std::string_view();
    default:
      return {};
  }
}

}  // namespace zones
