// SPDX-License-Identifier: Apache-2.0
#include "shield/conn/shield_server.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "shield/conn/endpoint.h"
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

ShieldServer::ShieldServer(ShieldConfig config) : config_(std::move(config)) {
  config_.clients = shareOf(config_.clients, std::max(1u, config_.workers));
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
  const unsigned n = std::max(1u, config_.workers);
  for (unsigned i = 0; i < n; ++i) {
    auto fd = listenOn(*listen);
    if (!fd) return core::failed(fmt::format("shield listen {}: {}", config_.listen, fd.error()));
    listen_fds_.push_back(*fd);
  }
  for (unsigned i = 0; i < n; ++i) {
    stats_.push_back(std::make_unique<ShieldStats>());
    workers_.push_back(std::make_unique<Worker>(config_, origins, listen_fds_[i], *stats_.back()));
  }
  for (unsigned i = 0; i < n; ++i) {
    threads_.emplace_back([this, i] { workers_[i]->run(stop_); });
  }
  return core::okStatus();
}

void ShieldServer::stop() {
  stop_.store(true);
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  workers_.clear();
  for (int fd : listen_fds_) close(fd);
  listen_fds_.clear();
}

std::vector<uint64_t> ShieldServer::totals() const {
  std::vector<uint64_t> t(kCounterInfo.size(), 0);
  for (const auto& s : stats_) {
    for (std::size_t i = 0; i < t.size(); ++i) t[i] += s->get(static_cast<Counter>(i));
  }
  return t;
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
                        {"counters", counters}};
  return doc.dump(2) + "\n";
}

}  // namespace rampart::shield::conn
