// SPDX-License-Identifier: Apache-2.0
#include "shield/http/forwarding.h"

#include <array>
#include <charconv>

#include "shield/http/ascii.h"

namespace rampart::shield::http {
namespace {

void appendNumber(uint64_t v, std::string& out) {
  std::array<char, 24> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), r.ptr);
}

// Whether `name` is listed in one of the message's Connection headers: those are hop-by-hop too.
bool namedByConnection(const std::vector<Header>& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (!equalsIgnoreCase(h.name, "connection")) continue;
    bool found = false;
    forEachToken(h.value, [&](std::string_view t) { found = found || equalsIgnoreCase(t, name); });
    if (found) return true;
  }
  return false;
}

void appendHeader(std::string_view name, std::string_view value, std::string& out) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

bool isHopByHop(std::string_view name) noexcept {
  static constexpr std::array<std::string_view, 15> kNames = {
      "connection",        "keep-alive",        "proxy-connection", "te",        "trailer",
      "transfer-encoding", "upgrade",           "http2-settings",   "expect",    "content-length",
      "x-forwarded-for",   "x-forwarded-proto", "x-forwarded-host", "forwarded", "x-real-ip"};
  for (std::string_view n : kNames) {
    if (equalsIgnoreCase(name, n)) return true;
  }
  return false;
}

void appendOriginRequest(const RequestHead& req, const ClientInfo& client, std::string& out) {
  out.append(req.method_text);
  out.push_back(' ');
  out.append(req.target);
  out.append(" HTTP/1.1\r\n");
  for (const Header& h : req.headers) {
    if (isHopByHop(h.name) || namedByConnection(req.headers, h.name)) continue;
    appendHeader(h.name, h.value, out);
  }
  // A client's own X-Forwarded-For is not trusted: the shield is the edge, so it names the peer.
  appendHeader("X-Forwarded-For", client.address, out);
  appendHeader("X-Forwarded-Proto", client.tls ? "https" : "http", out);
  out.append("Forwarded: for=");
  const bool v6 = client.address.find(':') != std::string_view::npos;
  if (v6) out.append("\"[");
  out.append(client.address);
  if (v6) out.append("]\"");
  out.append(client.tls ? ";proto=https\r\n" : ";proto=http\r\n");
}

void finishOriginRequest(bool has_body, std::string_view body, std::string& out) {
  if (has_body) {
    out.append("Content-Length: ");
    appendNumber(body.size(), out);
    out.append("\r\n");
  }
  out.append("\r\n");
  out.append(body);
}

void appendClientResponse(std::string_view status_line, const ResponseHead& resp, bool keep_alive, bool dechunk,
                          std::string& out) {
  // "HTTP/1.x" is replaced: the shield speaks HTTP/1.1 to its clients whatever the origin speaks.
  const auto sp = status_line.find(' ');
  out.append("HTTP/1.1");
  if (sp != std::string_view::npos) out.append(status_line.substr(sp));
  out.append("\r\n");
  for (const Header& h : resp.headers) {
    if (equalsIgnoreCase(h.name, "transfer-encoding") && !dechunk) {
      appendHeader(h.name, h.value, out);  // the chunked body is passed on as it comes
      continue;
    }
    if (equalsIgnoreCase(h.name, "content-length") && !resp.chunked) {
      appendHeader(h.name, h.value, out);
      continue;
    }
    if (isHopByHop(h.name) || namedByConnection(resp.headers, h.name)) continue;
    appendHeader(h.name, h.value, out);
  }
  if (!keep_alive) out.append("Connection: close\r\n");
  out.append("\r\n");
}

void appendOwnResponse(uint16_t status, std::string_view extra_headers, std::string_view content_type,
                       std::string_view body, bool keep_alive, bool head_only, std::string& out) {
  out.append("HTTP/1.1 ");
  appendNumber(status, out);
  out.push_back(' ');
  out.append(reasonPhrase(status));
  out.append("\r\nServer: rampart-shield\r\nCache-Control: no-store\r\nContent-Type: ");
  out.append(content_type);
  out.append("\r\nContent-Length: ");
  appendNumber(body.size(), out);
  out.append("\r\n");
  out.append(extra_headers);
  if (!keep_alive) out.append("Connection: close\r\n");
  out.append("\r\n");
  if (!head_only) out.append(body);
}

std::string_view reasonPhrase(uint16_t status) noexcept {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

}  // namespace rampart::shield::http
