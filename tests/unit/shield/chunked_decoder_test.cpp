// SPDX-License-Identifier: Apache-2.0
// The chunked coding: what decodes, where decoding stops, and how each malformed size, line end
// and limit is refused, in any split of the bytes.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>

#include "shield/http/chunked_decoder.h"

namespace rampart::shield::http {

// Inline: both test files define it, for gtest to print errors by name.
inline void PrintTo(ParseError e, std::ostream* os) { *os << describe(e); }

namespace {

using namespace std::string_view_literals;

struct Decoded {
  std::string body;
  ChunkedDecoder::Step step;
};

Decoded decodeAll(std::string_view input, const Limits& limits = {}) {
  ChunkedDecoder d(limits);
  Decoded out;
  out.step = d.feed(input, out.body);
  return out;
}

// Feeds `input` in pieces of `piece` bytes; the step's consumed is the total over all pieces.
Decoded decodeInPieces(std::string_view input, std::size_t piece, const Limits& limits = {}) {
  ChunkedDecoder d(limits);
  Decoded out;
  std::size_t at = 0;
  while (at < input.size()) {
    const std::string_view part = input.substr(at, piece);
    const ChunkedDecoder::Step step = d.feed(part, out.body);
    out.step.consumed += step.consumed;
    out.step.done = step.done;
    out.step.error = step.error;
    at += part.size();
    if (step.done || step.error) break;
    EXPECT_EQ(step.consumed, part.size()) << "a decoder that is not done takes everything";
  }
  EXPECT_EQ(d.decodedBytes(), out.body.size());
  return out;
}

TEST(ChunkedDecoder, DecodesChunksAndStopsAfterTheLastCrlf) {
  const std::string body = "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n";
  const Decoded d = decodeAll(body + "GET / HTTP/1.1\r\n");
  EXPECT_EQ(d.step.error, std::nullopt);
  EXPECT_TRUE(d.step.done);
  EXPECT_EQ(d.body, "hello, world");
  EXPECT_EQ(d.step.consumed, body.size());  // the pipelined request is left for the caller
}

TEST(ChunkedDecoder, HexSizesInEitherCaseWithLeadingZeros) {
  const Decoded d = decodeAll("a\r\n0123456789\r\n0A\r\nabcdefghij\r\n0001\r\nZ\r\n000\r\n\r\n");
  EXPECT_TRUE(d.step.done);
  EXPECT_EQ(d.body, "0123456789abcdefghijZ");
}

TEST(ChunkedDecoder, AnySplitDecodesLikeOneShot) {
  const std::string input =
      "4;ext=1\r\nWiki\r\n6;a;b=\"c d\"\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0;end\r\nX-Sum: 1\r\nY:\r\n\r\nNEXT";
  const Decoded whole = decodeAll(input);
  ASSERT_TRUE(whole.step.done);
  ASSERT_EQ(whole.step.error, std::nullopt);
  EXPECT_EQ(whole.body, "Wikipedia in \r\n\r\nchunks.");
  EXPECT_EQ(whole.step.consumed, input.size() - 4);
  for (std::size_t piece = 1; piece <= 9; ++piece) {
    const Decoded split = decodeInPieces(input, piece);
    EXPECT_TRUE(split.step.done) << piece;
    EXPECT_EQ(split.body, whole.body) << piece;
    EXPECT_EQ(split.step.consumed, whole.step.consumed) << piece;
  }
}

TEST(ChunkedDecoder, ExtensionsAreSkippedUpToTheirBound) {
  const std::string ok = "1;" + std::string(1024, 'x') + "\r\na\r\n0\r\n\r\n";
  EXPECT_TRUE(decodeAll(ok).step.done);
  EXPECT_EQ(decodeAll(ok).body, "a");
  const std::string long_ext = "1;" + std::string(1025, 'x') + "\r\na\r\n0\r\n\r\n";
  EXPECT_EQ(decodeAll(long_ext).step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("1;a\0b\r\na\r\n0\r\n\r\n"sv).step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("1;a\x7f\r\na\r\n0\r\n\r\n").step.error, ParseError::kBadChunk);
}

TEST(ChunkedDecoder, TrailersAreReadAndDropped) {
  const Decoded d = decodeAll("3\r\nabc\r\n0\r\nExpires: never\r\nX-Checksum:  7 \r\n\r\n");
  EXPECT_TRUE(d.step.done);
  EXPECT_EQ(d.body, "abc");
}

TEST(ChunkedDecoder, MalformedTrailersAreRefused) {
  EXPECT_EQ(decodeAll("0\r\n folded\r\n\r\n").step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("0\r\nNoColon\r\n\r\n").step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("0\r\nA : b\r\n\r\n").step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("0\r\n: b\r\n\r\n").step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("0\r\nA: \0\r\n\r\n"sv).step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("0\r\nA: b\rc\r\n\r\n").step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("0\r\nA: b\n\r\n").step.error, ParseError::kBareLf);
  EXPECT_EQ(decodeAll("0\r\n\n").step.error, ParseError::kBareLf);
}

TEST(ChunkedDecoder, TrailersAreBoundedByTheHeadLimit) {
  Limits limits;
  limits.max_head_bytes = 32;
  const std::string small = "0\r\nA: " + std::string(20, 'b') + "\r\n\r\n";  // 29 trailer bytes
  EXPECT_TRUE(decodeAll(small, limits).step.done);
  const std::string big = "0\r\nA: " + std::string(40, 'b') + "\r\n\r\n";
  EXPECT_EQ(decodeAll(big, limits).step.error, ParseError::kBadChunk);
}

class BadChunkSize : public testing::TestWithParam<std::string_view> {};

TEST_P(BadChunkSize, IsRefused) {
  const std::string input = std::string(GetParam()) + "\r\nhello\r\n0\r\n\r\n";
  const Decoded d = decodeAll(input);
  EXPECT_EQ(d.step.error, ParseError::kBadChunk) << GetParam();
  EXPECT_FALSE(d.step.done);
  EXPECT_TRUE(d.body.empty());
}

INSTANTIATE_TEST_SUITE_P(ChunkedDecoder, BadChunkSize,
                         testing::Values("-1", "+5", "0x10", " 5", "5 ", "\t5", "5\t", "5 ;x", "fffffffffffffffff",
                                         "zz", "5z", "", ";x", "5\r"));

TEST(ChunkedDecoder, SixteenHexDigitsParseButExceedTheBodyLimit) {
  EXPECT_EQ(decodeAll("ffffffffffffffff\r\nx").step.error, ParseError::kBodyTooLarge);
  EXPECT_EQ(decodeAll("0000000000000005\r\nhello\r\n0\r\n\r\n").body, "hello");
}

TEST(ChunkedDecoder, DataMustEndInCrlf) {
  EXPECT_EQ(decodeAll("5\r\nhelloX\r\n0\r\n\r\n").step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("5\r\nhello0\r\n\r\n").step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("5\r\nhello\rX0\r\n\r\n").step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("5\r\nhello\n0\r\n\r\n").step.error, ParseError::kBareLf);
  EXPECT_EQ(decodeAll("5\r\nhello\r\r\n0\r\n\r\n").step.error, ParseError::kBadChunk);
}

TEST(ChunkedDecoder, SizeLineMustEndInCrlf) {
  EXPECT_EQ(decodeAll("5\nhello\r\n0\r\n\r\n").step.error, ParseError::kBareLf);
  EXPECT_EQ(decodeAll("5;x\nhello\r\n0\r\n\r\n").step.error, ParseError::kBareLf);
  EXPECT_EQ(decodeAll("5\rhello\r\n0\r\n\r\n").step.error, ParseError::kBadChunk);
  EXPECT_EQ(decodeAll("0\n\r\n").step.error, ParseError::kBareLf);
}

TEST(ChunkedDecoder, BodyLimitCountsEveryChunk) {
  Limits limits;
  limits.max_body_bytes = 10;
  const Decoded ok = decodeAll("6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n", limits);
  EXPECT_TRUE(ok.step.done);
  EXPECT_EQ(ok.body, "abcdefghij");
  const Decoded over = decodeAll("6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n", limits);
  EXPECT_EQ(over.step.error, ParseError::kBodyTooLarge);
  EXPECT_EQ(over.body, "abcdef");  // refused on the size line, before the data
  EXPECT_EQ(decodeInPieces("6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n", 1, limits).step.error, ParseError::kBodyTooLarge);
}

TEST(ChunkedDecoder, ErrorsAreStickyUntilReset) {
  ChunkedDecoder d(Limits{});
  std::string body;
  const auto first = d.feed("zz\r\n", body);
  ASSERT_EQ(first.error, ParseError::kBadChunk);
  EXPECT_EQ(first.consumed, 0u);
  const auto again = d.feed("5\r\nhello\r\n0\r\n\r\n", body);
  EXPECT_EQ(again.error, ParseError::kBadChunk);
  EXPECT_EQ(again.consumed, 0u);
  d.reset();
  const auto fresh = d.feed("5\r\nhello\r\n0\r\n\r\n", body);
  EXPECT_EQ(fresh.error, std::nullopt);
  EXPECT_TRUE(fresh.done);
  EXPECT_EQ(body, "hello");
  EXPECT_EQ(d.decodedBytes(), 5u);
}

TEST(ChunkedDecoder, DoneTakesNothingMoreUntilReset) {
  ChunkedDecoder d(Limits{});
  std::string body;
  ASSERT_TRUE(d.feed("1\r\na\r\n0\r\n\r\n", body).done);
  const auto after = d.feed("1\r\nb\r\n0\r\n\r\n", body);
  EXPECT_TRUE(after.done);
  EXPECT_EQ(after.consumed, 0u);
  EXPECT_EQ(body, "a");
  d.reset();
  body.clear();
  EXPECT_EQ(d.decodedBytes(), 0u);
  ASSERT_TRUE(d.feed("1\r\nb\r\n0\r\n\r\n", body).done);
  EXPECT_EQ(body, "b");
}

TEST(ChunkedDecoder, IncompleteInputIsNeitherDoneNorAnError) {
  for (const std::string_view partial : {"", "5", "5\r", "5\r\nhel", "5\r\nhello\r", "5\r\nhello\r\n0\r\n",
                                         "5\r\nhello\r\n0\r\nA: b\r\n", "5\r\nhello\r\n0\r\n\r"}) {
    const Decoded d = decodeAll(partial);
    EXPECT_FALSE(d.step.done) << partial;
    EXPECT_EQ(d.step.error, std::nullopt) << partial;
    EXPECT_EQ(d.step.consumed, partial.size());
  }
}

}  // namespace
}  // namespace rampart::shield::http
