// SPDX-License-Identifier: Apache-2.0
#include "runtime/capture_worker.h"

#include <poll.h>

#include <chrono>

#include "pipeline/count_frame.h"

namespace rampart::runtime {
namespace {

constexpr int kPollMs = 10;  // how late a worker may notice a request when its rings are idle

traffic::TrafficConfig shardConfig(traffic::TrafficConfig c) {
  c.shard = true;
  return c;
}

}  // namespace

CaptureWorker::CaptureWorker(std::vector<sensor::AfPacketSource> sources, const traffic::TrafficConfig& config,
                             const traffic::ProtectedNetworks& networks,
                             const std::vector<traffic::GroupTrigger>& triggers)
    : sources_(std::move(sources)),
      shards_{CaptureShard(shardConfig(config), networks, triggers),
              CaptureShard(shardConfig(config), networks, triggers)},
      active_(&shards_[0]),
      spare_(&shards_[1]),
      last_kernel_(sources_.size()) {}

CaptureWorker::~CaptureWorker() { stop(); }

void CaptureWorker::start() {
  thread_ = std::thread([this] { loop(); });
}

void CaptureWorker::stop() {
  stop_.store(true, std::memory_order_relaxed);
  if (thread_.joinable()) thread_.join();
}

CaptureShard* CaptureWorker::remainder() {
  if (thread_.joinable()) return nullptr;  // still running: collect() is the way
  addKernelStats();
  return std::exchange(active_, nullptr);
}

void CaptureWorker::loop() {
  std::vector<pollfd> fds;
  for (const auto& s : sources_) fds.push_back({s.fd(), POLLIN | POLLERR, 0});
  uint64_t served = 0;
  // Built once: the batch callback counts into whichever shard is active at the time.
  core::FlowRecord record;
  uint32_t rate = 1;
  decode::LinkType link = decode::LinkType::kEthernet;
  const sensor::PacketSource::Take count = [this, &record, &rate, &link](sensor::PacketSource::Batch batch) {
    CaptureShard& shard = *active_;
    for (const sensor::Packet& p : batch) {
      pipeline::countFrame(link, p.frame, p.timestamp_ns, rate, record, shard.decode, shard.counters);
    }
  };
  while (!stop_.load(std::memory_order_relaxed)) {
    int wait = kPollMs;
    if (sources_.size() > 1) {  // wait on all rings at once, then read each without waiting
      (void)::poll(fds.data(), fds.size(), kPollMs);
      wait = 0;
    }
    for (auto& source : sources_) {
      rate = source.sampleOneIn();
      link = source.linkType();
      source.read(wait, count);
    }
    if (requested_.load(std::memory_order_acquire) != served) handOver(served);
  }
}

// Worker thread: swaps in the empty shard and leaves the filled one for the main thread. When the
// main thread has not given the last one back yet, counting goes on in the same shard.
void CaptureWorker::handOver(uint64_t& served) {
  addKernelStats();
  {
    const std::lock_guard lock(mutex_);
    if (spare_ == nullptr || full_ != nullptr) return;
    full_ = active_;
    active_ = spare_;
    spare_ = nullptr;
  }
  served = requested_.load(std::memory_order_acquire);
  handed_.notify_one();
}

// The rings' kernel counters since the last call, into the shard being filled.
void CaptureWorker::addKernelStats() {
  if (active_ == nullptr) return;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const sensor::CaptureStats totals = sources_[i].stats();
    active_->kernel += totals - last_kernel_[i];
    last_kernel_[i] = totals;
  }
}

CaptureShard* CaptureWorker::collect(int wait_ms) {
  std::unique_lock lock(mutex_);
  handed_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return full_ != nullptr; });
  return std::exchange(full_, nullptr);
}

void CaptureWorker::giveBack(CaptureShard* shard, std::shared_ptr<const traffic::TargetKeySet> hot) {
  shard->reset();
  shard->counters.setHotKeys(std::move(hot));
  const std::lock_guard lock(mutex_);
  spare_ = shard;
}

}  // namespace rampart::runtime
