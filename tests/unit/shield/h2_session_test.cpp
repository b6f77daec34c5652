// SPDX-License-Identifier: Apache-2.0
// h2::Session against a real HTTP/2 client: nghttp2's own client side, in memory.
#include "shield/h2/session.h"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <map>
#include <string>
#include <vector>

#include "shield/http/head_parser.h"

namespace rampart::shield::h2 {
namespace {

// nghttp2's client session, bytes in and out of strings, recording what the server said.
class Client {
 public:
  struct Response {
    std::map<std::string, std::string> fields;
    std::string body;
    bool closed = false;
    uint32_t error = 0;  // RST_STREAM's code, or the close's
  };

  Client() {
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_header_callback(
        cb, [](nghttp2_session*, const nghttp2_frame* f, const uint8_t* n, size_t nl, const uint8_t* v, size_t vl,
               uint8_t, void* self) {
          of(self).responses[f->hd.stream_id].fields[std::string(reinterpret_cast<const char*>(n), nl)] =
              std::string(reinterpret_cast<const char*>(v), vl);
          return 0;
        });
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(
        cb, [](nghttp2_session*, uint8_t, int32_t id, const uint8_t* d, size_t len, void* self) {
          of(self).responses[id].body.append(reinterpret_cast<const char*>(d), len);
          return 0;
        });
    nghttp2_session_callbacks_set_on_stream_close_callback(cb,
                                                           [](nghttp2_session*, int32_t id, uint32_t e, void* self) {
                                                             of(self).responses[id].closed = true;
                                                             of(self).responses[id].error = e;
                                                             return 0;
                                                           });
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, [](nghttp2_session*, const nghttp2_frame* f, void* self) {
      if (f->hd.type == NGHTTP2_GOAWAY) of(self).goaway = static_cast<int>(f->goaway.error_code);
      return 0;
    });
    nghttp2_session_client_new(&session_, cb, this);
    nghttp2_session_callbacks_del(cb);
    nghttp2_settings_entry none{};
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, &none, 0);
  }
  ~Client() { nghttp2_session_del(session_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  static Client& of(void* self) { return *static_cast<Client*>(self); }

  // A request; `body` (if any) is sent as DATA after it.
  int32_t request(const std::vector<std::pair<std::string, std::string>>& fields, const std::string* body = nullptr) {
    std::vector<nghttp2_nv> nv;
    for (const auto& [n, v] : fields) {
      nv.push_back(nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(n.data())),
                              reinterpret_cast<uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                              NGHTTP2_NV_FLAG_NONE});
    }
    nghttp2_data_provider provider{};
    provider.source.ptr = const_cast<std::string*>(body);
    provider.read_callback = [](nghttp2_session*, int32_t, uint8_t* buf, size_t len, uint32_t* flags,
                                nghttp2_data_source* src, void*) -> ssize_t {
      auto* b = static_cast<std::string*>(src->ptr);
      const size_t n = std::min(len, b->size());
      std::copy_n(b->data(), n, buf);
      b->erase(0, n);
      if (b->empty()) *flags |= NGHTTP2_DATA_FLAG_EOF;
      return static_cast<ssize_t>(n);
    };
    return nghttp2_submit_request(session_, nullptr, nv.data(), nv.size(), body ? &provider : nullptr, nullptr);
  }
  void reset(int32_t id) { nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL); }

  std::string take() {  // what the client has to send, the preface first
    std::string out;
    for (;;) {
      const uint8_t* d = nullptr;
      const ssize_t n = nghttp2_session_mem_send(session_, &d);
      if (n <= 0) break;
      out.append(reinterpret_cast<const char*>(d), static_cast<size_t>(n));
    }
    return out;
  }
  void give(const std::string& bytes) {
    nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }

  std::map<int32_t, Response> responses;
  int goaway = -1;

 private:
  nghttp2_session* session_ = nullptr;
};

// The server side under test, with bodies pulled from `bodies`.
struct Server {
  explicit Server(Limits limits = {})
      : session(limits, [this](int32_t id, uint8_t* dst, std::size_t max, bool& eof) -> long {
          auto it = bodies.find(id);
          if (it == bodies.end()) return -1;
          const std::size_t n = std::min(max, it->second.size());
          std::copy_n(it->second.data(), n, dst);
          it->second.erase(0, n);
          eof = it->second.empty() && done[id];
          return static_cast<long>(n);
        }) {}

