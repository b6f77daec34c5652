// SPDX-License-Identifier: Apache-2.0
// Hand-built NetFlow v5, v9 and IPFIX datagrams with known values.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/flow_record.h"
#include "flow/netflow/netflow_decoder.h"

namespace rampart::flow::netflow {
namespace {

constexpr uint64_t kSec = 1'000'000'000ULL;

// Appends big-endian integers.
struct Bytes {
  std::vector<uint8_t> b;
  Bytes& u8(uint32_t v) {
    b.push_back(static_cast<uint8_t>(v));
    return *this;
  }
  Bytes& u16(uint32_t v) { return u8(v >> 8).u8(v); }
  Bytes& u32(uint32_t v) { return u16(v >> 16).u16(v); }
  Bytes& u64(uint64_t v) { return u32(static_cast<uint32_t>(v >> 32)).u32(static_cast<uint32_t>(v)); }
  Bytes& raw(const std::vector<uint8_t>& v) {
    b.insert(b.end(), v.begin(), v.end());
    return *this;
  }
  void put16(std::size_t at, uint32_t v) {
    b[at] = static_cast<uint8_t>(v >> 8);
    b[at + 1] = static_cast<uint8_t>(v);
  }
};

const core::IpAddress kExporter = core::IpAddress::fromV4(0xC0000201);
core::IpAddress v4(uint32_t a) { return core::IpAddress::fromV4(a); }

std::vector<uint8_t> v5Datagram(uint16_t count, uint16_t sampling) {
  Bytes d;
  d.u16(5).u16(count).u32(10'000).u32(1'700'000'000).u32(500).u32(1).u8(0).u8(0).u16(sampling);
  for (uint16_t i = 0; i < count; ++i) {
    d.u32(0x0A000001 + i).u32(0xC6336401).u32(0).u16(1).u16(2).u32(10).u32(15000).u32(4'000).u32(9'000);
    d.u16(1234).u16(80).u8(0).u8(0x12).u8(6).u8(0).u16(0).u16(0).u8(24).u8(24).u16(0);
  }
  return std::move(d.b);
}

TEST(NetflowV5, KnownValues) {
  NetflowDecoder dec;
  std::vector<core::FlowRecord> out;
  ASSERT_EQ(dec.decode(kExporter, v5Datagram(3, 0x4000 | 100), 7, out), FlowError::kOk);
  ASSERT_EQ(out.size(), 3U);
  const auto& r = out[1];
  EXPECT_EQ(r.src, v4(0x0A000002));
  EXPECT_EQ(r.dst, v4(0xC6336401));
  EXPECT_EQ(r.src_port, 1234);
  EXPECT_EQ(r.dst_port, 80);
  EXPECT_EQ(r.protocol, 6);
  EXPECT_EQ(r.tcp_flags, 0x12);
  EXPECT_EQ(r.packets, 10U);
  EXPECT_EQ(r.bytes, 15000U);
  EXPECT_EQ(r.ip_length, 1500);
  EXPECT_EQ(r.sampling_rate, 100U);  // low 14 bits; mode bits ignored
  // Export at 1'700'000'000.5 s with uptime 10 s: first at uptime 4 s is 6 s earlier.
  EXPECT_EQ(r.timestamp_ns, 1'700'000'000ULL * kSec + 500 - 6 * kSec);
  EXPECT_EQ(r.duration_ns, 5 * kSec);
  EXPECT_EQ(dec.stats().records, 3U);
}

TEST(NetflowV5, BadHeaders) {
  NetflowDecoder dec;
  std::vector<core::FlowRecord> out;
  EXPECT_EQ(dec.decode(kExporter, v5Datagram(0, 0), 0, out), FlowError::kBadHeader);
  auto d = v5Datagram(2, 0);
  d[3] = 31;  // count beyond 30
  EXPECT_EQ(dec.decode(kExporter, d, 0, out), FlowError::kBadHeader);
  d[3] = 3;  // more records than bytes
  EXPECT_EQ(dec.decode(kExporter, d, 0, out), FlowError::kTruncated);
  EXPECT_EQ(dec.decode(kExporter, std::vector<uint8_t>{0, 7, 0, 0}, 0, out), FlowError::kBadVersion);
  EXPECT_EQ(dec.decode(kExporter, std::vector<uint8_t>{0}, 0, out), FlowError::kTruncated);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(dec.stats().errors[FlowError::kBadHeader], 2U);
  EXPECT_EQ(toString(FlowError::kTemplateLimit), "template_limit");
}

// v9: template 256 {8/4, 12/4, 7/2, 11/2, 4/1, 6/1, 2/4, 1/4, 22/4, 21/4, 48/1}, options template
// 257 {scope 1/4 (system), 48/1, 34/4}.
Bytes v9Header(uint16_t count) {
  Bytes d;
  d.u16(9).u16(count).u32(100'000).u32(1'700'000'000).u32(1).u32(42);
  return d;
}

void v9Templates(Bytes& d) {
  d.u16(0).u16(4 + 4 + 11 * 4).u16(256).u16(11);
  for (const auto& [id, len] : std::vector<std::pair<int, int>>{
           {8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {6, 1}, {2, 4}, {1, 4}, {22, 4}, {21, 4}, {48, 1}}) {
    d.u16(id).u16(len);
  }
  d.u16(1).u16(4 + 6 + 12 + 2).u16(257).u16(4).u16(8).u16(1).u16(4).u16(48).u16(1).u16(34).u16(4).u16(0);
}

void v9Options(Bytes& d, uint8_t sampler, uint32_t rate) {
  d.u16(257).u16(4 + 9 + 3).u32(0).u8(sampler).u32(rate).u8(0).u16(0);
}

void v9Data(Bytes& d, uint8_t sampler) {
  d.u16(256).u16(4 + 2 * 31 + 2);
  for (uint32_t i = 0; i < 2; ++i) {
    d.u32(0x0A000001 + i).u32(0xC6336401).u16(5000).u16(53).u8(17).u8(0).u32(4).u32(400).u32(90'000).u32(95'000);
    d.u8(sampler);
  }
  d.u16(0);  // padding
}

TEST(NetflowV9, TemplatesOptionsAndPerSamplerRates) {
  NetflowDecoder dec;
  std::vector<core::FlowRecord> out;
  Bytes d = v9Header(5);  // template, options template, options record, two data records
  v9Templates(d);
  v9Options(d, 1, 512);
  v9Data(d, 1);
  ASSERT_EQ(dec.decode(kExporter, d.b, 0, out), FlowError::kOk);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].src, v4(0x0A000001));
  EXPECT_EQ(out[1].src, v4(0x0A000002));
  EXPECT_EQ(out[0].dst_port, 53);
  EXPECT_EQ(out[0].packets, 4U);
  EXPECT_EQ(out[0].bytes, 400U);
  EXPECT_EQ(out[0].ip_length, 100);
  EXPECT_EQ(out[0].sampling_rate, 512U);
  // Header: uptime 100 s at 1'700'000'000 s; first switched at 90 s, last at 95 s.
  EXPECT_EQ(out[0].timestamp_ns, (1'700'000'000ULL - 10) * kSec);
  EXPECT_EQ(out[0].duration_ns, 5 * kSec);
  EXPECT_EQ(dec.stats().templates_learned, 2U);
  EXPECT_EQ(dec.stats().options_records, 1U);
  EXPECT_EQ(dec.stats().header_count_mismatch, 0U);

  // A second sampler; data naming it gets its rate, data naming an unknown one the only... none.
  Bytes d2 = v9Header(3);
  v9Options(d2, 2, 64);
  v9Data(d2, 2);
  out.clear();
  ASSERT_EQ(dec.decode(kExporter, d2.b, 0, out), FlowError::kOk);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].sampling_rate, 64U);
  Bytes d3 = v9Header(2);
  v9Data(d3, 9);  // unknown sampler, two known, no domain-wide rate: the configured default
  out.clear();
  ASSERT_EQ(dec.decode(kExporter, d3.b, 0, out), FlowError::kOk);
  EXPECT_EQ(out[0].sampling_rate, 1U);
}

TEST(NetflowV9, DataBeforeTemplateIsHeldThenReplayed) {
  NetflowDecoder dec;
  std::vector<core::FlowRecord> out;
  Bytes data = v9Header(2);
  v9Data(data, 0);
  ASSERT_EQ(dec.decode(kExporter, data.b, 1 * kSec, out), FlowError::kOk);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(dec.pendingCount(), 1U);
  // Another exporter's template does not unlock it.
  Bytes tpl = v9Header(2);
  v9Templates(tpl);
  ASSERT_EQ(dec.decode(v4(0x01010101), tpl.b, 2 * kSec, out), FlowError::kOk);
  EXPECT_TRUE(out.empty());
  ASSERT_EQ(dec.decode(kExporter, tpl.b, 2 * kSec, out), FlowError::kOk);
  EXPECT_EQ(out.size(), 2U);
  EXPECT_EQ(dec.pendingCount(), 0U);
  EXPECT_EQ(dec.stats().data_sets_replayed, 1U);
  EXPECT_EQ(dec.stats().data_without_template, 0U);
}

TEST(NetflowV9, HeldDataIsBoundedAndExpires) {
  NetflowConfig cfg;
  cfg.pending_per_domain = 2;
  cfg.pending_total = 3;
  cfg.pending_max_age_ns = 5 * kSec;
  NetflowDecoder dec(cfg);
  std::vector<core::FlowRecord> out;
  Bytes data = v9Header(2);
  v9Data(data, 0);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(dec.decode(kExporter, data.b, kSec, out), FlowError::kOk);
  EXPECT_EQ(dec.pendingCount(), 2U);
  EXPECT_EQ(dec.stats().data_without_template, 3U);
  for (uint32_t e = 0; e < 4; ++e) ASSERT_EQ(dec.decode(v4(0x01000000 + e), data.b, kSec, out), FlowError::kOk);
  EXPECT_EQ(dec.pendingCount(), 3U);
  dec.expire(3 * kSec);
  EXPECT_EQ(dec.pendingCount(), 3U);
  dec.expire(10 * kSec);
  EXPECT_EQ(dec.pendingCount(), 0U);
  EXPECT_EQ(dec.stats().data_without_template, 9U);
  EXPECT_TRUE(out.empty());
}

TEST(NetflowV9, TemplateExpiryAndCaps) {
  NetflowConfig cfg;
  cfg.template_timeout_ns = 60 * kSec;
  cfg.templates.max_per_exporter = 1;
  NetflowDecoder dec(cfg);
  std::vector<core::FlowRecord> out;
  Bytes tpl = v9Header(2);
  v9Templates(tpl);
  EXPECT_EQ(dec.decode(kExporter, tpl.b, kSec, out), FlowError::kTemplateLimit);
  EXPECT_EQ(dec.templateCount(), 1U);
  EXPECT_EQ(dec.stats().templates_dropped, 1U);
  dec.expire(30 * kSec);
  EXPECT_EQ(dec.templateCount(), 1U);
  dec.expire(62 * kSec);
  EXPECT_EQ(dec.templateCount(), 0U);
  EXPECT_EQ(dec.stats().templates_expired, 1U);
}

// IPFIX template 300: {8/4, 12/4, 7/2, 11/2, 4/1, 82/65535 (interfaceName, variable),
// E 1/4 enterprise 9999, 2/8, 1/8, 152/8, 153/8, 32/2, 96/65535}.
Bytes ipfixMessage(const std::vector<uint8_t>& sets, uint32_t domain = 7) {
  Bytes d;
  d.u16(10).u16(16 + sets.size()).u32(1'700'000'000).u32(1).u32(domain).raw(sets);
  return d;
}

std::vector<uint8_t> ipfixTemplateSet() {
  Bytes s;
  s.u16(2).u16(0).u16(300).u16(13);
  s.u16(8).u16(4).u16(12).u16(4).u16(7).u16(2).u16(11).u16(2).u16(4).u16(1).u16(82).u16(65535);
  s.u16(0x8001).u16(4).u32(9999);
  s.u16(2).u16(8).u16(1).u16(8).u16(152).u16(8).u16(153).u16(8).u16(32).u16(2).u16(96).u16(65535);
  s.put16(2, s.b.size());
  return std::move(s.b);
}

std::vector<uint8_t> ipfixDataSet() {
  Bytes s;
  s.u16(300).u16(0);
  // Record 1: ICMP echo request, short name "eth0", application name of 300 bytes (3-byte prefix).
  s.u32(0xC0A80001).u32(0xC0A80002).u16(0).u16(0).u8(1).u8(4).raw({'e', 't', 'h', '0'}).u32(0xdeadbeef);
  s.u64(3).u64(252).u64(1'700'000'000'000ULL).u64(1'700'000'002'000ULL).u16(0x0800);
  s.u8(255).u16(300).raw(std::vector<uint8_t>(300, 'x'));
  // Record 2: UDP, empty strings.
  s.u32(0xC0A80003).u32(0xC0A80004).u16(1000).u16(2000).u8(17).u8(0).u32(0);
  s.u64(1).u64(60).u64(1'700'000'001'000ULL).u64(1'700'000'001'000ULL).u16(0).u8(0);
  s.put16(2, s.b.size());
  return std::move(s.b);
}

TEST(Ipfix, VariableLengthAndEnterpriseFields) {
  NetflowDecoder dec;
  std::vector<core::FlowRecord> out;
  auto sets = ipfixTemplateSet();
  const auto data = ipfixDataSet();
  sets.insert(sets.end(), data.begin(), data.end());
  ASSERT_EQ(dec.decode(kExporter, ipfixMessage(sets).b, 0, out), FlowError::kOk);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].src, v4(0xC0A80001));
  EXPECT_EQ(out[0].protocol, 1);
  EXPECT_EQ(out[0].dst_port, 0x0800);  // icmpTypeCodeIPv4
  EXPECT_EQ(out[0].packets, 3U);
  EXPECT_EQ(out[0].bytes, 252U);
  EXPECT_EQ(out[0].ip_length, 84);
  EXPECT_EQ(out[0].timestamp_ns, 1'700'000'000ULL * kSec);
  EXPECT_EQ(out[0].duration_ns, 2 * kSec);
  EXPECT_EQ(out[1].src_port, 1000);
  EXPECT_EQ(out[1].dst_port, 2000);
  EXPECT_EQ(out[1].bytes, 60U);
  EXPECT_EQ(dec.stats().enterprise_fields_skipped, 2U);
}

TEST(Ipfix, WithdrawalOfOneAndAll) {
  NetflowDecoder dec;
  std::vector<core::FlowRecord> out;
  ASSERT_EQ(dec.decode(kExporter, ipfixMessage(ipfixTemplateSet()).b, 0, out), FlowError::kOk);
  EXPECT_EQ(dec.templateCount(), 1U);
  Bytes withdraw;
  withdraw.u16(2).u16(8).u16(300).u16(0);
  ASSERT_EQ(dec.decode(kExporter, ipfixMessage(withdraw.b).b, 0, out), FlowError::kOk);
  EXPECT_EQ(dec.templateCount(), 0U);
  // Data now has no template.
  ASSERT_EQ(dec.decode(kExporter, ipfixMessage(ipfixDataSet()).b, 0, out), FlowError::kOk);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(dec.pendingCount(), 1U);
  // Relearn, in two domains; withdraw all of domain 7 (template id = set id 2).
  ASSERT_EQ(dec.decode(kExporter, ipfixMessage(ipfixTemplateSet(), 7).b, 0, out), FlowError::kOk);
  EXPECT_EQ(out.size(), 2U);  // the held data set is replayed
  ASSERT_EQ(dec.decode(kExporter, ipfixMessage(ipfixTemplateSet(), 8).b, 0, out), FlowError::kOk);
  Bytes all;
  all.u16(2).u16(8).u16(2).u16(0);
  ASSERT_EQ(dec.decode(kExporter, ipfixMessage(all.b, 7).b, 0, out), FlowError::kOk);
  EXPECT_EQ(dec.templateCount(), 1U);
  EXPECT_EQ(dec.stats().templates_withdrawn, 2U);
}

TEST(Ipfix, OptionsTemplateSamplingPerSelector) {
  NetflowDecoder dec;
  std::vector<core::FlowRecord> out;
  Bytes s;
  // Options template 400: scope selectorId(302)/4, samplingPacketInterval 305/4, space 306/4.
  s.u16(3).u16(4 + 6 + 12 + 2).u16(400).u16(3).u16(1).u16(302).u16(4).u16(305).u16(4).u16(306).u16(4).u16(0);
  // Data template 401: {8/4, 12/4, 302/4, 1/4}.
  s.u16(2).u16(4 + 4 + 16).u16(401).u16(4).u16(8).u16(4).u16(12).u16(4).u16(302).u16(4).u16(1).u16(4);
  s.u16(400).u16(4 + 24).u32(5).u32(1).u32(99).u32(6).u32(2).u32(8);  // selector 5: 1:100, 6: 1:5
  s.u16(401).u16(4 + 32).u32(1).u32(2).u32(5).u32(100).u32(3).u32(4).u32(6).u32(200);
  ASSERT_EQ(dec.decode(kExporter, ipfixMessage(s.b).b, 0, out), FlowError::kOk);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].sampling_rate, 100U);
  EXPECT_EQ(out[1].sampling_rate, 5U);
  EXPECT_EQ(out[0].packets, 0U);
  EXPECT_EQ(out[0].ip_length, 0);
}

