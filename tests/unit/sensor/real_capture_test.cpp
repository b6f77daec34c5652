// SPDX-License-Identifier: Apache-2.0
// Real third-party captures from ../shared/data (see its MANIFEST.md): every packet is read and
// either decoded or counted with a reason. Skipped with a message where the folder is absent,
// except under CI=true, where its absence is a failure.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "decode/packet_decoder.h"
#include "sensor/pcap_file_source.h"
#include "support/shared_data.h"

namespace rampart::sensor {
namespace {

namespace fs = std::filesystem;

fs::path sharedData() { return testing::sharedDataDir(RAMPART_SOURCE_DIR); }
using testing::inCi;

// The captures of `folder` whose names end in `suffix`, sorted; empty when the folder is absent.
std::vector<fs::path> captures(const std::string& folder, const std::string& suffix) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(sharedData() / folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct FileStats {
  uint64_t packets = 0;
  uint64_t fragments = 0;
  decode::DecodeStats decode;
};

FileStats decodeAll(const fs::path& path) {
  FileStats stats;
  auto source = PcapFileSource::open(path.string());
  EXPECT_TRUE(source.ok()) << source.error();
  if (!source.ok()) return stats;
  Packet packet;
  core::FlowRecord record;
  while (source.value().next(packet)) {
    ++stats.packets;
    const decode::DecodeResult r = decode::decodePacket(source->linkType(), packet.frame, packet.timestamp_ns, record);
    stats.decode.add(r);
    if (r == decode::DecodeResult::kOk) {
      EXPECT_GT(record.bytes, 0u);
      EXPECT_LE(record.bytes, std::max<uint64_t>(packet.wire_length, 65575));
      if (record.isFragment()) ++stats.fragments;
    }
  }
  EXPECT_EQ(source->error(), "") << path;
  return stats;
}

std::string describe(const fs::path& path, const FileStats& stats) {
  std::string text = path.filename().string() + ": " + std::to_string(stats.packets) + " packets";
  for (std::size_t i = 0; i < decode::kDecodeResultCount; ++i) {
    if (stats.decode.results[i] == 0) continue;
    text += ", " + std::string(decode::toString(static_cast<decode::DecodeResult>(i))) + " " +
            std::to_string(stats.decode.results[i]);
  }
  return text;
}

// Decodes every capture and checks that each packet is accounted for, that most of them decode and
// that at least `min_ok` of the IP packets (all but kNotIp: ARP and the like) do; returns the totals.
FileStats checkAll(const std::vector<fs::path>& files, double min_ok) {
  FileStats total;
  for (const fs::path& path : files) {
    const FileStats stats = decodeAll(path);
    std::cout << "  " << describe(path, stats) << "\n";
    EXPECT_GT(stats.packets, 0u) << path;
    EXPECT_EQ(stats.decode.decoded() + stats.decode.rejected(), stats.packets) << path;
    const uint64_t not_ip = stats.decode.results[decode::DecodeResult::kNotIp];
    EXPECT_GE(static_cast<double>(stats.decode.decoded()), min_ok * static_cast<double>(stats.packets - not_ip))
        << describe(path, stats);
    EXPECT_GT(stats.decode.decoded(), stats.packets / 2) << describe(path, stats);
    total.packets += stats.packets;
    total.fragments += stats.fragments;
    total.decode += stats.decode;
  }
  return total;
}

#define RAMPART_REQUIRE_SHARED_DATA(files)                                                                \
  do {                                                                                                    \
    if ((files).empty()) {                                                                                \
      if (inCi()) FAIL() << "CI=true but the shared captures are missing under " << sharedData();         \
      GTEST_SKIP() << "shared captures not found under " << sharedData() << " (../shared/data); skipped"; \
    }                                                                                                     \
  } while (false)

TEST(RealCaptures, TcpScanPcapng) {
  const auto files = captures("scans", "tcp_scan.pcapng");
  RAMPART_REQUIRE_SHARED_DATA(files);
  const FileStats total = checkAll(files, 0.9);
  // A scan's handshakes plus ARP: every IP packet decodes.
  EXPECT_EQ(total.decode.rejected(), total.decode.results[decode::DecodeResult::kNotIp]);
  EXPECT_GT(total.decode.decoded(), 0u);
}

TEST(RealCaptures, SynScan) {
  const auto files = captures("scans", "synscan.pcap");
  RAMPART_REQUIRE_SHARED_DATA(files);
  checkAll(files, 0.9);
}

TEST(RealCaptures, BaselineNormal) {
  const auto files = captures("baseline-normal", ".pcap");
  RAMPART_REQUIRE_SHARED_DATA(files);
  const FileStats total = checkAll(files, 0.9);
  EXPECT_GE(files.size(), 10u);
  EXPECT_GT(total.packets, 5000u);
}

TEST(RealCaptures, SmbAndAmplificationSamples) {
  auto files = captures("smb", ".pcap");
  const auto amplification = captures("amplification-protocol-samples", ".pcap");
  files.insert(files.end(), amplification.begin(), amplification.end());
  RAMPART_REQUIRE_SHARED_DATA(files);
  checkAll(files, 0.9);
}

TEST(RealCaptures, FragmentedGarbageIsFragments) {
  const auto files = captures("amplification-protocol-samples", "ndpi_ip_fragmented_garbage.pcap");
  RAMPART_REQUIRE_SHARED_DATA(files);
  const FileStats total = checkAll(files, 0.9);
  EXPECT_GT(total.fragments, total.packets / 2);
  // Its first fragments carry 16 bytes of TCP header (RFC 1858's tiny fragments): counted, not decoded.
  EXPECT_EQ(total.decode.results[decode::DecodeResult::kTruncatedTransport], 4u);
}

}  // namespace
}  // namespace rampart::sensor
