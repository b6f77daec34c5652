// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shield/http/http_head.h"

namespace rampart::shield::http {

// Decodes a chunked body (RFC 9112 section 7.1) as it arrives, in any split of the bytes.
// Chunk extensions are skipped (bounded), trailer fields are read and dropped (bounded by
// Limits::max_head_bytes). Sizes are strict hex without sign, space or 0x, at most 16 digits,
// and the running total may not pass Limits::max_body_bytes.
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(const Limits& limits) : limits_(limits) {}

  struct Step {
    std::size_t consumed = 0;         // bytes of `input` used; the rest belongs to the next message
    bool done = false;                // the last chunk and its trailers have been read
    std::optional<ParseError> error;  // kBadChunk, kBodyTooLarge or kBareLf: the stream is unusable
  };

  // Appends the decoded data of `input` to `body` (which the caller clears between messages).
  [[nodiscard]] Step feed(std::string_view input, std::string& body);

  // Ready for the next message.
  void reset() noexcept;

  [[nodiscard]] uint64_t decodedBytes() const noexcept { return total_; }

 private:
  enum class State : uint8_t { kSize, kExtension, kSizeLf, kData, kDataCr, kDataLf, kTrailer, kTrailerLf, kDone };
  Limits limits_;
  State state_ = State::kSize;
  uint64_t remaining_ = 0;  // of the current chunk
  uint64_t total_ = 0;
  int size_digits_ = 0;
  std::size_t extension_bytes_ = 0;
  std::size_t trailer_bytes_ = 0;
  std::size_t trailer_line_ = 0;      // bytes on the current trailer line (0: an empty line ends it)
  bool trailer_value_ = false;        // the current trailer line's colon has been seen
  std::optional<ParseError> failed_;  // once set, every later feed answers it

  [[nodiscard]] std::optional<ParseError> onControlByte(char c) noexcept;
  [[nodiscard]] std::optional<ParseError> onTrailerByte(char c) noexcept;
};

}  // namespace rampart::shield::http
