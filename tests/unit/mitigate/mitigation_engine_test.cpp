// SPDX-License-Identifier: Apache-2.0
// MitigationEngine: which actions an attack gets, their life (hold time, renewal, sharing between
// attacks, refined fingerprints), and the safety rules: the whitelist, the caps, dry-run, manual
// actions and a restart that loses nothing and duplicates nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mitigate/mitigation_engine.h"

namespace rampart::mitigate {
namespace {

constexpr uint64_t kSecond = 1'000'000'000ULL;
constexpr uint64_t kT0 = 1'700'000'000ULL * kSecond;

core::IpAddress ip(const char* text) { return *core::IpAddress::parse(text); }
core::Prefix net(const char* text) { return *core::Prefix::parse(text); }

MitigationConfig config() {
  MitigationConfig c;
  c.enabled = true;
  c.hold_ns = 30 * kSecond;
  c.ttl_ns = 100 * kSecond;
  return c;
}

// An NTP amplification on 192.0.2.10 from `sources` reflectors (the first `top` of them listed).
detect::Attack ntpAttack(uint64_t id, int sources = 3, bool spoofed = false, const char* victim = "192.0.2.10") {
  detect::Attack a;
  a.id = id;
  a.target = {ip(victim), 128, traffic::Direction::kIncoming};
  a.vectors.push_back({detect::AttackVector::kNtpAmplification, 1000, 468000, 1000});
  a.fingerprint.protocol = 17;
  a.fingerprint.src_port = 123;
  a.fingerprint.ip_length = detect::Range<uint16_t>{468, 468};
  a.fingerprint.coverage = 0.98;
  a.distinct_sources = static_cast<uint64_t>(sources);
  a.spoofing_likely = spoofed;
  a.peak_bps = 2'000'000'000;
  for (int i = 0; i < sources && i < 100; ++i) {
    a.top_sources.push_back({core::IpAddress::fromV4(0xCB007100u + static_cast<uint32_t>(i)), 1.0 / sources});
  }
  return a;
}

detect::AttackEvent event(detect::AttackEvent::Kind kind, const detect::Attack& a) { return {kind, a}; }
detect::AttackEvent started(const detect::Attack& a) { return event(detect::AttackEvent::Kind::kStarted, a); }
detect::AttackEvent ended(const detect::Attack& a) { return event(detect::AttackEvent::Kind::kEnded, a); }

std::size_t countOp(const std::vector<Change>& changes, Change::Op op, std::optional<ActionKind> kind = std::nullopt) {
  return static_cast<std::size_t>(std::count_if(changes.begin(), changes.end(), [&](const Change& c) {
    return c.op == op && (!kind || c.action.kind == *kind);
  }));
}

TEST(MitigationEngine, AnAttackGetsItsFingerprintAndItsFewUnspoofedSources) {
  MitigationEngine e(config());
  const auto changes = e.onAttack(started(ntpAttack(1)), kT0);
  ASSERT_EQ(countOp(changes, Change::Op::kInstall, ActionKind::kDropFingerprint), 1u);
  EXPECT_EQ(countOp(changes, Change::Op::kInstall, ActionKind::kDropSource), 3u);
  const Action& fp = changes[0].action;
  EXPECT_EQ(fp.kind, ActionKind::kDropFingerprint);
  EXPECT_EQ(fp.rule.toString(), "to 192.0.2.10/32 udp src-port 123 length 468");
  EXPECT_EQ(fp.attack_id, 1u);
  EXPECT_NE(fp.reason.find("attack #1 (ntp-amplification on 192.0.2.10)"), std::string::npos) << fp.reason;
  EXPECT_EQ(changes[0].expires_ns, kT0 + 100 * kSecond);
  EXPECT_FALSE(fp.dry_run);
  const Action& src = changes[1].action;
  EXPECT_EQ(src.rule.source->toString(), "203.0.113.0/32");
  EXPECT_EQ(src.rule.destination.toString(), "0.0.0.0/0");
  EXPECT_EQ(e.active().size(), 4u);
}

TEST(MitigationEngine, ActionsLastTheAttackPlusTheHoldTime) {
  MitigationEngine e(config());
  const detect::Attack a = ntpAttack(1);
  (void)e.onAttack(started(a), kT0);
  EXPECT_TRUE(e.tick(kT0 + 20 * kSecond).empty());
  EXPECT_TRUE(e.onAttack(ended(a), kT0 + 40 * kSecond).empty()) << "the hold time starts";
  EXPECT_EQ(countOp(e.tick(kT0 + 69 * kSecond), Change::Op::kWithdraw), 0u);
  const auto out = e.tick(kT0 + 70 * kSecond);
  EXPECT_EQ(countOp(out, Change::Op::kWithdraw), 4u);
  EXPECT_EQ(out[0].note, "the attack is over and the hold time passed");
  EXPECT_TRUE(e.active().empty());
}

TEST(MitigationEngine, DataPlaneExpiryIsRenewedEveryHalfTtl) {
  MitigationEngine e(config());
  (void)e.onAttack(started(ntpAttack(1, 1)), kT0);
  EXPECT_TRUE(e.tick(kT0 + 49 * kSecond).empty());
  const auto out = e.tick(kT0 + 50 * kSecond);
  ASSERT_EQ(countOp(out, Change::Op::kRenew), 2u);
  EXPECT_EQ(out[0].expires_ns, kT0 + 150 * kSecond);
  EXPECT_TRUE(e.tick(kT0 + 60 * kSecond).empty());
}

TEST(MitigationEngine, SpoofedOrManySourcesAreNotBlockedOneByOne) {
  MitigationEngine e(config());
  auto spoofed = e.onAttack(started(ntpAttack(1, 3, true)), kT0);
  EXPECT_EQ(countOp(spoofed, Change::Op::kInstall, ActionKind::kDropSource), 0u);
  EXPECT_EQ(countOp(spoofed, Change::Op::kInstall, ActionKind::kDropFingerprint), 1u);
  auto many = e.onAttack(started(ntpAttack(2, 5000, false, "192.0.2.11")), kT0);
  EXPECT_EQ(countOp(many, Change::Op::kInstall, ActionKind::kDropSource), 0u);
}

TEST(MitigationEngine, WeakFingerprintsAreNotUsed) {
  MitigationEngine e(config());
  detect::Attack a = ntpAttack(1, 1, true);
  a.fingerprint.coverage = 0.5;
  EXPECT_TRUE(e.onAttack(started(a), kT0).empty());
  a.fingerprint = {};
  EXPECT_TRUE(e.onAttack(started(a), kT0).empty());
}

TEST(MitigationEngine, WhitelistedDestinationsAndSourcesAreNeverBlocked) {
  MitigationConfig c = config();
  c.whitelist = {net("192.0.2.10/32"), net("203.0.113.1/32")};
  c.blackhole = true;
  c.flowspec = true;
  MitigationEngine e(c);
  const auto out = e.onAttack(started(ntpAttack(1)), kT0);
  EXPECT_EQ(countOp(out, Change::Op::kInstall, ActionKind::kDropFingerprint), 0u);
  EXPECT_EQ(countOp(out, Change::Op::kInstall, ActionKind::kFlowspec), 0u);
  EXPECT_EQ(countOp(out, Change::Op::kInstall, ActionKind::kBlackhole), 0u);
  EXPECT_EQ(countOp(out, Change::Op::kInstall, ActionKind::kDropSource), 2u);  // .0 and .2, not .1
  for (const auto& ch : out) {
    if (ch.op == Change::Op::kInstall) EXPECT_NE(ch.action.rule.source->toString(), "203.0.113.1/32");
  }
  EXPECT_EQ(countOp(out, Change::Op::kRefused), 4u);
  EXPECT_NE(out.front().note.find("whitelisted"), std::string::npos);
  // Said once per attack, not at every update.
  EXPECT_EQ(countOp(e.onAttack(event(detect::AttackEvent::Kind::kUpdated, ntpAttack(1)), kT0), Change::Op::kRefused),
            0u);
  // A whitelisted network covering the victim protects it too; so does a host inside a whitelisted prefix.
  MitigationConfig wide = config();
  wide.whitelist = {net("192.0.2.0/24")};
  MitigationEngine w(wide);
  EXPECT_EQ(countOp(w.onAttack(started(ntpAttack(1, 1, true)), kT0), Change::Op::kInstall), 0u);
  EXPECT_FALSE(w.addManual(ActionKind::kBlackhole, {.destination = net("192.0.2.0/23")}, 0, kT0, "").ok());
}

TEST(MitigationEngine, CapsHoldWhenAnAttackHasMoreSourcesThanAllowed) {
  MitigationConfig c = config();
  c.max_sources = 10;
  c.max_attack_sources = 1000;
  c.max_rules = 2;
  MitigationEngine e(c);
  auto out = e.onAttack(started(ntpAttack(1, 100)), kT0);
  EXPECT_EQ(countOp(out, Change::Op::kInstall, ActionKind::kDropSource), 10u);
  EXPECT_EQ(countOp(out, Change::Op::kRefused, ActionKind::kDropSource), 90u);
  EXPECT_NE(out.back().note.find("max_sources (10) reached"), std::string::npos);
  EXPECT_EQ(e.count(ActionKind::kDropSource), 10u);
  for (int i = 2; i < 6; ++i) {
    const std::string victim = "192.0.2." + std::to_string(20 + i);
    (void)e.onAttack(started(ntpAttack(static_cast<uint64_t>(i), 100, false, victim.c_str())), kT0);
    EXPECT_LE(e.count(ActionKind::kDropSource), 10u);
    EXPECT_LE(e.count(ActionKind::kDropFingerprint), 2u);
  }
  EXPECT_EQ(e.count(ActionKind::kDropFingerprint), 2u);
}

TEST(MitigationEngine, DryRunMarksEverythingAndStillFollowsTheLifecycle) {
  MitigationConfig c = config();
  c.dry_run = true;
  MitigationEngine e(c);
  const auto out = e.onAttack(started(ntpAttack(1)), kT0);
  ASSERT_FALSE(out.empty());
  for (const auto& ch : out) EXPECT_TRUE(ch.action.dry_run);
  (void)e.onAttack(ended(ntpAttack(1)), kT0);
  for (const auto& ch : e.tick(kT0 + 30 * kSecond)) EXPECT_TRUE(ch.action.dry_run);
}

TEST(MitigationEngine, DisabledDoesNothing) {
  MitigationConfig c = config();
  c.enabled = false;
  MitigationEngine e(c);
  EXPECT_TRUE(e.onAttack(started(ntpAttack(1)), kT0).empty());
}

TEST(MitigationEngine, OneActionServesEveryAttackThatWantsIt) {
  MitigationEngine e(config());
  const detect::Attack a = ntpAttack(1, 1);
  const detect::Attack b = ntpAttack(2, 1, false, "192.0.2.11");  // same reflector, another victim
  EXPECT_EQ(countOp(e.onAttack(started(a), kT0), Change::Op::kInstall, ActionKind::kDropSource), 1u);
  EXPECT_EQ(countOp(e.onAttack(started(b), kT0), Change::Op::kInstall, ActionKind::kDropSource), 0u);
  (void)e.onAttack(ended(a), kT0 + kSecond);
  const auto later = e.tick(kT0 + 40 * kSecond);
  EXPECT_EQ(countOp(later, Change::Op::kWithdraw, ActionKind::kDropSource), 0u) << "attack #2 still wants it";
  EXPECT_EQ(countOp(later, Change::Op::kWithdraw, ActionKind::kDropFingerprint), 1u) << "#1's own fingerprint";
  (void)e.onAttack(ended(b), kT0 + 50 * kSecond);
  EXPECT_EQ(countOp(e.tick(kT0 + 80 * kSecond), Change::Op::kWithdraw), 2u);
}

TEST(MitigationEngine, ARefinedFingerprintReplacesTheFirst) {
  MitigationEngine e(config());
  detect::Attack a = ntpAttack(1, 1, true);
  a.fingerprint.ip_length.reset();  // early: protocol and port only
  (void)e.onAttack(started(a), kT0);
  a.fingerprint.ip_length = detect::Range<uint16_t>{468, 468};
  const auto out = e.onAttack(event(detect::AttackEvent::Kind::kUpdated, a), kT0 + kSecond);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].op, Change::Op::kInstall);
  EXPECT_EQ(out[0].action.rule.toString(), "to 192.0.2.10/32 udp src-port 123 length 468");
  EXPECT_EQ(out[1].op, Change::Op::kWithdraw);
  EXPECT_EQ(out[1].action.rule.toString(), "to 192.0.2.10/32 udp src-port 123");
  EXPECT_EQ(e.active().size(), 1u);
}

