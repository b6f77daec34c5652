// SPDX-License-Identifier: Apache-2.0
#include "mitigate/xdp/xdp_rule.h"

namespace rampart::mitigate::xdp {

rampart_rule toXdpRule(const FilterRule& rule, uint32_t counter, uint64_t expires_ns) noexcept {
  rampart_rule r{};
  r.expires_ns = expires_ns;
  r.counter = counter;
  uint16_t m = 0;
  if (rule.protocol) {
    m |= RAMPART_MATCH_PROTO;
    r.proto = *rule.protocol;
  }
  if (rule.src_port) {
    m |= RAMPART_MATCH_SRC_PORT;
    r.src_port = *rule.src_port;
  }
  if (rule.dst_port) {
    m |= RAMPART_MATCH_DST_PORT;
    r.dst_port = *rule.dst_port;
  }
  if (rule.length) {
    m |= RAMPART_MATCH_LENGTH;
    r.len_min = rule.length->low;
    r.len_max = rule.length->high;
  }
  if (rule.tcp_flags) {
    m |= RAMPART_MATCH_TCP_FLAGS;
    r.tcp_flags = *rule.tcp_flags;
    r.tcp_flags_mask = 0xff;
  }
  if (rule.ttl) {
    m |= RAMPART_MATCH_TTL;
    r.ttl_min = rule.ttl->low;
    r.ttl_max = rule.ttl->high;
  }
  if (rule.fragments_only) m |= RAMPART_MATCH_FRAGMENT;
  r.match = m;
  return r;
}

}  // namespace rampart::mitigate::xdp
