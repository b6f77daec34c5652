// SPDX-License-Identifier: Apache-2.0
// AfPacketSource against real traffic: hping3 sends a bounded burst across a veth pair between two
// network namespaces this test creates; the ring must deliver every packet (or 1 in N when
// sampling), and a fanout group must share them out. Needs root: skipped elsewhere, never in CI.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <string>

#include "decode/packet_decoder.h"
#include "sensor/af_packet_source.h"
#include "support/shared_data.h"

namespace rampart::sensor {
namespace {

class AfPacketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0 || std::system("command -v hping3 >/dev/null 2>&1") != 0) {
      if (testing::inCi()) FAIL() << "needs root and hping3 (CI=true: not skipping)";
      GTEST_SKIP() << "needs root and hping3 to build network namespaces and send traffic";
    }
    const std::string id = std::to_string(getpid());
    attacker_ = "rampart-af-a-" + id;
    victim_ = "rampart-af-v-" + id;
    const std::string script = "set -e; ip netns add " + attacker_ + "; ip netns add " + victim_ +
                               "; ip link add vaf-a netns " + attacker_ + " type veth peer name vaf-v netns " +
                               victim_ + "; ip -n " + attacker_ + " addr add 10.201.0.1/24 dev vaf-a; ip -n " +
                               victim_ + " addr add 10.201.0.2/24 dev vaf-v; ip -n " + attacker_ +
                               " link set vaf-a up; ip -n " + victim_ + " link set vaf-v up; ip -n " + attacker_ +
                               " link set lo up; ip -n " + victim_ + " link set lo up; ip netns exec " + attacker_ +
                               " ping -c 1 -W 2 10.201.0.2 >/dev/null 2>&1 || true";
    ASSERT_EQ(std::system(("bash -c '" + script + "'").c_str()), 0) << "could not build the namespaces";
    created_ = true;
  }

  void TearDown() override {
    if (created_) {
      (void)std::system(
          ("ip netns del " + attacker_ + " 2>/dev/null; ip netns del " + victim_ + " 2>/dev/null").c_str());
    }
  }

  // Opens the source inside the victim's namespace: a socket stays in the namespace it was made in.
  core::Result<AfPacketSource, std::string> openInVictim(const AfPacketConfig& config) {
    const int here = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    const int there = open(("/var/run/netns/" + victim_).c_str(), O_RDONLY | O_CLOEXEC);
    EXPECT_GE(here, 0);
    EXPECT_GE(there, 0);
    EXPECT_EQ(setns(there, CLONE_NEWNET), 0);
    auto source = AfPacketSource::open(config);
    EXPECT_EQ(setns(here, CLONE_NEWNET), 0);
    close(here);
    close(there);
    return source;
  }

  // Sends `count` SYNs to the victim's port 80 at about 10 kpps; bounded by count and time.
  std::future<int> sendSyns(int count) {
    const std::string cmd = "timeout 20 ip netns exec " + attacker_ + " hping3 -q -S -p 80 -i u100 -c " +
                            std::to_string(count) + " 10.201.0.2 >/dev/null 2>&1";
    return std::async(std::launch::async, [cmd] { return std::system(cmd.c_str()); });
  }

  std::string attacker_;
  std::string victim_;
  bool created_ = false;
};

// SYNs to the victim's port 80 among the frames of `source`, until `done` and a quiet poll.
template <typename... Sources>
std::size_t countSyns(std::future<int>& done, Sources&... sources) {
  std::size_t syns = 0;
  core::FlowRecord r;
  const PacketSource::Take visit = [&](PacketSource::Batch batch) {
    for (const Packet& p : batch) {
      if (decode::decodePacket(decode::LinkType::kEthernet, p.frame, p.timestamp_ns, r) == decode::DecodeResult::kOk &&
          r.protocol == 6 && r.dst_port == 80 && r.tcp_flags == 0x02) {
        ++syns;
      }
    }
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool sender_done = false;
  while (std::chrono::steady_clock::now() < deadline) {
    std::size_t got = 0;
    ((got += sources.read(50, visit)), ...);
    if (sender_done && got == 0) break;
    sender_done = sender_done || done.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }
  return syns;
}

TEST_F(AfPacketTest, RingDeliversEveryPacketWithoutDrops) {
  auto source = openInVictim({.interface = "vaf-v", .block_size = 1 << 20, .block_count = 8});
  ASSERT_TRUE(source.ok()) << source.error();
  auto done = sendSyns(3000);
  const std::size_t syns = countSyns(done, source.value());
  EXPECT_EQ(done.get(), 0);
  EXPECT_EQ(syns, 3000u);
  const CaptureStats st = source.value().stats();
  EXPECT_EQ(st.drops, 0u);
  EXPECT_GE(st.packets, 3000u);
  std::printf("af_packet: %zu SYNs received, %llu frames, %llu kernel drops\n", syns,
              static_cast<unsigned long long>(st.packets), static_cast<unsigned long long>(st.drops));
}

TEST_F(AfPacketTest, KernelSamplingKeepsAboutOneInN) {
  auto source = openInVictim({.interface = "vaf-v", .block_size = 1 << 20, .block_count = 8, .sample_one_in = 10});
  ASSERT_TRUE(source.ok()) << source.error();
  EXPECT_EQ(source.value().sampleOneIn(), 10u);
  auto done = sendSyns(5000);
  const std::size_t syns = countSyns(done, source.value());
  EXPECT_EQ(done.get(), 0);
  std::printf("af_packet 1:10 sampling: %zu of 5000 SYNs kept\n", syns);
  EXPECT_GT(syns, 350u);  // 500 expected; bounds are > 6 standard deviations wide
  EXPECT_LT(syns, 650u);
}

TEST_F(AfPacketTest, FanoutGroupSharesPacketsBetweenSockets) {
  const AfPacketConfig config{
      .interface = "vaf-v", .block_size = 1 << 20, .block_count = 8, .fanout_group = 4242 + (getpid() & 0xff)};
  auto first = openInVictim(config);
  auto second = openInVictim(config);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_TRUE(second.ok()) << second.error();
  auto done = sendSyns(3000);  // hping3 moves its source port every packet: many flows
  std::size_t a = 0;
  std::size_t b = 0;
  core::FlowRecord r;
  const auto counter = [&r](std::size_t& n) {
    return PacketSource::Take([&r, &n](PacketSource::Batch batch) {
      for (const Packet& p : batch) {
        if (decode::decodePacket(decode::LinkType::kEthernet, p.frame, p.timestamp_ns, r) ==
                decode::DecodeResult::kOk &&
            r.dst_port == 80 && r.tcp_flags == 0x02) {
          ++n;
        }
      }
    });
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool sender_done = false;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::size_t got = first.value().read(50, counter(a)) + second.value().read(50, counter(b));
    if (sender_done && got == 0) break;
    sender_done = sender_done || done.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }
  EXPECT_EQ(done.get(), 0);
  std::printf("af_packet fanout: %zu + %zu SYNs\n", a, b);
  EXPECT_EQ(a + b, 3000u);
  EXPECT_GT(a, 300u);
  EXPECT_GT(b, 300u);
}

TEST(AfPacketOpenTest, UnknownInterfaceIsAClearError) {
  auto source = AfPacketSource::open({.interface = "no-such-if0"});
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.error().rfind("no-such-if0: no such interface", 0), 0u) << source.error();
}

}  // namespace
}  // namespace rampart::sensor
