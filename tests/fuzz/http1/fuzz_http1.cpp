// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the shield's HTTP/1.1 parsing, run the way a connection runs it: the bytes
// arrive in pieces (sizes derived from the input, so a crash replays exactly), findHeadEnd looks
// for the head's end, the head is parsed as a request and as a response, and what follows goes
// through the chunked decoder in pieces too. Besides not crashing:
//  - findHeadEnd over pieces agrees with one call over everything, and with a naive scan;
//  - an accepted head obeys what the proxy relies on (one framing, tchar names, trimmed and clean
//    values, views inside the input, keep-alive as the version and Connection say), re-checked
//    here with code that shares nothing with the parser's tables;
//  - parsing into a RequestHead used before gives the same answer as into a fresh one;
//  - the chunked decoder gives the same body, end and error in pieces as in one call.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "shield/http/chunked_decoder.h"
#include "shield/http/head_parser.h"

namespace {

using namespace rampart::shield::http;

void check(bool condition, int line) {
  if (condition) return;
  std::fprintf(stderr, "check failed at line %d\n", line);
  std::abort();
}

// Small enough that fuzzed inputs reach every limit.
constexpr Limits kLimits{.max_head_bytes = 2048, .max_headers = 24, .max_body_bytes = 4096};

// Piece sizes from an xorshift seeded by the input's FNV-1a hash: mostly tiny, sometimes large.
class Pieces {
 public:
  explicit Pieces(std::string_view data) {
    for (const char c : data) state_ = (state_ ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
    if (state_ == 0) state_ = 1;
  }
  std::size_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return (state_ & 7) == 0 ? 1 + (state_ >> 8) % 512 : 1 + (state_ >> 8) % 5;
  }

 private:
  uint64_t state_ = 0xcbf29ce484222325ULL;
};

bool isTchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isCtl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool sameNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool inside(std::string_view view, std::string_view buffer) {
  return view.data() >= buffer.data() && view.data() + view.size() <= buffer.data() + buffer.size();
}

// Does the comma-separated list hold `token`, ignoring case and the spaces around each element?
bool listHas(std::string_view list, std::string_view token) {
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    std::string_view element = list.substr(start, end - start);
    while (!element.empty() && (element.front() == ' ' || element.front() == '\t')) element.remove_prefix(1);
    while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) element.remove_suffix(1);
    if (sameNoCase(element, token)) return true;
    start = end + 1;
  }
  return false;
}

HeadEnd naiveHeadEnd(std::string_view data) {
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] != '\n') continue;
    if (i == 0 || data[i - 1] != '\r') return {HeadEnd::State::kBareLf, 0};
    if (i >= 3 && data.substr(i - 3, 4) == "\r\n\r\n") return {HeadEnd::State::kComplete, i + 1};
  }
  return {};
}

HeadEnd headEndInPieces(std::string_view data) {
  Pieces pieces(data);
  std::size_t have = 0;
  HeadEnd end;
  while (have < data.size()) {
    const std::size_t scanned = have;
    have = std::min(data.size(), have + pieces.next());
    end = findHeadEnd(data.substr(0, have), scanned);
    if (end.state != HeadEnd::State::kIncomplete) break;
  }
  return end;
}

// What every accepted head, request or response, must satisfy.
struct FieldFacts {
  int content_lengths = 0;
  int transfer_encodings = 0;
  int hosts = 0;
  bool close = false;
  bool keep_alive = false;
  bool upgrade = false;
};

FieldFacts checkFields(std::string_view head, const std::vector<Header>& headers) {
  check(headers.size() <= kLimits.max_headers, __LINE__);
  FieldFacts facts;
  for (const Header& h : headers) {
    check(!h.name.empty() && inside(h.name, head) && inside(h.value, head), __LINE__);
    for (const char c : h.name) check(isTchar(c), __LINE__);
    for (const char c : h.value) check(!isCtl(c) || c == '\t', __LINE__);
    if (!h.value.empty()) {
      check(h.value.front() != ' ' && h.value.front() != '\t', __LINE__);
      check(h.value.back() != ' ' && h.value.back() != '\t', __LINE__);
    }
    if (sameNoCase(h.name, "content-length")) ++facts.content_lengths;
    if (sameNoCase(h.name, "transfer-encoding")) {
      ++facts.transfer_encodings;
      check(sameNoCase(h.value, "chunked"), __LINE__);
    }
    if (sameNoCase(h.name, "host")) ++facts.hosts;
    if (sameNoCase(h.name, "upgrade")) facts.upgrade = true;
    if (sameNoCase(h.name, "connection")) {
      facts.close = facts.close || listHas(h.value, "close");
      facts.keep_alive = facts.keep_alive || listHas(h.value, "keep-alive");
    }
  }
  check(facts.content_lengths <= 1 && facts.transfer_encodings <= 1, __LINE__);
  check(facts.content_lengths == 0 || facts.transfer_encodings == 0, __LINE__);
  return facts;
}

void checkFraming(const FieldFacts& facts, uint8_t minor, bool chunked, const std::optional<uint64_t>& length,
                  bool keep_alive) {
  check(minor <= 1, __LINE__);
  check(!(chunked && length), __LINE__);
  check(chunked == (facts.transfer_encodings == 1), __LINE__);
  check(length.has_value() == (facts.content_lengths == 1), __LINE__);
  check(!chunked || minor == 1, __LINE__);
  check(keep_alive == (!facts.close && (minor == 1 || facts.keep_alive)), __LINE__);
}

