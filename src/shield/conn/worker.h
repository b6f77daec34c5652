// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "shield/conn/endpoint.h"
#include "shield/conn/shared_state.h"
#include "shield/h2/session.h"
#include "shield/policy/client_table.h"
#include "shield/policy/micro_cache.h"
#include "shield/policy/offender_tracker.h"
#include "shield/shield_config.h"
#include "shield/shield_stats.h"

namespace rampart::shield::conn {

struct ClientConn;
struct OriginConn;

// One thread's share of the shield: its own listening socket (SO_REUSEPORT, clients steered to it
// by address), its own epoll loop, clients, origin connections and client table. Nothing in it is
// shared with another worker except the stop flag and the stats it publishes.
class TlsContext;

class Worker {
 public:
  // `tls_fd` and `tls` (-1 and null without HTTPS): the HTTPS listener and its certificates.
  Worker(const ShieldConfig& config, const std::vector<Endpoint>& origins, int listen_fd, int tls_fd,
         const TlsContext* tls, ShieldStats& stats, const SharedState& shared);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Serves until `stop` is set (checked at least every 100 ms).
  void run(const std::atomic<bool>& stop);

  // The clients that became offenders since the last call (any thread; a lock only this and the
  // rare new offender take).
  [[nodiscard]] std::vector<core::IpAddress> takeOffenders();

 private:
  struct Origin {
    Endpoint endpoint;
    std::vector<OriginConn*> idle;
    uint64_t down_until_ns = 0;  // after a failed connect, skipped for a moment
  };

  void onAccept(int listen_fd, bool tls);
  void strike(const core::IpAddress& client);  // a refusal: counts towards handing the client over
  bool handshake(ClientConn& c);
  long clientRead(ClientConn& c, bool& drained);
  long clientWrite(ClientConn& c, const char* data, std::size_t size);
  void onClientEvent(ClientConn& c, uint32_t events);
  void onOriginEvent(OriginConn& o, uint32_t events);
  bool readSome(ClientConn& c);
  void processClient(ClientConn& c);
  void readRequests(ClientConn& c);
  bool readHead(ClientConn& c);
  bool readBody(ClientConn& c);
  // Under attack: whether the request may go on to the origin; if not, it has been answered.
  bool admitUnderAttack(ClientConn& c, const http::RequestHead& req, uint32_t difficulty, std::size_t head_length);
  // Answers a request whose head is `head_length` bytes of `in` without forwarding it.
  void answerHead(ClientConn& c, std::size_t head_length, uint16_t status, std::string_view extra_headers,
                  std::string_view content_type, std::string_view body);
  void dispatch(ClientConn& c);
  // Answers from the cache (true), joins an identical request's fetch (true), or returns false
  // and the request goes to the origin.
  bool fromCache(ClientConn& c);
  void serveCached(ClientConn& c, const policy::MicroCache::Entry& e, std::string_view how);
  // The fetch others wait for has ended (stored, failed or abandoned): they are answered from
  // the cache, with stale content, or sent to the origin themselves.
  void endFetch(const std::string& key);
  void respondOwn(ClientConn& c, uint16_t status, std::string_view extra_headers, std::string_view body,
                  bool keep_alive);
  void flushClient(ClientConn& c);
  bool writeOut(ClientConn& c);  // sends what `out` holds: true when all of it went
  // HTTP/2 (worker_h2.cpp).
  void startH2(ClientConn& c);
  void processH2(ClientConn& c);
  void onH2Events(ClientConn& c, std::vector<h2::Event>& events);
  void flushStream(ClientConn& s);
  void pumpH2(ClientConn& c);
  long pullBody(ClientConn& c, int32_t stream, uint8_t* dst, std::size_t max, bool& eof);
  void responseDone(ClientConn& c);
  void readOrigin(OriginConn& o);
  bool originHead(OriginConn& o);
  void originBody(OriginConn& o);
  void flushOrigin(OriginConn& o);
  void originFinished(OriginConn& o, bool reusable);
  void originBroke(OriginConn& o, uint16_t status);
  OriginConn* originFor(ClientConn& c);
  // Hands `request` (taken: it is swapped out) to `o` for `c`, and sends it once connected.
  void sendToOrigin(ClientConn& c, OriginConn& o, std::string& request);
  void closeClient(ClientConn& c);
  void closeOrigin(OriginConn& o);
  // Registers `fd` once, edge-triggered for both directions: interest never changes after, so
  // a request costs no epoll_ctl.
  void watch(int fd, void* tag);
  void sweep();
  void reap();

  const ShieldConfig& config_;
  std::vector<Origin> origins_;
  std::size_t next_origin_ = 0;
  int listen_fd_;
  int tls_fd_;
  const TlsContext* tls_;
  int epoll_fd_ = -1;
  ShieldStats& stats_;
  const SharedState& shared_;
  policy::ClientTable clients_;
  policy::MicroCache cache_;
  policy::OffenderTracker offenders_;
  std::mutex found_mutex_;
  std::vector<core::IpAddress> found_;                                 // offenders not yet taken
  std::unordered_map<std::string, std::vector<ClientConn*>> waiting_;  // by cache key: requests a fetch will answer
  uint64_t now_ns_ = 0;
  uint64_t now_s_ = 0;  // wall clock, for the challenge's tokens
  uint64_t last_sweep_ns_ = 0;
  uint64_t last_table_sweep_ns_ = 0;
  std::vector<std::unique_ptr<ClientConn>> conns_;  // every open client connection, and HTTP/2 stream
  std::size_t connections_ = 0;                     // of which connections
  std::vector<std::unique_ptr<OriginConn>> origin_conns_;
  std::vector<ClientConn*> dead_clients_;  // closed this round, freed after the round's events
  std::vector<OriginConn*> dead_origins_;
  std::vector<ClientConn*> ready_;  // clients with more to read than one turn allowed
  // HTTP/2 connections whose streams were answered this round: pumped once at its end, so the
  // answers that arrived together leave in one TLS record and one send.
  std::vector<ClientConn*> to_pump_;
  std::string scratch_;            // a chunked response decoded only to find its end
  std::vector<char> read_buffer_;  // every recv lands here first
};

}  // namespace rampart::shield::conn
