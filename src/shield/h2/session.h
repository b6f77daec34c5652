// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "shield/h2/limits.h"
#include "shield/http/http_head.h"

using nghttp2_session = struct nghttp2_session;

namespace rampart::shield::h2 {

// What the client's bytes meant, for the worker. A stream's request is given as HTTP/1.1 bytes
// (kOpen: the head; kInput: its body, chunked, ending with the last chunk), so that everything an
// HTTP/2 request meets afterwards (the strict parser, limits, challenge, cache, origin) is the
// HTTP/1.1 path itself, not a second copy of it.
struct Event {
  enum class Kind : uint8_t { kOpen, kInput, kClosed } kind;
  int32_t stream = 0;
  std::string bytes;
};

// A response body is pulled as the client's window allows: copies up to `max` bytes of `stream`'s
// body into `dst` and sets `eof` once it has ended. 0 without eof means "none yet" (resume() when
// more arrives); -1 that the stream is gone (it is reset).
using BodyPull = std::function<long(int32_t stream, uint8_t* dst, std::size_t max, bool& eof)>;

// One client connection's HTTP/2 server side (RFC 9113), over nghttp2: frames in, events out;
// responses in, frames out. Pure protocol: no sockets, no clock; the worker moves the bytes.
class Session {
 public:
  // Queues the server's SETTINGS; the client's preface is expected first in receive().
  Session(const Limits& limits, BodyPull pull);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Feeds what the client sent; appends what it meant to `events`. False: the connection is over
  // (a protocol error or a flood: a GOAWAY is queued for send(), then close).
  bool receive(std::string_view bytes, std::vector<Event>& events);

  // Answers `stream` with the head of an HTTP/1.1 response (connection-specific headers are
  // dropped, names lower-cased); with `has_body`, the body is pulled after it.
  void respond(int32_t stream, const http::ResponseHead& head, bool has_body);
  void resume(int32_t stream);  // the stream's body has more to pull
  // Ends `stream` with RST_STREAM (the worker gave up on it); its body is never pulled again.
  void reset(int32_t stream);
  // Ends the connection (GOAWAY): for an idle one, or when the shield stops.
  void shutdown();

  // Appends frames to send to `out` until it holds `limit` bytes or there are none; streams that
  // closed meanwhile are appended to `events` as kClosed.
  void send(std::string& out, std::size_t limit, std::vector<Event>& events);

  [[nodiscard]] bool wantsWrite() const;
  [[nodiscard]] bool done() const;  // neither side will send more: close the connection
  // The shield ended the connection for the client's misbehaviour: a flood (resets, pings,
  // settings), a protocol error, or a bad preface.
  [[nodiscard]] bool misbehaved() const { return misbehaved_; }
  [[nodiscard]] uint64_t resetsReceived() const { return resets_received_; }

 private:
  struct Pending {  // a request whose head is arriving
    std::string method, path, authority, host, fields, cookie;
    std::size_t bytes = 0;  // decoded so far, counted as SETTINGS_MAX_HEADER_LIST_SIZE counts
  };
  friend struct Callbacks;  // nghttp2's callbacks (in session.cpp) reach the members below
  void input(int32_t stream, std::string_view bytes);
  void open(int32_t stream, bool end_stream);

  Limits limits_;
  BodyPull pull_;
  nghttp2_session* session_ = nullptr;
  std::vector<Event>* events_ = nullptr;  // during receive/send: where callbacks put events
  std::unordered_map<int32_t, Pending> pending_;
  std::vector<int32_t> cut_short_;  // answered in full while the client was still sending
  bool misbehaved_ = false;
  uint64_t resets_received_ = 0;
};

// The client connection preface (RFC 9113 section 3.4): a cleartext connection that starts with
// it speaks HTTP/2 with prior knowledge.
inline constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

}  // namespace rampart::shield::h2
