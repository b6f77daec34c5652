// SPDX-License-Identifier: Apache-2.0
#include "shield/h2/session.h"

#include <nghttp2/nghttp2.h>

#include <array>
#include <cstdio>
#include <new>

#include "shield/http/ascii.h"

namespace rampart::shield::h2 {
namespace {

std::string_view view(const uint8_t* p, std::size_t n) { return {reinterpret_cast<const char*>(p), n}; }

// Connection-specific fields (RFC 9113 section 8.2.2): they mean nothing on an HTTP/2 stream.
bool connectionSpecific(std::string_view name) {
  static constexpr std::array<std::string_view, 5> kNames = {"connection", "keep-alive", "proxy-connection",
                                                             "transfer-encoding", "upgrade"};
  for (std::string_view n : kNames) {
    if (http::equalsIgnoreCase(name, n)) return true;
  }
  return false;
}

void appendChunk(std::string_view data, std::string& out) {
  std::array<char, 20> size{};
  const int n = std::snprintf(size.data(), size.size(), "%zx\r\n", data.size());
  out.append(size.data(), static_cast<std::size_t>(n));
  out.append(data);
  out.append("\r\n");
}

}  // namespace

// nghttp2's callbacks: `self` is the Session.
struct Callbacks {
  static Session& of(void* self) { return *static_cast<Session*>(self); }

  static int beginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* self) {
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      of(self).pending_[frame->hd.stream_id] = Session::Pending{};
    }
    return 0;
  }

  static int header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, std::size_t namelen,
                    const uint8_t* value, std::size_t valuelen, uint8_t, void* self) {
    Session& s = of(self);
    const auto it = s.pending_.find(frame->hd.stream_id);
    if (it == s.pending_.end()) return 0;  // trailers: not passed on
    Session::Pending& p = it->second;
    p.bytes += namelen + valuelen + 32;
    // Beyond the limit the stream is reset: its request is never seen.
    if (p.bytes > s.limits_.max_header_bytes) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const std::string_view n = view(name, namelen);
    const std::string_view v = view(value, valuelen);
    // nghttp2 has checked the fields (RFC 9113 section 8.2): lower-case names, no CR, LF or NUL
    // in values, pseudo-headers first and known, no connection-specific fields, `te: trailers`
    // only. The HTTP/1.1 parser checks the result again.
    if (n == ":method") {
      p.method = v;
    } else if (n == ":path") {
      p.path = v;
    } else if (n == ":authority") {
      p.authority = v;
    } else if (n == "host") {
      p.host = v;
    } else if (n == "cookie") {  // may come split (RFC 9113 section 8.2.3): one header for HTTP/1.1
      if (!p.cookie.empty()) p.cookie.append("; ");
      p.cookie.append(v);
    } else if (!n.starts_with(':') && n != "content-length" && n != "te" && n != "expect") {
      // The rest passes on, but for :scheme (X-Forwarded-Proto tells the origin how the client
      // came), content-length (the shield frames the body itself), te (hop-by-hop) and expect
      // (100-continue means nothing here: the client sends its DATA anyway).
      p.fields.append(n);
      p.fields.append(": ");
      p.fields.append(v);
      p.fields.append("\r\n");
    }
    return 0;
  }

  static int frameRecv(nghttp2_session*, const nghttp2_frame* frame, void* self) {
    Session& s = of(self);
    const bool end_stream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
    switch (frame->hd.type) {
      case NGHTTP2_HEADERS:
        if (frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
          s.open(frame->hd.stream_id, end_stream);
        } else if (end_stream) {
          s.input(frame->hd.stream_id, "0\r\n\r\n");  // after trailers
        }
        break;
      case NGHTTP2_DATA:
        if (end_stream) s.input(frame->hd.stream_id, "0\r\n\r\n");
        break;
      case NGHTTP2_RST_STREAM: ++s.resets_received_; break;
      default: break;
    }
    return 0;
  }

  static int dataChunk(nghttp2_session*, uint8_t, int32_t stream, const uint8_t* data, std::size_t len, void* self) {
    Session& s = of(self);
    if (len == 0) return 0;
    std::string chunk;
    appendChunk(view(data, len), chunk);
    s.input(stream, chunk);
    return 0;
  }

  static int streamClose(nghttp2_session*, int32_t stream, uint32_t, void* self) {
    Session& s = of(self);
    s.pending_.erase(stream);
    if (s.events_) s.events_->push_back(Event{Event::Kind::kClosed, stream, {}});
    return 0;
  }

  static int frameSend(nghttp2_session*, const nghttp2_frame* frame, void* self) {
    if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR) of(self).misbehaved_ = true;
    return 0;
  }

  static ssize_t readBody(nghttp2_session* session, int32_t stream, uint8_t* buf, std::size_t length, uint32_t* flags,
                          nghttp2_data_source*, void* self) {
    Session& s = of(self);
    bool eof = false;
    const long n = s.pull_(stream, buf, length, eof);
    if (n < 0) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    if (eof) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      // Answered before the client finished sending (a refusal, say): RST_STREAM(NO_ERROR)
      // after the answer tells it to stop (RFC 9113 section 8.1). Submitted after this callback.
      if (nghttp2_session_get_stream_remote_close(session, stream) == 0) s.cut_short_.push_back(stream);
    }
    if (n == 0 && !eof) return NGHTTP2_ERR_DEFERRED;
    return n;
  }
};

