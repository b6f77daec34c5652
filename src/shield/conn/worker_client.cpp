// SPDX-License-Identifier: Apache-2.0
// The client side of a worker: reading and judging requests, answering them (from the
// cache, with the challenge, or the shield's own refusals) and sending answers.
#include "shield/conn/worker.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "shield/conn/connection.h"
#include "shield/conn/tls_context.h"
#include "shield/conn/worker_io.h"
#include "shield/http/ascii.h"
#include "shield/http/forwarding.h"
#include "shield/http/head_parser.h"

namespace rampart::shield::conn {

using namespace worker_io;  // NOLINT(google-build-using-namespace): the worker's own helpers

// --- the client side ----------------------------------------------------------------------------

void Worker::strike(const core::IpAddress& client) {
  if (!config_.hand_off || !offenders_.strike(client, now_s_)) return;
  stats_.add(Counter::offenders);
  const std::lock_guard lock(found_mutex_);
  found_.push_back(client);
}

std::vector<core::IpAddress> Worker::takeOffenders() {
  const std::lock_guard lock(found_mutex_);
  return std::exchange(found_, {});
}

void Worker::onClientEvent(ClientConn& c, uint32_t events) {
  if (c.closed) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    c.readable = true;
    processClient(c);
  }
  if (!c.closed && (events & EPOLLOUT) && c.handshaking) processClient(c);
  if (!c.closed && (events & EPOLLOUT) && c.out_sent < c.out.size()) flushClient(c);
}

bool Worker::handshake(ClientConn& c) {
  ERR_clear_error();
  const int r = SSL_do_handshake(c.ssl);
  if (r == 1) {
    c.handshaking = false;
    c.head_start_ns = 0;
    stats_.add(Counter::tls_handshakes);
    if (SSL_session_reused(c.ssl)) stats_.add(Counter::tls_resumed);
    if (TlsContext::negotiatedH2(c.ssl)) startH2(c);
    return true;
  }
  const int e = SSL_get_error(c.ssl, r);
  if (e == SSL_ERROR_WANT_READ) {
    c.readable = false;  // it read until the socket was empty
    return false;
  }
  if (e == SSL_ERROR_WANT_WRITE) return false;  // EPOLLOUT's edge brings it back
  stats_.add(Counter::tls_failed);
  closeClient(c);
  return false;
}

long Worker::clientRead(ClientConn& c, bool& drained) {
  if (!c.ssl) return readInto(c.fd, c.in, kMaxReadPerEvent, read_buffer_, drained);
  // As readInto, through TLS: SSL_read until it wants more from the socket.
  std::size_t total = 0;
  drained = false;
  while (total < kMaxReadPerEvent) {
    ERR_clear_error();
    const int n = SSL_read(c.ssl, read_buffer_.data(), static_cast<int>(read_buffer_.size()));
    if (n > 0) {
      c.in.append(read_buffer_.data(), static_cast<std::size_t>(n));
      total += static_cast<std::size_t>(n);
      continue;
    }
    drained = true;
    const int e = SSL_get_error(c.ssl, n);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return total > 0 ? static_cast<long>(total) : -1;
    if (e == SSL_ERROR_ZERO_RETURN) return total > 0 ? static_cast<long>(total) : 0;
    return total > 0 ? static_cast<long>(total) : -2;
  }
  return static_cast<long>(total);
}

// Bytes sent, -1 when the socket is full (EPOLLOUT's edge resumes), -2 on error.
long Worker::clientWrite(ClientConn& c, const char* data, std::size_t size) {
  if (!c.ssl) {
    for (;;) {
      const ssize_t n = send(c.fd, data, size, MSG_NOSIGNAL);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? -1 : -2;
    }
  }
  ERR_clear_error();
  const int n = SSL_write(c.ssl, data, static_cast<int>(std::min<std::size_t>(size, 1 << 20)));
  if (n > 0) return n;
  const int e = SSL_get_error(c.ssl, n);
  return e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ ? -1 : -2;
}

bool Worker::readSome(ClientConn& c) {
  bool drained = false;
  const long n = clientRead(c, drained);
  if (drained) c.readable = false;
  if (n == 0 || n == -2) {  // the client left (or broke) before its request was complete
    closeClient(c);
    return false;
  }
  return n > 0;
}

// Reads and handles requests until the connection must wait: for more bytes, or for the answer
// in flight (nothing is read meanwhile: pipelined requests wait in the kernel's buffer, which
// bounds what one client can queue). A head stays bounded by the head limit, checked in readHead.
void Worker::processClient(ClientConn& c) {
  if (c.processing || c.closed) return;
  c.processing = true;
  if (c.handshaking && !handshake(c)) {
    c.processing = false;
    return;
  }
  if (!c.h2) readRequests(c);
  if (c.h2 && !c.closed) processH2(c);  // negotiated by ALPN, or an h2c preface just read
  c.processing = false;
}

