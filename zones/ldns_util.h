// Owning handles for ldns objects, so that every early return frees what ldns allocated.
#pragma once

// ldns/common.h #defines bool/true/false unless stdbool.h came first, which breaks
// <optional> and friends in C++; every gslb file includes ldns through this header.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)

#include <ldns/ldns.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace zones {

struct LdnsRrFree {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct LdnsRdfFree {
  void operator()(ldns_rdf* rdf) const { ldns_rdf_deep_free(rdf); }
};
struct LdnsBufferFree {
  void operator()(ldns_buffer* buffer) const { ldns_buffer_free(buffer); }
};

using RrPtr = std::unique_ptr<ldns_rr, LdnsRrFree>;
using RdfPtr = std::unique_ptr<ldns_rdf, LdnsRdfFree>;
using BufferPtr = std::unique_ptr<ldns_buffer, LdnsBufferFree>;

// ldns hands out malloc'd C strings; copy one into a std::string and free it.
inline std::string take_string(char* text) {
  if (text == nullptr) return {};
  std::string copy(text);
  std::free(text);
  return copy;
}

}  // namespace zones