  // Client to server, then server to client; the events of both directions in `events`.
  bool exchange(Client& client) {
    const bool open = session.receive(client.take(), events);
    std::string out;
    session.send(out, 1 << 20, events);
    client.give(out);
    return open;
  }
  std::vector<const Event*> of(Event::Kind kind) const {
    std::vector<const Event*> r;
    for (const Event& e : events) {
      if (e.kind == kind) r.push_back(&e);
    }
    return r;
  }
  void answer(int32_t stream, const std::string& response_head, std::string body, bool has_body = true) {
    http::ResponseHead head;
    ASSERT_FALSE(http::parseResponseHead(response_head, http::Limits{}, head).has_value());
    bodies[stream] = std::move(body);
    done[stream] = true;
    session.respond(stream, head, has_body);
  }

  std::map<int32_t, std::string> bodies;
  std::map<int32_t, bool> done;
  Session session;
  std::vector<Event> events;
};

using Fields = std::vector<std::pair<std::string, std::string>>;
const Fields kGet = {{":method", "GET"}, {":scheme", "https"}, {":authority", "site.test"}, {":path", "/page?q=1"}};

TEST(H2Session, ARequestBecomesAnHttp11HeadAndItsAnswerGoesBackAsFrames) {
  Server server;
  Client client;
  const int32_t id = client.request(kGet);
  ASSERT_TRUE(server.exchange(client));
  const auto opens = server.of(Event::Kind::kOpen);
  ASSERT_EQ(opens.size(), 1U);
  EXPECT_EQ(opens[0]->stream, id);
  EXPECT_EQ(opens[0]->bytes, "GET /page?q=1 HTTP/1.1\r\nHost: site.test\r\n\r\n");

  server.answer(id,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\nKeep-Alive: 5\r\n"
                "Content-Length: 5\r\nX-Rampart-Cache: hit\r\n\r\n",
                "hello");
  server.exchange(client);
  const Client::Response& r = client.responses[id];
  EXPECT_EQ(r.fields.at(":status"), "200");
  EXPECT_EQ(r.fields.at("content-type"), "text/plain");
  EXPECT_EQ(r.fields.at("x-rampart-cache"), "hit");  // names lower-cased
  EXPECT_EQ(r.fields.count("connection"), 0U);       // connection-specific: dropped
  EXPECT_EQ(r.fields.count("keep-alive"), 0U);
  EXPECT_EQ(r.body, "hello");
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.error, 0U);
  EXPECT_EQ(server.of(Event::Kind::kClosed).size(), 1U);
}

TEST(H2Session, FieldsAreMadeFitForHttp11) {
  Server server;
  Client client;
  client.request({{":method", "GET"},
                  {":scheme", "http"},
                  {":path", "/"},
                  {"host", "other.test"},  // no :authority: Host stands in
                  {"cookie", "a=1"},
                  {"cookie", "b=2"},  // split cookies (RFC 9113 section 8.2.3) become one
                  {"content-length", "0"},
                  {"te", "trailers"},
                  {"user-agent", "ua"}});
  server.exchange(client);
  const auto opens = server.of(Event::Kind::kOpen);
  ASSERT_EQ(opens.size(), 1U);
  EXPECT_EQ(opens[0]->bytes, "GET / HTTP/1.1\r\nHost: other.test\r\nuser-agent: ua\r\ncookie: a=1; b=2\r\n\r\n");
}