void Worker::readRequests(ClientConn& c) {
  for (std::size_t reads = 0;;) {
    bool progressed = true;
    while (progressed && !c.closed) {
      if (c.state == ClientConn::State::kHead) {
        progressed = readHead(c);
      } else if (c.state == ClientConn::State::kBody) {
        progressed = readBody(c);
      } else {
        progressed = false;
      }
    }
    const bool wants_input = c.state == ClientConn::State::kHead || c.state == ClientConn::State::kBody;
    if (c.closed || !wants_input || !c.readable) break;
    if (++reads > kReadsPerTurn) {
      ready_.push_back(&c);
      break;
    }
    if (!readSome(c)) break;
  }
}

bool Worker::readHead(ClientConn& c) {
  if (c.in.empty()) return false;
  // HTTP/2 with prior knowledge: only as a cleartext connection's first bytes. Later (after a
  // request, pipelined) the preface is a request head like any other, and refused.
  if (config_.http2.enabled && !c.served && !c.https && !c.parent &&
      c.in.compare(0, std::min(c.in.size(), h2::kPreface.size()), h2::kPreface.substr(0, c.in.size())) == 0) {
    if (c.in.size() < h2::kPreface.size()) return false;  // not yet sure
    startH2(c);
    return false;
  }
  c.served = true;
  if (c.head_start_ns == 0) c.head_start_ns = now_ns_;
  const http::HeadEnd end = http::findHeadEnd(c.in, c.scanned);
  if (end.state == http::HeadEnd::State::kBareLf) {
    stats_.add(Counter::rejected_malformed);
    strike(c.peer);
    respondOwn(c, 400, {}, "Bad request: a line ended without CR.\n", false);
    return false;
  }
  if (end.state == http::HeadEnd::State::kIncomplete) {
    c.scanned = c.in.size();
    if (c.in.size() > config_.http.max_head_bytes) {
      stats_.add(Counter::rejected_malformed);
      strike(c.peer);
      respondOwn(c, 431, {}, "Request head too large.\n", false);
    }
    return false;
  }
  stats_.add(Counter::requests);
  const std::string_view head(c.in.data(), end.length);
  if (const auto error = http::parseRequestHead(head, config_.http, c.request)) {
    stats_.add(Counter::rejected_malformed);
    strike(c.peer);
    c.head_only = false;
    respondOwn(c, statusFor(*error), {}, std::string(http::describe(*error)) + "\n", false);
    return false;
  }
  const http::RequestHead& req = c.request;
  c.head_only = req.method == http::Method::kHead;
  c.keep_alive = req.keep_alive && !c.parent;  // a stream carries one request
  c.minor_version = req.minor_version;
  c.has_body = req.chunked || req.content_length.has_value();
  if (asksH2c(req)) {
    stats_.add(Counter::rejected_upgrade);
    respondOwn(c, 400, {}, "Upgrade to h2c is not accepted.\n", false);
    return false;
  }
  if (req.method == http::Method::kConnect) {
    stats_.add(Counter::rejected_malformed);
    strike(c.peer);
    respondOwn(c, 501, {}, "CONNECT is not served.\n", false);
    return false;
  }
  const auto verdict = clients_.request(c.peer, pathOf(req.target), now_ns_);
  if (verdict.refusal != policy::Refusal::kNone) {
    stats_.add(Counter::limited_requests);
    strike(c.peer);
    const std::string retry = "Retry-After: " + std::to_string(verdict.retry_after_s) + "\r\n";
    answerHead(c, end.length, 429, retry, "text/plain; charset=utf-8", "Too many requests: slow down.\n");
    return !c.closed && c.state == ClientConn::State::kHead;
  }
  const uint32_t difficulty = shared_.difficulty.load(std::memory_order_relaxed);
  if ((difficulty > 0 || pathOf(req.target).starts_with(policy::kChallengePrefix)) &&
      !admitUnderAttack(c, req, difficulty, end.length)) {
    return !c.closed && c.state == ClientConn::State::kHead;
  }
  c.pending.clear();
  http::appendOriginRequest(req, http::ClientInfo{c.peer_text, c.https}, c.pending);
  c.cache_key.clear();
  c.fetching = false;
  if (cache_.config().enabled &&
      policy::MicroCache::requestCacheable(req, difficulty > 0, shared_.challenger.config().cookie_name)) {
    // Under attack the query is left out: random query strings are how floods bust caches.
    c.cache_key =
        policy::MicroCache::key(req.host, req.target, difficulty > 0 && !cache_.keepsQuery(pathOf(req.target)));
  }
  const bool expect_continue = req.expect_continue;
  c.body.clear();
  if (req.chunked) {
    c.chunks.reset();
    c.state = ClientConn::State::kBody;
  } else if (req.content_length && *req.content_length > 0) {
    c.body_left = *req.content_length;
    c.state = ClientConn::State::kBody;
  }
  c.in.erase(0, end.length);  // the request's views die here; what is needed was copied above
  c.scanned = 0;
  c.request.clear();
  if (c.state != ClientConn::State::kBody) {
    if (c.cache_key.empty() || !fromCache(c)) dispatch(c);
    return !c.closed && c.state == ClientConn::State::kHead;
  }
  c.body_start_ns = now_ns_;
  if (expect_continue) {
    c.out.append("HTTP/1.1 100 Continue\r\n\r\n");
    flushClient(c);
  }
  return !c.closed;
}

