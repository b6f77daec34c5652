// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "core/ip_address.h"

namespace rampart::flow::sflow {

// dot3StatsTable counters of an Ethernet interface counters record (sFlow v5, enterprise 0,
// counter format 2).
struct EthernetCounters {
  uint32_t alignment_errors = 0;
  uint32_t fcs_errors = 0;
  uint32_t single_collision_frames = 0;
  uint32_t multiple_collision_frames = 0;
  uint32_t sqe_test_errors = 0;
  uint32_t deferred_transmissions = 0;
  uint32_t late_collisions = 0;
  uint32_t excessive_collisions = 0;
  uint32_t internal_mac_transmit_errors = 0;
  uint32_t carrier_sense_errors = 0;
  uint32_t frame_too_longs = 0;
  uint32_t internal_mac_receive_errors = 0;
  uint32_t symbol_errors = 0;
};

// One counter sample's generic interface counters (sFlow v5, enterprise 0, counter format 1:
// RFC 2233 ifTable / ifXTable values as the agent last read them), with the Ethernet counters
// when the same sample carried them.
struct InterfaceCounters {
  core::IpAddress agent;
  uint32_t sub_agent = 0;
  uint32_t sample_sequence = 0;
  uint32_t source_type = 0;   // source_id type: 0 ifIndex, 1 smonVlanDataSource, 2 entPhysicalEntry
  uint32_t source_index = 0;  // source_id index
  uint32_t if_index = 0;
  uint32_t if_type = 0;
  uint64_t if_speed = 0;      // bits per second
  uint32_t if_direction = 0;  // 0 unknown, 1 full-duplex, 2 half-duplex, 3 in, 4 out
  uint32_t if_status = 0;     // bit 0 admin up, bit 1 oper up
  uint64_t in_octets = 0;
  uint64_t in_ucast = 0;
  uint64_t in_multicast = 0;
  uint64_t in_broadcast = 0;
  uint64_t in_discards = 0;
  uint64_t in_errors = 0;
  uint64_t in_unknown_protos = 0;
  uint64_t out_octets = 0;
  uint64_t out_ucast = 0;
  uint64_t out_multicast = 0;
  uint64_t out_broadcast = 0;
  uint64_t out_discards = 0;
  uint64_t out_errors = 0;
  uint32_t promiscuous_mode = 0;
  bool has_ethernet = false;
  EthernetCounters ethernet;
  uint64_t timestamp_ns = 0;  // receive time of the datagram
};

}  // namespace rampart::flow::sflow
