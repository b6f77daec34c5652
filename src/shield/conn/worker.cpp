// SPDX-License-Identifier: Apache-2.0
// One worker's event loop. The state machine of a client connection is:
//   kHead --head parsed--> kBody --body read--> kAnswering --answer sent--> kHead (kept alive)
// with kClosing for a last answer (errors, refusals, `Connection: close`). A request is sent to
// an origin only once it has been read in full, re-framed with Content-Length, so what the origin
// reads is exactly what the shield read: there is no second parser to disagree with.
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
#include "shield/http/ascii.h"
#include "shield/http/forwarding.h"
#include "shield/http/head_parser.h"

namespace rampart::shield::conn {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kMaxReadPerEvent = 256 * 1024;
constexpr std::size_t kClientOutHighWater = 512 * 1024;  // origin reading pauses above this
constexpr std::size_t kOriginHeadLimit = 64 * 1024;
constexpr uint64_t kSweepNs = 100'000'000;
constexpr uint64_t kTableSweepNs = 10'000'000'000;
constexpr uint64_t kOriginDownNs = 2'000'000'000;
constexpr uint64_t kMsNs = 1'000'000;
constexpr std::size_t kReadsPerTurn = 4;  // then the client waits for the next loop round

uint64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// Reads what the socket has onto the end of `buf`, up to `limit` bytes, through `scratch` (so `buf`
// grows by what arrived, never by a zero-filled chunk). `drained` says the socket had no more
// (the edge-triggered loop must not wait for another event otherwise). Returns bytes read, 0 on
// EOF, -1 when nothing was there, -2 on error.
long readInto(int fd, std::string& buf, std::size_t limit, std::vector<char>& scratch, bool& drained) {
  std::size_t total = 0;
  drained = false;
  while (total < limit) {
    const ssize_t n = recv(fd, scratch.data(), scratch.size(), 0);
    if (n > 0) {
      buf.append(scratch.data(), static_cast<std::size_t>(n));
      total += static_cast<std::size_t>(n);
      if (static_cast<std::size_t>(n) < scratch.size()) {  // a short read empties the queue
        drained = true;
        break;
      }
      continue;
    }
    if (n == 0) {
      drained = true;  // EOF stays readable: the next call sees it again
      return total > 0 ? static_cast<long>(total) : 0;
    }
    if (errno == EINTR) continue;
    drained = true;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return total > 0 ? static_cast<long>(total) : -1;
    return -2;
  }
  return static_cast<long>(total);
}

// The status a refused request head is answered with.
uint16_t statusFor(http::ParseError e) {
  switch (e) {
    case http::ParseError::kHeadTooLarge:
    case http::ParseError::kTooManyHeaders: return 431;
    case http::ParseError::kBodyTooLarge: return 413;
    case http::ParseError::kBadTransferEncoding: return 501;
    default: return 400;
  }
}

// Whether the request asks to switch to HTTP/2 in clear text (RFC 7540 section 3.2), which a
// proxy must never pass on: the origin would read what follows under different framing.
bool asksH2c(const http::RequestHead& req) {
  for (const http::Header& h : req.headers) {
    if (http::equalsIgnoreCase(h.name, "http2-settings")) return true;
    if (!http::equalsIgnoreCase(h.name, "upgrade")) continue;
    bool h2c = false;
    http::forEachToken(h.value, [&](std::string_view t) { h2c = h2c || http::equalsIgnoreCase(t, "h2c"); });
    if (h2c) return true;
  }
  return false;
}

std::string_view pathOf(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const auto slash = target.find('/', target.find("//") + 2);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  return target.substr(0, target.find('?'));
}

Counter counterFor(policy::Refusal r) {
  switch (r) {
    case policy::Refusal::kAddressConnections: return Counter::refused_address_connections;
    case policy::Refusal::kNetworkConnections: return Counter::refused_network_connections;
    case policy::Refusal::kAddressConnectionRate: return Counter::refused_address_rate;
    case policy::Refusal::kNetworkConnectionRate: return Counter::refused_network_rate;
    case policy::Refusal::kHandshakeRate: return Counter::refused_handshake_rate;
    default: return Counter::limited_requests;  // request-time refusals: not reached at accept
  }
}

void closeWithReset(int fd) {
  const linger l{1, 0};  // a refused client gets a RST: no TIME_WAIT, no FIN handshake to pay for
  (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

}  // namespace

Worker::Worker(const ShieldConfig& config, const std::vector<Endpoint>& origins, int listen_fd, int tls_fd,
               const TlsContext* tls, ShieldStats& stats, const SharedState& shared)
    : config_(config),
      listen_fd_(listen_fd),
      tls_fd_(tls_fd),
      tls_(tls),
      stats_(stats),
      shared_(shared),
      clients_(config.clients),
      cache_(config.cache),
      offenders_(config.offenders) {
  for (const auto& e : origins) origins_.push_back(Origin{e, {}, 0});
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  read_buffer_.resize(kReadChunk);
}

Worker::~Worker() {
  for (auto& c : conns_) {
    if (c->closed) continue;
    if (c->ssl) SSL_free(c->ssl);
    close(c->fd);
  }
  for (auto& o : origin_conns_) {
    if (!o->closed) close(o->fd);
  }
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void Worker::watch(int fd, void* tag) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = tag;
  (void)epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
}

void Worker::run(const std::atomic<bool>& stop) {
  Pollable listener(Pollable::Kind::kListener);
  Pollable tls_listener(Pollable::Kind::kTlsListener);
  for (auto [fd, tag] : {std::pair{listen_fd_, &listener}, std::pair{tls_fd_, &tls_listener}}) {
    if (fd < 0) continue;
    epoll_event lev{};
    lev.events = EPOLLIN;  // level-triggered: accepting stops after a batch and resumes next round
    lev.data.ptr = tag;
    (void)epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &lev);
  }
  epoll_event events[256];
  now_ns_ = monotonicNs();
  last_sweep_ns_ = last_table_sweep_ns_ = now_ns_;
  while (!stop.load(std::memory_order_relaxed)) {
    const int n = epoll_wait(epoll_fd_, events, 256, ready_.empty() ? 100 : 0);
    now_ns_ = monotonicNs();
    now_s_ = static_cast<uint64_t>(time(nullptr));
    for (int i = 0; i < n; ++i) {
      auto* p = static_cast<Pollable*>(events[i].data.ptr);
      switch (p->kind) {
        case Pollable::Kind::kListener: onAccept(listen_fd_, false); break;
        case Pollable::Kind::kTlsListener: onAccept(tls_fd_, true); break;
        case Pollable::Kind::kClient: onClientEvent(*static_cast<ClientConn*>(p), events[i].events); break;
        case Pollable::Kind::kOrigin: onOriginEvent(*static_cast<OriginConn*>(p), events[i].events); break;
      }
    }
    // Clients that had more to read than one turn allows go on now, after everyone else's events.
    std::vector<ClientConn*> ready;
    ready.swap(ready_);
    for (ClientConn* c : ready) processClient(*c);
    if (now_ns_ - last_sweep_ns_ >= kSweepNs) sweep();
    reap();
  }
}

// --- accepting ----------------------------------------------------------------------------------

void Worker::onAccept(int listen_fd, bool tls) {
  for (int i = 0; i < 64; ++i) {  // a bounded batch: an accept flood must not starve the clients
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    const int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    const core::IpAddress address = peerAddress(peer);
    if (conns_.size() >= config_.max_connections) {
      stats_.add(Counter::refused_worker_full);
      closeWithReset(fd);
      continue;
    }
    if (const policy::Refusal r = clients_.admit(address, now_ns_, tls); r != policy::Refusal::kNone) {
      stats_.add(counterFor(r));
      strike(address);
      closeWithReset(fd);
      continue;
    }
    const int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto c = std::make_unique<ClientConn>(config_.http);
    c->fd = fd;
    c->peer = address;
    c->peer_text = address.toString();
    c->idle_since_ns = now_ns_;
    if (tls) {
      c->ssl = tls_->accept(fd);
      if (!c->ssl) {
        clients_.release(address);
        close(fd);
        continue;
      }
      c->handshaking = true;
      c->head_start_ns = now_ns_;  // the handshake counts against the head's deadline
    }
    c->slot = conns_.size();
    watch(fd, c.get());
    conns_.push_back(std::move(c));
    stats_.add(Counter::accepted);
    stats_.open_connections.store(conns_.size(), std::memory_order_relaxed);
  }
}

// --- the client side ----------------------------------------------------------------------------

void Worker::strike(const core::IpAddress& client) {
  if (config_.mitigation_socket.empty() || !offenders_.strike(client, now_s_)) return;
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
  c.processing = false;
}

bool Worker::readHead(ClientConn& c) {
  if (c.in.empty()) return false;
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
  c.keep_alive = req.keep_alive;
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
  http::appendOriginRequest(req, http::ClientInfo{c.peer_text, c.ssl != nullptr}, c.pending);
  c.cache_key.clear();
  c.fetching = false;
  if (cache_.config().enabled &&
      policy::MicroCache::requestCacheable(req, difficulty > 0, shared_.challenger.config().cookie_name)) {
    // Under attack the query is left out: random query strings are how floods bust caches.
    c.cache_key = policy::MicroCache::key(req.host, req.target, difficulty > 0);
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
    if (w->closed) continue;
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
  o->client = &c;
  c.origin = o;
  o->out.swap(c.pending);
  o->out_sent = 0;
  o->dechunk = c.minor_version == 0;
  if (o->connected) flushOrigin(*o);
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

void Worker::flushClient(ClientConn& c) {
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
      return;
    }
    closeClient(c);
    return;
  }
  c.out.clear();
  c.out_sent = 0;
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

// --- the origin side ----------------------------------------------------------------------------

OriginConn* Worker::originFor(ClientConn& c) {
  (void)c;
  if (origins_.empty()) return nullptr;
  // In turn, skipping origins that failed a moment ago (unless every one did).
  std::size_t pick = next_origin_ % origins_.size();
  for (std::size_t i = 0; i < origins_.size(); ++i) {
    const std::size_t k = (next_origin_ + i) % origins_.size();
    const bool checked_down = shared_.origin_down && shared_.origin_down[k].load(std::memory_order_relaxed);
    if (origins_[k].down_until_ns <= now_ns_ && !checked_down) {
      pick = k;
      break;
    }
  }
  next_origin_ = pick + 1;
  Origin& origin = origins_[pick];
  while (!origin.idle.empty()) {
    OriginConn* o = origin.idle.back();
    origin.idle.pop_back();
    if (o->closed) continue;
    o->reused = true;
    stats_.add(Counter::origin_reused);
    return o;
  }
  const int fd = socket(origin.endpoint.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  const int one = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&origin.endpoint.address), origin.endpoint.length) != 0 &&
      errno != EINPROGRESS) {
    close(fd);
    origin.down_until_ns = now_ns_ + kOriginDownNs;
    return nullptr;
  }
  stats_.add(Counter::origin_connects);
  auto o = std::make_unique<OriginConn>(config_.http);
  o->fd = fd;
  o->origin = pick;
  o->slot = origin_conns_.size();
  o->started_ns = now_ns_;
  watch(fd, o.get());
  origin_conns_.push_back(std::move(o));
  return origin_conns_.back().get();
}

