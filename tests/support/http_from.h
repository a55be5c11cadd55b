// An HTTP request sent from a chosen local source address (any of 127.0.0.0/8 on Linux's
// loopback), so a test can be two clients at once: the admin API counts failed logins per
// client address.
#pragma once

#include <string>
#include <vector>

#include "tests/support/http_client.h"

namespace testsupport {

// http_request() from `source` ("127.0.0.2"); a failed transfer is status 0, as there.
HttpResponse http_request_from(const std::string& source, const std::string& method,
                               const std::string& url, const std::string& body = "",
                               const std::vector<std::string>& headers = {});

}  // namespace testsupport
