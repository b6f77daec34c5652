// SPDX-License-Identifier: Apache-2.0
// buildFingerprint(): the greedy choice of fields, and the two renderings. The BPF expressions are
// compiled with libpcap and run against frames built to the attack's description, so a filter that
// compiles but matches nothing fails here.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <random>
#include <string>
#include <vector>

#include "core/flow_record.h"
#include "detect/fingerprint.h"
#include "support/packet_builder.h"

namespace rampart::detect {
namespace {

using core::FlowRecord;
using testing::PacketSpec;
using traffic::PacketClass;
using traffic::SampledPacket;

ClassFilter only(std::initializer_list<PacketClass> classes) {
  ClassFilter f;
  for (PacketClass c : classes) f.set(static_cast<std::size_t>(c));
  return f;
}

ClassFilter all() { return ClassFilter{}.set(); }

SampledPacket synPacket(uint16_t src_port, uint16_t dst_port = 80, uint16_t length = 60, uint8_t ttl = 64) {
  SampledPacket p;
  p.src = core::IpAddress::fromV4(0xC6336400u + src_port % 200);
  p.protocol = core::ip_proto::kTcp;
  p.src_port = src_port;
  p.dst_port = dst_port;
  p.ip_length = length;
  p.tcp_flags = core::tcp_flag::kSyn;
  p.ttl = ttl;
  p.cls = PacketClass::kTcpSyn;
  return p;
}

SampledPacket ntpPacket(uint16_t dst_port, uint16_t length, uint8_t ttl) {
  SampledPacket p;
  p.src = core::IpAddress::fromV4(0xCB007100u + ttl);
  p.protocol = core::ip_proto::kUdp;
  p.src_port = 123;
  p.dst_port = dst_port;
  p.ip_length = length;
  p.ttl = ttl;
  p.cls = PacketClass::kUdpNtp;
  return p;
}

// A SYN flood from random source ports, with everything else fixed.
std::vector<SampledPacket> synFlood(std::size_t n, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> port(1024, 65535);
  std::vector<SampledPacket> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(synPacket(static_cast<uint16_t>(port(rng))));
  return out;
}

TEST(Fingerprint, SynFloodWithFixedFields) {
  const auto sample = synFlood(1000);
  const Fingerprint fp = buildFingerprint(sample, only({PacketClass::kTcpSyn}), 0.9);
  ASSERT_TRUE(fp.protocol);
  EXPECT_EQ(*fp.protocol, core::ip_proto::kTcp);
  ASSERT_TRUE(fp.dst_port);
  EXPECT_EQ(*fp.dst_port, 80);
  ASSERT_TRUE(fp.tcp_flags);
  EXPECT_EQ(*fp.tcp_flags, core::tcp_flag::kSyn);
  ASSERT_TRUE(fp.ip_length);
  EXPECT_EQ(*fp.ip_length, (Range<uint16_t>{60, 60}));
  ASSERT_TRUE(fp.ttl);
  EXPECT_EQ(*fp.ttl, (Range<uint8_t>{64, 64}));
  EXPECT_FALSE(fp.src_port) << "random source ports are no signature";
  EXPECT_FALSE(fp.fragments_only);
  EXPECT_EQ(fp.fieldCount(), 5u);
  EXPECT_EQ(fp.sample_size, 1000u);
  EXPECT_GE(fp.coverage, 0.9);
  EXPECT_DOUBLE_EQ(fp.coverage, 1.0);
  for (const SampledPacket& p : sample) EXPECT_TRUE(fp.matches(p));
}

TEST(Fingerprint, CoverageCountsTheNoiseLeftOut) {
  auto sample = synFlood(950);
  for (int i = 0; i < 50; ++i) sample.push_back(synPacket(static_cast<uint16_t>(2000 + i), 443));
  const Fingerprint fp = buildFingerprint(sample, all(), 0.9);
  ASSERT_TRUE(fp.dst_port);
  EXPECT_EQ(*fp.dst_port, 80);
  EXPECT_NEAR(fp.coverage, 0.95, 1e-9);
  EXPECT_GE(fp.coverage, 0.9);
}

TEST(Fingerprint, AmplificationGetsSourcePortAndLengthRange) {
  std::mt19937 rng(2);
  std::uniform_int_distribution<int> length(440, 480);
  std::uniform_int_distribution<int> port(1024, 65535);
  std::uniform_int_distribution<int> ttl(30, 250);  // reflectors all over the Internet
  std::vector<SampledPacket> sample;
  for (int i = 0; i < 1000; ++i) {
    sample.push_back(ntpPacket(static_cast<uint16_t>(port(rng)), static_cast<uint16_t>(length(rng)),
                               static_cast<uint8_t>(ttl(rng))));
  }
  const Fingerprint fp = buildFingerprint(sample, only({PacketClass::kUdpNtp}), 0.9);
  ASSERT_TRUE(fp.protocol);
  EXPECT_EQ(*fp.protocol, core::ip_proto::kUdp);
  ASSERT_TRUE(fp.src_port);
  EXPECT_EQ(*fp.src_port, 123);
  EXPECT_FALSE(fp.dst_port);
  EXPECT_FALSE(fp.tcp_flags);
  EXPECT_FALSE(fp.ttl) << "TTLs spread over 220 values";
  ASSERT_TRUE(fp.ip_length);
  EXPECT_LT(fp.ip_length->low, fp.ip_length->high);
  EXPECT_GE(fp.ip_length->low, 440);
  EXPECT_LE(fp.ip_length->high, 480);
  EXPECT_GE(fp.coverage, 0.9);
  EXPECT_LT(fp.coverage, 1.0);  // the narrowest range: not all 41 lengths
}

TEST(Fingerprint, TwoLengthsMakeAnExactRange) {
  std::vector<SampledPacket> sample;
  for (int i = 0; i < 400; ++i) {
    sample.push_back(
        ntpPacket(static_cast<uint16_t>(1024 + i * 97), i % 2 == 0 ? 468 : 490, static_cast<uint8_t>(30 + i % 200)));
  }
  const Fingerprint fp = buildFingerprint(sample, all(), 0.9);
  ASSERT_TRUE(fp.ip_length);
  EXPECT_EQ(*fp.ip_length, (Range<uint16_t>{468, 490}));
  EXPECT_DOUBLE_EQ(fp.coverage, 1.0);
  EXPECT_EQ(fp.toString(), "udp src-port 123 length 468-490");
  EXPECT_EQ(fp.toBpf("2001:db8:5::/48", true),
            "dst net 2001:db8:5::/48 and udp and src port 123 and (ip6[4:2] + 40) >= 468 and (ip6[4:2] + 40) <= 490");
}

TEST(Fingerprint, TtlRangeWhenNarrow) {
  std::vector<SampledPacket> sample;
  for (int i = 0; i < 300; ++i)
    sample.push_back(synPacket(static_cast<uint16_t>(1024 + i), 80, 60, static_cast<uint8_t>(50 + i % 9)));
  const Fingerprint fp = buildFingerprint(sample, all(), 0.9);
  ASSERT_TRUE(fp.ttl);
  EXPECT_EQ(fp.ttl->low, 50);
  EXPECT_EQ(fp.ttl->high, 58);
  EXPECT_EQ(fp.toString(), "tcp dst-port 80 flags SYN length 60 ttl 50-58");
}

TEST(Fingerprint, NoTtlFromFlowRecordsThatDoNotCarryIt) {
  std::vector<SampledPacket> sample;
  for (int i = 0; i < 300; ++i) sample.push_back(synPacket(static_cast<uint16_t>(1024 + i), 80, 60, 0));
  const Fingerprint fp = buildFingerprint(sample, all(), 0.9);
  EXPECT_FALSE(fp.ttl);
  EXPECT_EQ(fp.toString(), "tcp dst-port 80 flags SYN length 60");
}

TEST(Fingerprint, MixKeepsOnlyFieldsCommonToMinShare) {
  std::vector<SampledPacket> sample;
  for (int i = 0; i < 700; ++i) sample.push_back(synPacket(static_cast<uint16_t>(1024 + i), 80, 60, 64));
  for (int i = 0; i < 300; ++i) sample.push_back(synPacket(static_cast<uint16_t>(3024 + i), 443, 60, 120));
  const Fingerprint fp = buildFingerprint(sample, all(), 0.9);
  EXPECT_EQ(fp.protocol, std::optional<uint8_t>(core::ip_proto::kTcp));
  EXPECT_EQ(fp.tcp_flags, std::optional<uint8_t>(core::tcp_flag::kSyn));
  EXPECT_EQ(fp.ip_length, (std::optional<Range<uint16_t>>{Range<uint16_t>{60, 60}}));
  EXPECT_FALSE(fp.dst_port) << "port 80 is only 70 %";
  EXPECT_FALSE(fp.ttl) << "64 and 120 are too far apart for a range";
  EXPECT_FALSE(fp.src_port);
  EXPECT_DOUBLE_EQ(fp.coverage, 1.0);
  for (const SampledPacket& p : sample) EXPECT_TRUE(fp.matches(p));

  // At a lower bar the majority's own fields are added.
  const Fingerprint loose = buildFingerprint(sample, all(), 0.6);
  EXPECT_EQ(loose.dst_port, std::optional<uint16_t>(80));
  EXPECT_EQ(loose.ttl, (std::optional<Range<uint8_t>>{Range<uint8_t>{64, 64}}));
  EXPECT_NEAR(loose.coverage, 0.7, 1e-9);
}

TEST(Fingerprint, ClassFilterExcludesOtherPackets) {
  auto sample = synFlood(500);
  for (int i = 0; i < 500; ++i) sample.push_back(ntpPacket(static_cast<uint16_t>(1024 + i), 468, 57));
  const Fingerprint syn = buildFingerprint(sample, only({PacketClass::kTcpSyn}), 0.9);
  EXPECT_EQ(syn.sample_size, 500u);
  EXPECT_EQ(syn.protocol, std::optional<uint8_t>(core::ip_proto::kTcp));
  EXPECT_EQ(syn.dst_port, std::optional<uint16_t>(80));
  EXPECT_DOUBLE_EQ(syn.coverage, 1.0);

  const Fingerprint ntp = buildFingerprint(sample, only({PacketClass::kUdpNtp}), 0.9);
  EXPECT_EQ(ntp.sample_size, 500u);
  EXPECT_EQ(ntp.protocol, std::optional<uint8_t>(core::ip_proto::kUdp));
  EXPECT_EQ(ntp.src_port, std::optional<uint16_t>(123));
  EXPECT_EQ(ntp.ip_length, (std::optional<Range<uint16_t>>{Range<uint16_t>{468, 468}}));

  const Fingerprint both = buildFingerprint(sample, all(), 0.9);
  EXPECT_EQ(both.sample_size, 1000u);
  EXPECT_FALSE(both.protocol) << "half TCP, half UDP";

  const Fingerprint none = buildFingerprint(sample, only({PacketClass::kIcmp}), 0.9);
  EXPECT_EQ(none.sample_size, 0u);
  EXPECT_TRUE(none.empty());
}

TEST(Fingerprint, WeightsCountNotSampleEntries) {
  std::vector<SampledPacket> sample;
  for (int i = 0; i < 100; ++i) sample.push_back(synPacket(static_cast<uint16_t>(1024 + i), 80));
  for (int i = 0; i < 10; ++i) {
    SampledPacket p = synPacket(static_cast<uint16_t>(5000 + i), 443);
    p.weight = 100;  // a flow record at 1:100 sampling
    sample.push_back(p);
  }
  const Fingerprint fp = buildFingerprint(sample, all(), 0.9);
  EXPECT_EQ(fp.dst_port, std::optional<uint16_t>(443));
  EXPECT_NEAR(fp.coverage, 1000.0 / 1100.0, 1e-9);
  EXPECT_EQ(fp.sample_size, 110u);
}

TEST(Fingerprint, EmptySample) {
  const Fingerprint fp = buildFingerprint({}, all(), 0.9);
  EXPECT_TRUE(fp.empty());
  EXPECT_EQ(fp.fieldCount(), 0u);
  EXPECT_EQ(fp.sample_size, 0u);
  EXPECT_EQ(fp.coverage, 0.0);
  EXPECT_EQ(fp.toString(), "any");
  EXPECT_EQ(fp.toBpf("192.0.2.10", false), "dst host 192.0.2.10");
  EXPECT_TRUE(fp.matches(synPacket(1)));
}

TEST(Fingerprint, NonFirstFragmentsGetNoPortsOrFlags) {
  std::vector<SampledPacket> sample;
  for (int i = 0; i < 200; ++i) {
    SampledPacket p;
    p.src = core::IpAddress::fromV4(0xC6336400u + static_cast<uint32_t>(i));
    p.protocol = core::ip_proto::kUdp;
    p.ip_length = 1500;
    p.ttl = static_cast<uint8_t>(30 + i % 150);
    p.fragment = FlowRecord::kFragmented | FlowRecord::kNonFirstFragment;
    p.cls = PacketClass::kFragment;
    sample.push_back(p);
  }
  const Fingerprint fp = buildFingerprint(sample, only({PacketClass::kFragment}), 0.9);
  EXPECT_EQ(fp.protocol, std::optional<uint8_t>(core::ip_proto::kUdp));
  EXPECT_TRUE(fp.fragments_only);
  EXPECT_FALSE(fp.src_port);
  EXPECT_FALSE(fp.dst_port);
  EXPECT_FALSE(fp.tcp_flags);
  EXPECT_EQ(fp.ip_length, (std::optional<Range<uint16_t>>{Range<uint16_t>{1500, 1500}}));
  EXPECT_EQ(fp.toString(), "udp fragments length 1500");
  EXPECT_EQ(fp.toBpf("192.0.2.10", false),
            "dst host 192.0.2.10 and udp and (ip[6:2] & 0x3fff) != 0 and ip[2:2] == 1500");
}

// --- rendering --------------------------------------------------------------------------------

TEST(Fingerprint, ToStringAndToBpfIpv4SynFlood) {
  const Fingerprint fp = buildFingerprint(synFlood(500), all(), 0.9);
  EXPECT_EQ(fp.toString(), "tcp dst-port 80 flags SYN length 60 ttl 64");
  EXPECT_EQ(fp.toBpf("192.0.2.10", false),
            "dst host 192.0.2.10 and tcp and dst port 80 and tcp[tcpflags] == 0x02 and ip[2:2] == 60 and ip[8] == 64");
  EXPECT_EQ(fp.toBpf("192.0.2.0/24", true),
            "dst net 192.0.2.0/24 and tcp and dst port 80 and tcp[tcpflags] == 0x02 and ip[2:2] == 60 and ip[8] == 64");
}

TEST(Fingerprint, ToStringOfHandMadeFingerprints) {
  Fingerprint icmp;
  icmp.protocol = core::ip_proto::kIcmp;
  icmp.dst_port = 8 << 8;
  icmp.ip_length = Range<uint16_t>{84, 84};
  EXPECT_EQ(icmp.toString(), "icmp type 8 code 0 length 84");
  EXPECT_EQ(icmp.toBpf("192.0.2.10", false),
            "dst host 192.0.2.10 and icmp and icmp[0] == 8 and icmp[1] == 0 and ip[2:2] == 84");

  Fingerprint icmp6;
  icmp6.protocol = core::ip_proto::kIcmpV6;
  icmp6.dst_port = 128 << 8;
  EXPECT_EQ(icmp6.toString(), "icmp6 type 128 code 0");
  EXPECT_EQ(icmp6.toBpf("2001:db8::1", false), "dst host 2001:db8::1 and icmp6 and icmp6[0] == 128 and icmp6[1] == 0");

  Fingerprint gre;
  gre.protocol = core::ip_proto::kGre;
  gre.ttl = Range<uint8_t>{100, 110};
  EXPECT_EQ(gre.toString(), "gre ttl 100-110");
  EXPECT_EQ(gre.toBpf("192.0.2.10", false), "dst host 192.0.2.10 and ip proto 47 and ip[8] >= 100 and ip[8] <= 110");
  EXPECT_EQ(gre.toBpf("2001:db8::1", false),
            "dst host 2001:db8::1 and ip6 proto 47 and ip6[7] >= 100 and ip6[7] <= 110");

  Fingerprint esp;
  esp.protocol = 50;
  EXPECT_EQ(esp.toString(), "proto 50");

  Fingerprint flags;
  flags.protocol = core::ip_proto::kTcp;
  flags.tcp_flags = core::tcp_flag::kFin | core::tcp_flag::kPsh | core::tcp_flag::kUrg;
  EXPECT_EQ(flags.toString(), "tcp flags FIN|PSH|URG");
  flags.tcp_flags = 0;
  EXPECT_EQ(flags.toString(), "tcp flags none");
  EXPECT_EQ(flags.toBpf("192.0.2.10", false), "dst host 192.0.2.10 and tcp and tcp[tcpflags] == 0x00");
}

TEST(Fingerprint, MatchesChecksEveryField) {
  Fingerprint fp;
  fp.protocol = core::ip_proto::kTcp;
  fp.dst_port = 80;
  fp.tcp_flags = core::tcp_flag::kSyn;
  fp.ip_length = Range<uint16_t>{60, 64};
  fp.ttl = Range<uint8_t>{50, 58};
  const SampledPacket base = synPacket(1234, 80, 60, 50);
  EXPECT_TRUE(fp.matches(base));
  SampledPacket p = base;
  p.ip_length = 64;  // range ends are inclusive
  p.ttl = 58;
  EXPECT_TRUE(fp.matches(p));
  p = base;
  p.ip_length = 65;
  EXPECT_FALSE(fp.matches(p));
  p = base;
  p.ip_length = 59;
  EXPECT_FALSE(fp.matches(p));
  p = base;
  p.ttl = 49;
  EXPECT_FALSE(fp.matches(p));
  p = base;
  p.dst_port = 81;
  EXPECT_FALSE(fp.matches(p));
  p = base;
  p.tcp_flags = core::tcp_flag::kSyn | core::tcp_flag::kEce;  // flags match exactly
  EXPECT_FALSE(fp.matches(p));
  p = base;
  p.protocol = core::ip_proto::kUdp;
  EXPECT_FALSE(fp.matches(p));
  p = base;
  p.src_port = 9;  // not part of this fingerprint
  EXPECT_TRUE(fp.matches(p));

  Fingerprint frag;
  frag.fragments_only = true;
  EXPECT_FALSE(frag.matches(base));
  p = base;
  p.fragment = FlowRecord::kFragmented;
  EXPECT_TRUE(frag.matches(p));
  Fingerprint src;
  src.src_port = 123;
  EXPECT_FALSE(src.matches(base));
}

// --- the BPF against real frames --------------------------------------------------------------

class Bpf {
 public:
  explicit Bpf(const std::string& expression) : pcap_(pcap_open_dead(DLT_EN10MB, 65535)) {
    ok_ = pcap_compile(pcap_, &program_, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
    if (!ok_) error_ = pcap_geterr(pcap_);
  }
  ~Bpf() {
    if (ok_) pcap_freecode(&program_);
    pcap_close(pcap_);
  }
  Bpf(const Bpf&) = delete;
  Bpf& operator=(const Bpf&) = delete;

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] bool accepts(const std::vector<uint8_t>& frame) const {
    pcap_pkthdr header{};
    header.caplen = header.len = static_cast<bpf_u_int32>(frame.size());
    return pcap_offline_filter(&program_, &header, frame.data()) != 0;
  }