void Worker::onOriginEvent(OriginConn& o, uint32_t events) {
  if (o.closed) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) o.readable = true;
  if (!o.connected) {
    int err = 0;
    socklen_t len = sizeof err;
    (void)getsockopt(o.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
      origins_[o.origin].down_until_ns = now_ns_ + kOriginDownNs;
      originBroke(o, 502);
      return;
    }
    if (!(events & EPOLLOUT)) return;
    o.connected = true;
  }
  if (events & EPOLLOUT) {
    flushOrigin(o);
    if (o.closed) return;
  }
  if (o.readable && !o.paused) readOrigin(o);
}

void Worker::flushOrigin(OriginConn& o) {
  while (o.out_sent < o.out.size()) {
    const ssize_t n = send(o.fd, o.out.data() + o.out_sent, o.out.size() - o.out_sent, MSG_NOSIGNAL);
    if (n > 0) {
      o.out_sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // EPOLLOUT's edge resumes it
    originBroke(o, 502);
    return;
  }
}

void Worker::readOrigin(OriginConn& o) {
  if (!o.client) {  // idle in the pool: the origin closed it (or talks out of turn)
    closeOrigin(o);
    return;
  }
  // Each round moves what was read on to the client; more than one read's worth may be waiting.
  while (o.readable && !o.paused && !o.closed && o.client) {
    bool drained = false;
    const long n = readInto(o.fd, o.in, kMaxReadPerEvent, read_buffer_, drained);
    if (drained) o.readable = false;
    if (n == -1) return;
    if (n == -2 || (n == 0 && o.in.empty())) {
      if (o.head_done && o.framing == OriginConn::Framing::kUntilClose) {
        originFinished(o, false);
      } else {
        originBroke(o, 502);
      }
      return;
    }
    if (!o.head_done && !originHead(o)) return;
    originBody(o);
    if (n == 0 && !o.closed && o.client) {  // EOF after the data just passed on
      if (o.framing == OriginConn::Framing::kUntilClose) {
        originFinished(o, false);
      } else {
        originBroke(o, 502);
      }
      return;
    }
  }
}

bool Worker::originHead(OriginConn& o) {
  ClientConn& c = *o.client;
  for (;;) {
    const http::HeadEnd end = http::findHeadEnd(o.in, o.scanned);
    if (end.state == http::HeadEnd::State::kIncomplete) {
      o.scanned = o.in.size();
      if (o.in.size() > kOriginHeadLimit) originBroke(o, 502);
      return false;
    }
    http::Limits limits = config_.http;
    limits.max_head_bytes = kOriginHeadLimit;
    limits.max_body_bytes = UINT64_MAX;
    if (end.state == http::HeadEnd::State::kBareLf ||
        http::parseResponseHead(std::string_view(o.in.data(), end.length), limits, o.response)) {
      originBroke(o, 502);
      return false;
    }
    if (o.response.status >= 100 && o.response.status < 200) {  // interim: not passed on
      o.in.erase(0, end.length);
      o.scanned = 0;
      continue;
    }
    const uint16_t status = o.response.status;
    if (c.head_only || status == 204 || status == 304) {
      o.framing = OriginConn::Framing::kNone;
    } else if (o.response.chunked) {
      o.framing = OriginConn::Framing::kChunked;
      o.chunks.reset();
    } else if (o.response.content_length) {
      o.framing = OriginConn::Framing::kLength;
      o.body_left = *o.response.content_length;
    } else {
      o.framing = OriginConn::Framing::kUntilClose;
    }
    o.keep_alive = o.response.keep_alive && o.framing != OriginConn::Framing::kUntilClose;
    const bool dechunk = o.dechunk && o.framing == OriginConn::Framing::kChunked;
    // An HTTP/1.0 client, or a body that ends when the origin closes: the client's connection
    // ends with the response.
    if (o.framing == OriginConn::Framing::kUntilClose || dechunk) c.close_after = true;
    if (!c.keep_alive) c.close_after = true;
    const std::string_view head(o.in.data(), end.length);
    const std::string_view status_line = head.substr(0, head.find("\r\n"));
    http::appendClientResponse(status_line, o.response, !c.close_after, dechunk, c.out);
    o.keep_ms = 0;
    if (c.fetching && o.framing == OriginConn::Framing::kLength &&
        *o.response.content_length <= cache_.config().max_object_bytes) {
      o.keep_ms = cache_.freshnessMs(o.response);
      if (o.keep_ms > 0) {
        o.kept_head.clear();
        o.kept_body.clear();
        http::appendClientResponse(status_line, o.response, true, false, o.kept_head);
        o.kept_head.resize(o.kept_head.size() - 4);  // without the blank line: served heads add theirs
      }
    }
    o.in.erase(0, end.length);
    o.scanned = 0;
    o.head_done = true;
    stats_.add(Counter::responses);
    stats_.add(Counter::origin_latency_us, (now_ns_ - c.dispatched_ns) / 1000);
    return true;
  }
}

void Worker::originBody(OriginConn& o) {
  ClientConn& c = *o.client;
  bool done = false;
  switch (o.framing) {
    case OriginConn::Framing::kNone: done = true; break;
    case OriginConn::Framing::kLength: {
      const std::size_t take = static_cast<std::size_t>(std::min<uint64_t>(o.body_left, o.in.size()));
      c.out.append(o.in, 0, take);
      if (o.keep_ms > 0) o.kept_body.append(o.in, 0, take);
      o.in.erase(0, take);
      o.body_left -= take;
      done = o.body_left == 0;
      break;
    }
    case OriginConn::Framing::kChunked: {
      http::ChunkedDecoder::Step step;
      if (o.dechunk) {
        step = o.chunks.feed(o.in, c.out);
      } else {
        scratch_.clear();
        step = o.chunks.feed(o.in, scratch_);  // decoded only to find the end; passed on as framed
        c.out.append(o.in, 0, step.consumed);
      }
      o.in.erase(0, step.consumed);
      if (step.error) {
        originBroke(o, 502);
        return;
      }
      done = step.done;
      break;
    }
    case OriginConn::Framing::kUntilClose:
      c.out.append(o.in);
      o.in.clear();
      break;
  }
  if (done) {
    originFinished(o, o.keep_alive && o.in.empty());
    return;
  }
  if (c.out.size() - c.out_sent > kClientOutHighWater) o.paused = true;  // the client reads slowly: wait for it
  flushClient(c);
}

void Worker::originFinished(OriginConn& o, bool reusable) {
  ClientConn* c = o.client;
  o.client = nullptr;
  if (c) {
    c->origin = nullptr;
    c->response_done = true;
  }
  if (c && c->fetching) {
    c->fetching = false;
    if (o.keep_ms > 0) cache_.store(c->cache_key, std::move(o.kept_head), std::move(o.kept_body), o.keep_ms, now_ns_);
    o.keep_ms = 0;
    endFetch(c->cache_key);
  }
  Origin& origin = origins_[o.origin];
  // Not reused when bytes may still be waiting: they would be taken for the next response.
  if (reusable && !o.readable && origin.idle.size() < config_.max_origin_idle) {
    o.out.clear();
    o.out_sent = 0;
    o.in.clear();
    o.scanned = 0;
    o.head_done = false;
    o.response.clear();
    o.reused = false;
    o.paused = false;
    origin.idle.push_back(&o);
  } else {
    closeOrigin(o);
  }
  if (c && !c->closed) flushClient(*c);
}

void Worker::originBroke(OriginConn& o, uint16_t status) {
  ClientConn* c = o.client;
  const bool nothing_yet = !o.head_done;
  // A kept-alive connection the origin closed just as it was reused: try once more on a new one.
  const bool retry = o.reused && nothing_yet && o.in.empty() && status == 502;
  std::string request;
  if (retry) request.swap(o.out);
  o.client = nullptr;
  closeOrigin(o);
  if (!c || c->closed) return;
  c->origin = nullptr;
  if (retry) {
    if (OriginConn* fresh = originFor(*c)) {
      fresh->client = c;
      c->origin = fresh;
      fresh->out.swap(request);
      fresh->out_sent = 0;
      fresh->dechunk = c->minor_version == 0;
      if (fresh->connected) flushOrigin(*fresh);
      return;
    }
  }
  if (c->fetching) {
    c->fetching = false;
    endFetch(c->cache_key);
  }
  policy::MicroCache::Hit hit{};
  const policy::MicroCache::Entry* stale =
      nothing_yet && !c->cache_key.empty() ? cache_.find(c->cache_key, now_ns_, true, hit) : nullptr;
  if (stale) {  // the origin failed: what it said a moment ago stands in
    stats_.add(Counter::cache_stale_served);
    serveCached(*c, *stale, "stale");
  } else if (nothing_yet) {
    stats_.add(status == 504 ? Counter::origin_timeouts : Counter::origin_failed);
    respondOwn(*c, status, {},
               status == 504 ? "The site took too long to answer.\n" : "The site is not reachable right now.\n", false);
  } else {
    closeClient(*c);  // part of the response is gone already: only closing tells the client
  }
}

// --- closing and housekeeping -------------------------------------------------------------------

void Worker::closeClient(ClientConn& c) {
  if (c.closed) return;
  c.closed = true;
  clients_.release(c.peer);
  (void)epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  if (c.ssl) {
    if (!c.handshaking) (void)SSL_shutdown(c.ssl);  // close_notify, if the socket takes it now
    SSL_free(c.ssl);
    c.ssl = nullptr;
  }
  close(c.fd);
  if (OriginConn* o = c.origin) {  // mid-answer: that origin connection cannot be reused
    c.origin = nullptr;
    o->client = nullptr;
    closeOrigin(*o);
  }
  if (c.fetching) {  // those waiting for this fetch must not wait forever
    c.fetching = false;
    endFetch(c.cache_key);
  }
  dead_clients_.push_back(&c);
}

void Worker::closeOrigin(OriginConn& o) {
  if (o.closed) return;
  o.closed = true;
  (void)epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, o.fd, nullptr);
  close(o.fd);
  std::erase(origins_[o.origin].idle, &o);
  if (o.client) o.client->origin = nullptr;
  o.client = nullptr;
  dead_origins_.push_back(&o);
}

