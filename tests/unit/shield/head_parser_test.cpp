// SPDX-License-Identifier: Apache-2.0
// Request and response heads: what the strict parser accepts and how it names each refusal, and
// findHeadEnd over heads that arrive in pieces.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>

#include "shield/http/head_parser.h"

namespace rampart::shield::http {

// Inline: both test files define it, for gtest to print errors by name.
inline void PrintTo(ParseError e, std::ostream* os) { *os << describe(e); }

namespace {

using namespace std::string_view_literals;

std::optional<ParseError> request(std::string_view head, RequestHead& out, const Limits& limits = {}) {
  return parseRequestHead(head, limits, out);
}

std::optional<ParseError> requestError(std::string_view head, const Limits& limits = {}) {
  RequestHead out;
  return parseRequestHead(head, limits, out);
}

std::optional<ParseError> responseError(std::string_view head, const Limits& limits = {}) {
  ResponseHead out;
  return parseResponseHead(head, limits, out);
}

bool inside(std::string_view view, std::string_view buffer) {
  return view.data() >= buffer.data() && view.data() + view.size() <= buffer.data() + buffer.size();
}

// --- accepted requests ---

TEST(RequestHead, SimpleGet) {
  const std::string head = "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5\r\n\r\n";
  RequestHead r;
  ASSERT_EQ(request(head, r), std::nullopt);
  EXPECT_EQ(r.method, Method::kGet);
  EXPECT_EQ(r.method_text, "GET");
  EXPECT_EQ(r.target, "/a?b=c");
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_EQ(r.host, "example.com");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[1].name, "User-Agent");
  EXPECT_EQ(r.headers[1].value, "curl/8.5");
  EXPECT_FALSE(r.content_length.has_value());
  EXPECT_FALSE(r.chunked);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.upgrade);
  EXPECT_FALSE(r.expect_continue);
  // The views are into the caller's buffer, not copies.
  EXPECT_TRUE(inside(r.target, head));
  EXPECT_TRUE(inside(r.host, head));
  EXPECT_TRUE(inside(r.headers[1].value, head));
}

TEST(RequestHead, ValueLosesOwsButKeepsInnerSpaceAndObsText) {
  RequestHead r;
  ASSERT_EQ(request("GET / HTTP/1.1\r\nHost: a\r\nX-A: \t v \t a \t\r\nX-Empty:\r\nX-Utf8: caf\xc3\xa9\r\n\r\n", r),
            std::nullopt);
  ASSERT_EQ(r.headers.size(), 4u);
  EXPECT_EQ(r.headers[1].value, "v \t a");
  EXPECT_EQ(r.headers[2].value, "");
  EXPECT_EQ(r.headers[3].value, "caf\xc3\xa9");
}

TEST(RequestHead, HeaderNamesMatchWhateverTheirCase) {
  RequestHead r;
  ASSERT_EQ(request("POST /u HTTP/1.1\r\nhOST: h\r\ncontent-LENGTH: 12\r\nCONNECTION: Close\r\n\r\n", r), std::nullopt);
  EXPECT_EQ(r.host, "h");
  EXPECT_EQ(r.content_length, 12u);
  EXPECT_FALSE(r.keep_alive);
}

