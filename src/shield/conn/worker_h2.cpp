// SPDX-License-Identifier: Apache-2.0
// HTTP/2 clients. A connection's frames go through its h2::Session; each stream that carries a
// request becomes a ClientConn of its own (no socket) that is handed the request as HTTP/1.1 bytes
// and so meets the same parser, limits, challenge, cache and origins as any HTTP/1.1 request. Its
// answer, written as HTTP/1.1 by that same code, goes back as a HEADERS frame and DATA pulled
// from its `out` as the client's flow-control window allows: a slow reader holds back its
// stream's origin, not the worker.
#include <algorithm>

#include "shield/conn/connection.h"
#include "shield/conn/worker.h"
#include "shield/conn/worker_io.h"
#include "shield/http/head_parser.h"

namespace rampart::shield::conn {

using namespace worker_io;  // NOLINT(google-build-using-namespace): the worker's own helpers

namespace {

ClientConn* streamOf(const ClientConn& c, int32_t id) {
  for (ClientConn* s : c.streams) {
    if (s->stream_id == id) return s;
  }
  return nullptr;
}

}  // namespace

void Worker::startH2(ClientConn& c) {
  h2::Limits limits = config_.http2;
  limits.max_header_bytes = config_.http.max_head_bytes;
  c.h2 = std::make_unique<h2::Session>(limits, [this, &c](int32_t id, uint8_t* dst, std::size_t max, bool& eof) {
    return pullBody(c, id, dst, max, eof);
  });
  c.state = ClientConn::State::kH2;
  c.head_start_ns = 0;
  c.idle_since_ns = now_ns_;
  stats_.add(Counter::h2_connections);
}

void Worker::processH2(ClientConn& c) {
  std::vector<h2::Event> events;
  for (std::size_t reads = 0;;) {
    if (!c.in.empty()) {
      events.clear();
      const bool go_on = c.h2->receive(c.in, events);
      c.in.clear();
      onH2Events(c, events);
      if (c.closed) return;
      if (!go_on) {  // a GOAWAY is queued: send what can be sent, and end
        pumpH2(c);
        closeClient(c);
        return;
      }
    }
    if (c.closed || !c.readable) break;
    if (++reads > kReadsPerTurn) {
      ready_.push_back(&c);
      break;
    }
    if (!readSome(c)) return;
  }
  pumpH2(c);
}

void Worker::onH2Events(ClientConn& c, std::vector<h2::Event>& events) {
  for (h2::Event& e : events) {
    if (c.closed) return;
    switch (e.kind) {
      case h2::Event::Kind::kOpen: {
        auto s = std::make_unique<ClientConn>(config_.http);
        s->parent = &c;
        s->stream_id = e.stream;
        s->peer = c.peer;
        s->peer_text = c.peer_text;
        s->https = c.https;
        s->idle_since_ns = now_ns_;
        s->in = std::move(e.bytes);
        s->slot = conns_.size();
        ClientConn& stream = *s;
        conns_.push_back(std::move(s));
        c.streams.push_back(&stream);
        c.served = true;
        stats_.add(Counter::h2_streams);
        processClient(stream);
        break;
      }
      case h2::Event::Kind::kInput:
        if (ClientConn* s = streamOf(c, e.stream)) {
          s->in.append(e.bytes);
          processClient(*s);
        }
        break;
      case h2::Event::Kind::kClosed:
        if (ClientConn* s = streamOf(c, e.stream)) {
          s->ended = true;  // answered in full, or reset by the client
          closeClient(*s);
        }
        break;
    }
  }
  stats_.add(Counter::h2_resets_received, c.h2->resetsReceived() - c.resets_counted);
  c.resets_counted = c.h2->resetsReceived();
}

void Worker::flushStream(ClientConn& s) {
  ClientConn& c = *s.parent;
  if (s.closed || c.closed) return;
  if (!s.responded) {
    const http::HeadEnd end = http::findHeadEnd(s.out, 0);
    if (end.state != http::HeadEnd::State::kComplete) return;  // the head is written whole: not yet
    http::Limits limits = config_.http;
    limits.max_head_bytes = 2 * kOriginHeadLimit;
    limits.max_headers = 1000;
    limits.max_body_bytes = UINT64_MAX;
    http::ResponseHead head;
    if (http::parseResponseHead(std::string_view(s.out.data(), end.length), limits, head)) {
      closeClient(s);  // cannot happen for heads the shield wrote; refused rather than guessed at
      return;
    }
    const bool body = !s.head_only && head.status != 204 && head.status != 304;
    c.h2->respond(s.stream_id, head, body);
    s.responded = true;
    s.out_sent = end.length;
    if (!body) {
      s.out.clear();
      s.out_sent = 0;
    }
    s.send_start_ns = now_ns_;
  } else {
    c.h2->resume(s.stream_id);
  }
  if (!c.pump_queued) to_pump_.push_back(&c);
  c.pump_queued = true;
}

long Worker::pullBody(ClientConn& c, int32_t stream, uint8_t* dst, std::size_t max, bool& eof) {
  ClientConn* s = streamOf(c, stream);
  if (!s || s->closed) return -1;
  const std::size_t n = std::min(max, s->out.size() - s->out_sent);
  std::copy_n(s->out.data() + s->out_sent, n, dst);
  s->out_sent += n;
  s->sent_bytes += n;
  if (s->out_sent == s->out.size()) {
    s->out.clear();
    s->out_sent = 0;
    eof = s->response_done;
  }
  return static_cast<long>(n);
}

// Moves frames from the session to the socket until the socket is full or the session has
// nothing more; then lets origins held back for a full stream go on.
void Worker::pumpH2(ClientConn& c) {
  if (c.closed) return;
  if (c.pumping) {  // called from inside a round (an event it caused): one more round instead
    c.pump_again = true;
    return;
  }
  c.pumping = true;
  std::vector<h2::Event> events;
  bool drained = false;
  do {
    c.pump_again = false;
    events.clear();
    c.h2->send(c.out, kClientOutHighWater, events);
    onH2Events(c, events);
    if (c.closed) return;
    drained = writeOut(c);
    if (c.closed) return;
  } while (drained && (c.pump_again || c.h2->wantsWrite()));
  c.pumping = false;
  if (c.h2->misbehaved()) {  // a GOAWAY for a flood or a protocol error has gone (or is going): end here
    stats_.add(Counter::h2_misbehaved);
    strike(c.peer);
    closeClient(c);
    return;
  }
  if (drained) {  // the send-rate deadline measures each backlog, not the connection's life
    c.send_start_ns = 0;
    c.sent_bytes = 0;
  }
  // Origins held back for a full stream go on once it has room. Rare, so the streams are copied
  // (reading an origin may close some) only when one is waiting.
  const auto waiting = [](const ClientConn* s) {
    const OriginConn* o = s->origin;
    return !s->closed && o && o->paused && !o->closed && s->out.size() - s->out_sent <= kClientOutHighWater / 2;
  };
  if (std::any_of(c.streams.begin(), c.streams.end(), waiting)) {
    for (ClientConn* s : std::vector<ClientConn*>(c.streams)) {
      if (!waiting(s)) continue;
      s->origin->paused = false;
      if (s->origin->readable) readOrigin(*s->origin);
    }
  }
  if (!c.closed && drained && c.h2->done()) closeClient(c);
}

}  // namespace rampart::shield::conn
