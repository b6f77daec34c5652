// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shield/h2/limits.h"
#include "shield/http/http_head.h"
#include "shield/policy/attack_mode.h"
#include "shield/policy/challenge.h"
#include "shield/policy/client_limits.h"
#include "shield/policy/crawlers.h"
#include "shield/policy/micro_cache.h"
#include "shield/policy/offender_tracker.h"

namespace rampart::shield {

// Deadlines that keep slow clients from holding connections (slowloris, slow POST, slow read).
struct Deadlines {
  uint32_t header_ms = 5000;      // the whole request head, from its first byte
  uint32_t idle_ms = 15000;       // a kept-alive connection waiting for its next request
  uint32_t body_grace_ms = 2000;  // a body may start slowly for this long ...
  uint32_t min_body_rate = 2048;  // ... and must then arrive at this many bytes per second
  uint32_t send_grace_ms = 2000;  // a response may be read slowly for this long ...
  uint32_t min_send_rate = 4096;  // ... and must then be read at this many bytes per second
  uint32_t origin_connect_ms = 2000;
  uint32_t origin_response_ms = 30000;  // from the request sent to the response's last byte
};

// A certificate with its chain, and its key: PEM files.
struct TlsCertificate {
  std::string cert;
  std::string key;
};

// `[shield.tls]`: HTTPS on a listener of its own, one certificate per site (chosen by SNI).
struct TlsSettings {
  std::string listen;  // "" = no HTTPS
  std::vector<TlsCertificate> certificates;
};

// The `[shield]` section: one listener in front of one or more origins.
struct ShieldConfig {
  std::string listen = "127.0.0.1:8080";  // address:port ([v6]:port)
  std::vector<std::string> origins;       // address:port, HTTP/1.1, used in turn
  unsigned workers = 2;                   // threads, each with its own socket and clients
  // Workers under SCHED_BATCH (true) are not run the instant a packet wakes them: they wait for
  // the running thread's slice, then find a round's worth of events instead of one. On a host
  // that also runs the origin this is faster for both (docs/shield.md, "Scheduling").
  bool batch_scheduling = true;
  uint32_t max_connections = 20000;   // open client connections per worker
  std::size_t max_origin_idle = 256;  // kept-alive origin connections per origin per worker (HTTP/2 streams need many)
  std::string health_path;            // GET this on each origin now and then ("" = passive checks only)
  uint32_t health_interval_ms = 2000;
  uint32_t health_timeout_ms = 1000;
  TlsSettings tls;
  http::Limits http;
  h2::Limits http2;  // [shield.http2]
  Deadlines deadlines;
  policy::ClientLimits clients;
  policy::AttackModeConfig attack_mode;       // [shield.under_attack]: when to challenge ...
  policy::ChallengeConfig challenge;          // ... and how
  std::vector<policy::CrawlerRule> crawlers;  // ... and whom not to challenge
  policy::CacheConfig cache;                  // [shield.cache]
  policy::OffenderConfig offenders;           // [shield.mitigation]: when a client is handed over ...
  std::string mitigation_socket;              // ... to the daemon on this control socket ("" = never)
  bool hand_off = false;                      // offenders are handed over at all (`rampart run` does it in-process)
  std::string stats_file;  // a JSON document of the shield's counters, rewritten every second ("" = none)
};

}  // namespace rampart::shield