void Worker::answerHead(ClientConn& c, std::size_t head_length, uint16_t status, std::string_view extra_headers,
                        std::string_view content_type, std::string_view body) {
  // A body not read would be taken for the next request: with one, the connection ends here.
  const bool keep = c.keep_alive && !c.has_body;
  c.in.erase(0, head_length);  // the request's views die here
  c.scanned = 0;
  c.request.clear();
  http::appendOwnResponse(status, extra_headers, content_type, body, keep, c.head_only, c.out);
  c.response_done = true;
  c.state = keep ? ClientConn::State::kAnswering : ClientConn::State::kClosing;
  c.close_after = !keep;
  flushClient(c);
}

bool Worker::admitUnderAttack(ClientConn& c, const http::RequestHead& req, uint32_t difficulty,
                              std::size_t head_length) {
  const std::string_view path = pathOf(req.target);
  const policy::Challenger& ch = shared_.challenger;
  if (path.starts_with(policy::kChallengePrefix)) {  // an answer to a challenge: never forwarded
    const auto v = ch.verify(req.target, c.peer, now_s_);
    if (!v.ok) {
      stats_.add(Counter::challenge_failed);
      strike(c.peer);
      answerHead(
          c, head_length, 403, {}, "text/plain; charset=utf-8",
          std::string("The check did not succeed (") + std::string(v.why) + "). Reload the page to try again.\n");
      return false;
    }
    stats_.add(Counter::passes_issued);
    const std::string headers =
        "Location: " + v.return_to + "\r\nSet-Cookie: " + ch.passCookie(c.peer, now_s_) + "\r\n";
    answerHead(c, head_length, 302, headers, "text/plain; charset=utf-8", "Thank you: on to the site.\n");
    return false;
  }
  if (path == "/robots.txt" || path.starts_with("/.well-known/")) {
    stats_.add(Counter::exempt_paths);
    return true;
  }
  for (const http::Header& h : req.headers) {
    if (http::equalsIgnoreCase(h.name, "cookie") && ch.hasValidPass(h.value, c.peer, now_s_)) {
      stats_.add(Counter::passed_with_pass);
      return true;
    }
    if (http::equalsIgnoreCase(h.name, "user-agent") && policy::isAllowedCrawler(config_.crawlers, c.peer, h.value)) {
      stats_.add(Counter::crawlers_allowed);
      return true;
    }
  }
  stats_.add(Counter::challenged);
  const std::string page = ch.challengePage(c.peer, req.target, difficulty, now_s_);
  answerHead(c, head_length, 503, "Retry-After: 5\r\n", "text/html; charset=utf-8", page);
  return false;
}

bool Worker::readBody(ClientConn& c) {
  if (c.in.empty()) return false;
  if (c.body_left > 0) {
    const std::size_t take = static_cast<std::size_t>(std::min<uint64_t>(c.body_left, c.in.size()));
    c.body.append(c.in, 0, take);
    c.in.erase(0, take);
    c.body_left -= take;
    if (c.body_left > 0) return false;
  } else {
    const auto step = c.chunks.feed(c.in, c.body);
    c.in.erase(0, step.consumed);
    if (step.error) {
      stats_.add(Counter::rejected_malformed);
      strike(c.peer);
      respondOwn(c, statusFor(*step.error), {}, std::string(http::describe(*step.error)) + "\n", false);
      return false;
    }
    if (!step.done) return false;
  }
  dispatch(c);
  return false;
}

bool Worker::fromCache(ClientConn& c) {
  policy::MicroCache::Hit hit{};
  if (const auto* e = cache_.find(c.cache_key, now_ns_, false, hit)) {
    stats_.add(Counter::cache_hits);
    serveCached(c, *e, "hit");
    return true;
  }
  if (c.head_only) return false;  // a HEAD's answer has no body to keep, nor to share
  auto [it, first] = waiting_.try_emplace(c.cache_key);
  if (first) {
    c.fetching = true;  // this one fetches; identical requests until its answer wait for it
    stats_.add(Counter::cache_misses);
    return false;
  }
  stats_.add(Counter::cache_coalesced);
  http::finishOriginRequest(false, {}, c.pending);  // ready, should it have to go itself
  c.state = ClientConn::State::kAnswering;
  c.response_done = false;
  c.dispatched_ns = now_ns_;
  c.head_start_ns = 0;
  c.waiting = true;
  it->second.push_back(&c);
  return true;
}

