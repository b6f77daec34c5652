// SPDX-License-Identifier: Apache-2.0
// Strict HTTP/1.1 heads: RFC 9112 sections 2-6 for the framing, RFC 9110 section 5 for the field
// syntax. Wherever a lenient reader and a strict one could frame the same bytes differently (the
// root of request smuggling), the message is refused, never repaired. One pass over each line;
// the only allocation is the growth of the caller's header vector.
#include "shield/http/head_parser.h"

#include "shield/http/ascii.h"
#include "shield/http/http_chars.h"

namespace rampart::shield::http {
namespace {

using chars::is;

// Far beyond any body a limit would let through, so it only guards the arithmetic, and still
// exact as a double for whoever logs it.
constexpr uint64_t kMaxContentLength = uint64_t{1} << 53;

// What the field lines say about framing and the connection, gathered while they are read.
struct Fields {
  std::optional<uint64_t> content_length;
  std::string_view transfer_encoding;  // the first Transfer-Encoding value
  std::string_view host;
  int transfer_encodings = 0;
  int hosts = 0;
  bool close = false;
  bool keep_alive = false;
  bool upgrade = false;
  bool expect_continue = false;
};

std::string_view trimOws(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The line that starts at `pos`, without its CRLF; `pos` moves past it. RFC 9112 section 2.2
// lets a recipient take a bare LF as a line end; we refuse it, since the next hop may not.
// A CR inside the line is left for the line's own grammar to refuse. `truncated`: no LF at all,
// which only a caller that skipped findHeadEnd can cause.
std::optional<ParseError> nextLine(std::string_view head, std::size_t& pos, std::string_view& line,
                                   ParseError truncated) noexcept {
  const std::size_t lf = head.find('\n', pos);
  if (lf == std::string_view::npos) return truncated;
  if (lf == pos || head[lf - 1] != '\r') return ParseError::kBareLf;
  line = head.substr(pos, lf - 1 - pos);
  pos = lf + 1;
  return std::nullopt;
}

// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 section 2.3), case-sensitive. Returns the minor
// version of 1.0 and 1.1; any other version in that shape is kBadVersion, anything else `malformed`.
std::optional<ParseError> parseVersion(std::string_view s, ParseError malformed, uint8_t& minor) noexcept {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || !digit(s[5]) || s[6] != '.' || !digit(s[7])) return malformed;
  if (s[5] != '1' || s[7] > '1') return ParseError::kBadVersion;
  minor = static_cast<uint8_t>(s[7] - '0');
  return std::nullopt;
}

Method methodFromText(std::string_view m) noexcept {
  // Methods are case-sensitive (RFC 9110 section 9.1): "get" is some other, unknown method.
  switch (m.size()) {
    case 3:
      if (m == "GET") return Method::kGet;
      if (m == "PUT") return Method::kPut;
      break;
    case 4:
      if (m == "HEAD") return Method::kHead;
      if (m == "POST") return Method::kPost;
      break;
    case 5:
      if (m == "PATCH") return Method::kPatch;
      if (m == "TRACE") return Method::kTrace;
      break;
    case 6:
      if (m == "DELETE") return Method::kDelete;
      break;
    case 7:
      if (m == "OPTIONS") return Method::kOptions;
      if (m == "CONNECT") return Method::kConnect;
      break;
    default: break;
  }
  return Method::kOther;
}

// absolute-form with an http or https scheme (RFC 9112 section 3.2.2) and a non-empty authority
// without userinfo, which RFC 9110 section 4.2.4 says to treat as an error.
bool isAbsoluteForm(std::string_view t) noexcept {
  std::size_t scheme = 0;
  if (t.size() > 7 && equalsIgnoreCase(t.substr(0, 7), "http://")) {
    scheme = 7;
  } else if (t.size() > 8 && equalsIgnoreCase(t.substr(0, 8), "https://")) {
    scheme = 8;
  } else {
    return false;
  }
  const std::string_view authority = t.substr(scheme, t.substr(scheme).find_first_of("/?"));
  return !authority.empty() && authority.find('@') == std::string_view::npos;
}

// authority-form, CONNECT only (RFC 9112 section 3.2.3): host ":" port, nothing else.
bool isAuthorityForm(std::string_view t) noexcept {
  const std::size_t colon = t.rfind(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  const std::string_view port = t.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  for (const char c : port) {
    if (c < '0' || c > '9') return false;
  }
  for (const char c : t.substr(0, colon)) {
    if (!is(c, chars::kHostChar)) return false;
  }
  return true;
}

bool targetFitsMethod(std::string_view t, Method m) noexcept {
  if (m == Method::kConnect) return isAuthorityForm(t);
  if (t.front() == '/') return true;           // origin-form
  if (t == "*") return m == Method::kOptions;  // asterisk-form
  return isAbsoluteForm(t);
}

// request-line = method SP request-target SP HTTP-version (RFC 9112 section 3): one SP each,
// no other whitespace, nothing before the method (no leading empty line either: the optional
// tolerance of section 2.2 is not taken, since nothing legitimate sends one).
std::optional<ParseError> parseRequestLine(std::string_view line, RequestHead& out) noexcept {
  std::size_t i = 0;
  while (i < line.size() && is(line[i], chars::kTchar)) ++i;
  if (i == 0 || i == line.size() || line[i] != ' ') return ParseError::kBadRequestLine;
  out.method_text = line.substr(0, i);
  out.method = methodFromText(out.method_text);
  const std::size_t target_start = ++i;
  while (i < line.size() && is(line[i], chars::kTargetChar)) ++i;
  if (i == target_start || i == line.size() || line[i] != ' ') return ParseError::kBadRequestLine;
  out.target = line.substr(target_start, i - target_start);
  // The version first, so that an HTTP/2 preface ("PRI * HTTP/2.0") is counted as a version.
  if (auto e = parseVersion(line.substr(i + 1), ParseError::kBadRequestLine, out.minor_version)) return e;
  if (!targetFitsMethod(out.target, out.method)) return ParseError::kBadRequestLine;
  return std::nullopt;
}

// status-line = HTTP-version SP 3DIGIT SP [ reason-phrase ] (RFC 9112 section 4). The SP before
// an empty reason is also allowed to be missing, as many origins send "HTTP/1.1 200\r\n".
std::optional<ParseError> parseStatusLine(std::string_view line, ResponseHead& out) noexcept {
  if (auto e = parseVersion(line.substr(0, 8), ParseError::kBadStatusLine, out.minor_version)) return e;
  if (line.size() < 12 || line[8] != ' ') return ParseError::kBadStatusLine;
  uint16_t status = 0;
  for (const char c : line.substr(9, 3)) {
    if (c < '0' || c > '9') return ParseError::kBadStatusLine;
    status = static_cast<uint16_t>(status * 10 + (c - '0'));
  }
  if (status < 100 || status > 599) return ParseError::kBadStatusLine;
  if (line.size() > 12) {
    if (line[12] != ' ') return ParseError::kBadStatusLine;
    for (const char c : line.substr(13)) {
      if (!is(c, chars::kFieldChar)) return ParseError::kBadStatusLine;
    }
  }
  out.status = status;
  return std::nullopt;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 section 5). No whitespace before
// the colon (section 5.1), no continuation lines (section 5.2), no control but HTAB in the value.
std::optional<ParseError> parseFieldLine(std::string_view line, Header& out) noexcept {
  if (line.front() == ' ' || line.front() == '\t') return ParseError::kObsFold;
  std::size_t i = 0;
  while (i < line.size() && is(line[i], chars::kTchar)) ++i;
  if (i == 0 || i == line.size() || line[i] != ':') return ParseError::kBadHeaderName;
  const std::string_view value = line.substr(i + 1);
  for (const char c : value) {
    if (!is(c, chars::kFieldChar)) return ParseError::kBadHeaderValue;
  }
  out.name = line.substr(0, i);
  out.value = trimOws(value);
  return std::nullopt;
}

// Content-Length = 1*DIGIT (RFC 9110 section 8.6). A second header or a list, even of equal
// values, is refused: section 8.6 lets a recipient accept "5, 5", but not every hop does.
std::optional<ParseError> noteContentLength(std::string_view value, Fields& f) noexcept {
  if (f.content_length || value.find(',') != std::string_view::npos) return ParseError::kDuplicateContentLength;
  if (value.empty()) return ParseError::kBadContentLength;
  uint64_t n = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return ParseError::kBadContentLength;
    n = n * 10 + static_cast<uint64_t>(c - '0');
    if (n > kMaxContentLength) return ParseError::kBadContentLength;
  }
  f.content_length = n;
  return std::nullopt;
}

// Connection = #connection-option (RFC 9110 section 7.6.1); only "close" and "keep-alive" matter.
void noteConnection(std::string_view value, Fields& f) noexcept {
  forEachToken(value, [&f](std::string_view option) {
    if (equalsIgnoreCase(option, "close")) f.close = true;
    if (equalsIgnoreCase(option, "keep-alive")) f.keep_alive = true;
  });
}

std::optional<ParseError> noteField(const Header& h, Fields& f) noexcept {
  switch (h.name.size()) {  // the length first: most fields are none of these and cost one compare
    case 4:
      if (equalsIgnoreCase(h.name, "host")) {
        for (const char c : h.value) {
          if (!is(c, chars::kHostChar)) return ParseError::kBadHeaderValue;
        }
        ++f.hosts;
        f.host = h.value;
      }
      break;
    case 6:
      if (equalsIgnoreCase(h.name, "expect") && equalsIgnoreCase(h.value, "100-continue")) f.expect_continue = true;
      break;
    case 7:
      if (equalsIgnoreCase(h.name, "upgrade")) f.upgrade = true;
      break;
    case 10:
      if (equalsIgnoreCase(h.name, "connection")) noteConnection(h.value, f);
      break;
    case 14:
      if (equalsIgnoreCase(h.name, "content-length")) return noteContentLength(h.value, f);
      break;
    case 17:
      if (equalsIgnoreCase(h.name, "transfer-encoding")) {
        if (f.transfer_encodings++ == 0) f.transfer_encoding = h.value;
      }
      break;
    default: break;
  }
  return std::nullopt;
}

// The field lines from `pos` to the empty line, which must end `head`.
std::optional<ParseError> parseFields(std::string_view head, std::size_t pos, const Limits& limits,
                                      ParseError truncated, std::vector<Header>& headers, Fields& f) noexcept {
  for (;;) {
    std::string_view line;
    if (auto e = nextLine(head, pos, line, truncated)) return e;
    if (line.empty()) {
      if (pos != head.size()) return truncated;  // bytes after the head: not delimited by findHeadEnd
      return std::nullopt;
    }
    if (headers.size() >= limits.max_headers) return ParseError::kTooManyHeaders;
    Header h;
    if (auto e = parseFieldLine(line, h)) return e;
    if (auto e = noteField(h, f)) return e;
    // The only allocation, and only until the vector has grown to the connection's largest head.
    headers.push_back(h);
  }
}

// Message body length, RFC 9112 section 6: Transfer-Encoding beside Content-Length is refused
// (section 6.3 lets a server pick TE; a smuggler counts on the next hop picking CL), and the only
// coding accepted is a lone "chunked", which HTTP/1.0 does not have (section 6.1).
std::optional<ParseError> checkFraming(const Fields& f, uint8_t minor, bool may_have_body, const Limits& limits,
                                       std::optional<uint64_t>& content_length, bool& chunked) noexcept {
  if (f.transfer_encodings > 0) {
    if (f.content_length) return ParseError::kTransferEncodingWithContentLength;
    if (f.transfer_encodings > 1 || minor == 0 || !equalsIgnoreCase(f.transfer_encoding, "chunked")) {
      return ParseError::kBadTransferEncoding;
    }
    chunked = true;
  }
  if (may_have_body && f.content_length && *f.content_length > limits.max_body_bytes) {
    return ParseError::kBodyTooLarge;
  }
  content_length = f.content_length;
  return std::nullopt;
}

bool keepAlive(const Fields& f, uint8_t minor) noexcept {
  if (f.close) return false;
  return minor == 1 || f.keep_alive;  // RFC 9112 section 9.3: 1.1 persists unless closed
}

}  // namespace

HeadEnd findHeadEnd(std::string_view buffer, std::size_t scanned) noexcept {
  // Only LFs are looked for, and each one is judged by the bytes before it, which a previous call
  // saw already; so resuming at `scanned` needs no backing up, even if that call ended on a CR.
  std::size_t pos = scanned < buffer.size() ? scanned : buffer.size();
  for (;;) {
    const std::size_t lf = buffer.find('\n', pos);
    if (lf == std::string_view::npos) return {};
    if (lf == 0 || buffer[lf - 1] != '\r') return {HeadEnd::State::kBareLf, 0};
    if (lf >= 3 && buffer[lf - 2] == '\n' && buffer[lf - 3] == '\r') return {HeadEnd::State::kComplete, lf + 1};
    pos = lf + 1;
  }
}

std::optional<ParseError> parseRequestHead(std::string_view head, const Limits& limits, RequestHead& out) noexcept {
  out.clear();
  if (head.size() > limits.max_head_bytes) return ParseError::kHeadTooLarge;
  std::size_t pos = 0;
  std::string_view line;
  if (auto e = nextLine(head, pos, line, ParseError::kBadRequestLine)) return e;
  if (auto e = parseRequestLine(line, out)) return e;
  Fields f;
  if (auto e = parseFields(head, pos, limits, ParseError::kBadRequestLine, out.headers, f)) return e;
  // RFC 9110 section 7.2: 1.1 needs a Host, and no request may carry two.
  if (f.hosts > 1 || (out.minor_version == 1 && (f.hosts == 0 || f.host.empty()))) return ParseError::kMissingHost;
  if (auto e = checkFraming(f, out.minor_version, true, limits, out.content_length, out.chunked)) return e;
  out.host = f.host;
  out.keep_alive = keepAlive(f, out.minor_version);
  out.upgrade = f.upgrade;
  out.expect_continue = f.expect_continue && out.minor_version == 1;  // 1.0 has no 100 (RFC 9110 10.1.1)
  return std::nullopt;
}

std::optional<ParseError> parseResponseHead(std::string_view head, const Limits& limits, ResponseHead& out) noexcept {
  out.clear();
  if (head.size() > limits.max_head_bytes) return ParseError::kHeadTooLarge;
  std::size_t pos = 0;
  std::string_view line;
  if (auto e = nextLine(head, pos, line, ParseError::kBadStatusLine)) return e;
  if (auto e = parseStatusLine(line, out)) return e;
  Fields f;
  if (auto e = parseFields(head, pos, limits, ParseError::kBadStatusLine, out.headers, f)) return e;
  // 1xx, 204 and 304 end at their head whatever Content-Length says (RFC 9112 section 6.3), and a
  // 304 may state the length of a representation it does not carry: no body limit applies.
  const bool may_have_body = out.status >= 200 && out.status != 204 && out.status != 304;
  if (auto e = checkFraming(f, out.minor_version, may_have_body, limits, out.content_length, out.chunked)) return e;
  out.keep_alive = keepAlive(f, out.minor_version);
  return std::nullopt;
}

}  // namespace rampart::shield::http
