// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/client_table.h"

#include <gtest/gtest.h>

namespace {

using rampart::core::IpAddress;
using rampart::shield::policy::ClientLimits;
using rampart::shield::policy::ClientTable;
using rampart::shield::policy::Rate;
using rampart::shield::policy::Refusal;
using rampart::shield::policy::TokenBucket;

constexpr uint64_t kSecond = 1'000'000'000;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

TEST(TokenBucket, StartsFullRefillsAtItsRateAndSaysWhenToRetry) {
  const Rate rate{2, 4};  // 2 per second, bursts of 4
  TokenBucket b;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(b.take(rate, 0)) << i;
  EXPECT_FALSE(b.take(rate, 0));
  EXPECT_EQ(b.secondsUntilToken(rate), 1u);
  EXPECT_FALSE(b.take(rate, kSecond / 4));  // half a token
  EXPECT_TRUE(b.take(rate, kSecond / 2));   // one token after 0.5 s
  EXPECT_FALSE(b.take(rate, kSecond / 2));
  EXPECT_TRUE(b.take(rate, 100 * kSecond));  // refilled, but only up to the burst
  EXPECT_TRUE(b.full(rate, 200 * kSecond));
  EXPECT_TRUE(b.take(Rate{}, 0)) << "an unlimited rate never refuses";
}

TEST(ClientTable, CountsOpenConnectionsFromAcceptAndReleasesThem) {
  ClientLimits limits;
  limits.max_connections = 2;
  limits.max_network_connections = 3;
  limits.new_connections = {};
  limits.network_new_connections = {};
  ClientTable t(limits);
  EXPECT_EQ(t.admit(ip("192.0.2.1"), 0), Refusal::kNone);
  EXPECT_EQ(t.admit(ip("192.0.2.1"), 0), Refusal::kNone);
  EXPECT_EQ(t.admit(ip("192.0.2.1"), 0), Refusal::kAddressConnections);
  EXPECT_EQ(t.admit(ip("192.0.2.2"), 0), Refusal::kNone);
  EXPECT_EQ(t.admit(ip("192.0.2.3"), 0), Refusal::kNetworkConnections) << "the /24 holds three";
  EXPECT_EQ(t.admit(ip("198.51.100.1"), 0), Refusal::kNone) << "another network is not affected";
  EXPECT_EQ(t.openFrom(ip("192.0.2.1")), 2u);
  t.release(ip("192.0.2.1"));
  EXPECT_EQ(t.openFrom(ip("192.0.2.1")), 1u);
  EXPECT_EQ(t.admit(ip("192.0.2.3"), 0), Refusal::kNone);
}

TEST(ClientTable, IPv6ClientsShareTheirSlash64) {
  ClientLimits limits;
  limits.max_network_connections = 1;
  ClientTable t(limits);
  EXPECT_EQ(t.admit(ip("2001:db8:1:2::1"), 0), Refusal::kNone);
  EXPECT_EQ(t.admit(ip("2001:db8:1:2::ffff"), 0), Refusal::kNetworkConnections);
  EXPECT_EQ(t.admit(ip("2001:db8:1:3::1"), 0), Refusal::kNone);
}

TEST(ClientTable, ConnectionRatesPerAddressAndNetwork) {
  ClientLimits limits;
  limits.new_connections = {1, 2};
  limits.network_new_connections = {1, 3};
  ClientTable t(limits);
  EXPECT_EQ(t.admit(ip("10.0.0.1"), 0), Refusal::kNone);
  EXPECT_EQ(t.admit(ip("10.0.0.1"), 0), Refusal::kNone);
  EXPECT_EQ(t.admit(ip("10.0.0.1"), 0), Refusal::kAddressConnectionRate);
  EXPECT_EQ(t.admit(ip("10.0.0.2"), 0), Refusal::kNone);
  EXPECT_EQ(t.admit(ip("10.0.0.3"), 0), Refusal::kNetworkConnectionRate);
  EXPECT_EQ(t.admit(ip("10.0.0.1"), 2 * kSecond), Refusal::kNone);
}

TEST(ClientTable, TlsHandshakesHaveARateOfTheirOwn) {
  ClientLimits limits;
  limits.new_connections = {100, 100};
  limits.tls_handshakes = {1, 2};
  ClientTable t(limits);
  EXPECT_EQ(t.admit(ip("10.0.0.1"), 0, true), Refusal::kNone);
  EXPECT_EQ(t.admit(ip("10.0.0.1"), 0, true), Refusal::kNone);
  EXPECT_EQ(t.admit(ip("10.0.0.1"), 0, true), Refusal::kHandshakeRate);
  EXPECT_EQ(t.admit(ip("10.0.0.1"), 0, false), Refusal::kNone) << "plain HTTP costs no handshake";
  EXPECT_EQ(t.admit(ip("10.0.0.1"), kSecond, true), Refusal::kNone);
}

TEST(ClientTable, RequestRatesWithStricterPaths) {
  ClientLimits limits;
  limits.requests = {10, 10};
  limits.path_rates = {{"/login", {1, 2}}};
  ClientTable t(limits);
  const IpAddress a = ip("203.0.113.9");
  EXPECT_EQ(t.request(a, "/login", 0).refusal, Refusal::kNone);
  EXPECT_EQ(t.request(a, "/login/form", 0).refusal, Refusal::kNone);
  const auto refused = t.request(a, "/login", 0);
  EXPECT_EQ(refused.refusal, Refusal::kPathRate);
  EXPECT_GE(refused.retry_after_s, 1u);
  EXPECT_EQ(t.request(a, "/static/app.css", 0).refusal, Refusal::kNone) << "other paths keep the general rate";
  for (int i = 0; i < 6; ++i) (void)t.request(a, "/x", 0);
  EXPECT_EQ(t.request(a, "/x", 0).refusal, Refusal::kRequestRate);
  EXPECT_EQ(t.request(ip("203.0.113.10"), "/login", 0).refusal, Refusal::kNone) << "limits are per client";
}

TEST(ClientTable, SweepForgetsIdleClientsButNotOpenOnes) {
  ClientLimits limits;
  limits.requests = {1, 1};
  ClientTable t(limits);
  EXPECT_EQ(t.admit(ip("192.0.2.1"), 0), Refusal::kNone);
  (void)t.request(ip("192.0.2.7"), "/", 0);
  EXPECT_EQ(t.tracked(), 3u);  // two addresses, one network
  t.sweep(0);
  EXPECT_EQ(t.tracked(), 3u) << "an open connection and an empty bucket are remembered";
  t.sweep(10 * kSecond);
  EXPECT_EQ(t.tracked(), 2u) << "the refilled idle address is forgotten";
  t.release(ip("192.0.2.1"));
  t.sweep(20 * kSecond);
  EXPECT_EQ(t.tracked(), 0u);
}

TEST(ClientTable, AFullTableAdmitsRatherThanSharingLimits) {
  ClientLimits limits;
  limits.max_tracked = 2;
  limits.max_connections = 1;
  ClientTable t(limits);
  EXPECT_EQ(t.admit(ip("192.0.2.1"), 0), Refusal::kNone);
  EXPECT_EQ(t.admit(ip("198.51.100.1"), 0), Refusal::kNone);
  EXPECT_EQ(t.admit(ip("198.51.100.1"), 0), Refusal::kNone) << "untracked: no limit to hold it to";
  EXPECT_EQ(t.admit(ip("192.0.2.1"), 0), Refusal::kAddressConnections) << "tracked clients keep their limits";
}

}  // namespace
