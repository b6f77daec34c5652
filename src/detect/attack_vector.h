// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>

#include "traffic/packet_class.h"

namespace rampart::detect {

// How an attack is classified. Most vectors correspond to one packet class; kOtherReflection is UDP
// from a single unlisted source port, kCarpetBombing marks a prefix-wide attack.
enum class AttackVector : uint8_t {
  kSynFlood,
  kSynAckReflection,
  kAckFlood,
  kRstFlood,
  kTcpFlagAbuse,
  kTcpFlood,  // ordinary-looking segments in flood volume
  kUdpFlood,
  kDnsAmplification,
  kNtpAmplification,
  kSsdpAmplification,
  kMemcachedAmplification,
  kCldapAmplification,
  kSnmpAmplification,
  kChargenAmplification,
  kQotdAmplification,
  kWsDiscoveryAmplification,
  kArmsAmplification,
  kIkeAmplification,
  kBacnetAmplification,
  kUbiquitiAmplification,
  kPortmapAmplification,
  kNetbiosAmplification,
  kMdnsAmplification,
  kRdpAmplification,
  kCoapAmplification,
  kTftpAmplification,
  kSlpAmplification,
  kStunAmplification,
  kIcmpFlood,
  kFragmentFlood,
  kOtherReflection,
  kCarpetBombing,
  kUnclassified,
  kCount
};

inline constexpr std::size_t kAttackVectorCount = static_cast<std::size_t>(AttackVector::kCount);
using VectorSet = std::bitset<kAttackVectorCount>;

[[nodiscard]] std::string_view toString(AttackVector v) noexcept;  // "syn-flood", "ntp-amplification", ...
[[nodiscard]] std::string_view describe(AttackVector v) noexcept;  // "SYN flood", "NTP amplification", ...
[[nodiscard]] std::optional<AttackVector> vectorFromString(std::string_view name) noexcept;

// The vector a packet class is evidence of (kOther maps to kUnclassified).
[[nodiscard]] AttackVector vectorOf(traffic::PacketClass c) noexcept;
[[nodiscard]] bool isAmplification(AttackVector v) noexcept;

}  // namespace rampart::detect