 private:
  pcap_t* pcap_;
  bpf_program program_{};
  bool ok_ = false;
  std::string error_;
};

// The sampled form of a built frame, as the decoder would report it.
SampledPacket sampledFrom(const PacketSpec& s, const std::vector<uint8_t>& frame, PacketClass cls) {
  SampledPacket p;
  p.src = *core::IpAddress::parse(s.src);
  const bool v6 = s.dst.find(':') != std::string::npos;
  p.ip_length =
      v6 ? static_cast<uint16_t>((frame[18] << 8 | frame[19]) + 40) : static_cast<uint16_t>(frame[16] << 8 | frame[17]);
  p.protocol = s.protocol;
  p.ttl = s.ttl;
  if (s.fragment_offset > 0) {
    p.fragment = FlowRecord::kFragmented | FlowRecord::kNonFirstFragment;
  } else {
    if (s.more_fragments) p.fragment = FlowRecord::kFragmented;
    if (s.protocol == core::ip_proto::kIcmp || s.protocol == core::ip_proto::kIcmpV6) {
      p.dst_port = static_cast<uint16_t>(s.icmp_type << 8 | s.icmp_code);
    } else if (s.protocol == core::ip_proto::kTcp || s.protocol == core::ip_proto::kUdp) {
      p.src_port = s.src_port;
      p.dst_port = s.dst_port;
      if (s.protocol == core::ip_proto::kTcp) p.tcp_flags = s.tcp_flags;
    }
  }
  p.cls = cls;
  return p;
}

struct Attack {
  std::vector<std::vector<uint8_t>> frames;
  std::vector<SampledPacket> sample;
};

Attack attackOf(const std::vector<PacketSpec>& specs, PacketClass cls) {
  Attack a;
  for (const PacketSpec& s : specs) {
    a.frames.push_back(testing::buildEthernetFrame(s));
    a.sample.push_back(sampledFrom(s, a.frames.back(), cls));
  }
  return a;
}

// Builds the fingerprint of `specs`, and checks that its BPF accepts every frame of the attack
// and rejects `innocent` (the same kind of packet, differing in a fingerprinted field).
void expectBpfMatchesAttack(const std::vector<PacketSpec>& specs, PacketClass cls, const std::string& dst, bool is_net,
                            const PacketSpec& innocent) {
  const Attack a = attackOf(specs, cls);
  const Fingerprint fp = buildFingerprint(a.sample, all(), 0.9);
  ASSERT_FALSE(fp.empty());
  const std::string expression = fp.toBpf(dst, is_net);
  SCOPED_TRACE(expression);
  const Bpf bpf(expression);
  ASSERT_TRUE(bpf.ok()) << bpf.error();
  std::size_t matched = 0;
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < a.frames.size(); ++i) {
    const bool m = fp.matches(a.sample[i]);
    matched += m ? 1 : 0;
    accepted += bpf.accepts(a.frames[i]) ? 1 : 0;
    if (m) {
      EXPECT_TRUE(bpf.accepts(a.frames[i])) << "frame " << i << " matches the fingerprint, not its BPF";
    }
  }
  EXPECT_EQ(accepted, matched);
  EXPECT_GT(matched, 0u);
  EXPECT_FALSE(bpf.accepts(testing::buildEthernetFrame(innocent)));
}

std::vector<PacketSpec> synFloodSpecs(const std::string& src, const std::string& dst) {
  std::vector<PacketSpec> out;
  for (int i = 0; i < 100; ++i) {
    PacketSpec s;
    s.src = src;
    s.dst = dst;
    s.protocol = core::ip_proto::kTcp;
    s.src_port = static_cast<uint16_t>(1024 + i * 577);
    s.dst_port = 80;
    s.tcp_flags = core::tcp_flag::kSyn;
    s.ttl = 64;
    out.push_back(s);
  }
  return out;
}

TEST(FingerprintBpf, Ipv4SynFlood) {
  auto specs = synFloodSpecs("198.51.100.1", "192.0.2.10");
  PacketSpec innocent = specs[0];
  innocent.dst_port = 443;
  expectBpfMatchesAttack(specs, PacketClass::kTcpSyn, "192.0.2.10", false, innocent);
  PacketSpec ack = specs[0];
  ack.tcp_flags = core::tcp_flag::kSyn | core::tcp_flag::kAck;
  expectBpfMatchesAttack(specs, PacketClass::kTcpSyn, "192.0.2.0/24", true, ack);
}

// libpcap's tcp[] indexing works on IPv4 only: "dst host <IPv6> and tcp[tcpflags] == 0x02" is
// rejected as matching no packet, so IPv6 flags need their own form.
TEST(FingerprintBpf, Ipv6SynFloodFilterMatchesTheAttack) {
  auto specs = synFloodSpecs("2001:db8:9::1", "2001:db8:5::10");
  PacketSpec innocent = specs[0];
  innocent.dst_port = 443;
  expectBpfMatchesAttack(specs, PacketClass::kTcpSyn, "2001:db8:5::10", false, innocent);
}

TEST(FingerprintBpf, Ipv6AmplificationWithLengthRange) {
  std::vector<PacketSpec> specs;
  for (int i = 0; i < 100; ++i) {
    PacketSpec s;
    s.src = "2001:db8:9::" + std::to_string(i + 1);
    s.dst = "2001:db8:5::10";
    s.protocol = core::ip_proto::kUdp;
    s.src_port = 123;
    s.dst_port = static_cast<uint16_t>(1024 + i * 631);
    s.payload_len = static_cast<uint16_t>(420 + i % 20);
    s.ttl = static_cast<uint8_t>(30 + i * 2);
    specs.push_back(s);
  }
  PacketSpec dns = specs[0];
  dns.src_port = 53;
  expectBpfMatchesAttack(specs, PacketClass::kUdpNtp, "2001:db8:5::/48", true, dns);
  PacketSpec small = specs[0];
  small.payload_len = 20;
  expectBpfMatchesAttack(specs, PacketClass::kUdpNtp, "2001:db8:5::/48", true, small);
}

TEST(FingerprintBpf, Ipv4FragmentFlood) {
  std::vector<PacketSpec> specs;
  for (int i = 0; i < 50; ++i) {
    PacketSpec s;
    s.src = "198.51.100." + std::to_string(i + 1);
    s.protocol = core::ip_proto::kUdp;
    s.fragment_offset = static_cast<uint16_t>(185 * (1 + i % 3));
    s.more_fragments = true;
    s.payload_len = 1480;
    s.ttl = static_cast<uint8_t>(40 + i * 3);
    specs.push_back(s);
  }
  PacketSpec whole = specs[0];
  whole.fragment_offset = 0;
  whole.more_fragments = false;
  whole.payload_len = 1472;  // same length, not a fragment
  expectBpfMatchesAttack(specs, PacketClass::kFragment, "192.0.2.10", false, whole);
}

TEST(FingerprintBpf, Ipv4EchoRequestFlood) {
  std::vector<PacketSpec> specs;
  for (int i = 0; i < 50; ++i) {
    PacketSpec s;
    s.src = "198.51.100." + std::to_string(i + 1);
    s.protocol = core::ip_proto::kIcmp;
    s.icmp_type = 8;
    s.payload_len = 56;
    s.ttl = static_cast<uint8_t>(40 + i * 3);
    specs.push_back(s);
  }
  PacketSpec reply = specs[0];
  reply.icmp_type = 0;
  expectBpfMatchesAttack(specs, PacketClass::kIcmp, "192.0.2.10", false, reply);
}

// ICMP has no source port (type and code stand in dst_port): a fingerprint that fixed src_port 0
// would render as "icmp and src port 0", a filter libpcap rejects as matching nothing.
TEST(Fingerprint, IcmpFingerprintHasNoSourcePort) {
  std::vector<SampledPacket> sample;
  for (int i = 0; i < 100; ++i) {
    SampledPacket p;
    p.src = core::IpAddress::fromV4(0xC6336400u + static_cast<uint32_t>(i));
    p.protocol = core::ip_proto::kIcmp;
    p.dst_port = static_cast<uint16_t>((i % 2 == 0 ? 8 : 0) << 8);  // echo requests and replies
    p.ip_length = 84;
    p.ttl = static_cast<uint8_t>(30 + i);
    p.cls = PacketClass::kIcmp;
    sample.push_back(p);
  }
  const Fingerprint fp = buildFingerprint(sample, all(), 0.9);
  EXPECT_EQ(fp.protocol, std::optional<uint8_t>(core::ip_proto::kIcmp));
  EXPECT_FALSE(fp.dst_port);
  EXPECT_FALSE(fp.src_port) << "ICMP has no source port";
  EXPECT_EQ(fp.toString(), "icmp length 84");
}

TEST(FingerprintBpf, IcmpFloodOfMixedTypesFilterMatchesTheAttack) {
  std::vector<PacketSpec> specs;
  for (int i = 0; i < 50; ++i) {
    PacketSpec s;
    s.src = "198.51.100." + std::to_string(i + 1);
    s.protocol = core::ip_proto::kIcmp;
    s.icmp_type = i % 2 == 0 ? 8 : 0;
    s.payload_len = 56;
    s.ttl = static_cast<uint8_t>(40 + i * 3);
    specs.push_back(s);
  }
  PacketSpec big = specs[0];
  big.payload_len = 1000;
  expectBpfMatchesAttack(specs, PacketClass::kIcmp, "192.0.2.10", false, big);
}

}  // namespace
}  // namespace rampart::detect