Session::Session(const Limits& limits, BodyPull pull) : limits_(limits), pull_(std::move(pull)) {
  nghttp2_session_callbacks* cb = nullptr;
  if (nghttp2_session_callbacks_new(&cb) != 0) throw std::bad_alloc();
  nghttp2_session_callbacks_set_on_begin_headers_callback(cb, &Callbacks::beginHeaders);
  nghttp2_session_callbacks_set_on_header_callback(cb, &Callbacks::header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, &Callbacks::frameRecv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, &Callbacks::dataChunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, &Callbacks::streamClose);
  nghttp2_session_callbacks_set_on_frame_send_callback(cb, &Callbacks::frameSend);
  nghttp2_option* opt = nullptr;
  if (nghttp2_option_new(&opt) != 0) {
    nghttp2_session_callbacks_del(cb);
    throw std::bad_alloc();
  }
  // Rapid reset: streams opened and cancelled at once cost the server work and the client
  // nothing; past the burst and rate the connection ends (GOAWAY).
  nghttp2_option_set_stream_reset_rate_limit(opt, limits.reset_burst, limits.reset_rate);
  nghttp2_option_set_max_settings(opt, 32);
  const int rc = nghttp2_session_server_new2(&session_, cb, this, opt);
  nghttp2_option_del(opt);
  nghttp2_session_callbacks_del(cb);
  if (rc != 0) throw std::bad_alloc();
  const std::array<nghttp2_settings_entry, 4> settings = {{
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits.max_concurrent_streams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, limits.window_bytes},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<uint32_t>(limits.max_header_bytes)},
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
  }};
  (void)nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
}

Session::~Session() { nghttp2_session_del(session_); }

void Session::open(int32_t stream, bool end_stream) {
  const auto it = pending_.find(stream);
  if (it == pending_.end()) return;
  Pending& p = it->second;
  Event e{Event::Kind::kOpen, stream, {}};
  std::string& h = e.bytes;
  h.reserve(p.method.size() + p.path.size() + p.fields.size() + p.cookie.size() + 80);
  h.append(p.method);
  h.push_back(' ');
  h.append(p.path);
  h.append(" HTTP/1.1\r\nHost: ");
  h.append(p.authority.empty() ? p.host : p.authority);  // empty: the parser refuses the request
  h.append("\r\n");
  h.append(p.fields);
  if (!p.cookie.empty()) {
    h.append("cookie: ");
    h.append(p.cookie);
    h.append("\r\n");
  }
  if (!end_stream) h.append("Transfer-Encoding: chunked\r\n");  // DATA frames follow as chunks
  h.append("\r\n");
  pending_.erase(it);
  if (events_) events_->push_back(std::move(e));
}

void Session::input(int32_t stream, std::string_view bytes) {
  if (!events_) return;
  if (!events_->empty() && events_->back().stream == stream && events_->back().kind == Event::Kind::kInput) {
    events_->back().bytes.append(bytes);  // one event per stream and read, not one per frame
    return;
  }
  events_->push_back(Event{Event::Kind::kInput, stream, std::string(bytes)});
}

bool Session::receive(std::string_view bytes, std::vector<Event>& events) {
  events_ = &events;
  const ssize_t n = nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  events_ = nullptr;
  if (n < 0) {
    // Fatal: a bad preface, a flood nghttp2 counts (pings, settings), or the session failed.
    misbehaved_ = true;
    (void)nghttp2_session_terminate_session(session_, NGHTTP2_PROTOCOL_ERROR);
    return false;
  }
  return nghttp2_session_want_read(session_) != 0;
}

void Session::respond(int32_t stream, const http::ResponseHead& head, bool has_body) {
  if (!has_body && nghttp2_session_get_stream_remote_close(session_, stream) == 0) cut_short_.push_back(stream);
  std::vector<std::string> names;
  names.reserve(head.headers.size());
  std::vector<nghttp2_nv> nv;
  nv.reserve(head.headers.size() + 1);
  std::array<char, 4> status{};
  std::snprintf(status.data(), status.size(), "%03u", static_cast<unsigned>(head.status % 1000));
  static constexpr std::string_view kStatus = ":status";
  nv.push_back(nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(kStatus.data())),
                          reinterpret_cast<uint8_t*>(status.data()), kStatus.size(), 3, NGHTTP2_NV_FLAG_NONE});
  for (const http::Header& f : head.headers) {
    if (connectionSpecific(f.name)) continue;
    std::string& n = names.emplace_back(f.name);
    for (char& ch : n) ch = http::lowerAscii(ch);
    nv.push_back(nghttp2_nv{reinterpret_cast<uint8_t*>(n.data()),
                            reinterpret_cast<uint8_t*>(const_cast<char*>(f.value.data())), n.size(), f.value.size(),
                            NGHTTP2_NV_FLAG_NONE});
  }
  nghttp2_data_provider body{};
  body.read_callback = &Callbacks::readBody;
  // nghttp2 copies the fields before returning.
  (void)nghttp2_submit_response(session_, stream, nv.data(), nv.size(), has_body ? &body : nullptr);
}

void Session::resume(int32_t stream) { (void)nghttp2_session_resume_data(session_, stream); }

void Session::reset(int32_t stream) {
  pending_.erase(stream);
  (void)nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream, NGHTTP2_INTERNAL_ERROR);
}

void Session::shutdown() { (void)nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR); }

void Session::send(std::string& out, std::size_t limit, std::vector<Event>& events) {
  events_ = &events;
  while (out.size() < limit) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n > 0) {
      out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
      continue;
    }
    if (cut_short_.empty()) break;
    for (const int32_t id : cut_short_)
      (void)nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_NO_ERROR);
    cut_short_.clear();
  }
  events_ = nullptr;
}

bool Session::wantsWrite() const { return nghttp2_session_want_write(session_) != 0; }

bool Session::done() const {
  return nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0;
}

}  // namespace rampart::shield::h2
