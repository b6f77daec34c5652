// SPDX-License-Identifier: Apache-2.0
#include "flow/netflow/template_cache.h"

namespace rampart::flow::netflow {

void Template::add(uint16_t id, uint16_t length, bool enterprise) {
  TemplateField f;
  f.length = length;
  f.kind = fieldKindOf(id, length, enterprise);  // variable length: only kinds that take any length
  fields.push_back(f);
  if (length == kVariableLength) {
    variable = true;
    min_record_length += 1;
  } else {
    min_record_length += length;
  }
  if (enterprise) ++enterprise_fields;
}

void Template::addIgnored(uint16_t length) {
  add(0, length, false);
  fields.back().kind = FieldKind::kSkip;
}

TemplateCache::Insert TemplateCache::insert(const TemplateKey& key, Template&& t) {
  auto it = templates_.find(key);
  if (it != templates_.end()) {
    const bool same = it->second.sameLayout(t);
    it->second = std::move(t);
    return same ? Insert::kRefreshed : Insert::kChanged;
  }
  if (templates_.size() >= limits_.max_total) return Insert::kLimit;
  std::size_t& count = per_exporter_[key.exporter];
  if (count >= limits_.max_per_exporter) return Insert::kLimit;
  ++count;
  templates_.emplace(key, std::move(t));
  return Insert::kNew;
}

const Template* TemplateCache::find(const TemplateKey& key) const {
  const auto it = templates_.find(key);
  return it == templates_.end() ? nullptr : &it->second;
}

void TemplateCache::erased(const core::IpAddress& exporter) {
  const auto it = per_exporter_.find(exporter);
  if (it == per_exporter_.end()) return;
  if (--it->second == 0) per_exporter_.erase(it);
}

std::size_t TemplateCache::withdraw(const TemplateKey& key) {
  if (templates_.erase(key) == 0) return 0;
  erased(key.exporter);
  return 1;
}

std::size_t TemplateCache::withdrawAll(const core::IpAddress& exporter, uint32_t domain, bool options) {
  return eraseIf([&](const TemplateKey& k, const Template& t) {
    return k.exporter == exporter && k.domain == domain && t.options == options;
  });
}

std::size_t TemplateCache::expire(uint64_t now_ns, uint64_t timeout_ns) {
  return eraseIf([&](const TemplateKey&, const Template& t) {
    return now_ns > t.last_seen_ns && now_ns - t.last_seen_ns > timeout_ns;
  });
}

}  // namespace rampart::flow::netflow
