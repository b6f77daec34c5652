// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace rampart::shield::http {

// Why a message was refused. Each maps to one status the shield answers (400, 413, 431, 501) and
// is counted by reason; none is ever forwarded.
enum class ParseError : uint8_t {
  kBadRequestLine,  // not `METHOD SP target SP HTTP/1.x`
  kBadVersion,      // HTTP/0.9, HTTP/2 over /1 framing, HTTP/1.2+
  kBareLf,          // a line ended by LF without CR (RFC 9112 section 2.2: we do not accept it)
  kBadHeaderName,   // empty, or a character outside tchar (RFC 9110 section 5.6.2), or space before ':'
  kBadHeaderValue,  // NUL, CR or LF inside, or another control character
  kObsFold,         // a continuation line (RFC 9112 section 5.2): refused, not unfolded
  kTooManyHeaders,
  kHeadTooLarge,      // the head is longer than Limits::max_head_bytes
  kBadContentLength,  // not digits, too large, or several different values
  kDuplicateContentLength,
  kTransferEncodingWithContentLength,  // the classic smuggling vector: refused outright
  kBadTransferEncoding,                // anything but exactly `chunked` (last and only coding)
  kMissingHost,                        // HTTP/1.1 without exactly one Host
  kBodyTooLarge,
  kBadChunk,       // a chunk size that is not hex, overflows, has junk, or a chunk not ended by CRLF
  kBadStatusLine,  // responses: not `HTTP/1.x SP 3DIGIT SP reason`
};

[[nodiscard]] std::string_view describe(ParseError e) noexcept;

// Bounds on what a client may send; the proxy's configuration fills them.
struct Limits {
  std::size_t max_head_bytes = 16 * 1024;
  std::size_t max_headers = 100;
  uint64_t max_body_bytes = 1024 * 1024;
};

// One header field as sent; both views point into the caller's buffer. The value has its leading
// and trailing spaces and tabs removed.
struct Header {
  std::string_view name;
  std::string_view value;
};

enum class Method : uint8_t { kGet, kHead, kPost, kPut, kDelete, kOptions, kPatch, kConnect, kTrace, kOther };

// A parsed request head. Views point into the buffer passed to parseRequestHead, which must
// outlive it. `headers` keeps its capacity between requests so a connection's parsing stops
// allocating after its first request.
struct RequestHead {
  Method method = Method::kOther;
  std::string_view method_text;
  std::string_view target;    // as sent: origin-form ("/a?b") or absolute-form
  uint8_t minor_version = 1;  // HTTP/1.<minor>: 0 or 1
  std::vector<Header> headers;
  std::string_view host;  // the Host header ("" when absent, HTTP/1.0 only)
  std::optional<uint64_t> content_length;
  bool chunked = false;    // Transfer-Encoding: chunked
  bool keep_alive = true;  // after the Connection header and the version's default
  bool upgrade = false;    // an Upgrade header was sent (h2c or websocket): never forwarded
  bool expect_continue = false;

  void clear() noexcept;  // everything back to defaults, headers emptied but not freed
};

// A parsed response head from an origin.
struct ResponseHead {
  uint16_t status = 0;
  uint8_t minor_version = 1;
  std::vector<Header> headers;
  std::optional<uint64_t> content_length;
  bool chunked = false;
  bool keep_alive = true;

  void clear() noexcept;
};

// Where a head ends in a buffer that is still arriving.
struct HeadEnd {
  enum class State : uint8_t { kIncomplete, kComplete, kBareLf } state = State::kIncomplete;
  std::size_t length = 0;  // kComplete: bytes of the head including its final CRLF CRLF
};

}  // namespace rampart::shield::http
