// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/micro_cache.h"

#include <gtest/gtest.h>

#include <string>

#include "shield/http/head_parser.h"

namespace {

using rampart::shield::http::Limits;
using rampart::shield::http::RequestHead;
using rampart::shield::http::ResponseHead;
using rampart::shield::policy::CacheConfig;
using rampart::shield::policy::MicroCache;

constexpr uint64_t kMs = 1'000'000;

RequestHead request(const std::string& text) {
  static std::string keep;  // the views point into it
  keep = text;
  RequestHead r;
  EXPECT_FALSE(rampart::shield::http::parseRequestHead(keep, Limits{}, r).has_value()) << text;
  return r;
}

uint32_t freshness(const MicroCache& c, const std::string& head) {
  static std::string keep;
  keep = head;
  ResponseHead r;
  EXPECT_FALSE(rampart::shield::http::parseResponseHead(keep, Limits{}, r).has_value()) << head;
  return c.freshnessMs(r);
}

TEST(MicroCache, KeysIgnoreTheQueryOnlyWhenAsked) {
  EXPECT_EQ(MicroCache::key("Site.Test", "/a?x=1", false), "site.test /a?x=1");
  EXPECT_EQ(MicroCache::key("site.test", "/a?x=1", true), "site.test /a");
  EXPECT_EQ(MicroCache::key("site.test", "/a?x=1", true), MicroCache::key("site.test", "/a?cachebust=9", true));
}

TEST(MicroCache, ListedPathsKeepTheirQueryUnderAttack) {
  CacheConfig cfg;
  cfg.keep_query_paths = {"/search"};
  const MicroCache c(cfg);
  EXPECT_TRUE(c.keepsQuery("/search"));
  EXPECT_TRUE(c.keepsQuery("/search/advanced"));
  EXPECT_FALSE(c.keepsQuery("/"));
  EXPECT_FALSE(c.keepsQuery("/news"));
  EXPECT_FALSE(MicroCache(CacheConfig{}).keepsQuery("/search"))
      << "nothing listed: every query is dropped under attack";
}

TEST(MicroCache, WhichRequestsMayBeServedFromIt) {
  EXPECT_TRUE(MicroCache::requestCacheable(request("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), false, "rampart_pass"));
  EXPECT_TRUE(MicroCache::requestCacheable(request("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"), false, "rampart_pass"));
  EXPECT_FALSE(
      MicroCache::requestCacheable(request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"), false, "p"));
  EXPECT_FALSE(MicroCache::requestCacheable(request("GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Basic eA==\r\n\r\n"),
                                            false, "p"));
  EXPECT_FALSE(
      MicroCache::requestCacheable(request("GET / HTTP/1.1\r\nHost: a\r\nCookie: session=1\r\n\r\n"), false, "p"));
  EXPECT_TRUE(MicroCache::requestCacheable(request("GET / HTTP/1.1\r\nHost: a\r\nCookie: p=abc\r\n\r\n"), false, "p"))
      << "the shield's own pass cookie is not personal";
  EXPECT_FALSE(
      MicroCache::requestCacheable(request("GET / HTTP/1.1\r\nHost: a\r\nCookie: p=abc; s=1\r\n\r\n"), false, "p"));
  const auto no_cache = request("GET / HTTP/1.1\r\nHost: a\r\nCache-Control: no-cache\r\n\r\n");
  EXPECT_FALSE(MicroCache::requestCacheable(no_cache, false, "p"));
  EXPECT_TRUE(MicroCache::requestCacheable(no_cache, true, "p")) << "under attack a client's no-cache is not obeyed";
}

TEST(MicroCache, FreshnessFollowsTheOrigin) {
  MicroCache c(CacheConfig{});
  EXPECT_EQ(freshness(c, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n"), 1000u) << "the default";
  EXPECT_EQ(freshness(c, "HTTP/1.1 200 OK\r\nCache-Control: public, max-age=5\r\n\r\n"), 5000u);
  EXPECT_EQ(freshness(c, "HTTP/1.1 200 OK\r\nCache-Control: max-age=5, s-maxage=9\r\n\r\n"), 9000u);
  EXPECT_EQ(freshness(c, "HTTP/1.1 200 OK\r\nCache-Control: max-age=86400\r\n\r\n"), 60000u) << "capped";
  EXPECT_EQ(freshness(c, "HTTP/1.1 200 OK\r\nCache-Control: max-age=0\r\n\r\n"), 0u);
  EXPECT_EQ(freshness(c, "HTTP/1.1 200 OK\r\nCache-Control: private\r\n\r\n"), 0u);
  EXPECT_EQ(freshness(c, "HTTP/1.1 200 OK\r\nCache-Control: no-store\r\n\r\n"), 0u);
  EXPECT_EQ(freshness(c, "HTTP/1.1 200 OK\r\nCache-Control: max-age=abc\r\n\r\n"), 0u);
  EXPECT_EQ(freshness(c, "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\n\r\n"), 0u);
  EXPECT_EQ(freshness(c, "HTTP/1.1 200 OK\r\nVary: Cookie\r\n\r\n"), 0u);
  EXPECT_EQ(freshness(c, "HTTP/1.1 500 Oops\r\n\r\n"), 0u);
  EXPECT_EQ(freshness(c, "HTTP/1.1 404 Not Found\r\n\r\n"), 1000u);
}

TEST(MicroCache, ServesFreshThenStaleOnlyWhenAllowedThenForgets) {
  CacheConfig cfg;
  cfg.stale_ms = 1000;
  MicroCache c(cfg);
  c.store("k", "HTTP/1.1 200 OK\r\nContent-Length: 2", "hi", 100, 0);
  MicroCache::Hit hit{};
  ASSERT_NE(c.find("k", 50 * kMs, false, hit), nullptr);
  EXPECT_EQ(hit, MicroCache::Hit::kFresh);
  EXPECT_EQ(c.find("k", 150 * kMs, false, hit), nullptr);
  const auto* stale = c.find("k", 150 * kMs, true, hit);
  ASSERT_NE(stale, nullptr);
  EXPECT_EQ(hit, MicroCache::Hit::kStale);
  EXPECT_EQ(stale->body, "hi");
  EXPECT_EQ(c.find("k", 1200 * kMs, true, hit), nullptr) << "past stale_ms";
  EXPECT_EQ(c.entries(), 0u);
  EXPECT_EQ(c.bytes(), 0u);
}

TEST(MicroCache, EvictsTheLeastRecentlyUsedToStayWithinItsSize) {
  CacheConfig cfg;
  cfg.max_bytes = 3 * (1000 + 200);
  MicroCache c(cfg);
  const std::string body(1000, 'x');
  c.store("a", "h", body, 1000, 0);
  c.store("b", "h", body, 1000, 0);
  MicroCache::Hit hit{};
  ASSERT_NE(c.find("a", 1, false, hit), nullptr);  // a is now the most recent
  c.store("c", "h", body, 1000, 0);
  c.store("d", "h", body, 1000, 0);
  EXPECT_NE(c.find("a", 2, false, hit), nullptr);
  EXPECT_EQ(c.find("b", 2, false, hit), nullptr) << "b was the least recently used";
  EXPECT_LE(c.bytes(), cfg.max_bytes);
  c.store("big", "h", std::string(cfg.max_object_bytes + 1, 'y'), 1000, 0);
  EXPECT_EQ(c.find("big", 3, false, hit), nullptr) << "too large to keep";
}

}  // namespace
