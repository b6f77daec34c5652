// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the shield's HTTP/2 side: the input is what a client sends after the
// connection preface, fed in pieces (sizes from the input, so a crash replays exactly); every
// request that opens is answered, with a body pulled in pieces, and the frames sent are drained.
// Besides not crashing:
//  - each request given to the HTTP/1.1 path is one head and only one: it ends exactly where
//    the event ends (no field smuggled a CRLF CRLF, a second request or a body into it);
//  - the head is one the strict parser accepts, or refuses with an error (never a crash);
//  - input for a stream only ever follows its opening, and no stream opens twice.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "shield/h2/session.h"
#include "shield/http/head_parser.h"

namespace {

using namespace rampart::shield;

void check(bool condition, int line) {
  if (condition) return;
  std::fprintf(stderr, "check failed at line %d\n", line);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  h2::Limits limits;
  limits.max_concurrent_streams = 8;
  limits.reset_burst = 20;
  limits.reset_rate = 5;
  limits.max_header_bytes = 2048;
  std::map<int32_t, std::size_t> body_left;  // what each answered stream still has to send
  h2::Session session(limits, [&](int32_t id, uint8_t* dst, std::size_t max, bool& eof) -> long {
    const auto it = body_left.find(id);
    if (it == body_left.end()) return -1;
    const std::size_t n = std::min({max, it->second, std::size_t{700}});
    std::memset(dst, 'b', n);
    it->second -= n;
    eof = it->second == 0;
    return static_cast<long>(n);
  });
  std::string input(h2::kPreface);
  input.append(reinterpret_cast<const char*>(data), size);
  std::set<int32_t> opened;
  std::vector<h2::Event> events;
  http::RequestHead head;
  http::ResponseHead answer;
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n";
  check(!http::parseResponseHead(response, http::Limits{}, answer).has_value(), __LINE__);
  std::size_t at = 0;
  uint64_t seed = size;
  bool open = true;
  while (at < input.size() && open) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::size_t piece = std::min(input.size() - at, std::size_t{1} + (seed >> 33) % 97);
    events.clear();
    open = session.receive(std::string_view(input).substr(at, piece), events);
    at += piece;
    std::string out;
    session.send(out, 1 << 16, events);
    for (const h2::Event& e : events) {
      if (e.kind == h2::Event::Kind::kOpen) {
        check(opened.insert(e.stream).second, __LINE__);
        const http::HeadEnd end = http::findHeadEnd(e.bytes, 0);
        check(end.state == http::HeadEnd::State::kComplete && end.length == e.bytes.size(), __LINE__);
        (void)http::parseRequestHead(e.bytes, http::Limits{}, head);
        body_left[e.stream] = e.stream % 3 == 0 ? 0 : 1500;
        session.respond(e.stream, answer, e.stream % 5 != 0);
      } else if (e.kind == h2::Event::Kind::kInput) {
        check(opened.count(e.stream) == 1, __LINE__);
      } else {
        body_left.erase(e.stream);
      }
    }
    out.clear();
    session.send(out, 1 << 16, events);
  }
  return 0;
}
