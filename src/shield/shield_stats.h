// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rampart::shield {

// The shield's counters, declared once: each worker has its own set (written by its thread alone,
// read by the stats writer), summed when reported.
#define RAMPART_SHIELD_COUNTERS(X)                                                                        \
  X(accepted, "connections accepted")                                                                     \
  X(refused_address_connections, "connections refused: too many open from the address")                   \
  X(refused_network_connections, "connections refused: too many open from the /24 or /64")                \
  X(refused_address_rate, "connections refused: opened too fast from the address")                        \
  X(refused_network_rate, "connections refused: opened too fast from the network")                        \
  X(refused_handshake_rate, "connections refused: TLS handshakes begun too fast from the address")        \
  X(tls_handshakes, "TLS handshakes completed")                                                           \
  X(tls_resumed, "TLS handshakes that resumed a session (ticket)")                                        \
  X(tls_failed, "TLS handshakes that failed or timed out")                                                \
  X(refused_worker_full, "connections refused: the worker holds max_connections")                         \
  X(requests, "request heads parsed")                                                                     \
  X(rejected_malformed, "requests refused as malformed or ambiguous (400, 413, 431, 501)")                \
  X(rejected_upgrade, "requests refused for asking an h2c upgrade")                                       \
  X(limited_requests, "requests answered 429")                                                            \
  X(forwarded, "requests sent to an origin")                                                              \
  X(responses, "origin responses passed to clients")                                                      \
  X(origin_failed, "requests answered 502: the origin could not be reached or broke off")                 \
  X(origin_timeouts, "requests answered 504")                                                             \
  X(header_timeouts, "connections closed: the request head took longer than header_ms")                   \
  X(body_too_slow, "connections closed: the body arrived below min_body_rate")                            \
  X(send_too_slow, "connections closed: the response was read below min_send_rate")                       \
  X(idle_closed, "kept-alive connections closed after idle_ms")                                           \
  X(origin_connects, "connections opened to origins")                                                     \
  X(origin_reused, "requests sent over a kept-alive origin connection")                                   \
  X(origin_latency_us, "origin latency, request sent to response head, summed (microseconds)")            \
  X(challenged, "requests answered with the under-attack challenge")                                      \
  X(passes_issued, "challenges solved: a pass cookie was issued")                                         \
  X(challenge_failed, "challenge answers refused (wrong, expired, too early)")                            \
  X(passed_with_pass, "requests let through under attack by a valid pass")                                \
  X(exempt_paths, "requests let through under attack for /robots.txt or /.well-known/")                   \
  X(crawlers_allowed, "requests let through under attack from a listed crawler (user agent and network)") \
  X(cache_hits, "requests answered from the micro-cache")                                                 \
  X(cache_misses, "cacheable requests fetched from the origin")                                           \
  X(cache_coalesced, "requests that waited for an identical request's fetch")                             \
  X(cache_stale_served, "requests answered with stale content because the origin failed")                 \
  X(offenders, "clients that earned a drop in the data plane (handed to the mitigation)")                 \
  X(h2_connections, "connections that spoke HTTP/2 (ALPN h2, or h2c with prior knowledge)")               \
  X(h2_streams, "HTTP/2 streams that carried a request")                                                  \
  X(h2_resets_received, "RST_STREAM frames received from clients")                                        \
  X(h2_misbehaved, "HTTP/2 connections ended for a flood or a protocol error (GOAWAY)")

enum class Counter : std::size_t {
#define RAMPART_X(name, help) name,
  RAMPART_SHIELD_COUNTERS(RAMPART_X)
#undef RAMPART_X
      kCount
};

struct CounterInfo {
  std::string_view name;
  std::string_view help;
};
inline constexpr std::array<CounterInfo, static_cast<std::size_t>(Counter::kCount)> kCounterInfo = {{
#define RAMPART_X(name, help) {#name, help},
    RAMPART_SHIELD_COUNTERS(RAMPART_X)
#undef RAMPART_X
}};

class ShieldStats {
 public:
  void add(Counter c, uint64_t n = 1) noexcept {
    auto& v = values_[static_cast<std::size_t>(c)];
    v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);  // one writer
  }
  [[nodiscard]] uint64_t get(Counter c) const noexcept {
    return values_[static_cast<std::size_t>(c)].load(std::memory_order_relaxed);
  }
  // Gauges, set by the owning worker.
  std::atomic<uint64_t> open_connections{0};

 private:
  std::array<std::atomic<uint64_t>, static_cast<std::size_t>(Counter::kCount)> values_{};
};

}  // namespace rampart::shield
