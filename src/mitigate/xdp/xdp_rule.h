// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "mitigate/filter_rule.h"
#include "rampart_xdp_abi.h"

namespace rampart::mitigate::xdp {

// The XDP program's form of a rule's header match (its destination and source are map keys, not
// part of it). `expires_ns` is on the kernel's monotonic clock (bpf_ktime_get_ns); 0: never.
[[nodiscard]] rampart_rule toXdpRule(const FilterRule& rule, uint32_t counter, uint64_t expires_ns) noexcept;

}  // namespace rampart::mitigate::xdp
