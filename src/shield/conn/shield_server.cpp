// SPDX-License-Identifier: Apache-2.0
#include "shield/conn/shield_server.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "shield/conn/endpoint.h"
#include "shield/conn/health_probe.h"
#include "shield/conn/tls_context.h"
#include "shield/conn/worker.h"

namespace rampart::shield::conn {
namespace {

core::Result<int, std::string> listenOn(const Endpoint& e) {
  const int fd = socket(e.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return core::Result<int, std::string>::failure(std::strerror(errno));
  const int one = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  (void)setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&e.address), e.length) != 0 || listen(fd, 4096) != 0) {
    const std::string what = std::strerror(errno);
    close(fd);
    return core::Result<int, std::string>::failure(what);
  }
  return fd;
}

// A worker's connection limits: the kernel spreads one client's connections over the workers,
// so each worker holds its share of the per-address and per-network counts and connection rates.
// Request rates stay whole: a client's requests on one connection all reach one worker.
policy::ClientLimits shareOf(policy::ClientLimits l, unsigned workers) {
  const auto share = [workers](uint32_t v) { return std::max<uint32_t>(1, (v + workers - 1) / workers); };
  l.max_connections = share(l.max_connections);
  l.max_network_connections = share(l.max_network_connections);
  for (policy::Rate* r : {&l.new_connections, &l.network_new_connections}) {
    r->per_second /= workers;
    r->burst = std::max(1.0, r->burst / workers);
  }
  return l;
}

}  // namespace

ShieldServer::ShieldServer(ShieldConfig config)
    : config_(std::move(config)),
      shared_(std::make_unique<SharedState>(config_.challenge)),
      mode_(config_.attack_mode) {
  config_.clients = shareOf(config_.clients, std::max(1u, config_.workers));
  // The no-JavaScript path is slow on purpose: it may not be asked for fast either.
  config_.clients.path_rates.insert(config_.clients.path_rates.begin(),
                                    policy::PathRate{std::string(policy::kChallengePrefix) + "nojs", {0.5, 3}});
  const auto first = mode_.update({});
  shared_->difficulty.store(first.active ? first.difficulty : 0);
}

ShieldServer::~ShieldServer() { stop(); }

