// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "flow/netflow/netflow_decoder.h"
#include "flow/sflow/sflow_decoder.h"
#include "mitigate/xdp/xdp_program.h"
#include "pipeline/windowed_analyzer.h"
#include "runtime/capture_worker.h"
#include "runtime/settings.h"
#include "sensor/flow_source.h"
#include "sensor/packet_source.h"

namespace rampart::runtime {

// What `rampart run` watches: AF_PACKET rings read by capture workers (threads, each counting into
// a shard of its own), flow telemetry received on UDP, and the XDP program's samples; all of it
// counted into the daemon's windowed analyzer. Sensors are opened once: a reload rebuilds the
// workers around the same sockets.
class SensorInputs {
 public:
  // Opens every [[sensor]]; fails with one line naming what could not be opened. `xdp` is the
  // loaded program, needed by an xdp sensor.
  static core::Result<std::unique_ptr<SensorInputs>, std::string> open(const std::vector<SensorSettings>& sensors,
                                                                       unsigned capture_workers,
                                                                       mitigate::xdp::XdpProgram* xdp);
  ~SensorInputs();

  // (Re)starts the capture workers, each with shards built for `analyzer`'s configuration.
  void startWorkers(const pipeline::AnalyzerSettings& settings, const pipeline::WindowedAnalyzer& analyzer);
  // Folds what every worker counted since the last fold into `analyzer`.
  void fold(pipeline::WindowedAnalyzer& analyzer);
  // Stops the workers and folds in everything they counted; the sockets stay for startWorkers().
  void stopWorkers(pipeline::WindowedAnalyzer& analyzer);

  // Descriptors readable when datagrams or samples wait, and their readers.
  [[nodiscard]] std::size_t flowInputs() const noexcept { return flows_.size(); }
  [[nodiscard]] int flowFd(std::size_t i) const noexcept;
  void drainFlows(std::size_t i, pipeline::WindowedAnalyzer& analyzer, uint64_t now_ns);
  [[nodiscard]] int xdpFd() const noexcept { return xdp_ ? xdp_->fd() : -1; }
  void drainXdp(pipeline::WindowedAnalyzer& analyzer) const;
  // Once a window: templates of exporters gone quiet are forgotten.
  void expire(uint64_t now_ns);

  [[nodiscard]] std::size_t workers() const noexcept { return workers_.size(); }
  [[nodiscard]] const sensor::CaptureStats& kernelStats() const noexcept { return kernel_; }
  // The "capture" and "flow_sensors" sections of the statistics document.
  [[nodiscard]] nlohmann::json captureJson() const;
  [[nodiscard]] nlohmann::json flowSensorsJson() const;

 private:
  struct FlowInput;
  SensorInputs() = default;
  void foldShard(const CaptureShard& shard, pipeline::WindowedAnalyzer& analyzer);

  std::vector<std::vector<sensor::AfPacketSource>> sockets_;  // per worker, while workers are stopped
  std::vector<std::unique_ptr<CaptureWorker>> workers_;
  std::vector<std::unique_ptr<FlowInput>> flows_;
  std::unique_ptr<sensor::PacketSource> xdp_;  // the XDP program's samples
  sensor::CaptureStats kernel_;                // all capture rings, since start
};

}  // namespace rampart::runtime