TEST(RequestHead, PostWithContentLength) {
  RequestHead r;
  ASSERT_EQ(request("POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", r), std::nullopt);
  EXPECT_EQ(r.method, Method::kPost);
  EXPECT_EQ(r.content_length, 5u);
  EXPECT_FALSE(r.chunked);
  // 1*DIGIT allows leading zeros; they do not change the value.
  ASSERT_EQ(request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0007\r\n\r\n", r), std::nullopt);
  EXPECT_EQ(r.content_length, 7u);
  ASSERT_EQ(request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", r), std::nullopt);
  EXPECT_EQ(r.content_length, 0u);
}

TEST(RequestHead, ContentLengthAtTheBodyLimitIsAccepted) {
  Limits limits;
  limits.max_body_bytes = 100;
  EXPECT_EQ(requestError("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n", limits), std::nullopt);
  EXPECT_EQ(requestError("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n", limits),
            ParseError::kBodyTooLarge);
}

TEST(RequestHead, ChunkedPost) {
  for (const std::string_view te : {"chunked", "Chunked", " CHUNKED\t"}) {
    RequestHead r;
    const std::string head = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:" + std::string(te) + "\r\n\r\n";
    ASSERT_EQ(request(head, r), std::nullopt) << te;
    EXPECT_TRUE(r.chunked);
    EXPECT_FALSE(r.content_length.has_value());
  }
}

TEST(RequestHead, Http10DefaultsToCloseAndNeedsNoHost) {
  RequestHead r;
  ASSERT_EQ(request("GET / HTTP/1.0\r\n\r\n", r), std::nullopt);
  EXPECT_EQ(r.minor_version, 0);
  EXPECT_EQ(r.host, "");
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(request("GET / HTTP/1.0\r\nHost: a\r\nConnection: Keep-Alive\r\n\r\n", r), std::nullopt);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.host, "a");
}

TEST(RequestHead, ConnectionTokens) {
  const auto keepAlive = [](std::string_view fields, std::string_view version = "1.1") {
    RequestHead r;
    const std::string head = "GET / HTTP/" + std::string(version) + "\r\nHost: a\r\n" + std::string(fields) + "\r\n";
    EXPECT_EQ(request(head, r), std::nullopt) << fields;
    return r.keep_alive;
  };
  EXPECT_TRUE(keepAlive(""));
  EXPECT_FALSE(keepAlive("Connection: close\r\n"));
  EXPECT_FALSE(keepAlive("Connection: upgrade, CLOSE\r\n"));
  EXPECT_FALSE(keepAlive("Connection: keep-alive\r\nConnection: close\r\n"));
  EXPECT_FALSE(keepAlive("Connection: keep-alive, close\r\n", "1.0"));
  EXPECT_TRUE(keepAlive("Connection: keep-alive\r\n"));
  EXPECT_TRUE(keepAlive("Connection: closed\r\n"));  // a token, not a prefix
  EXPECT_TRUE(keepAlive("Connection: ,, keep-alive ,\r\n", "1.0"));
  EXPECT_TRUE(keepAlive("Connection: foo\r\nConnection: Keep-Alive\r\n", "1.0"));
  EXPECT_FALSE(keepAlive("Connection: keep-alive-ish\r\n", "1.0"));
  EXPECT_FALSE(keepAlive("Keep-Alive: timeout=5\r\n", "1.0"));  // only Connection counts
}

TEST(RequestHead, H2cUpgradeIsFlaggedNotRefused) {
  RequestHead r;
  ASSERT_EQ(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
                    r),
            std::nullopt);
  EXPECT_TRUE(r.upgrade);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.headers.size(), 4u);
  ASSERT_EQ(request("GET /ws HTTP/1.1\r\nHost: a\r\nupgrade: websocket\r\n\r\n", r), std::nullopt);
  EXPECT_TRUE(r.upgrade);
}

TEST(RequestHead, ExpectContinue) {
  RequestHead r;
  ASSERT_EQ(request("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-Continue\r\n\r\n", r), std::nullopt);
  EXPECT_TRUE(r.expect_continue);
  ASSERT_EQ(request("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", r), std::nullopt);
  EXPECT_FALSE(r.expect_continue);
  // RFC 9110 section 10.1.1: an HTTP/1.0 client cannot be sent a 100.
  ASSERT_EQ(request("PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n", r), std::nullopt);
  EXPECT_FALSE(r.expect_continue);
}

TEST(RequestHead, MethodsMapCaseSensitively) {
  const std::pair<std::string_view, Method> cases[] = {
      {"GET", Method::kGet},       {"HEAD", Method::kHead},       {"POST", Method::kPost},    {"PUT", Method::kPut},
      {"DELETE", Method::kDelete}, {"OPTIONS", Method::kOptions}, {"PATCH", Method::kPatch},  {"TRACE", Method::kTrace},
      {"get", Method::kOther},     {"PROPFIND", Method::kOther},  {"X-Y_Z!", Method::kOther}, {"POSTS", Method::kOther},
  };
  for (const auto& [text, method] : cases) {
    RequestHead r;
    const std::string head = std::string(text) + " / HTTP/1.1\r\nHost: a\r\n\r\n";
    ASSERT_EQ(request(head, r), std::nullopt) << text;
    EXPECT_EQ(r.method, method) << text;
    EXPECT_EQ(r.method_text, text);
  }
}

