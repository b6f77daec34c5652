// SPDX-License-Identifier: Apache-2.0
// What the three parts of the worker (worker.cpp, worker_client.cpp, worker_origin.cpp) share:
// its constants and small socket helpers. Internal to conn/.
#pragma once

#include <openssl/ssl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shield/http/ascii.h"
#include "shield/http/http_head.h"
#include "shield/policy/client_table.h"
#include "shield/shield_stats.h"

namespace rampart::shield::conn::worker_io {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kMaxReadPerEvent = 256 * 1024;
constexpr std::size_t kClientOutHighWater = 512 * 1024;  // origin reading pauses above this
constexpr std::size_t kOriginHeadLimit = 64 * 1024;
constexpr uint64_t kSweepNs = 100'000'000;
constexpr uint64_t kTableSweepNs = 10'000'000'000;
constexpr uint64_t kOriginDownNs = 2'000'000'000;
constexpr uint64_t kMsNs = 1'000'000;
constexpr std::size_t kReadsPerTurn = 4;  // then the client waits for the next loop round

inline uint64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// Reads what the socket has onto the end of `buf`, up to `limit` bytes, through `scratch` (so `buf`
// grows by what arrived, never by a zero-filled chunk). `drained` says the socket had no more
// (the edge-triggered loop must not wait for another event otherwise). Returns bytes read, 0 on
// EOF, -1 when nothing was there, -2 on error.
inline long readInto(int fd, std::string& buf, std::size_t limit, std::vector<char>& scratch, bool& drained) {
  std::size_t total = 0;
  drained = false;
  while (total < limit) {
    const ssize_t n = recv(fd, scratch.data(), scratch.size(), 0);
    if (n > 0) {
      buf.append(scratch.data(), static_cast<std::size_t>(n));
      total += static_cast<std::size_t>(n);
      if (static_cast<std::size_t>(n) < scratch.size()) {  // a short read empties the queue
        drained = true;
        break;
      }
      continue;
    }
    if (n == 0) {
      drained = true;  // EOF stays readable: the next call sees it again
      return total > 0 ? static_cast<long>(total) : 0;
    }
    if (errno == EINTR) continue;
    drained = true;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return total > 0 ? static_cast<long>(total) : -1;
    return -2;
  }
  return static_cast<long>(total);
}

// The status a refused request head is answered with.
inline uint16_t statusFor(http::ParseError e) {
  switch (e) {
    case http::ParseError::kHeadTooLarge:
    case http::ParseError::kTooManyHeaders: return 431;
    case http::ParseError::kBodyTooLarge: return 413;
    case http::ParseError::kBadTransferEncoding: return 501;
    default: return 400;
  }
}

// Whether the request asks to switch to HTTP/2 in clear text (RFC 7540 section 3.2), which a
// proxy must never pass on: the origin would read what follows under different framing.
inline bool asksH2c(const http::RequestHead& req) {
  for (const http::Header& h : req.headers) {
    if (http::equalsIgnoreCase(h.name, "http2-settings")) return true;
    if (!http::equalsIgnoreCase(h.name, "upgrade")) continue;
    bool h2c = false;
    http::forEachToken(h.value, [&](std::string_view t) { h2c = h2c || http::equalsIgnoreCase(t, "h2c"); });
    if (h2c) return true;
  }
  return false;
}

inline std::string_view pathOf(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const auto slash = target.find('/', target.find("//") + 2);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  return target.substr(0, target.find('?'));
}

inline Counter counterFor(policy::Refusal r) {
  switch (r) {
    case policy::Refusal::kAddressConnections: return Counter::refused_address_connections;
    case policy::Refusal::kNetworkConnections: return Counter::refused_network_connections;
    case policy::Refusal::kAddressConnectionRate: return Counter::refused_address_rate;
    case policy::Refusal::kNetworkConnectionRate: return Counter::refused_network_rate;
    case policy::Refusal::kHandshakeRate: return Counter::refused_handshake_rate;
    default: return Counter::limited_requests;  // request-time refusals: not reached at accept
  }
}

inline void closeWithReset(int fd) {
  const linger l{1, 0};  // a refused client gets a RST: no TIME_WAIT, no FIN handshake to pay for
  (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

}  // namespace rampart::shield::conn::worker_io
