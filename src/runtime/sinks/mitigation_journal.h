// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <deque>

#include "runtime/event_sink.h"

namespace rampart::runtime {

// The last mitigation changes (not renewals), newest last, for `rampart blocks --journal`.
class MitigationJournal final : public EventSink {
 public:
  explicit MitigationJournal(std::size_t capacity) : capacity_(capacity) {}
  void onMitigation(const mitigate::MitigationRecord& record) override {
    records_.push_back(record);
    while (records_.size() > capacity_) records_.pop_front();
  }
  [[nodiscard]] const std::deque<mitigate::MitigationRecord>& records() const noexcept { return records_; }

 private:
  std::size_t capacity_;
  std::deque<mitigate::MitigationRecord> records_;
};

}  // namespace rampart::runtime
