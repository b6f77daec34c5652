// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/ip_address.h"
#include "flow/netflow/field_reader.h"

namespace rampart::flow::netflow {

inline constexpr uint16_t kVariableLength = 65535;  // RFC 7011 section 7

// Templates are scoped by exporter, observation domain (IPFIX) or source id (v9), and template id
// (RFC 7011 section 8, RFC 3954 section 5.1).
struct TemplateKey {
  core::IpAddress exporter;
  uint32_t domain = 0;
  uint16_t id = 0;
  friend bool operator==(const TemplateKey&, const TemplateKey&) = default;
};

struct TemplateKeyHash {
  std::size_t operator()(const TemplateKey& k) const noexcept {
    return k.exporter.hash() ^ (uint64_t{k.domain} * 0x9E3779B97F4A7C15ULL) ^ (uint64_t{k.id} << 17);
  }
};

struct TemplateField {
  uint16_t length = 0;  // kVariableLength: length prefix in the record
  FieldKind kind = FieldKind::kSkip;
  friend bool operator==(const TemplateField&, const TemplateField&) = default;
};

// A template resolved to field kinds, ready to walk records with.
struct Template {
  std::vector<TemplateField> fields;
  uint32_t min_record_length = 0;  // fixed lengths plus one prefix byte per variable field
  bool variable = false;
  bool options = false;
  uint16_t enterprise_fields = 0;
  uint64_t last_seen_ns = 0;

  // Same layout (ignoring when it was seen).
  [[nodiscard]] bool sameLayout(const Template& o) const noexcept {
    return fields == o.fields && options == o.options && enterprise_fields == o.enterprise_fields;
  }
  // Appends one field and keeps the lengths up to date.
  void add(uint16_t id, uint16_t length, bool enterprise);
  // Appends a field whose value is never used (NetFlow v9 option scope fields, whose type numbers
  // are not information elements).
  void addIgnored(uint16_t length);
};

struct TemplateLimits {
  std::size_t max_per_exporter = 1024;
  std::size_t max_total = 16384;
  std::size_t max_fields = 512;  // per template; bounds memory per template
};

// The templates of all exporters, with caps so hostile input cannot grow it without bound.
class TemplateCache {
 public:
  enum class Insert : uint8_t { kNew, kChanged, kRefreshed, kLimit };

  explicit TemplateCache(TemplateLimits limits = {}) : limits_(limits) {}

  [[nodiscard]] Insert insert(const TemplateKey& key, Template&& t);
  // Pointers stay valid until that template is erased (unordered_map nodes do not move).
  [[nodiscard]] const Template* find(const TemplateKey& key) const;
  // Removes one template; returns how many were removed (0 or 1).
  std::size_t withdraw(const TemplateKey& key);
  // Removes every template (options == false) or options template (true) of one exporter's domain.
  std::size_t withdrawAll(const core::IpAddress& exporter, uint32_t domain, bool options);
  // Removes templates not seen since `now_ns - timeout_ns`; returns how many.
  std::size_t expire(uint64_t now_ns, uint64_t timeout_ns);
  [[nodiscard]] std::size_t size() const noexcept { return templates_.size(); }
  [[nodiscard]] const TemplateLimits& limits() const noexcept { return limits_; }

 private:
  void erased(const core::IpAddress& exporter);
  // Erases every template for which pred(key, template) holds; returns how many.
  template <typename Pred>
  std::size_t eraseIf(Pred pred) {
    std::size_t n = 0;
    for (auto it = templates_.begin(); it != templates_.end();) {
      if (pred(it->first, it->second)) {
        const core::IpAddress exporter = it->first.exporter;
        it = templates_.erase(it);
        erased(exporter);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }

  TemplateLimits limits_;
  std::unordered_map<TemplateKey, Template, TemplateKeyHash> templates_;
  std::unordered_map<core::IpAddress, std::size_t, core::IpAddressHash> per_exporter_;
};

}  // namespace rampart::flow::netflow
