// SPDX-License-Identifier: Apache-2.0
// PcapFileSource and loadCapture over captures written by the test builders.
#include "sensor/pcap_file_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "support/packet_builder.h"
#include "support/pcap_writer.h"
#include "support/temp_dir.h"

namespace rampart::sensor {
namespace {

using ::testing::HasSubstr;
using testing::PacketSpec;
using ::testing::StartsWith;

std::vector<uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::vector<uint8_t>> sampleFrames() {
  PacketSpec udp;
  udp.protocol = 17;
  udp.payload_len = 100;
  PacketSpec v6;
  v6.src = "2001:db8::1";
  v6.dst = "2001:db8::2";
  v6.vlan_ids = {7};
  return {testing::buildEthernetFrame({}), testing::buildEthernetFrame(udp), testing::buildEthernetFrame(v6)};
}

// Writes sampleFrames() at 1.000000001 s, 2.000000002 s, ... and returns the file's path.
std::string writeSamplePcap(const testing::TempDir& dir, const std::string& name = "sample.pcap") {
  const std::string path = dir.file(name);
  testing::PcapWriter writer(path);
  uint64_t ts = 0;
  for (const auto& frame : sampleFrames()) writer.write(ts += 1'000'000'001, frame);
  writer.close();
  return path;
}

TEST(PcapFileSource, ReadsPcapWithNanosecondTimestamps) {
  testing::TempDir dir;
  auto source = PcapFileSource::open(writeSamplePcap(dir));
  ASSERT_TRUE(source.ok()) << source.error();
  EXPECT_EQ(source->linkType(), decode::LinkType::kEthernet);
  EXPECT_EQ(source->dlt(), 1);
  const auto frames = sampleFrames();
  Packet packet;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    ASSERT_TRUE(source.value().next(packet)) << source->error();
    EXPECT_EQ(packet.timestamp_ns, (i + 1) * 1'000'000'001ull);
    EXPECT_EQ(std::vector<uint8_t>(packet.frame.begin(), packet.frame.end()), frames[i]);
    EXPECT_EQ(packet.wire_length, frames[i].size());
  }
  EXPECT_FALSE(source.value().next(packet));
  EXPECT_EQ(source->error(), "");
  EXPECT_FALSE(source.value().next(packet));  // stays at the end
}

TEST(PcapFileSource, ReadsPcapng) {
  testing::TempDir dir;
  const std::string path = dir.file("sample.pcapng");
  const auto frames = sampleFrames();
  testing::writePcapng(path, 1, {{1'700'000'000'123'456'789ull, frames[0]}, {1'700'000'001'000'000'001ull, frames[2]}});
  auto source = PcapFileSource::open(path);
  ASSERT_TRUE(source.ok()) << source.error();
  EXPECT_EQ(source->linkType(), decode::LinkType::kEthernet);
  Packet packet;
  ASSERT_TRUE(source.value().next(packet)) << source->error();
  EXPECT_EQ(packet.timestamp_ns, 1'700'000'000'123'456'789ull);
  EXPECT_EQ(packet.frame.size(), frames[0].size());
  ASSERT_TRUE(source.value().next(packet)) << source->error();
  EXPECT_EQ(packet.timestamp_ns, 1'700'000'001'000'000'001ull);
  EXPECT_EQ(std::vector<uint8_t>(packet.frame.begin(), packet.frame.end()), frames[2]);
  EXPECT_FALSE(source.value().next(packet));
  EXPECT_EQ(source->error(), "");
}

TEST(PcapFileSource, SnapLengthCutFramesKeepTheirWireLength) {
  testing::TempDir dir;
  const std::string path = dir.file("short-snap.pcap");
  PacketSpec big;
  big.payload_len = 1400;
  {
    testing::PcapWriter writer(path, 1, 64);
    writer.write(5, testing::buildEthernetFrame(big));
  }
  auto source = PcapFileSource::open(path);
  ASSERT_TRUE(source.ok()) << source.error();
  Packet packet;
  ASSERT_TRUE(source.value().next(packet));
  EXPECT_EQ(packet.frame.size(), 64u);
  EXPECT_EQ(packet.wire_length, 14u + 1440);
  core::FlowRecord record;
  ASSERT_EQ(decode::decodePacket(source->linkType(), packet.frame, packet.timestamp_ns, record),
            decode::DecodeResult::kOk);
  EXPECT_EQ(record.bytes, 1440u);
  EXPECT_EQ(record.timestamp_ns, 5u);
}

TEST(PcapFileSource, EverySupportedLinkTypeOpens) {
  const std::vector<std::pair<int, decode::LinkType>> cases = {
      {0, decode::LinkType::kNull},   {1, decode::LinkType::kEthernet},    {101, decode::LinkType::kRawIp},
      {108, decode::LinkType::kNull}, {113, decode::LinkType::kLinuxSll},  {228, decode::LinkType::kIpv4},
      {229, decode::LinkType::kIpv6}, {276, decode::LinkType::kLinuxSll2},
  };
  testing::TempDir dir;
  for (const auto& [dlt, link] : cases) {
    const std::string path = dir.file("dlt" + std::to_string(dlt) + ".pcap");
    testing::PcapWriter(path, dlt).close();
    auto source = PcapFileSource::open(path);
    ASSERT_TRUE(source.ok()) << dlt << ": " << source.error();
    EXPECT_EQ(source->linkType(), link) << dlt;
  }
}

TEST(PcapFileSource, UnsupportedLinkTypeNamesFileAndType) {
  testing::TempDir dir;
  const std::string path = dir.file("wifi.pcap");
  testing::PcapWriter(path, 105).close();  // IEEE 802.11
  auto source = PcapFileSource::open(path);
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.error(), StartsWith(path + ": unsupported link type 105"));
  EXPECT_THAT(source.error(), HasSubstr("IEEE802_11"));
}

TEST(PcapFileSource, MissingFileNamesTheFileOnce) {
  testing::TempDir dir;
  const std::string path = dir.file("missing.pcap");
  auto source = PcapFileSource::open(path);
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.error(), StartsWith(path + ": "));
  EXPECT_THAT(source.error(), HasSubstr("No such file"));
  EXPECT_THAT(source.error(), ::testing::Not(HasSubstr(path + ": " + path)));
}

TEST(PcapFileSource, NotACaptureFile) {
  testing::TempDir dir;
  const std::string path = dir.file("notes.txt");
  writeFile(path, std::vector<uint8_t>(64, 'x'));
  auto source = PcapFileSource::open(path);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.error(), path + ": unknown file format");