TEST(MitigationEngine, BlackholeIsTheLastResortAboveItsRate) {
  MitigationConfig c = config();
  c.blackhole = true;
  c.blackhole_min_bps = 5'000'000'000;
  c.flowspec = true;
  MitigationEngine e(c);
  detect::Attack a = ntpAttack(1, 1, true);
  auto out = e.onAttack(started(a), kT0);
  EXPECT_EQ(countOp(out, Change::Op::kInstall, ActionKind::kBlackhole), 0u);
  EXPECT_EQ(countOp(out, Change::Op::kInstall, ActionKind::kFlowspec), 1u);
  a.peak_bps = 8'000'000'000;
  out = e.onAttack(event(detect::AttackEvent::Kind::kUpdated, a), kT0);
  ASSERT_EQ(countOp(out, Change::Op::kInstall, ActionKind::kBlackhole), 1u);
  EXPECT_EQ(out.back().action.rule.toString(), "to 192.0.2.10/32");
}

TEST(MitigationEngine, OutgoingAttacksAreNotMitigated) {
  MitigationEngine e(config());
  detect::Attack a = ntpAttack(1);
  a.target.direction = traffic::Direction::kOutgoing;
  EXPECT_TRUE(e.onAttack(started(a), kT0).empty());
}

TEST(MitigationEngine, ManualActionsLiveTheirOwnLife) {
  MitigationEngine e(config());
  FilterRule r;
  r.destination = net("0.0.0.0/0");
  r.source = net("198.51.100.0/24");
  auto added = e.addManual(ActionKind::kDropSource, r, 10 * kSecond, kT0, "");
  ASSERT_TRUE(added.ok()) << added.error();
  EXPECT_EQ(added->action.reason, "added by hand");
  EXPECT_TRUE(added->action.manual());
  EXPECT_FALSE(e.addManual(ActionKind::kDropSource, r, 0, kT0, "").ok()) << "already in force";
  EXPECT_EQ(countOp(e.tick(kT0 + 10 * kSecond), Change::Op::kWithdraw), 1u);
  auto forever = e.addManual(ActionKind::kDropSource, r, 0, kT0, "operator: botnet C2");
  ASSERT_TRUE(forever.ok());
  EXPECT_TRUE(e.tick(kT0 + 1000 * kSecond).size() <= 1u);  // a renewal at most, never a withdrawal
  EXPECT_EQ(e.active().size(), 1u);
  const auto removed = e.remove(forever->action.id);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->note, "removed by hand");
  EXPECT_FALSE(e.remove(forever->action.id));
}