void checkRequest(std::string_view head, const RequestHead& r) {
  check(head.size() <= kLimits.max_head_bytes, __LINE__);
  check(!r.method_text.empty() && inside(r.method_text, head), __LINE__);
  for (const char c : r.method_text) check(isTchar(c), __LINE__);
  check(!r.target.empty() && inside(r.target, head), __LINE__);
  for (const char c : r.target) check(c > ' ' && c < 0x7f, __LINE__);
  check(r.target[0] == '/' || r.target == "*" || r.method == Method::kConnect ||
            r.target.find("://") != std::string_view::npos,
        __LINE__);
  check(r.host.empty() || inside(r.host, head), __LINE__);
  for (const char c : r.host) check(c > ' ' && c < 0x7f, __LINE__);
  const FieldFacts facts = checkFields(head, r.headers);
  check(facts.hosts <= 1, __LINE__);
  check(r.minor_version == 0 || (facts.hosts == 1 && !r.host.empty()), __LINE__);
  check(!r.content_length || *r.content_length <= kLimits.max_body_bytes, __LINE__);
  check(r.upgrade == facts.upgrade, __LINE__);
  check(!r.expect_continue || r.minor_version == 1, __LINE__);
  checkFraming(facts, r.minor_version, r.chunked, r.content_length, r.keep_alive);
}

bool sameRequest(const RequestHead& a, const RequestHead& b) {
  if (a.headers.size() != b.headers.size()) return false;
  for (std::size_t i = 0; i < a.headers.size(); ++i) {
    if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value) return false;
  }
  return a.method == b.method && a.method_text == b.method_text && a.target == b.target &&
         a.minor_version == b.minor_version && a.host == b.host && a.content_length == b.content_length &&
         a.chunked == b.chunked && a.keep_alive == b.keep_alive && a.upgrade == b.upgrade &&
         a.expect_continue == b.expect_continue;
}

// `complete`: findHeadEnd found the head's end exactly there; otherwise the parser must refuse.
void fuzzHead(std::string_view head, bool complete) {
  RequestHead fresh;
  const auto error = parseRequestHead(head, kLimits, fresh);
  check(complete || error.has_value(), __LINE__);
  if (!error) checkRequest(head, fresh);
  // A head that has parsed something else before (a close, a chunked POST) must not leak into this one.
  RequestHead reused;
  static constexpr std::string_view kEarlier =
      "POST /x HTTP/1.0\r\nHost: h\r\nConnection: close\r\nUpgrade: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  check(!parseRequestHead(kEarlier, kLimits, reused).has_value(), __LINE__);
  const auto again = parseRequestHead(head, kLimits, reused);
  check(again == error, __LINE__);
  if (!error) check(sameRequest(fresh, reused), __LINE__);

  ResponseHead response;
  if (!parseResponseHead(head, kLimits, response)) {
    check(complete, __LINE__);
    check(response.status >= 100 && response.status <= 599, __LINE__);
    const FieldFacts facts = checkFields(head, response.headers);
    checkFraming(facts, response.minor_version, response.chunked, response.content_length, response.keep_alive);
  }
}

void fuzzChunked(std::string_view input) {
  ChunkedDecoder whole(kLimits);
  std::string whole_body;
  const ChunkedDecoder::Step one = whole.feed(input, whole_body);
  check(one.consumed <= input.size(), __LINE__);
  check(one.done || one.error || one.consumed == input.size(), __LINE__);
  check(!(one.done && one.error), __LINE__);
  check(whole_body.size() == whole.decodedBytes() && whole_body.size() <= kLimits.max_body_bytes, __LINE__);
  if (one.done) check(one.consumed >= 5 && input.substr(one.consumed - 2, 2) == "\r\n", __LINE__);

  ChunkedDecoder split(kLimits);
  std::string split_body;
  Pieces pieces(input);
  std::size_t at = 0;
  ChunkedDecoder::Step last;
  std::size_t consumed = 0;
  while (at < input.size()) {
    const std::string_view part = input.substr(at, pieces.next());
    last = split.feed(part, split_body);
    consumed += last.consumed;
    at += part.size();
    if (last.done || last.error) break;
    check(last.consumed == part.size(), __LINE__);
  }
  check(last.done == one.done && last.error == one.error, __LINE__);
  check(consumed == one.consumed && split_body == whole_body, __LINE__);
  check(split.decodedBytes() == whole.decodedBytes(), __LINE__);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const HeadEnd end = findHeadEnd(input, 0);
  const HeadEnd naive = naiveHeadEnd(input);
  const HeadEnd pieces = headEndInPieces(input);
  check(end.state == naive.state && end.length == naive.length, __LINE__);
  check(end.state == pieces.state && end.length == pieces.length, __LINE__);
  if (end.state == HeadEnd::State::kComplete) {
    fuzzHead(input.substr(0, end.length), true);
    fuzzChunked(input.substr(end.length));
  } else {
    fuzzHead(input, false);  // no complete head: the parser must still refuse it without reading past it
    fuzzChunked(input);
  }
  return 0;
}
