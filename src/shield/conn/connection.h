// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "shield/h2/session.h"
#include "shield/http/chunked_decoder.h"
#include "shield/http/http_head.h"

using SSL = struct ssl_st;

namespace rampart::shield::conn {

// What an epoll event's tag points at.
struct Pollable {
  enum class Kind : uint8_t { kListener, kTlsListener, kClient, kOrigin } kind;
  explicit Pollable(Kind k) : kind(k) {}
};

struct OriginConn;

// A client connection and the one request it has in flight (pipelined requests wait in `in` until
// the response before them has been sent: answers leave in order, and nothing is read ahead).
struct ClientConn : Pollable {
  // kHead: reading a request head; kBody: its body; kAnswering: the answer (the origin's or the
  // shield's own) is on its way; kClosing: a last answer is being sent, then the connection closes.
  // kH2: an HTTP/2 connection, whose requests are its streams'.
  enum class State : uint8_t { kHead, kBody, kAnswering, kClosing, kH2 };

  explicit ClientConn(const http::Limits& limits) : Pollable(Kind::kClient), chunks(limits) {}

  int fd = -1;
  std::size_t slot = 0;      // index in the worker's list
  SSL* ssl = nullptr;        // HTTPS: every byte goes through it
  bool https = false;        // came over TLS (a stream too: it has no SSL of its own)
  bool handshaking = false;  // the TLS handshake is not done yet
  core::IpAddress peer;
  std::string peer_text;
  State state = State::kHead;
  bool closed = false;
  bool readable = false;     // an edge said data (or EOF) is waiting, and it has not been drained
  bool close_after = false;  // once `out` is sent

  std::string in;             // received, not yet consumed
  std::size_t scanned = 0;    // how far findHeadEnd has looked into `in`
  http::RequestHead request;  // views into `in`: valid only until the head is consumed
  std::string pending;        // the origin request being built (head, then body)
  bool has_body = false;
  bool head_only = false;  // a HEAD request: the answer has no body
  bool keep_alive = true;  // the client wants the connection kept
  uint8_t minor_version = 1;
  bool processing = false;  // inside processClient (answers finished there do not recurse)
  std::string cache_key;    // the request may be answered from (and its answer kept in) the cache
  bool fetching = false;    // this request's origin fetch is the one identical requests wait for
  bool waiting = false;     // this request waits for an identical one's fetch (in the worker's waiting_)
  std::string body;
  http::ChunkedDecoder chunks;
  uint64_t body_left = 0;  // Content-Length still to come

  std::string out;  // to send
  std::size_t out_sent = 0;
  OriginConn* origin = nullptr;  // serving the request in flight
  bool response_done = true;     // the origin's whole response is in `out` (or it was ours)

  uint64_t head_start_ns = 0;  // first byte of the head, or 0 while idle
  uint64_t idle_since_ns = 0;
  uint64_t body_start_ns = 0;
  uint64_t send_start_ns = 0;  // the response began to be sent
  uint64_t sent_bytes = 0;     // of the current response
  uint64_t dispatched_ns = 0;

  // HTTP/2. A connection has a session and its streams; each stream is a ClientConn of its own,
  // without a socket, whose request arrives (and whose answer is written) as HTTP/1.1 bytes, so it
  // takes the path an HTTP/1.1 request takes. Its answer's head goes to the session as fields and
  // its body is pulled from `out` as the client's window allows.
  std::unique_ptr<h2::Session> h2;
  std::vector<ClientConn*> streams;  // open, with a request (at most max_concurrent_streams)
  bool served = false;               // a request has arrived: the idle deadline applies, not the head's
  bool pumping = false;              // inside pumpH2: a nested call asks for another round instead
  bool pump_again = false;
  bool pump_queued = false;      // in the worker's to_pump_: its answers go out at the end of the round
  uint64_t resets_counted = 0;   // of the session's, already added to the stats
  ClientConn* parent = nullptr;  // a stream: its connection
  int32_t stream_id = 0;
  bool responded = false;  // a stream: its answer's head has been given to the session
  bool ended = false;      // a stream: the session closed it (no RST_STREAM is owed)
};

// A connection to an origin, idle in its origin's pool or serving one client request.
struct OriginConn : Pollable {
  enum class Framing : uint8_t { kNone, kLength, kChunked, kUntilClose };

  explicit OriginConn(const http::Limits& limits) : Pollable(Kind::kOrigin), chunks(limits) {}

  int fd = -1;
  std::size_t slot = 0;
  std::size_t origin = 0;  // index in the worker's origins
  bool connected = false;
  bool closed = false;
  bool reused = false;
  bool readable = false;    // as ClientConn::readable
  bool paused = false;      // the client reads slowly: the origin's data waits in the kernel
  uint64_t started_ns = 0;  // connect began
  ClientConn* client = nullptr;

  std::string out;  // the request
  std::size_t out_sent = 0;
  std::string in;
  std::size_t scanned = 0;
  bool head_done = false;
  http::ResponseHead response;
  Framing framing = Framing::kNone;
  uint64_t body_left = 0;
  http::ChunkedDecoder chunks;
  bool dechunk = false;  // the client is HTTP/1.0: pass the body decoded
  uint32_t keep_ms = 0;  // the response is being kept for the cache, for this long
  std::string kept_head;
  std::string kept_body;
  bool keep_alive = true;
};

}  // namespace rampart::shield::conn