// softflowd's IPFIX: flowStart/EndSysUpTime (IE 22/21) in the data records, their base
// systemInitTimeMilliseconds (IE 160) in an options record of the same domain.
TEST(Ipfix, UptimeTimesUseTheDomainsSystemInitTime) {
  NetflowDecoder dec;
  std::vector<core::FlowRecord> out;
  Bytes s;
  // Options template 500: scope observationDomainId (149)/4, systemInitTimeMilliseconds 160/8.
  s.u16(3).u16(4 + 6 + 8 + 2).u16(500).u16(2).u16(1).u16(149).u16(4).u16(160).u16(8).u16(0);
  // Data template 501: {8/4, 12/4, 2/8, 22/4, 21/4}.
  s.u16(2).u16(4 + 4 + 20).u16(501).u16(5).u16(8).u16(4).u16(12).u16(4).u16(2).u16(8).u16(22).u16(4).u16(21).u16(4);
  s.u16(500).u16(4 + 12).u32(7).u64(1'699'999'000'000ULL);  // booted 1000 s before the header's time
  s.u16(501).u16(4 + 24).u32(1).u32(2).u64(200'000).u32(998'000).u32(1'000'000);
  ASSERT_EQ(dec.decode(kExporter, ipfixMessage(s.b).b, 0, out), FlowError::kOk);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].timestamp_ns, 1'699'999'998ULL * kSec);
  EXPECT_EQ(out[0].duration_ns, 2 * kSec);
  // Another domain never announced its init time: the record has no times of its own.
  Bytes t;
  t.u16(2).u16(4 + 4 + 20).u16(501).u16(5).u16(8).u16(4).u16(12).u16(4).u16(2).u16(8).u16(22).u16(4).u16(21).u16(4);
  t.u16(501).u16(4 + 24).u32(1).u32(2).u64(200'000).u32(998'000).u32(1'000'000);
  out.clear();
  ASSERT_EQ(dec.decode(kExporter, ipfixMessage(t.b, 8).b, 42, out), FlowError::kOk);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].timestamp_ns, 42U);
  EXPECT_EQ(out[0].duration_ns, 0U);
}

