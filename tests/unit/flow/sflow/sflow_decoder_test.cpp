// SPDX-License-Identifier: Apache-2.0
// Hand-built sFlow v5 datagrams: each record type, XDR padding, the choice of one FlowRecord per
// flow sample, and every malformation counted with its reason.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "flow/sflow/sflow_decoder.h"
#include "support/packet_builder.h"
#include "unit/flow/sflow/sflow_builder.h"

namespace rampart::flow::sflow {
namespace {

namespace sb = rampart::testing::sflow;
using core::FlowRecord;
using core::IpAddress;

constexpr uint32_t kAgent = 0xC0000201;  // 192.0.2.1

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

// Ethernet/IPv4/UDP 198.51.100.1:40000 > 192.0.2.10:53 with 11 payload bytes: 14 + 39 = 53
// bytes, so its opaque needs 3 bytes of padding.
sb::Bytes oddSizedFrame() {
  rampart::testing::PacketSpec spec;
  spec.protocol = 17;
  spec.dst_port = 53;
  spec.payload_len = 11;
  return rampart::testing::buildEthernetFrame(spec);
}

struct Decoded {
  SflowError result = SflowError::kOk;
  std::vector<FlowRecord> records;
  std::vector<InterfaceCounters> counters;
};

Decoded run(SflowDecoder& decoder, const sb::Bytes& datagram, uint64_t now = 1000) {
  Decoded d;
  d.result = decoder.decode(datagram, now, d.records, &d.counters);
  return d;
}

// Three samples: a flow sample with a raw header after extended data, an expanded flow sample with
// only a sampled IPv6 record, and a counter sample with Ethernet then generic counters.
sb::Bytes validDatagram() {
  const sb::Bytes frame = oddSizedFrame();
  const uint8_t v6_src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const uint8_t v6_dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  return sb::datagram(
      kAgent, 3, 100, 5000,
      {sb::flowSample(
           1, 512,
           {sb::extendedSwitchRecord(), sb::rawHeaderRecord(1, static_cast<uint32_t>(frame.size()) + 4, 4, frame),
            sb::extendedSwitchRecord()}),
       sb::flowSample(2, 2000, {sb::sampledIpv6Record(1280, 6, v6_src, v6_dst, 443, 51000)}, true),
       sb::counterSample(9, 7,
                         {sb::ethernetCountersRecord(12), sb::genericCountersRecord(7, 123456789012ULL, 11, 42, 13)})});
}

TEST(SflowDecoder, DecodesEachSampleKind) {
  SflowDecoder decoder;
  const Decoded d = run(decoder, validDatagram(), 777);
  ASSERT_EQ(d.result, SflowError::kOk);
  ASSERT_EQ(d.records.size(), 2u);
  const FlowRecord& a = d.records[0];
  EXPECT_EQ(a.src, ip("198.51.100.1"));
  EXPECT_EQ(a.dst, ip("192.0.2.10"));
  EXPECT_EQ(a.protocol, 17);
  EXPECT_EQ(a.src_port, 40000);
  EXPECT_EQ(a.dst_port, 53);
  EXPECT_EQ(a.bytes, 39u);  // IP total length, not the frame length
  EXPECT_EQ(a.packets, 1u);
  EXPECT_EQ(a.sampling_rate, 512u);
  EXPECT_EQ(a.timestamp_ns, 777u);
  const FlowRecord& b = d.records[1];
  EXPECT_EQ(b.src, ip("2001:db8::1"));
  EXPECT_EQ(b.dst, ip("2001:db8::2"));
  EXPECT_EQ(b.protocol, 6);
  EXPECT_EQ(b.src_port, 443);
  EXPECT_EQ(b.dst_port, 51000);
  EXPECT_EQ(b.bytes, 1280u);
  EXPECT_EQ(b.ip_length, 1280);
  EXPECT_EQ(b.sampling_rate, 2000u);
  ASSERT_EQ(d.counters.size(), 1u);
  const InterfaceCounters& c = d.counters[0];
  EXPECT_EQ(c.agent, IpAddress::fromV4(kAgent));
  EXPECT_EQ(c.sub_agent, 3u);
  EXPECT_EQ(c.sample_sequence, 9u);
  EXPECT_EQ(c.source_index, 7u);
  EXPECT_EQ(c.if_index, 7u);
  EXPECT_EQ(c.if_speed, 10'000'000'000ULL);
  EXPECT_EQ(c.in_octets, 123456789012ULL);
  EXPECT_EQ(c.in_ucast, 11u);
  EXPECT_EQ(c.in_multicast, 2u);
  EXPECT_EQ(c.in_broadcast, 3u);
  EXPECT_EQ(c.in_discards, 4u);
  EXPECT_EQ(c.in_errors, 5u);
  EXPECT_EQ(c.in_unknown_protos, 6u);
  EXPECT_EQ(c.out_octets, 42u);
  EXPECT_EQ(c.out_ucast, 13u);
  EXPECT_EQ(c.out_multicast, 7u);
  EXPECT_EQ(c.out_broadcast, 8u);
  EXPECT_EQ(c.out_discards, 9u);
  EXPECT_EQ(c.out_errors, 10u);
  EXPECT_TRUE(c.has_ethernet);
  EXPECT_EQ(c.ethernet.fcs_errors, 12u);
  EXPECT_EQ(c.timestamp_ns, 777u);
  const SflowStats& s = decoder.stats();
  EXPECT_EQ(s.datagrams, 1u);
  EXPECT_EQ(s.samples, 3u);
  EXPECT_EQ(s.flow_samples, 2u);
  EXPECT_EQ(s.flow_records, 2u);
  EXPECT_EQ(s.counter_samples, 1u);
  EXPECT_EQ(s.unknown_record_types, 2u);  // the two extended switch records
  EXPECT_EQ(s.results[SflowError::kOk], 1u);
  EXPECT_EQ(s.errors(), 0u);
}

TEST(SflowDecoder, RawHeaderWinsOverSampledIpAndSampledIpIsTheFallback) {
  const sb::Bytes frame = oddSizedFrame();
  const sb::Bytes v4 = sb::sampledIpv4Record(1500, 6, 0x0A000001, 0x0A000002, 1, 2, 0x12);
  const sb::Bytes arp = rampart::testing::buildEthernetFrameWith({}, 0x0806, frame);
  const sb::Bytes dg = sb::datagram(kAgent, 0, 1, 1,
                                    {sb::flowSample(1, 10, {v4, sb::rawHeaderRecord(1, 100, 4, frame)}),
                                     sb::flowSample(2, 10, {sb::rawHeaderRecord(1, 100, 4, arp), v4}),
                                     sb::flowSample(3, 10, {sb::rawHeaderRecord(7, 100, 0, frame), v4}),
                                     sb::flowSample(4, 0, {sb::rawHeaderRecord(1, 100, 4, arp)})});
  SflowDecoder decoder;
  const Decoded d = run(decoder, dg);
  ASSERT_EQ(d.result, SflowError::kOk);
  ASSERT_EQ(d.records.size(), 3u);
  EXPECT_EQ(d.records[0].src, ip("198.51.100.1"));  // raw header, though after the sampled record
  EXPECT_EQ(d.records[1].src, ip("10.0.0.1"));      // header not IP: sampled IPv4
  EXPECT_EQ(d.records[1].bytes, 1500u);
  EXPECT_EQ(d.records[1].tcp_flags, 0x12);
  EXPECT_EQ(d.records[2].src, ip("10.0.0.1"));  // header protocol 7 (PPP) unsupported
  const SflowStats& s = decoder.stats();
  EXPECT_EQ(s.header_decode_failures, 2u);
  EXPECT_EQ(s.header_decode.results[decode::DecodeResult::kNotIp], 2u);
  EXPECT_EQ(s.unsupported_header_protocols, 1u);
  EXPECT_EQ(s.flow_samples, 4u);
  EXPECT_EQ(s.flow_samples_without_record, 1u);
}

TEST(SflowDecoder, RawIpv4AndIpv6HeadersAndZeroRateReadAsOne) {
  rampart::testing::PacketSpec v4;
  v4.protocol = 1;
  rampart::testing::PacketSpec v6;
  v6.src = "2001:db8::a";
  v6.dst = "2001:db8::b";
  v6.protocol = 17;
  v6.payload_len = 3;
  const sb::Bytes p4 = rampart::testing::buildIpPacket(v4);
  const sb::Bytes p6 = rampart::testing::buildIpPacket(v6);
  SflowDecoder decoder;
  const Decoded d = run(decoder, sb::datagram(kAgent, 0, 1, 1,
                                              {sb::flowSample(1, 0, {sb::rawHeaderRecord(11, 28, 0, p4)}),
                                               sb::flowSample(2, 1, {sb::rawHeaderRecord(12, 51, 0, p6)})}));
  ASSERT_EQ(d.result, SflowError::kOk);
  ASSERT_EQ(d.records.size(), 2u);
  EXPECT_EQ(d.records[0].protocol, 1);
  EXPECT_EQ(d.records[0].dst_port, 8 << 8);  // ICMP echo request, as decodePacket names it
  EXPECT_EQ(d.records[0].sampling_rate, 1u);
  EXPECT_EQ(d.records[1].src, ip("2001:db8::a"));
  EXPECT_EQ(d.records[1].bytes, 51u);
}

TEST(SflowDecoder, EveryTruncationIsCountedNeverCrashes) {
  const sb::Bytes full = validDatagram();
  SflowDecoder decoder;
  for (std::size_t n = 0; n < full.size(); ++n) {
    const sb::Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    const Decoded d = run(decoder, prefix);
    EXPECT_NE(d.result, SflowError::kOk) << "prefix " << n;
    EXPECT_LE(d.records.size(), 2u);
  }
  const SflowStats& s = decoder.stats();
  EXPECT_EQ(s.datagrams, full.size());
  EXPECT_EQ(s.results[SflowError::kOk], 0u);
  EXPECT_EQ(s.errors(), full.size());  // exactly one datagram-ending reason each
  EXPECT_GT(s.results[SflowError::kTruncatedHeader], 0u);
  EXPECT_GT(s.results[SflowError::kSampleLengthBeyondDatagram], 0u);
}

TEST(SflowDecoder, DatagramLevelRejections) {
  SflowDecoder decoder;
  sb::Bytes v4 = validDatagram();
  v4[3] = 4;
  EXPECT_EQ(run(decoder, v4).result, SflowError::kBadVersion);
  sb::Bytes bad_type = validDatagram();
  bad_type[7] = 3;
  EXPECT_EQ(run(decoder, bad_type).result, SflowError::kBadAgentAddressType);
  sb::Bytes many = validDatagram();
  many[24] = 0x10;  // num_samples = 0x10000003
  EXPECT_EQ(run(decoder, many).result, SflowError::kTooManySamples);
  EXPECT_EQ(decoder.stats().errors(), 3u);
  EXPECT_EQ(decoder.stats().flow_records, 0u);
}

TEST(SflowDecoder, UnknownAgentAddressTypeHasNoAddressBytes) {
  const sb::Bytes dg = sb::Xdr().u32(5).u32(0).u32(1).u32(2).u32(3).u32(0).bytes();
  SflowDecoder decoder;
  EXPECT_EQ(run(decoder, dg).result, SflowError::kOk);
  ASSERT_NE(decoder.agents().find(IpAddress{}, 1), nullptr);
}

TEST(SflowDecoder, MalformedSampleIsSkippedByItsLength) {
  const sb::Bytes frame = oddSizedFrame();
  // The first sample's only record claims 4 bytes more than the sample holds.
  sb::Bytes broken = sb::flowSample(1, 10, {sb::rawHeaderRecord(1, 100, 4, frame)});
  const std::size_t record_length_at = 8 + 32 + 4;
  broken[record_length_at + 3] = static_cast<uint8_t>(broken[record_length_at + 3] + 4);
  const sb::Bytes good = sb::flowSample(2, 10, {sb::rawHeaderRecord(1, 100, 4, frame)});
  // An unknown enterprise's sample, and a sample declaring more records than fit.
  const sb::Bytes foreign = sb::tagged(4413, 5, sb::Xdr().u32(1).u32(2).bytes());
  const sb::Bytes too_many = sb::tagged(0, 2, sb::Xdr().u32(1).u32(7).u32(1000).bytes());
  SflowDecoder decoder;
  const Decoded d = run(decoder, sb::datagram(kAgent, 0, 1, 1, {broken, foreign, too_many, good}));
  EXPECT_EQ(d.result, SflowError::kMalformedSample);
  ASSERT_EQ(d.records.size(), 1u);
  EXPECT_EQ(d.records[0].src, ip("198.51.100.1"));
  const SflowStats& s = decoder.stats();
  EXPECT_EQ(s.results[SflowError::kMalformedSample], 1u);
  EXPECT_EQ(s.results[SflowError::kTooManyRecords], 1u);
  EXPECT_EQ(s.unknown_sample_types, 1u);
  EXPECT_EQ(s.samples, 4u);
}

TEST(SflowDecoder, MalformedRecordIsSkippedAndTheSampleStillCounts) {
  const sb::Bytes frame = oddSizedFrame();
  // Raw header whose header_size runs past its record, then a valid sampled IPv4 record.
  const sb::Bytes bad_raw = sb::tagged(0, 1, sb::Xdr().u32(1).u32(100).u32(4).u32(200).u32(0).bytes());
  const sb::Bytes short_generic = sb::tagged(0, 1, sb::Xdr().u32(7).bytes());
  const sb::Bytes v4 = sb::sampledIpv4Record(60, 17, 0x0A000001, 0x0A000002, 1, 2, 0);
  SflowDecoder decoder;
  const Decoded d = run(
      decoder, sb::datagram(kAgent, 0, 1, 1,
                            {sb::flowSample(1, 10, {bad_raw, v4}), sb::counterSample(1, 7, {short_generic}, true)}));
  EXPECT_EQ(d.result, SflowError::kMalformedRecord);
  ASSERT_EQ(d.records.size(), 1u);
  EXPECT_EQ(d.records[0].bytes, 60u);
  EXPECT_TRUE(d.counters.empty());
  EXPECT_EQ(decoder.stats().results[SflowError::kMalformedRecord], 2u);
  EXPECT_EQ(decoder.stats().counter_samples, 1u);
}

TEST(SflowDecoder, BadSampleLengthsDropTheRest) {
  const sb::Bytes frame = oddSizedFrame();
  const sb::Bytes good = sb::flowSample(1, 10, {sb::rawHeaderRecord(1, 100, 4, frame)});
  sb::Bytes misaligned = good;
  misaligned[7] = static_cast<uint8_t>(misaligned[7] - 1);
  sb::Bytes beyond = good;
  beyond[6] = 0x7f;
  SflowDecoder decoder;
  Decoded d = run(decoder, sb::datagram(kAgent, 0, 1, 1, {good, misaligned, good}));
  EXPECT_EQ(d.result, SflowError::kMisalignedLength);
  EXPECT_EQ(d.records.size(), 1u);
  d = run(decoder, sb::datagram(kAgent, 0, 2, 1, {good, beyond, good}));
  EXPECT_EQ(d.result, SflowError::kSampleLengthBeyondDatagram);
  EXPECT_EQ(d.records.size(), 1u);
}

TEST(SflowDecoder, CountersOutMayBeOmitted) {
  SflowDecoder decoder;
  std::vector<FlowRecord> records;
  EXPECT_EQ(decoder.decode(validDatagram(), 1, records, nullptr), SflowError::kOk);
  EXPECT_EQ(records.size(), 2u);
  EXPECT_EQ(decoder.stats().counter_samples, 1u);
  EXPECT_EQ(decoder.stats().interface_counters, 0u);
}

TEST(SflowError, EveryValueHasItsOwnName) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < kSflowErrorCount; ++i) {
    const std::string_view name = toString(static_cast<SflowError>(i));
    EXPECT_NE(name, "unknown");
    names.emplace(name);
  }
  EXPECT_EQ(names.size(), kSflowErrorCount);
}

TEST(SflowStats, AddsUp) {
  SflowDecoder decoder;
  (void)run(decoder, validDatagram());
  SflowStats total;
  total += decoder.stats();
  total += decoder.stats();
  EXPECT_EQ(total.flow_records, 4u);
  EXPECT_EQ(total.results[SflowError::kOk], 2u);
  EXPECT_EQ(total.header_decode.decoded(), 2u);
}

}  // namespace
}  // namespace rampart::flow::sflow
