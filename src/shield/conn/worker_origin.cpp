// SPDX-License-Identifier: Apache-2.0
// The origin side of a worker: picking an origin, its kept-alive connections, and passing
// its answers on (and into the cache).
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

void Worker::sendToOrigin(ClientConn& c, OriginConn& o, std::string& request) {
  o.client = &c;
  c.origin = &o;
  o.out.swap(request);
  o.out_sent = 0;
  o.dechunk = c.minor_version == 0 || c.parent != nullptr;  // HTTP/1.0 clients and HTTP/2 streams: no chunks
  if (o.connected) flushOrigin(o);
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
      sendToOrigin(*c, *fresh, request);
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

}  // namespace rampart::shield::conn