core::Status ShieldServer::start() {
  const auto listen = Endpoint::parse(config_.listen);
  if (!listen) return core::failed(fmt::format("shield listen '{}': not an address:port", config_.listen));
  std::vector<Endpoint> origins;
  for (const std::string& o : config_.origins) {
    const auto e = Endpoint::parse(o);
    if (!e) return core::failed(fmt::format("shield origin '{}': not an address:port", o));
    origins.push_back(*e);
  }
  if (origins.empty()) return core::failed("shield: no origin to forward to");
  shared_->origin_down = std::make_unique<std::atomic<bool>[]>(origins.size());
  const unsigned n = std::max(1u, config_.workers);
  for (unsigned i = 0; i < n; ++i) {
    auto fd = listenOn(*listen);
    if (!fd) return core::failed(fmt::format("shield listen {}: {}", config_.listen, fd.error()));
    listen_fds_.push_back(*fd);
  }
  if (!config_.tls.listen.empty()) {
    const auto tls_listen = Endpoint::parse(config_.tls.listen);
    if (!tls_listen)
      return core::failed(fmt::format("shield tls listen '{}': not an address:port", config_.tls.listen));
    auto loaded = TlsContext::load(config_.tls.certificates, config_.http2.enabled);
    if (!loaded) return core::failed(loaded.error());
    tls_ = std::move(loaded).value();
    for (unsigned i = 0; i < n; ++i) {
      auto fd = listenOn(*tls_listen);
      if (!fd) return core::failed(fmt::format("shield tls listen {}: {}", config_.tls.listen, fd.error()));
      tls_fds_.push_back(*fd);
    }
  }
  for (unsigned i = 0; i < n; ++i) {
    stats_.push_back(std::make_unique<ShieldStats>());
    workers_.push_back(std::make_unique<Worker>(config_, origins, listen_fds_[i], tls_ ? tls_fds_[i] : -1, tls_.get(),
                                                *stats_.back(), *shared_));
  }
  for (unsigned i = 0; i < n; ++i) {
    threads_.emplace_back([this, i] { workers_[i]->run(stop_); });
  }
  origin_endpoints_ = origins;
  if (!config_.health_path.empty()) {
    health_ = std::thread([this] {
      while (!stop_.load()) {
        for (std::size_t k = 0; k < origin_endpoints_.size(); ++k) {
          const bool up = probeOrigin(origin_endpoints_[k], config_.health_path, config_.health_timeout_ms);
          shared_->origin_down[k].store(!up);
        }
        for (uint32_t waited = 0; waited < config_.health_interval_ms && !stop_.load(); waited += 50) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
    });
  }
  return core::okStatus();
}

void ShieldServer::stop() {
  stop_.store(true);
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  if (health_.joinable()) health_.join();
  workers_.clear();
  for (int fd : listen_fds_) close(fd);
  for (int fd : tls_fds_) close(fd);
  listen_fds_.clear();
  tls_fds_.clear();
}

std::string ShieldServer::tick() {
  const auto now = totals();
  if (last_totals_.empty()) last_totals_.assign(now.size(), 0);
  const auto delta = [&](Counter c) {
    const auto i = static_cast<std::size_t>(c);
    return static_cast<double>(now[i] - last_totals_[i]);
  };
  policy::SecondSample s;
  // What the rate limits and the parser stopped cost next to nothing: the load that counts is
  // what would go on (a single-source flood is absorbed by its 429s alone).
  s.requests = delta(Counter::requests) - delta(Counter::limited_requests) - delta(Counter::rejected_malformed) -
               delta(Counter::rejected_upgrade);
  s.forwarded = delta(Counter::forwarded);
  s.failed = delta(Counter::origin_failed) + delta(Counter::origin_timeouts);
  const double responses = delta(Counter::responses);
  s.latency_ms = responses > 0 ? delta(Counter::origin_latency_us) / responses / 1000 : 0;
  last_totals_ = now;
  const bool was = underAttack();
  const auto state = mode_.update(s);
  const uint32_t difficulty = state.active ? std::max(1u, state.difficulty) : 0;
  const uint32_t before = shared_->difficulty.exchange(difficulty);
  if (state.active && !was) {
    return fmt::format("shield: under attack ({}: {:.0f} requests/s, baseline {:.0f}): challenging clients at {} bits",
                       state.reason, s.requests, mode_.baselineRate(), difficulty);
  }
  if (!state.active && was) return "shield: calm again: challenge off";
  if (state.active && before != difficulty) return fmt::format("shield: challenge difficulty now {} bits", difficulty);
  return "";
}

std::vector<core::IpAddress> ShieldServer::takeOffenders() {
  std::vector<core::IpAddress> all;
  for (auto& w : workers_) {
    auto some = w->takeOffenders();
    all.insert(all.end(), some.begin(), some.end());
  }
  return all;
}

std::vector<uint64_t> ShieldServer::totals() const {
  std::vector<uint64_t> t(kCounterInfo.size(), 0);
  for (const auto& s : stats_) {
    for (std::size_t i = 0; i < t.size(); ++i) t[i] += s->get(static_cast<Counter>(i));
  }
  return t;
}

std::vector<std::string> ShieldServer::originsDown() const {
  std::vector<std::string> down;
  for (std::size_t k = 0; k < origin_endpoints_.size(); ++k) {
    if (shared_->origin_down && shared_->origin_down[k].load()) down.push_back(config_.origins[k]);
  }
  return down;
}

uint64_t ShieldServer::openConnections() const {
  uint64_t n = 0;
  for (const auto& s : stats_) n += s->open_connections.load(std::memory_order_relaxed);
  return n;
}

std::string ShieldServer::statsJson() const {
  nlohmann::json counters = nlohmann::json::object();
  const auto t = totals();
  for (std::size_t i = 0; i < t.size(); ++i) counters[std::string(kCounterInfo[i].name)] = t[i];
  nlohmann::json doc = {{"schema", "rampart.shield.stats/1"},
                        {"listen", config_.listen},
                        {"workers", stats_.size()},
                        {"open_connections", openConnections()},
                        {"under_attack", underAttack()},
                        {"origins_down", originsDown()},
                        {"challenge_difficulty", shared_->difficulty.load()},
                        {"counters", counters}};
  return doc.dump(2) + "\n";
}

}  // namespace rampart::shield::conn
