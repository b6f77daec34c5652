// SPDX-License-Identifier: Apache-2.0
// The chunked transfer coding, RFC 9112 section 7.1, as a byte-at-a-time state machine so any
// split of the input decodes alike; only chunk data is copied in runs.
//
//   chunked-body = *chunk last-chunk trailer-section CRLF
//   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   last-chunk   = 1*"0" [ chunk-ext ] CRLF
//
// Stricter than the grammar in one place: no BWS between the size and ';' (section 7.1.1 allows
// it), because readers that disagree on where a chunk size ends is how chunked smuggling works.
#include "shield/http/chunked_decoder.h"

#include <algorithm>

#include "shield/http/http_chars.h"

namespace rampart::shield::http {
namespace {

constexpr int kMaxSizeDigits = 16;                // 64 bits of hex; a 17th digit is an overflow
constexpr std::size_t kMaxExtensionBytes = 1024;  // extensions are skipped, so they are bounded

}  // namespace

void ChunkedDecoder::reset() noexcept {
  state_ = State::kSize;
  remaining_ = 0;
  total_ = 0;
  size_digits_ = 0;
  extension_bytes_ = 0;
  trailer_bytes_ = 0;
  trailer_line_ = 0;
  trailer_value_ = false;
  failed_.reset();
}

ChunkedDecoder::Step ChunkedDecoder::feed(std::string_view input, std::string& body) {
  Step step;
  if (failed_) {
    step.error = failed_;
    return step;
  }
  std::size_t i = 0;
  while (i < input.size() && state_ != State::kDone) {
    if (state_ == State::kData) {
      const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(remaining_, input.size() - i));
      body.append(input.substr(i, n));
      remaining_ -= n;
      total_ += n;
      i += n;
      if (remaining_ == 0) state_ = State::kDataCr;
      continue;
    }
    if (auto e = onControlByte(input[i])) {
      failed_ = e;
      step.consumed = i;
      step.error = e;
      return step;
    }
    ++i;
  }
  step.consumed = i;
  step.done = state_ == State::kDone;
  return step;
}

// One byte outside chunk data: the size line, the CRLF after the data, and the trailers.
std::optional<ParseError> ChunkedDecoder::onControlByte(char c) noexcept {
  // Every line ends in CRLF; a LF anywhere else is a bare one (section 2.2), never a line end.
  if (c == '\n' && state_ != State::kSizeLf && state_ != State::kDataLf && state_ != State::kTrailerLf) {
    return ParseError::kBareLf;
  }
  switch (state_) {
    case State::kSize:
      if (const int v = chars::hexValue(c); v >= 0) {
        if (++size_digits_ > kMaxSizeDigits) return ParseError::kBadChunk;
        remaining_ = remaining_ << 4 | static_cast<uint64_t>(v);
        return std::nullopt;
      }
      if (size_digits_ == 0) return ParseError::kBadChunk;  // "-1", " 5", "", "zz"
      if (c == ';') {
        state_ = State::kExtension;
      } else if (c == '\r') {
        state_ = State::kSizeLf;
      } else {
        return ParseError::kBadChunk;  // "5 ", "0x10"
      }
      return std::nullopt;
    case State::kExtension:
      if (c == '\r') {
        state_ = State::kSizeLf;
      } else if (++extension_bytes_ > kMaxExtensionBytes || !chars::is(c, chars::kFieldChar)) {
        return ParseError::kBadChunk;
      }
      return std::nullopt;
    case State::kSizeLf:
      if (c != '\n') return ParseError::kBadChunk;
      size_digits_ = 0;
      extension_bytes_ = 0;
      if (remaining_ == 0) {
        state_ = State::kTrailer;  // the last chunk
      } else if (remaining_ > limits_.max_body_bytes - std::min(total_, limits_.max_body_bytes)) {
        return ParseError::kBodyTooLarge;  // refused on its size line, before any of its data
      } else {
        state_ = State::kData;
      }
      return std::nullopt;
    case State::kDataCr:
      if (c != '\r') return ParseError::kBadChunk;
      state_ = State::kDataLf;
      return std::nullopt;
    case State::kDataLf:
      if (c != '\n') return ParseError::kBadChunk;
      state_ = State::kSize;
      return std::nullopt;
    case State::kTrailer:
    case State::kTrailerLf: return onTrailerByte(c);
    case State::kData:
    case State::kDone: break;  // handled by feed
  }
  return std::nullopt;
}

// trailer-section = *( field-line CRLF ), held to the header rules of RFC 9112 section 5 and
// bounded by max_head_bytes; the fields are dropped, since nothing downstream needs them.
std::optional<ParseError> ChunkedDecoder::onTrailerByte(char c) noexcept {
  if (++trailer_bytes_ > limits_.max_head_bytes) return ParseError::kBadChunk;
  if (state_ == State::kTrailerLf) {
    if (c != '\n') return ParseError::kBadChunk;  // a bare CR
    state_ = trailer_line_ == 0 ? State::kDone : State::kTrailer;
    trailer_line_ = 0;
    trailer_value_ = false;
    return std::nullopt;
  }
  if (c == '\r') {
    if (trailer_line_ > 0 && !trailer_value_) return ParseError::kBadChunk;  // a name without ':'
    state_ = State::kTrailerLf;
    return std::nullopt;
  }
  if (trailer_value_) {
    if (!chars::is(c, chars::kFieldChar)) return ParseError::kBadChunk;
  } else if (c == ':' && trailer_line_ > 0) {
    trailer_value_ = true;
  } else if (!chars::is(c, chars::kTchar)) {
    return ParseError::kBadChunk;  // an empty name, space before ':', or a folded line
  }
  ++trailer_line_;
  return std::nullopt;
}

}  // namespace rampart::shield::http