TEST(H2Session, ABodyArrivesAsChunksEndingWithTheLastChunk) {
  Server server;
  Client client;
  std::string body(20000, 'x');  // more than one DATA frame
  const int32_t id =
      client.request({{":method", "POST"}, {":scheme", "http"}, {":authority", "s"}, {":path", "/f"}}, &body);
  server.exchange(client);
  const auto opens = server.of(Event::Kind::kOpen);
  ASSERT_EQ(opens.size(), 1U);
  EXPECT_EQ(opens[0]->bytes.substr(0, 200), "POST /f HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string input;
  for (const Event* e : server.of(Event::Kind::kInput)) {
    EXPECT_EQ(e->stream, id);
    input += e->bytes;
  }
  // What the HTTP/1.1 path reads: the chunked decoder must give back the body exactly.
  ASSERT_TRUE(input.ends_with("\r\n0\r\n\r\n")) << input.size();
  std::string decoded;
  std::size_t at = 0;
  while (at < input.size()) {
    const std::size_t eol = input.find("\r\n", at);
    const std::size_t size = std::stoul(input.substr(at, eol - at), nullptr, 16);
    if (size == 0) break;
    decoded += input.substr(eol + 2, size);
    at = eol + 2 + size + 2;
  }
  EXPECT_TRUE(decoded == std::string(20000, 'x')) << decoded.size();
}

TEST(H2Session, AnAnswerWithoutBodyEndsTheStreamAtItsHeaders) {
  Server server;
  Client client;
  const int32_t id = client.request(kGet);
  server.exchange(client);
  server.answer(id, "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", "", false);
  server.exchange(client);
  EXPECT_EQ(client.responses[id].fields.at(":status"), "304");
  EXPECT_TRUE(client.responses[id].closed);
}

TEST(H2Session, ABodyNotReadyYetIsPulledWhenResumed) {
  Server server;
  Client client;
  const int32_t id = client.request(kGet);
  server.exchange(client);
  server.answer(id, "HTTP/1.1 200 OK\r\n\r\n", "part1");
  server.done[id] = false;  // the origin is still sending
  server.exchange(client);
  EXPECT_EQ(client.responses[id].body, "part1");
  EXPECT_FALSE(client.responses[id].closed);
  server.bodies[id] = "part2";
  server.done[id] = true;
  server.session.resume(id);
  server.exchange(client);
  EXPECT_EQ(client.responses[id].body, "part1part2");
  EXPECT_TRUE(client.responses[id].closed);
}

TEST(H2Session, AnAnswerBeforeTheBodyEndedResetsTheStreamWithNoError) {
  Server server;
  Client client;
  // A body larger than the stream's window, so the client is still sending when answered.
  std::string body(200000, 'y');
  const int32_t id =
      client.request({{":method", "POST"}, {":scheme", "http"}, {":authority", "s"}, {":path", "/"}}, &body);
  server.exchange(client);
  server.answer(id, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\n\r\n", "big\n");
  server.exchange(client);
  EXPECT_EQ(client.responses[id].fields.at(":status"), "413");
  EXPECT_EQ(client.responses[id].body, "big\n");
  EXPECT_TRUE(client.responses[id].closed);
  EXPECT_EQ(client.responses[id].error, static_cast<uint32_t>(NGHTTP2_NO_ERROR));
}

TEST(H2Session, AResetStreamIsReportedClosedAndItsBodyNeverPulled) {
  Server server;
  Client client;
  const int32_t id = client.request(kGet);
  server.exchange(client);
  server.answer(id, "HTTP/1.1 200 OK\r\n\r\n", "body");
  server.done[id] = false;
  server.bodies.erase(id);  // the worker's stream is gone: the pull says so
  server.exchange(client);
  EXPECT_TRUE(client.responses[id].closed);
  EXPECT_NE(client.responses[id].error, 0U);
}

TEST(H2Session, RapidResetEndsTheConnection) {
  Limits limits;
  limits.reset_burst = 50;
  limits.reset_rate = 10;
  Server server(limits);
  Client client;
  bool open = true;
  int sent = 0;
  for (; sent < 1000 && open && client.goaway < 0; ++sent) {
    const int32_t id = client.request(kGet);
    open = server.exchange(client);  // the stream opens ...
    client.reset(id);                // ... and is cancelled at once: the server did the work for nothing
    open = open && server.exchange(client);
  }
  EXPECT_LT(sent, 100);                                                // the burst, then a few: not the thousand
  EXPECT_EQ(client.goaway, static_cast<int>(NGHTTP2_INTERNAL_ERROR));  // nghttp2's code for it
  EXPECT_TRUE(server.session.misbehaved());
  EXPECT_GE(server.session.resetsReceived(), 50U);
}

TEST(H2Session, StreamsBeyondTheConcurrentLimitAreRefused) {
  Limits limits;
  limits.max_concurrent_streams = 10;
  Server server(limits);
  Client client;
  // Sent before the client has the server's SETTINGS, so it does not hold them back itself; the
  // server never answers, so every stream stays open.
  std::vector<int32_t> ids;
  for (int i = 0; i < 30; ++i) ids.push_back(client.request(kGet));
  server.exchange(client);
  EXPECT_EQ(server.of(Event::Kind::kOpen).size(), 10U);
  int refused = 0;
  for (const int32_t id : ids) {
    refused += client.responses[id].closed && client.responses[id].error == NGHTTP2_REFUSED_STREAM ? 1 : 0;
  }
  EXPECT_EQ(refused, 20);
}

TEST(H2Session, AHeaderListOverTheLimitResetsTheStreamUnseen) {
  Limits limits;
  limits.max_header_bytes = 1024;
  Server server(limits);
  Client client;
  Fields fields = kGet;
  fields.emplace_back("x-big", std::string(4000, 'a'));
  const int32_t id = client.request(fields);
  server.exchange(client);
  EXPECT_TRUE(server.of(Event::Kind::kOpen).empty());
  EXPECT_TRUE(client.responses[id].closed);
}

TEST(H2Session, ABadPrefaceEndsTheConnection) {
  Server server;
  std::vector<Event> events;
  EXPECT_FALSE(server.session.receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n", events));
  EXPECT_TRUE(server.session.misbehaved());
  EXPECT_TRUE(events.empty());
}

}  // namespace
}  // namespace rampart::shield::h2