TEST(RequestHead, TargetForms) {
  RequestHead r;
  ASSERT_EQ(request("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", r), std::nullopt);
  EXPECT_EQ(r.target, "*");
  ASSERT_EQ(request("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", r), std::nullopt);
  EXPECT_EQ(r.method, Method::kConnect);
  EXPECT_EQ(r.target, "example.com:443");
  EXPECT_EQ(request("CONNECT [2001:db8::1]:8443 HTTP/1.1\r\nHost: a\r\n\r\n", r), std::nullopt);
  ASSERT_EQ(request("GET http://example.com/x?y HTTP/1.1\r\nHost: example.com\r\n\r\n", r), std::nullopt);
  EXPECT_EQ(r.target, "http://example.com/x?y");
  EXPECT_EQ(request("GET HTTPS://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n", r), std::nullopt);
  EXPECT_EQ(request("GET //double/slash HTTP/1.1\r\nHost: a\r\n\r\n", r), std::nullopt);
  EXPECT_EQ(request("GET /%7E|{x}\"^ HTTP/1.1\r\nHost: a\r\n\r\n", r), std::nullopt);  // no framing risk
}

TEST(RequestHead, ClearKeepsTheHeaderCapacity) {
  RequestHead r;
  ASSERT_EQ(request("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nConnection: close\r\n\r\n", r), std::nullopt);
  const auto capacity = r.headers.capacity();
  const Header* storage = r.headers.data();
  ASSERT_EQ(request("GET / HTTP/1.0\r\n\r\n", r), std::nullopt);
  EXPECT_TRUE(r.headers.empty());
  EXPECT_EQ(r.headers.capacity(), capacity);
  ASSERT_EQ(request("GET / HTTP/1.1\r\nHost: b\r\nA: 1\r\n\r\n", r), std::nullopt);
  EXPECT_EQ(r.headers.data(), storage);
  EXPECT_TRUE(r.keep_alive);  // the earlier close did not linger
  EXPECT_EQ(r.host, "b");
}

