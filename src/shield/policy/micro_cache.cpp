// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/micro_cache.h"

#include <algorithm>
#include <charconv>

#include "shield/http/ascii.h"

namespace rampart::shield::policy {
namespace {

using http::equalsIgnoreCase;
using http::forEachToken;

bool saysNoCache(std::string_view value) {
  bool no = false;
  forEachToken(value, [&](std::string_view t) { no = no || equalsIgnoreCase(t, "no-cache"); });
  return no;
}

std::size_t sizeOf(const std::string& key, const MicroCache::Entry& e) {
  return key.size() * 2 + e.head.size() + e.body.size() + 128;  // the key is held twice; plus bookkeeping
}

}  // namespace

std::string MicroCache::key(std::string_view host, std::string_view target, bool ignore_query) {
  if (ignore_query) target = target.substr(0, target.find('?'));
  std::string k;
  k.reserve(host.size() + target.size() + 1);
  for (char c : host) k.push_back(http::lowerAscii(c));
  k.push_back(' ');
  k.append(target);
  return k;
}

bool MicroCache::keepsQuery(std::string_view path) const noexcept {
  return std::any_of(config_.keep_query_paths.begin(), config_.keep_query_paths.end(),
                     [&](const std::string& prefix) { return path.starts_with(prefix); });
}

bool MicroCache::requestCacheable(const http::RequestHead& req, bool under_attack, std::string_view own_cookie) {
  if (req.method != http::Method::kGet && req.method != http::Method::kHead) return false;
  if (req.chunked || (req.content_length && *req.content_length > 0)) return false;
  for (const http::Header& h : req.headers) {
    if (equalsIgnoreCase(h.name, "authorization")) return false;
    if (equalsIgnoreCase(h.name, "cookie")) {
      // Any cookie but the shield's own may make the answer personal.
      bool foreign = false;
      std::string_view rest = h.value;
      while (!rest.empty()) {
        const auto semi = rest.find(';');
        std::string_view item = rest.substr(0, semi);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        if (!item.empty() && item.substr(0, item.find('=')) != own_cookie) foreign = true;
        if (semi == std::string_view::npos) break;
        rest.remove_prefix(semi + 1);
      }
      if (foreign) return false;
    }
    if (!under_attack && (equalsIgnoreCase(h.name, "cache-control") || equalsIgnoreCase(h.name, "pragma")) &&
        saysNoCache(h.value))
      return false;
  }
  return true;
}

uint32_t MicroCache::freshnessMs(const http::ResponseHead& resp) const {
  switch (resp.status) {
    case 200:
    case 203:
    case 301:
    case 404:
    case 410: break;
    default: return 0;
  }
  uint64_t ttl_ms = config_.default_ttl_ms;
  bool shared_age = false;  // s-maxage wins over max-age
  for (const http::Header& h : resp.headers) {
    if (equalsIgnoreCase(h.name, "set-cookie") || equalsIgnoreCase(h.name, "vary")) return 0;
    if (!equalsIgnoreCase(h.name, "cache-control")) continue;
    bool refuse = false;
    forEachToken(h.value, [&](std::string_view t) {
      if (equalsIgnoreCase(t, "private") || equalsIgnoreCase(t, "no-store") || equalsIgnoreCase(t, "no-cache")) {
        refuse = true;
        return;
      }
      const auto eq = t.find('=');
      if (eq == std::string_view::npos) return;
      const std::string_view name = t.substr(0, eq);
      const bool s_maxage = equalsIgnoreCase(name, "s-maxage");
      if (!s_maxage && (!equalsIgnoreCase(name, "max-age") || shared_age)) return;
      uint64_t seconds = 0;
      const std::string_view v = t.substr(eq + 1);
      const auto r = std::from_chars(v.data(), v.data() + v.size(), seconds);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size()) {
        refuse = true;  // unreadable freshness: do not guess
        return;
      }
      ttl_ms = std::min<uint64_t>(seconds, 1u << 30) * 1000;
      shared_age = shared_age || s_maxage;
    });
    if (refuse) return 0;
  }
  return static_cast<uint32_t>(std::min<uint64_t>(ttl_ms, config_.max_ttl_ms));
}

const MicroCache::Entry* MicroCache::find(const std::string& key, uint64_t now_ns, bool allow_stale, Hit& hit) {
  hit = Hit::kMiss;
  const auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  const Entry& e = it->second->entry;
  if (now_ns >= e.stale_until_ns) {
    evict(it->second);
    return nullptr;
  }
  if (now_ns >= e.fresh_until_ns && !allow_stale) return nullptr;
  hit = now_ns < e.fresh_until_ns ? Hit::kFresh : Hit::kStale;
  lru_.splice(lru_.begin(), lru_, it->second);
  return &lru_.front().entry;
}

void MicroCache::store(const std::string& key, std::string head, std::string body, uint32_t ttl_ms, uint64_t now_ns) {
  if (!config_.enabled || ttl_ms == 0 || body.size() > config_.max_object_bytes) return;
  if (const auto it = index_.find(key); it != index_.end()) evict(it->second);
  Entry e{std::move(head), std::move(body), now_ns + uint64_t{ttl_ms} * 1'000'000,
          now_ns + (uint64_t{ttl_ms} + config_.stale_ms) * 1'000'000};
  const std::size_t size = sizeOf(key, e);
  if (size > config_.max_bytes) return;
  while (bytes_ + size > config_.max_bytes && !lru_.empty()) evict(std::prev(lru_.end()));
  lru_.push_front(Slot{key, std::move(e)});
  index_[key] = lru_.begin();
  bytes_ += size;
}

void MicroCache::evict(std::list<Slot>::iterator it) {
  bytes_ -= sizeOf(it->key, it->entry);
  index_.erase(it->key);
  lru_.erase(it);
}

}  // namespace rampart::shield::policy
