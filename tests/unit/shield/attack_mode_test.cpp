// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/attack_mode.h"

#include <gtest/gtest.h>

namespace {

using rampart::shield::policy::AttackMode;
using rampart::shield::policy::AttackModeConfig;
using rampart::shield::policy::ModeSetting;
using rampart::shield::policy::SecondSample;

AttackModeConfig autoConfig() {
  AttackModeConfig c;
  c.calm_seconds = 3;
  return c;
}

TEST(AttackMode, OnAndOffAreFixed) {
  AttackModeConfig c;
  c.setting = ModeSetting::kOn;
  AttackMode on(c);
  EXPECT_TRUE(on.update({}).active);
  c.setting = ModeSetting::kOff;
  AttackMode off(c);
  EXPECT_FALSE(off.update({100000, 100000, 100000, 10000}).active);
}

TEST(AttackMode, ARateFarAboveTheCalmBaselineSwitchesItOnThenCalmSwitchesItOff) {
  AttackMode m(autoConfig());
  for (int i = 0; i < 120; ++i) EXPECT_FALSE(m.update({100, 100, 0, 5}).active);
  EXPECT_NEAR(m.baselineRate(), 100, 1);
  const auto s = m.update({1000, 1000, 0, 5});
  EXPECT_TRUE(s.active);
  EXPECT_EQ(s.reason, "request rate");
  EXPECT_EQ(s.difficulty, 17u) << "twice the trigger rate: one more bit";
  EXPECT_EQ(m.update({64000, 1000, 0, 5}).difficulty, 18u) << "capped at max_difficulty";
  EXPECT_TRUE(m.update({100, 100, 0, 5}).active);
  EXPECT_TRUE(m.update({100, 100, 0, 5}).active);
  EXPECT_FALSE(m.update({100, 100, 0, 5}).active) << "off after calm_seconds";
  EXPECT_NEAR(m.baselineRate(), 100, 1) << "the attack did not raise the baseline";
}

TEST(AttackMode, ARiseBelowTheTriggerIsLearned) {
  AttackMode m(autoConfig());
  for (int i = 0; i < 120; ++i) (void)m.update({100, 100, 0, 5});
  EXPECT_FALSE(m.update({400, 400, 0, 5}).active) << "4x is not 5x";
  EXPECT_GT(m.baselineRate(), 104) << "a calm second moves the baseline";
}

TEST(AttackMode, AQuietSiteNeedsTheMinimumRate) {
  AttackMode m(autoConfig());
  for (int i = 0; i < 10; ++i) (void)m.update({1, 1, 0, 0});
  EXPECT_FALSE(m.update({150, 150, 0, 0}).active) << "150x a baseline of 1, but below min_rate";
  EXPECT_TRUE(m.update({250, 250, 0, 0}).active);
}

TEST(AttackMode, OriginErrorsAndLatencyAlsoTriggerIt) {
  AttackMode m(autoConfig());
  for (int i = 0; i < 60; ++i) (void)m.update({50, 50, 0, 20});
  auto s = m.update({50, 50, 20, 20});
  EXPECT_TRUE(s.active);
  EXPECT_EQ(s.reason, "origin errors");
  AttackMode slow(autoConfig());
  for (int i = 0; i < 60; ++i) (void)slow.update({50, 50, 0, 20});
  EXPECT_FALSE(slow.update({50, 50, 0, 90}).active) << "slower, but below min_latency_ms";
  s = slow.update({50, 50, 0, 400});
  EXPECT_TRUE(s.active);
  EXPECT_EQ(s.reason, "origin latency");
}

}  // namespace
