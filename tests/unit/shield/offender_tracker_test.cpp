// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/offender_tracker.h"

#include <gtest/gtest.h>

namespace {

using rampart::core::IpAddress;
using rampart::shield::policy::OffenderConfig;
using rampart::shield::policy::OffenderTracker;

IpAddress ip(const char* t) { return *IpAddress::parse(t); }

TEST(OffenderTracker, StrikesWithinAWindowMakeAnOffenderReportedOncePerBlock) {
  OffenderTracker t(OffenderConfig{3, 10, 60});
  EXPECT_FALSE(t.strike(ip("192.0.2.1"), 100));
  EXPECT_FALSE(t.strike(ip("192.0.2.1"), 101));
  EXPECT_TRUE(t.strike(ip("192.0.2.1"), 102)) << "the third strike within 10 s";
  EXPECT_FALSE(t.strike(ip("192.0.2.1"), 103)) << "reported once";
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(t.strike(ip("192.0.2.1"), 150));
  EXPECT_FALSE(t.strike(ip("192.0.2.2"), 102)) << "per address";
  // After the block period, still striking: reported again (the block has run out).
  EXPECT_FALSE(t.strike(ip("192.0.2.1"), 170));
  EXPECT_FALSE(t.strike(ip("192.0.2.1"), 170));
  EXPECT_TRUE(t.strike(ip("192.0.2.1"), 170));
}

TEST(OffenderTracker, SlowStrikesNeverAddUp) {
  OffenderTracker t(OffenderConfig{3, 10, 60});
  for (uint64_t s = 0; s < 100; s += 6) EXPECT_FALSE(t.strike(ip("192.0.2.1"), s)) << s;
  t.sweep(1000);
  EXPECT_EQ(t.tracked(), 0u);
  OffenderTracker off(OffenderConfig{0, 10, 60});
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(off.strike(ip("192.0.2.1"), 1)) << "strikes = 0 switches it off";
}

}  // namespace
