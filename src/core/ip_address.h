// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace rampart::core {

// One address type for both families, so that every table keyed by address serves IPv4 and IPv6
// alike. IPv4 is held as the IPv4-mapped IPv6 address ::ffff:a.b.c.d (RFC 4291 section 2.5.5.2).
class IpAddress {
 public:
  constexpr IpAddress() = default;

  // From the four bytes of an IPv4 address in network order.
  static IpAddress fromV4Bytes(const uint8_t* p) noexcept {
    // Written as two 8-byte halves: byte-wise stores followed by the 16-byte loads of comparison
    // and hashing stall store forwarding, which costs the decoder half its time.
    uint32_t v4 = 0;
    std::memcpy(&v4, p, 4);
    const uint64_t hi = 0;
    const uint64_t lo = (uint64_t{v4} << 32) | 0xffff0000ULL;  // bytes 8..15: 00 00 ff ff a b c d
    static_assert(std::endian::native == std::endian::little, "the mapped prefix above assumes little endian");
    IpAddress a;
    std::memcpy(a.bytes_.data(), &hi, 8);
    std::memcpy(a.bytes_.data() + 8, &lo, 8);
    return a;
  }
  // From an IPv4 address as a host-order integer (0xC0000201 is 192.0.2.1).
  static IpAddress fromV4(uint32_t host_order) noexcept {
    const uint8_t b[4] = {static_cast<uint8_t>(host_order >> 24), static_cast<uint8_t>(host_order >> 16),
                          static_cast<uint8_t>(host_order >> 8), static_cast<uint8_t>(host_order)};
    return fromV4Bytes(b);
  }
  static IpAddress fromV6Bytes(const uint8_t* p) noexcept {
    IpAddress a;
    std::memcpy(a.bytes_.data(), p, 16);
    return a;
  }
  static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] bool isV4() const noexcept {
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(bytes_.data(), kMapped, 12) == 0;
  }
  // Host-order IPv4 value; meaningful only when isV4().
  [[nodiscard]] uint32_t v4() const noexcept {
    return (uint32_t{bytes_[12]} << 24) | (uint32_t{bytes_[13]} << 16) | (uint32_t{bytes_[14]} << 8) | bytes_[15];
  }
  [[nodiscard]] const std::array<uint8_t, 16>& bytes() const noexcept { return bytes_; }
  [[nodiscard]] std::string toString() const;

  // Keeps the first `bits` bits (of the 128-bit mapped form) and clears the rest.
  [[nodiscard]] IpAddress masked(unsigned bits) const noexcept;

  [[nodiscard]] uint64_t hash() const noexcept {
    uint64_t hi = 0;
    uint64_t lo = 0;
    std::memcpy(&hi, bytes_.data(), 8);
    std::memcpy(&lo, bytes_.data() + 8, 8);
    // MurmurHash3's fmix64 over both halves: every output bit depends on every input bit, which
    // the HyperLogLog sketches that consume this hash need.
    uint64_t h = (hi * 0x9E3779B97F4A7C15ULL) ^ lo;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
  }

  friend bool operator==(const IpAddress& a, const IpAddress& b) noexcept {
    return std::memcmp(a.bytes_.data(), b.bytes_.data(), 16) == 0;
  }
  friend std::strong_ordering operator<=>(const IpAddress& a, const IpAddress& b) noexcept {
    const int c = std::memcmp(a.bytes_.data(), b.bytes_.data(), 16);
    return c < 0 ? std::strong_ordering::less : c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
  }

 private:
  alignas(8) std::array<uint8_t, 16> bytes_{};
};

struct IpAddressHash {
  std::size_t operator()(const IpAddress& a) const noexcept { return a.hash(); }
};

}  // namespace rampart::core
