// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "shield/http/http_head.h"

namespace rampart::shield::policy {

// `[shield.cache]`: a short-lived cache that absorbs floods of identical requests.
struct CacheConfig {
  bool enabled = true;
  std::size_t max_bytes = 32u << 20;          // per worker
  std::size_t max_object_bytes = 1u << 20;    // larger responses are passed on, not kept
  uint32_t default_ttl_ms = 1000;             // freshness when the origin gives none
  uint32_t max_ttl_ms = 60'000;               // an origin's max-age is capped to this
  uint32_t stale_ms = 300'000;                // how long an expired entry may stand in for a failing origin
  std::vector<std::string> keep_query_paths;  // path prefixes whose query stays in the key, even under attack
};

// A per-worker micro-cache of whole responses (head and body as sent to clients), least recently
// used first out. Pure: time comes in as an argument; the worker does the I/O, and coalesces
// identical misses into one origin fetch. Only GET and HEAD are served from it; only responses
// an origin lets shared caches keep are stored.
class MicroCache {
 public:
  explicit MicroCache(CacheConfig config) : config_(std::move(config)) {}

  // The key of a request: host and path, and the query unless it is ignored (under attack, when
  // random query strings are how floods bust caches).
  [[nodiscard]] static std::string key(std::string_view host, std::string_view target, bool ignore_query);

  // Whether under attack the query of a request for `path` still belongs in its key: the page
  // depends on it (a search), so the configuration lists it in keep_query_paths.
  [[nodiscard]] bool keepsQuery(std::string_view path) const noexcept;

  // Whether a request may be answered from the cache at all: GET or HEAD, no credentials, and
  // (unless `under_attack`) no `Cache-Control: no-cache` or `Pragma: no-cache` from the client.
  // `own_cookie` is the shield's pass cookie name, which does not make a request personal.
  [[nodiscard]] static bool requestCacheable(const http::RequestHead& req, bool under_attack,
                                             std::string_view own_cookie);

  // For how long (ms) a response may be kept: 0 when not at all (status other than 200, 203, 301,
  // 404, 410; Set-Cookie; Vary; Cache-Control private, no-store, no-cache; max-age=0).
  [[nodiscard]] uint32_t freshnessMs(const http::ResponseHead& resp) const;

  struct Entry {
    std::string head;  // status line and headers as sent to clients, without the final CRLF
    std::string body;
    uint64_t fresh_until_ns = 0;
    uint64_t stale_until_ns = 0;
  };
  enum class Hit : uint8_t { kMiss, kFresh, kStale };
  // The entry for `key`: fresh, or (when `allow_stale`) expired but within stale_ms.
  [[nodiscard]] const Entry* find(const std::string& key, uint64_t now_ns, bool allow_stale, Hit& hit);
  void store(const std::string& key, std::string head, std::string body, uint32_t ttl_ms, uint64_t now_ns);

  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
  [[nodiscard]] std::size_t entries() const noexcept { return index_.size(); }
  [[nodiscard]] const CacheConfig& config() const noexcept { return config_; }

 private:
  struct Slot {
    std::string key;
    Entry entry;
  };
  void evict(std::list<Slot>::iterator it);

  CacheConfig config_;
  std::list<Slot> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Slot>::iterator> index_;
  std::size_t bytes_ = 0;
};

}  // namespace rampart::shield::policy
