// SPDX-License-Identifier: Apache-2.0
#include "shield/http/http_head.h"

namespace rampart::shield::http {

std::string_view describe(ParseError e) noexcept {
  switch (e) {
    case ParseError::kBadRequestLine: return "bad request line";
    case ParseError::kBadVersion: return "unsupported HTTP version";
    case ParseError::kBareLf: return "line ended by a bare LF";
    case ParseError::kBadHeaderName: return "bad header name";
    case ParseError::kBadHeaderValue: return "bad header value";
    case ParseError::kObsFold: return "obsolete line folding";
    case ParseError::kTooManyHeaders: return "too many header fields";
    case ParseError::kHeadTooLarge: return "head too large";
    case ParseError::kBadContentLength: return "bad Content-Length";
    case ParseError::kDuplicateContentLength: return "several Content-Length values";
    case ParseError::kTransferEncodingWithContentLength: return "Transfer-Encoding with Content-Length";
    case ParseError::kBadTransferEncoding: return "bad Transfer-Encoding";
    case ParseError::kMissingHost: return "missing or repeated Host";
    case ParseError::kBodyTooLarge: return "body too large";
    case ParseError::kBadChunk: return "bad chunk";
    case ParseError::kBadStatusLine: return "bad status line";
  }
  return "unknown";
}

void RequestHead::clear() noexcept {
  method = Method::kOther;
  method_text = {};
  target = {};
  minor_version = 1;
  headers.clear();  // keeps the capacity: a connection's later requests do not allocate
  host = {};
  content_length.reset();
  chunked = false;
  keep_alive = true;
  upgrade = false;
  expect_continue = false;
}

void ResponseHead::clear() noexcept {
  status = 0;
  minor_version = 1;
  headers.clear();
  content_length.reset();
  chunked = false;
  keep_alive = true;
}

}  // namespace rampart::shield::http
