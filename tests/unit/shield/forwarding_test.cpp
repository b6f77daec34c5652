// SPDX-License-Identifier: Apache-2.0
#include "shield/http/forwarding.h"

#include <gtest/gtest.h>

#include <string>

#include "shield/http/head_parser.h"

namespace {

using namespace rampart::shield::http;

RequestHead parse(const std::string& text) {
  RequestHead req;
  const auto error = parseRequestHead(text, Limits{}, req);
  EXPECT_FALSE(error.has_value()) << text;
  return req;
}

std::string forward(const std::string& text, std::string_view body = {}, bool has_body = false) {
  const RequestHead req = parse(text);
  std::string out;
  appendOriginRequest(req, ClientInfo{"192.0.2.7", false}, out);
  finishOriginRequest(has_body, body, out);
  return out;
}

TEST(Forwarding, HopByHopAndMadeUpForwardingHeadersAreNotPassedOn) {
  const std::string in =
      "GET /a?b=1 HTTP/1.1\r\nHost: example.org\r\nConnection: keep-alive, X-Secret\r\nKeep-Alive: timeout=5\r\n"
      "X-Secret: 1\r\nTE: trailers\r\nX-Forwarded-For: 10.9.9.9\r\nForwarded: for=10.9.9.9\r\nUpgrade: websocket\r\n"
      "Accept: */*\r\n\r\n";
  const std::string out = forward(in);
  EXPECT_EQ(out.rfind("GET /a?b=1 HTTP/1.1\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("Host: example.org\r\n"), std::string::npos);
  EXPECT_NE(out.find("Accept: */*\r\n"), std::string::npos);
  for (const char* gone : {"Connection", "Keep-Alive", "X-Secret", "TE:", "Upgrade", "10.9.9.9"}) {
    EXPECT_EQ(out.find(gone), std::string::npos) << gone << " in\n" << out;
  }
  EXPECT_NE(out.find("X-Forwarded-For: 192.0.2.7\r\n"), std::string::npos);
  EXPECT_NE(out.find("X-Forwarded-Proto: http\r\n"), std::string::npos);
  EXPECT_NE(out.find("Forwarded: for=192.0.2.7;proto=http\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos) << "no body, no length";
  EXPECT_TRUE(out.ends_with("\r\n\r\n"));
}

TEST(Forwarding, AChunkedBodyIsSentWithItsLength) {
  const std::string out =
      forward("POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", "hello world", true);
  EXPECT_EQ(out.find("Transfer-Encoding"), std::string::npos);
  EXPECT_NE(out.find("Content-Length: 11\r\n\r\nhello world"), std::string::npos) << out;
}

TEST(Forwarding, IPv6ClientsAreQuotedInForwarded) {
  const std::string text = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";  // the head's views point into it
  const RequestHead req = parse(text);
  std::string out;
  appendOriginRequest(req, ClientInfo{"2001:db8::1", true}, out);
  EXPECT_NE(out.find("Forwarded: for=\"[2001:db8::1]\";proto=https\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("X-Forwarded-Proto: https\r\n"), std::string::npos);
}

TEST(Forwarding, ResponsesKeepTheirFramingAndLoseHopByHopHeaders) {
  const std::string head =
      "HTTP/1.0 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\nKeep-Alive: timeout=3\r\nX-A: 1\r\n\r\n";
  ResponseHead resp;
  ASSERT_FALSE(parseResponseHead(head, Limits{}, resp).has_value());
  std::string out;
  appendClientResponse("HTTP/1.0 200 OK", resp, true, false, out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\n");
  out.clear();
  appendClientResponse("HTTP/1.0 200 OK", resp, false, false, out);
  EXPECT_TRUE(out.ends_with("Connection: close\r\n\r\n")) << out;
}

TEST(Forwarding, ChunkedResponsesStayChunkedUnlessDechunked) {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  ResponseHead resp;
  ASSERT_FALSE(parseResponseHead(head, Limits{}, resp).has_value());
  std::string out;
  appendClientResponse("HTTP/1.1 200 OK", resp, true, false, out);
  EXPECT_NE(out.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  out.clear();
  appendClientResponse("HTTP/1.1 200 OK", resp, false, true, out);
  EXPECT_EQ(out.find("Transfer-Encoding"), std::string::npos);
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
}

TEST(Forwarding, OwnResponsesAreCompleteAndHeadHasNoBody) {
  std::string out;
  appendOwnResponse(429, "Retry-After: 3\r\n", "text/plain", "slow down\n", true, false, out);
  EXPECT_EQ(out.rfind("HTTP/1.1 429 Too Many Requests\r\n", 0), 0u);
  EXPECT_NE(out.find("Retry-After: 3\r\n"), std::string::npos);
  EXPECT_NE(out.find("Content-Length: 10\r\n"), std::string::npos);
  EXPECT_TRUE(out.ends_with("\r\n\r\nslow down\n"));
  out.clear();
  appendOwnResponse(400, {}, "text/plain", "bad\n", false, true, out);
  EXPECT_TRUE(out.ends_with("Connection: close\r\n\r\n")) << out;
}

}  // namespace
