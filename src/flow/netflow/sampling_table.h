// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "core/ip_address.h"

namespace rampart::flow::netflow {

// Sampling rates an exporter announced in options records (or its v5 header), per observation
// domain: one domain-wide rate when the option carries no sampler id, otherwise one per samplerId
// (IE 48) / selectorId (IE 302). Bounded: a capped number of domains and samplers per domain.
// Also the domain's systemInitTimeMilliseconds (IE 160), which IPFIX exporters such as softflowd
// send in options records as the base of their records' flowStart/EndSysUpTime (IE 22/21).
class SamplingTable {
 public:
  struct Limits {
    std::size_t max_domains = 4096;
    std::size_t max_samplers_per_domain = 64;
  };

  explicit SamplingTable(Limits limits) : limits_(limits) {}

  // Returns false when a cap refused the entry.
  bool set(const core::IpAddress& exporter, uint32_t domain, std::optional<uint64_t> sampler, uint32_t rate,
           uint64_t now_ns);
  // The rate for a data record: its sampler's when it names a known one, else the domain-wide rate,
  // else the only sampler's rate when there is exactly one.
  [[nodiscard]] std::optional<uint32_t> find(const core::IpAddress& exporter, uint32_t domain,
                                             std::optional<uint64_t> sampler) const;
  bool setSystemInit(const core::IpAddress& exporter, uint32_t domain, uint64_t init_ms, uint64_t now_ns);
  // 0 when the domain announced none.
  [[nodiscard]] uint64_t systemInit(const core::IpAddress& exporter, uint32_t domain) const;
  std::size_t expire(uint64_t now_ns, uint64_t timeout_ns);

 private:
  struct DomainKey {
    core::IpAddress exporter;
    uint32_t domain = 0;
    friend bool operator==(const DomainKey&, const DomainKey&) = default;
  };
  struct DomainKeyHash {
    std::size_t operator()(const DomainKey& k) const noexcept {
      return k.exporter.hash() ^ (uint64_t{k.domain} * 0x9E3779B97F4A7C15ULL);
    }
  };
  struct Rates {
    uint32_t domain_rate = 0;  // 0: none announced
    uint64_t system_init_ms = 0;
    std::unordered_map<uint64_t, uint32_t> by_sampler;
    uint64_t last_seen_ns = 0;
  };

  Rates* domainOf(const core::IpAddress& exporter, uint32_t domain, uint64_t now_ns);

  Limits limits_;
  std::unordered_map<DomainKey, Rates, DomainKeyHash> domains_;
};

}  // namespace rampart::flow::netflow