TEST(RequestHead, LimitsOnHeadersAndHeadSize) {
  Limits limits;
  limits.max_headers = 3;
  EXPECT_EQ(requestError("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", limits), std::nullopt);
  EXPECT_EQ(requestError("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits),
            ParseError::kTooManyHeaders);
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(200, 'x') + "\r\n\r\n";
  limits = {};
  limits.max_head_bytes = head.size();
  EXPECT_EQ(requestError(head, limits), std::nullopt);
  limits.max_head_bytes = head.size() - 1;
  EXPECT_EQ(requestError(head, limits), ParseError::kHeadTooLarge);
}

TEST(RequestHead, PipelinedSecondRequestIsFoundInTheRemainder) {
  const std::string buffer =
      "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
      "GET /b HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /c";
  const HeadEnd first = findHeadEnd(buffer, 0);
  ASSERT_EQ(first.state, HeadEnd::State::kComplete);
  RequestHead r;
  ASSERT_EQ(request(std::string_view(buffer).substr(0, first.length), r), std::nullopt);
  EXPECT_EQ(r.target, "/a");
  ASSERT_EQ(r.content_length, 3u);
  const std::string_view rest = std::string_view(buffer).substr(first.length + *r.content_length);
  const HeadEnd second = findHeadEnd(rest, 0);
  ASSERT_EQ(second.state, HeadEnd::State::kComplete);
  ASSERT_EQ(request(rest.substr(0, second.length), r), std::nullopt);
  EXPECT_EQ(r.target, "/b");
  EXPECT_EQ(findHeadEnd(rest.substr(second.length), 0).state, HeadEnd::State::kIncomplete);
}

// --- refused requests: one case each, named ---

struct Refusal {
  const char* name;
  std::string_view head;
  ParseError error;
};

void PrintTo(const Refusal& c, std::ostream* os) { *os << c.name; }

class RequestRefusal : public testing::TestWithParam<Refusal> {};

TEST_P(RequestRefusal, IsRefusedWithItsReason) { EXPECT_EQ(requestError(GetParam().head), GetParam().error); }

constexpr Refusal kRequestRefusals[] = {
    // Framing: the smuggling vectors.
    {"TeThenCl", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
     ParseError::kTransferEncodingWithContentLength},
    {"ClThenTe", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
     ParseError::kTransferEncodingWithContentLength},
    {"BadTeWithCl", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\n",
     ParseError::kTransferEncodingWithContentLength},
    {"DuplicateClIdentical", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
     ParseError::kDuplicateContentLength},
    {"DuplicateClDifferent", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\ncontent-length: 6\r\n\r\n",
     ParseError::kDuplicateContentLength},
    {"ClListIdentical", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n",
     ParseError::kDuplicateContentLength},
    {"ClListDifferent", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,6\r\n\r\n",
     ParseError::kDuplicateContentLength},
    {"ClPlus", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", ParseError::kBadContentLength},
    {"ClMinus", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n", ParseError::kBadContentLength},
    {"ClInnerSpace", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 0\r\n\r\n", ParseError::kBadContentLength},
    {"ClHexPrefix", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", ParseError::kBadContentLength},
    {"ClHexDigit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1a\r\n\r\n", ParseError::kBadContentLength},
    {"ClDecimalPoint", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5.0\r\n\r\n", ParseError::kBadContentLength},
    {"ClEmpty", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", ParseError::kBadContentLength},
    {"ClOverflow", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551617\r\n\r\n",
     ParseError::kBadContentLength},
    {"ClAbove2To53", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9007199254740993\r\n\r\n",
     ParseError::kBadContentLength},
    {"ClAboveBodyLimit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n", ParseError::kBodyTooLarge},
    {"TeGzipChunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
     ParseError::kBadTransferEncoding},
    {"TeChunkedChunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
     ParseError::kBadTransferEncoding},
    {"TeXchunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n",
     ParseError::kBadTransferEncoding},
    {"TeChunkedWithParameter", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;q=1\r\n\r\n",
     ParseError::kBadTransferEncoding},
    {"TeIdentity", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n",
     ParseError::kBadTransferEncoding},
    {"TeEmpty", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", ParseError::kBadTransferEncoding},
    {"TeTwoHeaders", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
     ParseError::kBadTransferEncoding},
    {"TeGzipThenChunkedHeaders",
     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
     ParseError::kBadTransferEncoding},
    {"TeOnHttp10", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", ParseError::kBadTransferEncoding},
    // Line structure.
    {"ObsFold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", ParseError::kObsFold},
    {"ObsFoldTab", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n", ParseError::kObsFold},
    {"WhitespaceBeforeFirstField", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", ParseError::kObsFold},
    {"BareLfEndsRequestLine", "GET / HTTP/1.1\nHost: a\r\n\r\n", ParseError::kBareLf},
    {"BareLfEndsField", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", ParseError::kBareLf},
    {"BareLfInTerminator", "GET / HTTP/1.1\r\nHost: a\r\n\n", ParseError::kBareLf},
    {"BareLfOnly", "GET / HTTP/1.1\nHost: a\n\n", ParseError::kBareLf},
    {"BareCrInRequestLine", "GET / HTTP/1.1\rX\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"BareCrInTarget", "GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"BareCrInValue", "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\rb\r\n\r\n", ParseError::kBadHeaderValue},
    {"BareCrInName", "GET / HTTP/1.1\r\nHost: a\r\nX\r-A: b\r\n\r\n", ParseError::kBadHeaderName},
    {"BytesAfterHead", "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET", ParseError::kBadRequestLine},
    {"Truncated", "GET / HTTP/1.1\r\nHost: a\r\n", ParseError::kBadRequestLine},
    {"Empty", "", ParseError::kBadRequestLine},
    {"LeadingEmptyLine", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    // Field names and values.
    {"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", ParseError::kBadHeaderName},
    {"TabBeforeColon", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length\t: 5\r\n\r\n", ParseError::kBadHeaderName},
    {"ControlInName", "GET / HTTP/1.1\r\nHost: a\r\nFo\x01o: x\r\n\r\n", ParseError::kBadHeaderName},
    {"SpaceInName", "GET / HTTP/1.1\r\nHost: a\r\nFoo Bar: x\r\n\r\n", ParseError::kBadHeaderName},
    {"BracketsInName", "GET / HTTP/1.1\r\nHost: a\r\n[x]: y\r\n\r\n", ParseError::kBadHeaderName},
    {"QuoteInName", "GET / HTTP/1.1\r\nHost: a\r\nX\"y: z\r\n\r\n", ParseError::kBadHeaderName},
    {"EightBitName", "GET / HTTP/1.1\r\nHost: a\r\nF\xc3\xb6: x\r\n\r\n", ParseError::kBadHeaderName},
    {"EmptyName", "GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", ParseError::kBadHeaderName},
    {"NoColon", "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", ParseError::kBadHeaderName},
    {"NulInValue", "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\0b\r\n\r\n"sv, ParseError::kBadHeaderValue},
    {"DelInValue", "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\x7f\r\n\r\n", ParseError::kBadHeaderValue},
    {"EscapeInValue", "GET / HTTP/1.1\r\nHost: a\r\nX-A: \x1b[31m\r\n\r\n", ParseError::kBadHeaderValue},
    // Host.
    {"MissingHost", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", ParseError::kMissingHost},
    {"EmptyHost", "GET / HTTP/1.1\r\nHost:\r\n\r\n", ParseError::kMissingHost},
    {"DuplicateHost", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", ParseError::kMissingHost},
    {"DuplicateHostHttp10", "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", ParseError::kMissingHost},
    {"HostWithSpace", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", ParseError::kBadHeaderValue},
    {"HostWithTab", "GET / HTTP/1.1\r\nHost: a\tb\r\n\r\n", ParseError::kBadHeaderValue},
    {"HostWithPath", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", ParseError::kBadHeaderValue},
    {"HostWithUserinfo", "GET / HTTP/1.1\r\nHost: evil@a\r\n\r\n", ParseError::kBadHeaderValue},
    // Versions.
    {"Http12", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", ParseError::kBadVersion},
    {"Http20", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", ParseError::kBadVersion},
    {"Http09Version", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", ParseError::kBadVersion},
    {"H2Preface", "PRI * HTTP/2.0\r\n\r\n", ParseError::kBadVersion},
    {"LowercaseHttp", "GET / http/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"VersionTwoDigitMinor", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"VersionNoMinor", "GET / HTTP/1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"Http09Line", "GET /\r\n\r\n", ParseError::kBadRequestLine},
    // Request-line separators.
    {"DoubleSpaceAfterMethod", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"DoubleSpaceAfterTarget", "GET /  HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"TrailingSpace", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"TabSeparators", "GET\t/\tHTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"LeadingSpace", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"BadMethodChar", "G@T / HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"NoTarget", "GET HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    // Targets.
    {"RelativeTarget", "GET foo HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"DotDotTarget", "GET ../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"AsteriskForGet", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"AsteriskWithMore", "OPTIONS *x HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"SchemeOneSlash", "GET http:/x HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"SchemeNoAuthority", "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"SchemeOnly", "GET http:// HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"SchemeUserinfo", "GET http://u:p@a/ HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"OtherScheme", "GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"AuthorityForGet", "GET a:80 HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"ConnectOriginForm", "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"ConnectNoPort", "CONNECT example.com HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"ConnectBadPort", "CONNECT a:44x HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"ConnectAbsolute", "CONNECT http://a:80 HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"Fragment", "GET /a#top HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"EightBitTarget", "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"DelInTarget", "GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::kBadRequestLine},
    {"NulInTarget", "GET /a\0 HTTP/1.1\r\nHost: a\r\n\r\n"sv, ParseError::kBadRequestLine},
};

INSTANTIATE_TEST_SUITE_P(RequestHead, RequestRefusal, testing::ValuesIn(kRequestRefusals),
                         [](const testing::TestParamInfo<Refusal>& p) { return std::string(p.param.name); });

// --- responses ---

TEST(ResponseHead, StatusLineAndFraming) {
  ResponseHead r;
  const Limits limits;
  ASSERT_EQ(parseResponseHead("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nServer: x\r\n\r\n", limits, r), std::nullopt);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_EQ(r.content_length, 12u);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.headers.size(), 2u);
  ASSERT_EQ(parseResponseHead("HTTP/1.1 404 Not \tFound\r\nTransfer-Encoding: chunked\r\n\r\n", limits, r),
            std::nullopt);
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.chunked);
  EXPECT_FALSE(r.content_length.has_value());
  ASSERT_EQ(parseResponseHead("HTTP/1.1 204 \r\n\r\n", limits, r), std::nullopt);
  EXPECT_EQ(r.status, 204);
  ASSERT_EQ(parseResponseHead("HTTP/1.1 200\r\nConnection: close\r\n\r\n", limits, r), std::nullopt);
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(parseResponseHead("HTTP/1.0 200 OK\r\n\r\n", limits, r), std::nullopt);
  EXPECT_EQ(r.minor_version, 0);
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(parseResponseHead("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", limits, r), std::nullopt);
  EXPECT_TRUE(r.keep_alive);
}

TEST(ResponseHead, BodylessStatusesIgnoreTheBodyLimit) {
  Limits limits;
  limits.max_body_bytes = 10;
  EXPECT_EQ(responseError("HTTP/1.1 304 Not Modified\r\nContent-Length: 5000\r\n\r\n", limits), std::nullopt);
  EXPECT_EQ(responseError("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", limits), ParseError::kBodyTooLarge);
}

class ResponseRefusal : public testing::TestWithParam<Refusal> {};

TEST_P(ResponseRefusal, IsRefusedWithItsReason) { EXPECT_EQ(responseError(GetParam().head), GetParam().error); }

constexpr Refusal kResponseRefusals[] = {
    {"TwoDigitStatus", "HTTP/1.1 20 OK\r\n\r\n", ParseError::kBadStatusLine},
    {"FourDigitStatus", "HTTP/1.1 2000 OK\r\n\r\n", ParseError::kBadStatusLine},
    {"StatusBelow100", "HTTP/1.1 099 X\r\n\r\n", ParseError::kBadStatusLine},
    {"StatusAbove599", "HTTP/1.1 600 X\r\n\r\n", ParseError::kBadStatusLine},
    {"DoubleSpace", "HTTP/1.1  200 OK\r\n\r\n", ParseError::kBadStatusLine},
    {"NoSpaceBeforeReason", "HTTP/1.1 200OK\r\n\r\n", ParseError::kBadStatusLine},
    {"ControlInReason", "HTTP/1.1 200 O\x01K\r\n\r\n", ParseError::kBadStatusLine},
    {"LowercaseHttp", "http/1.1 200 OK\r\n\r\n", ParseError::kBadStatusLine},
    {"Http20", "HTTP/2.0 200 OK\r\n\r\n", ParseError::kBadVersion},
    {"NotAResponse", "GET / HTTP/1.1\r\n\r\n", ParseError::kBadStatusLine},
    {"Truncated", "HTTP/1.1 200 OK\r\n", ParseError::kBadStatusLine},
    {"BareLf", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", ParseError::kBareLf},
    {"TeWithCl", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
     ParseError::kTransferEncodingWithContentLength},
    {"TeList", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", ParseError::kBadTransferEncoding},
    {"TeOnHttp10", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", ParseError::kBadTransferEncoding},
    {"DuplicateCl", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
     ParseError::kDuplicateContentLength},
    {"BadCl", "HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\n", ParseError::kBadContentLength},
    {"ObsFold", "HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\n\r\n", ParseError::kObsFold},
    {"SpaceBeforeColon", "HTTP/1.1 200 OK\r\nServer : x\r\n\r\n", ParseError::kBadHeaderName},
};

INSTANTIATE_TEST_SUITE_P(ResponseHead, ResponseRefusal, testing::ValuesIn(kResponseRefusals),
                         [](const testing::TestParamInfo<Refusal>& p) { return std::string(p.param.name); });

// --- findHeadEnd ---

TEST(FindHeadEnd, FindsTheFirstEmptyLine) {
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  const HeadEnd end = findHeadEnd(head + "body\r\n\r\n", 0);
  EXPECT_EQ(end.state, HeadEnd::State::kComplete);
  EXPECT_EQ(end.length, head.size());
  EXPECT_EQ(findHeadEnd("\r\n\r\n", 0).length, 4u);
  EXPECT_EQ(findHeadEnd(head.substr(0, head.size() - 1), 0).state, HeadEnd::State::kIncomplete);
  EXPECT_EQ(findHeadEnd("", 0).state, HeadEnd::State::kIncomplete);
  EXPECT_EQ(findHeadEnd("GET / HTTP/1.1\r\nHost: a\r\n\r", 0).state, HeadEnd::State::kIncomplete);
}

TEST(FindHeadEnd, OneByteAtATime) {
  const std::string buffer = "GET / HTTP/1.1\r\nHost: a\r\nX: \r\r\n\r\nGET /next";
  const std::size_t expected = buffer.find("\r\n\r\n") + 4;
  HeadEnd end;
  std::size_t k = 0;
  while (k < buffer.size()) {
    ++k;
    end = findHeadEnd(std::string_view(buffer).substr(0, k), k - 1);
    if (end.state != HeadEnd::State::kIncomplete) break;
  }
  EXPECT_EQ(end.state, HeadEnd::State::kComplete);
  EXPECT_EQ(end.length, expected);
  EXPECT_EQ(k, expected);  // found on the byte that completes it, not later
}

TEST(FindHeadEnd, ResumesAfterACrThatEndedTheLastRead) {
  const std::string_view buffer = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  for (std::size_t cut = 1; cut < buffer.size(); ++cut) {
    ASSERT_EQ(findHeadEnd(buffer.substr(0, cut), 0).state, HeadEnd::State::kIncomplete) << cut;
    const HeadEnd end = findHeadEnd(buffer, cut);
    EXPECT_EQ(end.state, HeadEnd::State::kComplete) << cut;
    EXPECT_EQ(end.length, buffer.size()) << cut;
  }
}

TEST(FindHeadEnd, BareLf) {
  for (const std::string_view b : {"\n", "GET / HTTP/1.1\n", "GET / HTTP/1.1\r\nHost: a\n", "GET / HTTP/1.1\r\n\n",
                                   "GET / HTTP/1.1\r\nHost: a\r\n\n"}) {
    EXPECT_EQ(findHeadEnd(b, 0).state, HeadEnd::State::kBareLf) << b;
  }
  // CR CR LF is no bare LF and no end: the stray CR is the parser's to refuse.
  EXPECT_EQ(findHeadEnd("GET / HTTP/1.1\r\n\r\r\n", 0).state, HeadEnd::State::kIncomplete);
  // Fed a byte at a time, the bare LF is reported on the byte that is one.
  const std::string_view b = "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n";
  for (std::size_t k = 1; k <= b.size(); ++k) {
    const HeadEnd end = findHeadEnd(b.substr(0, k), k - 1);
    if (k < b.find("a\n") + 2) {
      ASSERT_EQ(end.state, HeadEnd::State::kIncomplete) << k;
    } else {
      EXPECT_EQ(end.state, HeadEnd::State::kBareLf) << k;
      break;
    }
  }
  // A bare LF after the head is the next message's business.
  EXPECT_EQ(findHeadEnd("GET / HTTP/1.1\r\n\r\n\n", 0).state, HeadEnd::State::kComplete);
}

TEST(FindHeadEnd, ScannedPastTheBufferIsClamped) {
  EXPECT_EQ(findHeadEnd("GET / HTTP/1.1\r\n", 100).state, HeadEnd::State::kIncomplete);
}

}  // namespace
}  // namespace rampart::shield::http
