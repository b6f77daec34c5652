// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "decode/packet_decoder.h"
#include "sensor/af_packet_source.h"
#include "traffic/traffic_counters.h"

namespace rampart::runtime {

// What one worker counted between two collections: its counter shard, decode outcomes and what
// its rings' kernel counters said meanwhile.
struct CaptureShard {
  CaptureShard(const traffic::TrafficConfig& config, const traffic::ProtectedNetworks& networks,
               std::vector<traffic::GroupTrigger> triggers)
      : counters(config, networks, std::move(triggers)) {}
  traffic::TrafficCounters counters;
  decode::DecodeStats decode;
  sensor::CaptureStats kernel;

  void reset() {
    counters.resetWindow();
    decode = {};
    kernel = {};
  }
};

// A capture thread: its own AF_PACKET sockets (one per interface, each in that interface's fanout
// group, so the kernel spreads flows over the workers) counted into its own shard. It never waits
// for the main thread and takes no lock per packet. Two shards take turns: when the main thread
// asks (collect()), the worker hands over the one it filled and goes on in the empty one it got
// back (giveBack()); the exchange is a pointer swap under a mutex, once per sub-window.
class CaptureWorker {
 public:
  // `triggers` for the shard: the view's, scaled down to a sub-window of one worker's share.
  CaptureWorker(std::vector<sensor::AfPacketSource> sources, const traffic::TrafficConfig& config,
                const traffic::ProtectedNetworks& networks, const std::vector<traffic::GroupTrigger>& triggers);
  ~CaptureWorker();
  CaptureWorker(const CaptureWorker&) = delete;
  CaptureWorker& operator=(const CaptureWorker&) = delete;

  void start();
  // Stops and joins the thread. Then remainder() holds what it counted since its last hand-over
  // (nullptr if that was taken already), and release() gives back its sockets (a reload rebuilds
  // workers around them).
  void stop();
  [[nodiscard]] CaptureShard* remainder();
  [[nodiscard]] std::vector<sensor::AfPacketSource> release() { return std::move(sources_); }

  // Main thread: asks for the shard (request(), for every worker first, so that they hand over at
  // once), then takes it, waiting up to `wait_ms`; nullptr when the worker did not hand over in
  // time (its traffic then comes with the next collection).
  void request() noexcept { requested_.fetch_add(1, std::memory_order_release); }
  [[nodiscard]] CaptureShard* collect(int wait_ms);
  // Main thread: returns a collected shard, emptied, with the view's busy targets (sampled by the
  // worker from their first packet).
  void giveBack(CaptureShard* shard, std::shared_ptr<const traffic::TargetKeySet> hot);

 private:
  void loop();
  void handOver(uint64_t& served);
  void addKernelStats();

  std::vector<sensor::AfPacketSource> sources_;
  CaptureShard shards_[2];
  CaptureShard* active_;  // the worker thread's
  std::mutex mutex_;      // guards full_ and spare_
  std::condition_variable handed_;
  CaptureShard* full_ = nullptr;
  CaptureShard* spare_;
  std::atomic<uint64_t> requested_{0};
  std::atomic<bool> stop_{false};
  std::vector<sensor::CaptureStats> last_kernel_;  // each ring's totals at the last reading
  std::thread thread_;
};

}  // namespace rampart::runtime