void Worker::serveCached(ClientConn& c, const policy::MicroCache::Entry& e, std::string_view how) {
  c.out.append(e.head);
  c.out.append("\r\nX-Rampart-Cache: ");
  c.out.append(how);
  if (!c.keep_alive) c.out.append("\r\nConnection: close");
  c.out.append("\r\n\r\n");
  if (!c.head_only) c.out.append(e.body);
  c.response_done = true;
  c.head_start_ns = 0;
  c.state = c.keep_alive ? ClientConn::State::kAnswering : ClientConn::State::kClosing;
  c.close_after = !c.keep_alive;
  flushClient(c);
}

void Worker::endFetch(const std::string& key) {
  const auto it = waiting_.find(key);
  if (it == waiting_.end()) return;
  std::vector<ClientConn*> waiters = std::move(it->second);
  waiting_.erase(it);
  for (ClientConn* w : waiters) {
    w->waiting = false;
    if (w->closed) continue;  // closed during this loop (freed only after the round)
    policy::MicroCache::Hit hit{};
    // Stale content too: if the fetch failed, the origin is in trouble, and old beats nothing.
    if (const auto* e = cache_.find(key, now_ns_, true, hit)) {
      serveCached(*w, *e, hit == policy::MicroCache::Hit::kFresh ? "hit" : "stale");
      continue;
    }
    w->cache_key.clear();
    w->pending.erase(w->pending.size() - 2);  // dispatch ends the head itself
    dispatch(*w);
  }
}

void Worker::dispatch(ClientConn& c) {
  http::finishOriginRequest(c.has_body, c.body, c.pending);
  c.body.clear();
  c.state = ClientConn::State::kAnswering;
  c.response_done = false;
  c.dispatched_ns = now_ns_;
  c.head_start_ns = 0;
  OriginConn* o = originFor(c);
  if (!o) {
    stats_.add(Counter::origin_failed);
    respondOwn(c, 502, {}, "The site is not reachable right now.\n", false);
    return;
  }
  stats_.add(Counter::forwarded);
  sendToOrigin(c, *o, c.pending);
}

void Worker::respondOwn(ClientConn& c, uint16_t status, std::string_view extra_headers, std::string_view body,
                        bool keep_alive) {
  http::appendOwnResponse(status, extra_headers, "text/plain; charset=utf-8", body, keep_alive && c.keep_alive,
                          c.head_only, c.out);
  c.response_done = true;
  c.state = ClientConn::State::kAnswering;
  if (!keep_alive || !c.keep_alive) {
    c.close_after = true;
    c.state = ClientConn::State::kClosing;
  }
  flushClient(c);
}

bool Worker::writeOut(ClientConn& c) {
  while (c.out_sent < c.out.size()) {
    if (c.send_start_ns == 0) c.send_start_ns = now_ns_;
    const long n = clientWrite(c, c.out.data() + c.out_sent, c.out.size() - c.out_sent);
    if (n > 0) {
      c.out_sent += static_cast<std::size_t>(n);
      c.sent_bytes += static_cast<uint64_t>(n);
      continue;
    }
    if (n == -1) {
      if (c.out_sent > kClientOutHighWater) {  // keep the buffer from growing at its front
        c.out.erase(0, c.out_sent);
        c.out_sent = 0;
      }
      return false;
    }
    closeClient(c);
    return false;
  }
  c.out.clear();
  c.out_sent = 0;
  return true;
}

void Worker::flushClient(ClientConn& c) {
  if (c.parent) {
    flushStream(c);
    return;
  }
  if (c.h2) {
    pumpH2(c);
    return;
  }
  if (!writeOut(c)) return;
  if (c.origin && c.origin->paused && !c.origin->closed) {  // drained: let the origin go on
    c.origin->paused = false;
    if (c.origin->readable) readOrigin(*c.origin);
    return;
  }
  if (c.response_done && c.state != ClientConn::State::kHead && c.state != ClientConn::State::kBody) {
    responseDone(c);
  }
}

void Worker::responseDone(ClientConn& c) {
  if (c.close_after) {
    closeClient(c);
    return;
  }
  c.state = ClientConn::State::kHead;
  c.head_start_ns = 0;
  c.idle_since_ns = now_ns_;
  c.send_start_ns = 0;
  c.sent_bytes = 0;
  c.dispatched_ns = 0;
  processClient(c);  // a pipelined request may already be waiting (inside processClient: its loop goes on)
}

}  // namespace rampart::shield::conn
