// SPDX-License-Identifier: Apache-2.0
#include "flow/netflow/sampling_table.h"

namespace rampart::flow::netflow {

SamplingTable::Rates* SamplingTable::domainOf(const core::IpAddress& exporter, uint32_t domain, uint64_t now_ns) {
  const DomainKey key{exporter, domain};
  auto it = domains_.find(key);
  if (it == domains_.end()) {
    if (domains_.size() >= limits_.max_domains) return nullptr;
    it = domains_.emplace(key, Rates{}).first;
  }
  it->second.last_seen_ns = now_ns;
  return &it->second;
}

bool SamplingTable::setSystemInit(const core::IpAddress& exporter, uint32_t domain, uint64_t init_ms, uint64_t now_ns) {
  Rates* d = domainOf(exporter, domain, now_ns);
  if (d == nullptr) return false;
  d->system_init_ms = init_ms;
  return true;
}

uint64_t SamplingTable::systemInit(const core::IpAddress& exporter, uint32_t domain) const {
  if (domains_.empty()) return 0;
  const auto it = domains_.find(DomainKey{exporter, domain});
  return it == domains_.end() ? 0 : it->second.system_init_ms;
}

bool SamplingTable::set(const core::IpAddress& exporter, uint32_t domain, std::optional<uint64_t> sampler,
                        uint32_t rate, uint64_t now_ns) {
  Rates* d = domainOf(exporter, domain, now_ns);
  if (d == nullptr) return false;
  Rates& rates = *d;
  if (!sampler) {
    rates.domain_rate = rate;
    return true;
  }
  const auto s = rates.by_sampler.find(*sampler);
  if (s != rates.by_sampler.end()) {
    s->second = rate;
    return true;
  }
  if (rates.by_sampler.size() >= limits_.max_samplers_per_domain) return false;
  rates.by_sampler.emplace(*sampler, rate);
  return true;
}

std::optional<uint32_t> SamplingTable::find(const core::IpAddress& exporter, uint32_t domain,
                                            std::optional<uint64_t> sampler) const {
  if (domains_.empty()) return std::nullopt;
  const auto it = domains_.find(DomainKey{exporter, domain});
  if (it == domains_.end()) return std::nullopt;
  const Rates& rates = it->second;
  if (sampler) {
    const auto s = rates.by_sampler.find(*sampler);
    if (s != rates.by_sampler.end()) return s->second;
  }
  if (rates.domain_rate != 0) return rates.domain_rate;
  if (rates.by_sampler.size() == 1) return rates.by_sampler.begin()->second;
  return std::nullopt;
}

std::size_t SamplingTable::expire(uint64_t now_ns, uint64_t timeout_ns) {
  std::size_t n = 0;
  for (auto it = domains_.begin(); it != domains_.end();) {
    if (now_ns > it->second.last_seen_ns && now_ns - it->second.last_seen_ns > timeout_ns) {
      it = domains_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

}  // namespace rampart::flow::netflow
