// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "shield/conn/endpoint.h"
#include "shield/policy/client_table.h"
#include "shield/shield_config.h"
#include "shield/shield_stats.h"

namespace rampart::shield::conn {

struct ClientConn;
struct OriginConn;

// One thread's share of the shield: its own listening socket (SO_REUSEPORT, clients steered to it
// by address), its own epoll loop, clients, origin connections and client table. Nothing in it is
// shared with another worker except the stop flag and the stats it publishes.
class Worker {
 public:
  Worker(const ShieldConfig& config, std::vector<Endpoint> origins, int listen_fd, ShieldStats& stats);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Serves until `stop` is set (checked at least every 100 ms).
  void run(const std::atomic<bool>& stop);

 private:
  struct Origin {
    Endpoint endpoint;
    std::vector<OriginConn*> idle;
    uint64_t down_until_ns = 0;  // after a failed connect, skipped for a moment
  };

  void onAccept();
  void onClientEvent(ClientConn& c, uint32_t events);
  void onOriginEvent(OriginConn& o, uint32_t events);
  bool readSome(ClientConn& c);
  void processClient(ClientConn& c);
  bool readHead(ClientConn& c);
  bool readBody(ClientConn& c);
  void dispatch(ClientConn& c);
  void respondOwn(ClientConn& c, uint16_t status, std::string_view extra_headers, std::string_view body,
                  bool keep_alive);
  void flushClient(ClientConn& c);
  void responseDone(ClientConn& c);
  void readOrigin(OriginConn& o);
  bool originHead(OriginConn& o);
  void originBody(OriginConn& o);
  void flushOrigin(OriginConn& o);
  void originFinished(OriginConn& o, bool reusable);
  void originBroke(OriginConn& o, uint16_t status);
  OriginConn* originFor(ClientConn& c);
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
  int epoll_fd_ = -1;
  ShieldStats& stats_;
  policy::ClientTable clients_;
  uint64_t now_ns_ = 0;
  uint64_t last_sweep_ns_ = 0;
  uint64_t last_table_sweep_ns_ = 0;
  std::vector<std::unique_ptr<ClientConn>> conns_;  // every open client connection
  std::vector<std::unique_ptr<OriginConn>> origin_conns_;
  std::vector<ClientConn*> dead_clients_;  // closed this round, freed after the round's events
  std::vector<OriginConn*> dead_origins_;
  std::vector<ClientConn*> ready_;  // clients with more to read than one turn allowed
  std::string scratch_;             // a chunked response decoded only to find its end
  std::vector<char> read_buffer_;   // every recv lands here first
};

}  // namespace rampart::shield::conn
