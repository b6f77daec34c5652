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
#include <sched.h>
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
    if (c->closed || c->parent) continue;
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
  if (config_.batch_scheduling) {
    // Best effort: leaving SCHED_OTHER for SCHED_BATCH needs no privilege, and if a sandbox
    // refuses it the worker serves as before.
    const sched_param none{};
    (void)sched_setscheduler(0, SCHED_BATCH, &none);
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
    for (std::size_t i = 0; i < to_pump_.size(); ++i) {  // (pumping may answer more: they join the list)
      ClientConn* c = to_pump_[i];
      c->pump_queued = false;
      pumpH2(*c);
    }
    to_pump_.clear();
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
    if (connections_ >= config_.max_connections) {
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
      c->https = true;
      c->head_start_ns = now_ns_;  // the handshake counts against the head's deadline
    }
    c->slot = conns_.size();
    watch(fd, c.get());
    conns_.push_back(std::move(c));
    ++connections_;
    stats_.add(Counter::accepted);
    stats_.open_connections.store(connections_, std::memory_order_relaxed);
  }
}

// --- closing and housekeeping -------------------------------------------------------------------

void Worker::closeClient(ClientConn& c) {
  if (c.closed) return;
  c.closed = true;
  if (ClientConn* p = c.parent) {  // a stream: its connection stays
    std::erase(p->streams, &c);
    if (p->streams.empty()) p->idle_since_ns = now_ns_;
    if (!c.ended && !p->closed) {  // given up before its end: the client is told
      p->h2->reset(c.stream_id);
      pumpH2(*p);
    }
  } else {
    for (ClientConn* s : std::vector<ClientConn*>(c.streams)) closeClient(*s);
    --connections_;
    clients_.release(c.peer);
    (void)epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    if (c.ssl) {
      if (!c.handshaking) (void)SSL_shutdown(c.ssl);  // close_notify, if the socket takes it now
      SSL_free(c.ssl);
      c.ssl = nullptr;
    }
    close(c.fd);
  }
  if (OriginConn* o = c.origin) {  // mid-answer: that origin connection cannot be reused
    c.origin = nullptr;
    o->client = nullptr;
    closeOrigin(*o);
  }
  if (c.fetching) {  // those waiting for this fetch must not wait forever
    c.fetching = false;
    endFetch(c.cache_key);
  }
  if (c.waiting) {  // no longer among those a fetch will answer: it is freed after this round
    c.waiting = false;
    if (const auto it = waiting_.find(c.cache_key); it != waiting_.end()) std::erase(it->second, &c);
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
  if (!dead_clients_.empty()) stats_.open_connections.store(connections_, std::memory_order_relaxed);
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
    if (c.state == ClientConn::State::kH2) {
      // A connection with no stream open: first its head deadline (a preface and no request
      // is a slowloris too), then the idle one. Pings do not keep it.
      const uint64_t quiet = now_ns_ - c.idle_since_ns;
      if (c.streams.empty() && (quiet > (c.served ? d.idle_ms : d.header_ms) * kMsNs)) {
        stats_.add(c.served ? Counter::idle_closed : Counter::header_timeouts);
        c.h2->shutdown();
        pumpH2(c);
        closeClient(c);
        continue;
      }
    } else if (c.state == ClientConn::State::kHead) {
      if (c.head_start_ns != 0 && now_ns_ - c.head_start_ns > d.header_ms * kMsNs) {
        stats_.add(Counter::header_timeouts);
        respondOwn(c, 408, {}, "The request took too long to arrive.\n", false);
      } else if (c.head_start_ns == 0 && c.in.empty() && !c.parent && now_ns_ - c.idle_since_ns > d.idle_ms * kMsNs) {
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
    // A stream is judged by itself only while its connection's socket keeps up (then the client's
    // window holds it back: slow read by flow control); otherwise the connection is judged.
    if (c.out_sent < c.out.size() && c.send_start_ns != 0 && (!c.parent || c.parent->out.empty())) {
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
