// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <vector>

#include "core/prefix.h"

namespace rampart::core {

// Longest-prefix-match table. One hash map per prefix length in use, searched from the longest
// length down: a lookup costs one probe per distinct length (a handful in real configs). Lookups
// happen when a host is first seen, not per packet, so this favours simplicity over raw speed.
template <typename T>
class PrefixTable {
 public:
  // Returns false (and leaves the table unchanged) when the prefix is already present.
  bool insert(const Prefix& prefix, T value) {
    auto& bucket = by_length_[prefix.mappedLength()];
    if (!bucket.emplace(prefix.address(), std::move(value)).second) return false;
    if (std::find(lengths_.begin(), lengths_.end(), prefix.mappedLength()) == lengths_.end()) {
      lengths_.push_back(prefix.mappedLength());
      std::sort(lengths_.begin(), lengths_.end(), std::greater<>());
    }
    ++size_;
    return true;
  }

  struct Match {
    Prefix prefix;
    const T* value;
  };

  [[nodiscard]] std::optional<Match> lookup(const IpAddress& address) const {
    for (const unsigned len : lengths_) {
      const auto& bucket = by_length_.at(len);
      const IpAddress key = address.masked(len);
      if (auto it = bucket.find(key); it != bucket.end()) {
        return Match{Prefix(key, key.isV4() ? len - 96 : len), &it->second};
      }
    }
    return std::nullopt;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  std::unordered_map<unsigned, std::unordered_map<IpAddress, T, IpAddressHash>> by_length_;
  std::vector<unsigned> lengths_;  // descending
  std::size_t size_ = 0;
};

}  // namespace rampart::core
