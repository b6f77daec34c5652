// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "decode/wire.h"

namespace rampart::flow::sflow {

// A bounds-checked cursor over XDR data (RFC 4506): big-endian 32-bit units, opaque data padded
// to a multiple of 4 bytes. Every read checks the remaining length first and, on failure, returns
// false and leaves the cursor where it was. Internal to the sFlow decoder.
class XdrReader {
 public:
  explicit XdrReader(std::span<const uint8_t> bytes) noexcept : data_(bytes) {}

  [[nodiscard]] std::size_t remaining() const noexcept { return data_.size() - pos_; }
  [[nodiscard]] bool empty() const noexcept { return pos_ == data_.size(); }

  [[nodiscard]] bool u32(uint32_t& out) noexcept {
    if (remaining() < 4) return false;
    out = decode::wire::load32(data_.data() + pos_);
    pos_ += 4;
    return true;
  }

  [[nodiscard]] bool u64(uint64_t& out) noexcept {
    if (remaining() < 8) return false;
    out = (uint64_t{decode::wire::load32(data_.data() + pos_)} << 32) | decode::wire::load32(data_.data() + pos_ + 4);
    pos_ += 8;
    return true;
  }

  // `n` bytes exactly, with no padding (for fixed-size fields such as addresses).
  [[nodiscard]] bool bytes(std::size_t n, std::span<const uint8_t>& out) noexcept {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }

  // Opaque data of `n` bytes followed by its padding to a multiple of 4 (RFC 4506 section 4.10);
  // `out` excludes the padding. `n` comes off the wire, so the padded size is computed in 64 bits.
  [[nodiscard]] bool opaque(uint64_t n, std::span<const uint8_t>& out) noexcept {
    const uint64_t padded = (n + 3) & ~uint64_t{3};
    if (padded > remaining()) return false;
    out = data_.subspan(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(padded);
    return true;
  }

  [[nodiscard]] bool skip(std::size_t n) noexcept {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  std::span<const uint8_t> data_;
  std::size_t pos_ = 0;
};

}  // namespace rampart::flow::sflow
