// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "shield/http/http_head.h"

namespace rampart::shield::http {

// Who sent a request, for the headers that tell the origin.
struct ClientInfo {
  std::string_view address;  // "192.0.2.1" or "2001:db8::1"
  bool tls = false;
};

// Whether a header is hop-by-hop (RFC 9110 section 7.6.1) or one the shield sets itself, and so is
// never passed on as the client sent it.
[[nodiscard]] bool isHopByHop(std::string_view name) noexcept;

// Appends to `out` the head to send an origin for `req`, all but its framing: HTTP/1.1, the
// client's end-to-end headers, without hop-by-hop ones (those named by Connection too), without
// forwarding headers the client made up, then X-Forwarded-For, X-Forwarded-Proto and Forwarded
// (RFC 7239) for `client`. finishOriginRequest ends it once the body has been read in full.
void appendOriginRequest(const RequestHead& req, const ClientInfo& client, std::string& out);
// Ends the head with Content-Length for the body read (when the request had one) and appends the body.
void finishOriginRequest(bool has_body, std::string_view body, std::string& out);

// Appends to `out` the head to send the client for an origin's response: the origin's status line
// as HTTP/1.1, its end-to-end headers, framing headers for how the body will be sent, and
// `Connection: close` when the shield will close after it. `status_line` is the origin's first
// line without CRLF. `dechunk`: the body is sent decoded and delimited by closing (an HTTP/1.0
// client cannot read chunked).
void appendClientResponse(std::string_view status_line, const ResponseHead& resp, bool keep_alive, bool dechunk,
                          std::string& out);

// A response the shield writes itself (errors, 429, challenges): a short text or HTML body.
// `extra_headers` is zero or more complete "Name: value\r\n" lines.
void appendOwnResponse(uint16_t status, std::string_view extra_headers, std::string_view content_type,
                       std::string_view body, bool keep_alive, bool head_only, std::string& out);

[[nodiscard]] std::string_view reasonPhrase(uint16_t status) noexcept;

}  // namespace rampart::shield::http