TEST(Ipfix, FrameSectionThatDoesNotDecodeIsCounted) {
  NetflowDecoder dec;
  std::vector<core::FlowRecord> out;
  Bytes s;
  s.u16(2).u16(4 + 8).u16(600).u16(1).u16(315).u16(65535);          // template 600: {dataLinkFrameSection}
  s.u16(600).u16(4 + 6).u8(5).raw({0x01, 0x02, 0x03, 0x04, 0x05});  // 5 bytes: no Ethernet header
  ASSERT_EQ(dec.decode(kExporter, ipfixMessage(s.b).b, 0, out), FlowError::kOk);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(dec.stats().frames_not_decoded, 1U);
  EXPECT_EQ(dec.stats().records, 0U);
}

TEST(Ipfix, MalformedSetsAndTemplatesAreCounted) {
  NetflowDecoder dec;
  std::vector<core::FlowRecord> out;
  Bytes short_set;
  short_set.u16(300).u16(2);
  EXPECT_EQ(dec.decode(kExporter, ipfixMessage(short_set.b).b, 0, out), FlowError::kBadSetLength);
  Bytes zero_len;  // a template of only zero-length fields would never advance
  zero_len.u16(2).u16(12).u16(300).u16(1).u16(8).u16(0);
  EXPECT_EQ(dec.decode(kExporter, ipfixMessage(zero_len.b).b, 0, out), FlowError::kBadTemplate);
  Bytes low_id;
  low_id.u16(2).u16(12).u16(100).u16(1).u16(8).u16(4);
  EXPECT_EQ(dec.decode(kExporter, ipfixMessage(low_id.b).b, 0, out), FlowError::kBadTemplate);
  auto msg = ipfixMessage(ipfixTemplateSet()).b;
  msg[3] = 8;  // length field below the header
  EXPECT_EQ(dec.decode(kExporter, msg, 0, out), FlowError::kBadHeader);
  EXPECT_EQ(dec.templateCount(), 0U);
}

