#include "zones/service_table.h"

#include <arpa/inet.h>

namespace zones {

std::string address_text(uint8_t family, const uint8_t* address) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == 1 ? AF_INET : AF_INET6, address, text, sizeof text);
  return text;
}

}  // namespace zones
