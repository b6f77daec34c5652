// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>

namespace rampart::shield::h2 {

// Bounds on what one HTTP/2 client connection may do (`[shield.http2]`).
struct Limits {
  bool enabled = true;                       // h2 by ALPN over TLS, and with prior knowledge in clear text
  uint32_t max_concurrent_streams = 100;     // SETTINGS_MAX_CONCURRENT_STREAMS: beyond it, streams are refused
  uint32_t reset_burst = 200;                // RST_STREAMs a client may send at once (rapid reset, CVE-2023-44487) ...
  uint32_t reset_rate = 50;                  // ... and then per second; above it the connection ends (GOAWAY)
  uint32_t window_bytes = 256 * 1024;        // each stream's receive window
  std::size_t max_header_bytes = 16 * 1024;  // one request's decoded header list
};

}  // namespace rampart::shield::h2
