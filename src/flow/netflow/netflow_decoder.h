// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "core/flow_record.h"
#include "core/ip_address.h"
#include "flow/netflow/field_reader.h"
#include "flow/netflow/flow_stats.h"
#include "flow/netflow/sampling_table.h"
#include "flow/netflow/template_cache.h"

namespace rampart::flow::netflow {

struct NetflowConfig {
  uint64_t template_timeout_ns = 30ULL * 60 * 1'000'000'000ULL;  // templates and sampling rates
  TemplateLimits templates;
  SamplingTable::Limits sampling;
  uint32_t default_sampling_rate = 1;  // when neither the record nor an options record says
  // Data sets that arrive before their template are held briefly, then counted as
  // data_without_template.
  std::size_t pending_per_domain = 8;
  std::size_t pending_total = 128;
  uint64_t pending_max_age_ns = 10ULL * 1'000'000'000ULL;
};

// One entry point for NetFlow v5, v9 and IPFIX export packets, dispatching on the version field.
// Keeps per-exporter template and sampling state; not thread-safe (one decoder per worker).
class NetflowDecoder {
 public:
  explicit NetflowDecoder(NetflowConfig cfg = {});

  // Decodes one UDP payload from `exporter`, appending flow records to `out` (including records of
  // held data sets that this datagram's templates unlock). Returns the datagram's first error, which
  // is also counted in stats().errors.
  [[nodiscard]] FlowError decode(const core::IpAddress& exporter, std::span<const uint8_t> datagram,
                                 uint64_t receive_ns, std::vector<core::FlowRecord>& out);
  // Drops templates and sampling rates older than the timeout, and held data sets older than their
  // maximum age. Call on a timer.
  void expire(uint64_t now_ns);

  [[nodiscard]] const NetflowStats& stats() const noexcept { return stats_; }
  [[nodiscard]] std::size_t templateCount() const noexcept { return templates_.size(); }
  [[nodiscard]] std::size_t pendingCount() const noexcept { return pending_.size(); }

 private:
  // Where a data set came from, so it can be decoded later if held.
  struct SetOrigin {
    core::IpAddress exporter;
    uint32_t domain = 0;
    ExportContext ctx;
    uint64_t receive_ns = 0;
  };
  struct PendingSet {
    TemplateKey key;
    SetOrigin origin;
    std::vector<uint8_t> body;
  };

  FlowError decodeV9(const core::IpAddress& exporter, std::span<const uint8_t> d, uint64_t receive_ns,
                     std::vector<core::FlowRecord>& out);
  FlowError decodeIpfix(const core::IpAddress& exporter, std::span<const uint8_t> d, uint64_t receive_ns,
                        std::vector<core::FlowRecord>& out);
  FlowError v9TemplateSet(const SetOrigin& o, std::span<const uint8_t> body, bool options,
                          std::vector<core::FlowRecord>& out);
  FlowError ipfixTemplateSet(const SetOrigin& o, std::span<const uint8_t> body, bool options,
                             std::vector<core::FlowRecord>& out);
  // Data set with a known or unknown template id.
  FlowError dataSet(const SetOrigin& o, uint16_t template_id, std::span<const uint8_t> body,
                    std::vector<core::FlowRecord>& out);
  FlowError decodeRecords(const SetOrigin& o, const Template& t, std::span<const uint8_t> body,
                          std::vector<core::FlowRecord>& out);
  void optionsRecord(const SetOrigin& o, const RecordValues& v);
  // Stores a parsed template and replays held data sets it unlocks.
  FlowError learn(const SetOrigin& o, uint16_t id, Template&& t, std::vector<core::FlowRecord>& out);
  void hold(const SetOrigin& o, uint16_t template_id, std::span<const uint8_t> body);
  void replay(const TemplateKey& key, std::vector<core::FlowRecord>& out);

  NetflowConfig cfg_;
  NetflowStats stats_;
  TemplateCache templates_;
  SamplingTable sampling_;
  std::deque<PendingSet> pending_;
  RecordValues scratch_;
  // Per v9 datagram: records seen and whether a set was held, to check the header's count.
  std::size_t records_in_datagram_ = 0;
  bool held_in_datagram_ = false;
};

}  // namespace rampart::flow::netflow