  const std::string empty = dir.file("empty.pcap");
  writeFile(empty, {});
  auto empty_source = PcapFileSource::open(empty);
  ASSERT_FALSE(empty_source.ok());
  EXPECT_THAT(empty_source.error(), StartsWith(empty + ": "));
}

TEST(PcapFileSource, TruncatedFileGivesAnErrorNotACrash) {
  testing::TempDir dir;
  const std::vector<uint8_t> whole = readFile(writeSamplePcap(dir));
  // Cut inside the last packet's data, inside its record header, and inside the file header.
  for (std::size_t cut : {whole.size() - 10, whole.size() - sampleFrames().back().size() - 8}) {
    const std::string path = dir.file("cut" + std::to_string(cut) + ".pcap");
    writeFile(path, std::vector<uint8_t>(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut)));
    auto source = PcapFileSource::open(path);
    ASSERT_TRUE(source.ok()) << source.error();
    Packet packet;
    int read = 0;
    while (source.value().next(packet)) ++read;
    EXPECT_EQ(read, 2);
    EXPECT_THAT(source->error(), StartsWith(path + ": ")) << cut;
    EXPECT_THAT(source->error(), HasSubstr("truncated")) << cut;
  }
  const std::string path = dir.file("header-cut.pcap");
  writeFile(path, std::vector<uint8_t>(whole.begin(), whole.begin() + 10));
  auto source = PcapFileSource::open(path);
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.error(), StartsWith(path + ": "));
}