TEST(MitigationEngine, ARestartReinstallsWhatWasInForceOnceAndDropsWhatExpired) {
  MitigationEngine before(config());
  (void)before.onAttack(started(ntpAttack(1)), kT0);
  FilterRule r;
  r.destination = net("0.0.0.0/0");
  r.source = net("198.51.100.0/24");
  ASSERT_TRUE(before.addManual(ActionKind::kDropSource, r, 5 * kSecond, kT0, "").ok());
  std::vector<Action> saved;
  for (const auto& [id, a] : before.active()) saved.push_back(a);
  ASSERT_EQ(saved.size(), 5u);

  MitigationEngine after(config());
  std::vector<Action> twice = saved;
  twice.insert(twice.end(), saved.begin(), saved.end());  // a state file read twice must not duplicate
  const auto out = after.restore(twice, kT0 + 10 * kSecond);
  EXPECT_EQ(countOp(out, Change::Op::kInstall), 4u) << "the manual block expired while we were away";
  EXPECT_EQ(after.active().size(), 4u);
  for (const auto& [id, a] : after.active()) EXPECT_TRUE(before.active().contains(id)) << "ids are kept";
  // The attack goes on: detected again under a new id, it claims its actions back (no new installs).
  const auto again = after.onAttack(started(ntpAttack(7)), kT0 + 11 * kSecond);
  EXPECT_EQ(countOp(again, Change::Op::kInstall), 0u);
  EXPECT_TRUE(after.tick(kT0 + 45 * kSecond).empty()) << "claimed: no hold time runs";
  // New actions after the restart get new ids.
  const auto more = after.onAttack(started(ntpAttack(8, 1, true, "192.0.2.99")), kT0 + 12 * kSecond);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_GT(more[0].action.id, std::max_element(saved.begin(), saved.end(), [](const Action& x, const Action& y) {
                                 return x.id < y.id;
                               })->id);
}

}  // namespace
}  // namespace rampart::mitigate