void Worker::reap() {
  std::erase_if(ready_, [](const ClientConn* c) { return c->closed; });
  for (ClientConn* c : dead_clients_) {
    const std::size_t slot = c->slot;
    if (slot != conns_.size() - 1) {
      std::swap(conns_[slot], conns_.back());
      conns_[slot]->slot = slot;
    }
    conns_.pop_back();
  }
  for (OriginConn* o : dead_origins_) {
    const std::size_t slot = o->slot;
    if (slot != origin_conns_.size() - 1) {
      std::swap(origin_conns_[slot], origin_conns_.back());
      origin_conns_[slot]->slot = slot;
    }
    origin_conns_.pop_back();
  }
  if (!dead_clients_.empty()) stats_.open_connections.store(conns_.size(), std::memory_order_relaxed);
  dead_clients_.clear();
  dead_origins_.clear();
}

void Worker::sweep() {
  last_sweep_ns_ = now_ns_;
  const Deadlines& d = config_.deadlines;
  for (std::size_t i = 0; i < conns_.size(); ++i) {
    ClientConn& c = *conns_[i];
    if (c.closed) continue;
    if (c.handshaking) {
      if (now_ns_ - c.head_start_ns > d.header_ms * kMsNs) {
        stats_.add(Counter::tls_failed);
        closeClient(c);
      }
      continue;
    }
    if (c.state == ClientConn::State::kHead) {
      if (c.head_start_ns != 0 && now_ns_ - c.head_start_ns > d.header_ms * kMsNs) {
        stats_.add(Counter::header_timeouts);
        respondOwn(c, 408, {}, "The request took too long to arrive.\n", false);
      } else if (c.head_start_ns == 0 && c.in.empty() && now_ns_ - c.idle_since_ns > d.idle_ms * kMsNs) {
        stats_.add(Counter::idle_closed);
        closeClient(c);
      }
    } else if (c.state == ClientConn::State::kBody) {
      const uint64_t elapsed = now_ns_ - c.body_start_ns;
      if (elapsed > d.body_grace_ms * kMsNs &&
          static_cast<double>(c.body.size()) * 1e9 <
              static_cast<double>(d.min_body_rate) * static_cast<double>(elapsed)) {
        stats_.add(Counter::body_too_slow);
        respondOwn(c, 408, {}, "The request body arrived too slowly.\n", false);
      }
    }
    if (c.closed) continue;
    if (c.out_sent < c.out.size() && c.send_start_ns != 0) {
      const uint64_t elapsed = now_ns_ - c.send_start_ns;
      if (elapsed > d.send_grace_ms * kMsNs &&
          static_cast<double>(c.sent_bytes) * 1e9 <
              static_cast<double>(d.min_send_rate) * static_cast<double>(elapsed)) {
        stats_.add(Counter::send_too_slow);
        closeClient(c);
        continue;
      }
    }
    if (OriginConn* o = c.origin) {
      if (!o->connected && now_ns_ - o->started_ns > d.origin_connect_ms * kMsNs) {
        origins_[o->origin].down_until_ns = now_ns_ + kOriginDownNs;
        originBroke(*o, 502);
      } else if (now_ns_ - c.dispatched_ns > d.origin_response_ms * kMsNs) {
        originBroke(*o, 504);
      }
    }
  }
  if (now_ns_ - last_table_sweep_ns_ >= kTableSweepNs) {
    last_table_sweep_ns_ = now_ns_;
    clients_.sweep(now_ns_);
    offenders_.sweep(now_s_);
  }
}

}  // namespace rampart::shield::conn