TEST(PcapFileSource, TruncatedPcapng) {
  testing::TempDir dir;
  const std::string whole_path = dir.file("whole.pcapng");
  testing::writePcapng(whole_path, 1, {{1, sampleFrames()[0]}, {2, sampleFrames()[1]}});
  const std::vector<uint8_t> whole = readFile(whole_path);
  const std::string path = dir.file("cut.pcapng");
  writeFile(path, std::vector<uint8_t>(whole.begin(), whole.end() - 20));
  auto source = PcapFileSource::open(path);
  ASSERT_TRUE(source.ok()) << source.error();
  Packet packet;
  EXPECT_TRUE(source.value().next(packet));
  EXPECT_FALSE(source.value().next(packet));
  EXPECT_THAT(source->error(), StartsWith(path + ": "));
}

TEST(PcapFileSource, OpensFromMemory) {
  testing::TempDir dir;
  const std::vector<uint8_t> bytes = readFile(writeSamplePcap(dir));
  auto source = PcapFileSource::openMemory(bytes);
  ASSERT_TRUE(source.ok()) << source.error();
  EXPECT_EQ(source->name(), "<memory>");
  Packet packet;
  int read = 0;
  while (source.value().next(packet)) ++read;
  EXPECT_EQ(read, 3);
  EXPECT_EQ(source->error(), "");

  const std::vector<uint8_t> garbage(100, 0x5a);
  auto bad = PcapFileSource::openMemory(garbage);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "<memory>: unknown file format");
  EXPECT_FALSE(PcapFileSource::openMemory({}).ok());
}

TEST(PcapFileSource, MovesKeepReadingWhereTheyWere) {
  testing::TempDir dir;
  auto opened = PcapFileSource::open(writeSamplePcap(dir));
  ASSERT_TRUE(opened.ok());
  PcapFileSource first = std::move(opened).value();
  Packet packet;
  ASSERT_TRUE(first.next(packet));
  PcapFileSource second = std::move(first);
  ASSERT_TRUE(second.next(packet));
  EXPECT_EQ(packet.timestamp_ns, 2'000'000'002u);
  EXPECT_FALSE(first.next(packet));  // NOLINT(bugprone-use-after-move): a moved-from source is empty
  PcapFileSource third = std::move(second);
  second = std::move(third);
  ASSERT_TRUE(second.next(packet));
  EXPECT_EQ(packet.timestamp_ns, 3'000'000'003u);
}

TEST(LoadCapture, PacketsBackToBackInOneBuffer) {
  testing::TempDir dir;
  auto capture = loadCapture(writeSamplePcap(dir));
  ASSERT_TRUE(capture.ok()) << capture.error();
  const auto frames = sampleFrames();
  ASSERT_EQ(capture->packets.size(), frames.size());
  EXPECT_EQ(capture->link, decode::LinkType::kEthernet);
  EXPECT_EQ(capture->dlt, 1);
  std::size_t offset = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const CaptureBuffer::Packet& p = capture->packets[i];
    EXPECT_EQ(p.offset, offset);
    EXPECT_EQ(p.ts_ns, (i + 1) * 1'000'000'001ull);
    EXPECT_EQ(p.wire_length, frames[i].size());
    const auto frame = capture->frame(p);
    EXPECT_EQ(std::vector<uint8_t>(frame.begin(), frame.end()), frames[i]);
    offset += frames[i].size();
  }
  EXPECT_EQ(capture->bytes.size(), offset);
}

TEST(LoadCapture, FailsWithTheReason) {
  testing::TempDir dir;
  EXPECT_THAT(loadCapture(dir.file("nope.pcap")).error(), StartsWith(dir.file("nope.pcap") + ": "));
  const std::vector<uint8_t> whole = readFile(writeSamplePcap(dir));
  const std::string path = dir.file("cut.pcap");
  writeFile(path, std::vector<uint8_t>(whole.begin(), whole.end() - 3));
  EXPECT_THAT(loadCapture(path).error(), HasSubstr("truncated"));
}

}  // namespace
}  // namespace rampart::sensor