// Every prefix of a valid datagram: no crash, and either an error or fewer records.
void checkTruncations(const std::vector<uint8_t>& full, const std::vector<uint8_t>& templates, std::size_t records) {
  for (std::size_t n = 0; n < full.size(); ++n) {
    NetflowDecoder dec;
    std::vector<core::FlowRecord> out;
    if (!templates.empty()) {
      ASSERT_EQ(dec.decode(kExporter, templates, 0, out), FlowError::kOk);
    }
    out.clear();
    const std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    const FlowError e = dec.decode(kExporter, cut, 0, out);
    EXPECT_TRUE(e != FlowError::kOk || out.size() < records) << "length " << n;
    if (e != FlowError::kOk) {
      EXPECT_EQ(dec.stats().errors[e], 1U);
    }
  }
}

TEST(Truncation, EveryByteOfV5V9AndIpfix) {
  checkTruncations(v5Datagram(2, 0), {}, 2);
  Bytes tpl = v9Header(2);
  v9Templates(tpl);
  Bytes data = v9Header(2);
  v9Data(data, 0);
  checkTruncations(data.b, tpl.b, 2);
  checkTruncations(tpl.b, {}, 1);  // templates alone: no records, no crash
  checkTruncations(ipfixMessage(ipfixDataSet()).b, ipfixMessage(ipfixTemplateSet()).b, 2);
  auto both = ipfixTemplateSet();
  const auto d = ipfixDataSet();
  both.insert(both.end(), d.begin(), d.end());
  checkTruncations(ipfixMessage(both).b, {}, 2);
}

}  // namespace
}  // namespace rampart::flow::netflow
