// SPDX-License-Identifier: Apache-2.0
#include "mitigate/xdp/xdp_program.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <utility>

#include <fmt/format.h>

#include "rampart_xdp.skel.h"

namespace rampart::mitigate::xdp {
namespace {

static_assert(sizeof(rampart_rule) == 32, "rampart_rule: kernel and user space share this layout");
static_assert(sizeof(rampart_rule_set) == 8 + 32 * RAMPART_RULES_PER_DEST, "rampart_rule_set layout");
static_assert(sizeof(rampart_block) == 16, "rampart_block layout");
static_assert(sizeof(rampart_config) == 28 + 2 * RAMPART_MAX_V4_LENGTHS, "rampart_config layout");
static_assert(sizeof(rampart_v4_key) == 8 && sizeof(rampart_v6_lpm_key) == 20, "key layouts");
static_assert(sizeof(rampart_sample) == 24 + RAMPART_SAMPLE_BYTES, "rampart_sample layout");

std::string errnoText(int e) { return std::strerror(e < 0 ? -e : e); }

// Keys of one entry in each kind of map. IPv4 addresses in network order, as the program builds
// them from packets (a Prefix's address is masked to its length already).
rampart_v4_key v4Key(const core::Prefix& p) { return {htonl(p.address().v4()), p.length()}; }
rampart_v4_lpm_key v4LpmKey(const core::Prefix& p) { return {p.length(), v4Key(p).addr}; }
rampart_v6_addr v6Addr(const core::Prefix& p) {
  rampart_v6_addr k{};
  std::memcpy(k.bytes, p.address().bytes().data(), 16);
  return k;
}
rampart_v6_lpm_key v6LpmKey(const core::Prefix& p) {
  rampart_v6_lpm_key k{};
  k.prefixlen = p.length();
  std::memcpy(k.bytes, p.address().bytes().data(), 16);
  return k;
}

// Per-CPU values are read as one array of every possible CPU's copy, each rounded up to 8 bytes.
template <typename T, typename Add>
T sumPerCpu(int fd, uint32_t index, Add add) {
  const int cpus = libbpf_num_possible_cpus();
  std::vector<T> values(cpus > 0 ? static_cast<std::size_t>(cpus) : 1);
  static_assert(sizeof(T) % 8 == 0, "per-CPU values are 8-byte aligned");
  T total{};
  if (bpf_map_lookup_elem(fd, &index, values.data()) != 0) return total;
  for (const T& v : values) add(total, v);
  return total;
}

}  // namespace

const char* toString(AttachMode m) noexcept {
  switch (m) {
    case AttachMode::kAuto: return "auto";
    case AttachMode::kNative: return "native";
    case AttachMode::kGeneric: return "generic";
  }
  return "?";
}

core::Result<XdpProgram, std::string> XdpProgram::load() {
  libbpf_set_print(nullptr);  // errors come back as return values, with our own context
  rampart_xdp_bpf* skel = rampart_xdp_bpf__open_and_load();
  if (skel == nullptr) {
    return core::Result<XdpProgram, std::string>::failure(
        fmt::format("load the XDP program: {} (needs root: CAP_BPF, CAP_NET_ADMIN)", errnoText(errno)));
  }
  XdpProgram p(skel);
  // The host filters' hash multiplier: odd (a bijection), and not known outside this process, so
  // a sender cannot pick addresses that collide with blocked hosts to cost the program lookups.
  p.config_.host_seed = static_cast<uint32_t>(std::random_device{}()) | 1U;
  if (auto s = p.writeConfig(); !s) return core::Result<XdpProgram, std::string>::failure(s.error());
  return p;
}

XdpProgram::~XdpProgram() {
  detachAll();
  if (skel_ != nullptr) rampart_xdp_bpf__destroy(skel_);
}

XdpProgram::XdpProgram(XdpProgram&& other) noexcept
    : skel_(std::exchange(other.skel_, nullptr)),
      config_(other.config_),
      block_lengths_(other.block_lengths_),
      rule_lengths_(other.rule_lengths_),
      block_cover_(std::move(other.block_cover_)),
      rule_cover_(std::move(other.rule_cover_)),
      wide_blocks_(other.wide_blocks_),
      wide_rules_(other.wide_rules_),
      block_host_bits_(std::move(other.block_host_bits_)),
      rule_host_bits_(std::move(other.rule_host_bits_)),
      own_rules_v4_(std::move(other.own_rules_v4_)),
      attached_(std::move(other.attached_)),
      attach_flags_(std::move(other.attach_flags_)) {}

XdpProgram& XdpProgram::operator=(XdpProgram&& other) noexcept {
  if (this != &other) {
    detachAll();
    if (skel_ != nullptr) rampart_xdp_bpf__destroy(skel_);
    skel_ = std::exchange(other.skel_, nullptr);
    config_ = other.config_;
    block_lengths_ = other.block_lengths_;
    rule_lengths_ = other.rule_lengths_;
    block_cover_ = std::move(other.block_cover_);
    rule_cover_ = std::move(other.rule_cover_);
    wide_blocks_ = other.wide_blocks_;
    wide_rules_ = other.wide_rules_;
    block_host_bits_ = std::move(other.block_host_bits_);
    rule_host_bits_ = std::move(other.rule_host_bits_);
    own_rules_v4_ = std::move(other.own_rules_v4_);
    attached_ = std::move(other.attached_);
    attach_flags_ = std::move(other.attach_flags_);
  }
  return *this;
}

core::Result<AttachMode, std::string> XdpProgram::attach(const std::string& interface, AttachMode mode) {
  using R = core::Result<AttachMode, std::string>;
  const int ifindex = static_cast<int>(if_nametoindex(interface.c_str()));
  if (ifindex == 0) return R::failure(fmt::format("{}: no such interface", interface));
  const int fd = bpf_program__fd(skel_->progs.rampart_xdp);
  const auto tryMode = [&](AttachMode m) {
    const uint32_t flags = m == AttachMode::kNative ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
    const int rc = bpf_xdp_attach(ifindex, fd, flags, nullptr);
    if (rc == 0) {
      attached_.push_back(ifindex);
      attach_flags_.push_back(flags);
    }
    return rc;
  };
  if (mode == AttachMode::kAuto) {
    if (tryMode(AttachMode::kNative) == 0) return AttachMode::kNative;
    mode = AttachMode::kGeneric;
  }
  if (const int rc = tryMode(mode); rc != 0) {
    return R::failure(fmt::format("{}: attach XDP ({} mode): {}", interface, toString(mode), errnoText(rc)));
  }
  return mode;
}

void XdpProgram::detachAll() noexcept {
  for (std::size_t i = 0; i < attached_.size(); ++i) (void)bpf_xdp_detach(attached_[i], attach_flags_[i], nullptr);
  attached_.clear();
  attach_flags_.clear();
}

core::Status XdpProgram::writeConfig() {
  const uint32_t zero = 0;
  if (bpf_map_update_elem(bpf_map__fd(skel_->maps.config), &zero, &config_, BPF_ANY) != 0) {
    return core::failed(fmt::format("XDP config: {}", errnoText(errno)));
  }
  return core::okStatus();
}

XdpProgram::Family XdpProgram::whitelist() {
  return {.v4 = bpf_map__fd(skel_->maps.whitelist_v4),
          .v6_prefixes = bpf_map__fd(skel_->maps.whitelist_v6),
          .v4_entries = &config_.whitelist_v4,
          .v6_prefix_entries = &config_.whitelist_v6,
          .what = "whitelist"};
}

XdpProgram::Family XdpProgram::blocks() {
  return {.v4 = bpf_map__fd(skel_->maps.blocks_v4),
          .v6_hosts = bpf_map__fd(skel_->maps.blocks_v6),
          .v6_prefixes = bpf_map__fd(skel_->maps.blocks_v6_prefixes),
          .v4_count = &block_lengths_,
          .v4_lengths = config_.block_lengths_v4,
          .v4_lengths_count = &config_.block_lengths_v4_count,
          .prefilter = bpf_map__fd(skel_->maps.block_prefilter_v4),
          .covering = &block_cover_,
          .wide_entries = &wide_blocks_,
          .wide_flag = &config_.blocks_everywhere_v4,
          .host_filter = bpf_map__fd(skel_->maps.block_hosts_v4),
          .host_bits = &block_host_bits_,
          .v6_prefix_entries = &config_.v6_prefix_blocks,
          .what = "block"};
}

XdpProgram::Family XdpProgram::rules() {
  return {.v4 = bpf_map__fd(skel_->maps.rules_v4),
          .v6_hosts = bpf_map__fd(skel_->maps.rules_v6),
          .v6_prefixes = bpf_map__fd(skel_->maps.rules_v6_prefixes),
          .v4_count = &rule_lengths_,
          .v4_lengths = config_.rule_lengths_v4,
          .v4_lengths_count = &config_.rule_lengths_v4_count,
          .prefilter = bpf_map__fd(skel_->maps.rule_prefilter_v4),
          .covering = &rule_cover_,
          .wide_entries = &wide_rules_,
          .wide_flag = &config_.rules_everywhere_v4,
          .host_filter = bpf_map__fd(skel_->maps.rule_hosts_v4),
          .host_bits = &rule_host_bits_,
          .v6_prefix_entries = &config_.v6_prefix_rules,
          .what = "rules"};
}

// Where one entry of a family goes: its map, its key, and how the config counts it.
struct EntryKey {
  enum class Counted : uint8_t { kV4Lengths, kV4Entries, kV6Prefixes, kNot };
  int fd = -1;
  std::array<uint8_t, sizeof(rampart_v6_lpm_key)> key{};
  Counted counted = Counted::kNot;
};

static EntryKey entryKey(int v4, int v6_hosts, int v6_prefixes, bool v4_by_length, const core::Prefix& p) {
  EntryKey e;
  const auto put = [&e](const auto& k) { std::memcpy(e.key.data(), &k, sizeof k); };
  if (p.isV4()) {
    e.fd = v4;
    e.counted = v4_by_length ? EntryKey::Counted::kV4Lengths : EntryKey::Counted::kV4Entries;
    if (v4_by_length) {
      put(v4Key(p));
    } else {
      put(v4LpmKey(p));
    }
  } else if (p.length() == 128 && v6_hosts >= 0) {
    e.fd = v6_hosts;  // IPv6 hosts are always looked up: nothing to count
    put(v6Addr(p));
  } else {
    e.fd = v6_prefixes;
    e.counted = EntryKey::Counted::kV6Prefixes;
    put(v6LpmKey(p));
  }
  return e;
}

// The config's list of IPv4 prefix lengths in use, longest first, from the counts per length.
void XdpProgram::listLengths(const Family& f) {
  __u8 n = 0;
  for (int len = 32; len >= 0; --len) {
    if ((*f.v4_count)[static_cast<std::size_t>(len)] != 0 && n < RAMPART_MAX_V4_LENGTHS) {
      f.v4_lengths[n++] = static_cast<__u8>(len);
    }
  }
  *f.v4_lengths_count = n;
}

// Marks (or, when the last covering entry goes, clears) the /24s an IPv4 entry covers in its
// family's prefilter: the bit of entries of /24 and shorter, or that of longer ones. Entries shorter than /8 would
// mark more than 65,536 /24s: they switch the bitmap off instead while they exist.
core::Status XdpProgram::cover(const Family& f, const core::Prefix& p, bool add) {
  const unsigned len = p.length();
  if (len < 8) {
    *f.wide_entries += add ? 1 : -1;
    *f.wide_flag = *f.wide_entries > 0 ? 1 : 0;
    return core::okStatus();
  }
  const uint32_t first = p.address().v4() >> 8;
  const uint32_t count = len >= 24 ? 1 : 1U << (24 - len);
  const unsigned kind = len > 24 ? 1 : 0;                   // each /24 has two bits, side by side: nets, then hosts
  std::map<uint32_t, std::pair<uint64_t, uint64_t>> words;  // word -> bits to set, bits to clear
  for (uint32_t i = first; i < first + count; ++i) {
    const uint64_t bit = uint64_t{1} << ((i & 31) * 2 + kind);
    const uint32_t key = i * 2 + kind;  // the covering entries are counted per bit
    if (add) {
      if ((*f.covering)[key]++ == 0) words[i >> 5].first |= bit;
    } else if (const auto it = f.covering->find(key); it != f.covering->end() && --it->second == 0) {
      f.covering->erase(it);
      words[i >> 5].second |= bit;
    }
  }
  for (const auto& [word, change] : words) {
    uint64_t bits = 0;
    (void)bpf_map_lookup_elem(f.prefilter, &word, &bits);
    bits = (bits | change.first) & ~change.second;
    if (bpf_map_update_elem(f.prefilter, &word, &bits, BPF_ANY) != 0) {
      return core::failed(fmt::format("XDP {} prefilter: {}", f.what, errnoText(errno)));
    }
  }
  return core::okStatus();
}

// Sets (or, when the last /32 entry with it goes, clears) an IPv4 host's bit in its family's host
// filter; the hash is the program's (host_listed in the BPF source).
core::Status XdpProgram::markHost(const Family& f, const core::Prefix& p, bool add) {
  if (p.length() != 32) return core::okStatus();
  const uint32_t bit = hostFilterBit(p.address().v4());
  uint32_t& entries = (*f.host_bits)[bit];
  const bool changes = add ? entries++ == 0 : entries > 0 && --entries == 0;
  if (entries == 0) f.host_bits->erase(bit);
  if (!changes) return core::okStatus();
  const uint32_t word = bit >> 6;
  uint64_t bits = 0;
  (void)bpf_map_lookup_elem(f.host_filter, &word, &bits);
  bits = add ? bits | uint64_t{1} << (bit & 63) : bits & ~(uint64_t{1} << (bit & 63));
  if (bpf_map_update_elem(f.host_filter, &word, &bits, BPF_ANY) != 0) {
    return core::failed(fmt::format("XDP {} host filter: {}", f.what, errnoText(errno)));
  }
  return core::okStatus();
}

// Inserts or updates one entry; a new one updates the config's masks or counts.
core::Status XdpProgram::upsert(const Family& f, const core::Prefix& p, const void* value) {
  const EntryKey e = entryKey(f.v4, f.v6_hosts, f.v6_prefixes, f.v4_lengths != nullptr, p);
  if (e.counted == EntryKey::Counted::kV4Lengths && (*f.v4_count)[p.length()] == 0 &&
      *f.v4_lengths_count >= RAMPART_MAX_V4_LENGTHS) {
    return core::failed(fmt::format("XDP {} {}: already {} IPv4 prefix lengths in use, the most the program tries",
                                    f.what, p.toString(), RAMPART_MAX_V4_LENGTHS));
  }
  const bool added = bpf_map_update_elem(e.fd, e.key.data(), value, BPF_NOEXIST) == 0;
  if (!added && (errno != EEXIST || bpf_map_update_elem(e.fd, e.key.data(), value, BPF_EXIST) != 0)) {
    return core::failed(fmt::format("XDP {} {}: {}", f.what, p.toString(), errnoText(errno)));
  }
  if (!added) return core::okStatus();
  switch (e.counted) {
    case EntryKey::Counted::kV4Lengths:
      ++(*f.v4_count)[p.length()];
      listLengths(f);
      if (auto c = cover(f, p, true); !c) return c;
      if (auto c = markHost(f, p, true); !c) return c;
      break;
    case EntryKey::Counted::kV4Entries: ++*f.v4_entries; break;
    case EntryKey::Counted::kV6Prefixes: ++*f.v6_prefix_entries; break;
    case EntryKey::Counted::kNot: return core::okStatus();
  }
  return writeConfig();
}

// Deletes one entry; deleting what is absent is no error.
core::Status XdpProgram::remove(const Family& f, const core::Prefix& p) {
  const EntryKey e = entryKey(f.v4, f.v6_hosts, f.v6_prefixes, f.v4_lengths != nullptr, p);
  if (bpf_map_delete_elem(e.fd, e.key.data()) != 0) {
    if (errno == ENOENT) return core::okStatus();
    return core::failed(fmt::format("XDP {} {}: {}", f.what, p.toString(), errnoText(errno)));
  }
  switch (e.counted) {
    case EntryKey::Counted::kV4Lengths:
      --(*f.v4_count)[p.length()];
      listLengths(f);
      if (auto c = cover(f, p, false); !c) return c;
      if (auto c = markHost(f, p, false); !c) return c;
      break;
    case EntryKey::Counted::kV4Entries: --*f.v4_entries; break;
    case EntryKey::Counted::kV6Prefixes: --*f.v6_prefix_entries; break;
    case EntryKey::Counted::kNot: return core::okStatus();
  }
  return writeConfig();
}

core::Status XdpProgram::setSampling(uint32_t one_in) {
  config_.sample_one_in = one_in;
  return writeConfig();
}

core::Status XdpProgram::putWhitelist(const core::Prefix& source) {
  const uint32_t one = 1;
  return upsert(whitelist(), source, &one);
}
core::Status XdpProgram::deleteWhitelist(const core::Prefix& source) { return remove(whitelist(), source); }
core::Status XdpProgram::putBlock(const core::Prefix& source, const rampart_block& block) {
  return upsert(blocks(), source, &block);
}
core::Status XdpProgram::deleteBlock(const core::Prefix& source) { return remove(blocks(), source); }
// `address` (host order) masked to its first `length` bits.
static uint32_t maskV4(uint32_t address, unsigned length) {
  return length == 0 ? 0 : address & (0xffffffffU << (32 - length));
}

// Writes the IPv4 set of (address, length) as the program reads it: its own rules, then those of
// each prefix covering it, longest first (the order the program would try them in), marked
// complete, so that when none matches the program stops there instead of looking up each shorter
// prefix. When they do not all fit, its own rules alone, not complete: the program goes on.
core::Status XdpProgram::writeRules(uint32_t address, unsigned length) {
  rampart_rule_set set = own_rules_v4_.at({address, length});
  set.complete = 1;
  for (unsigned shorter = length; shorter-- > 0 && set.complete;) {
    const auto it = own_rules_v4_.find({maskV4(address, shorter), shorter});
    if (it == own_rules_v4_.end()) continue;
    if (set.count + it->second.count > RAMPART_RULES_PER_DEST) {
      set = own_rules_v4_.at({address, length});
      set.complete = 0;
      break;
    }
    for (uint32_t i = 0; i < it->second.count; ++i) set.rules[set.count++] = it->second.rules[i];
  }
  return upsert(rules(), core::Prefix(core::IpAddress::fromV4(address), length), &set);
}

// Rewrites every IPv4 set that `p` covers (longer than it), after p's own rules changed.
core::Status XdpProgram::rewriteCovered(const core::Prefix& p) {
  const uint32_t first = p.address().v4();
  const uint32_t last = first | ~maskV4(0xffffffffU, p.length());
  for (auto it = own_rules_v4_.lower_bound({first, 0}); it != own_rules_v4_.end() && it->first.first <= last; ++it) {
    if (it->first.second <= p.length()) continue;
    if (auto s = writeRules(it->first.first, it->first.second); !s) return s;
  }
  return core::okStatus();
}

core::Status XdpProgram::putRules(const core::Prefix& destination, const rampart_rule_set& set) {
  if (!destination.isV4()) return upsert(rules(), destination, &set);
  const std::pair key{destination.address().v4(), destination.length()};
  const auto before = own_rules_v4_.find(key);
  const std::optional<rampart_rule_set> old =
      before == own_rules_v4_.end() ? std::nullopt : std::optional<rampart_rule_set>(before->second);
  own_rules_v4_[key] = set;
  if (auto s = writeRules(key.first, key.second); !s) {  // the program still has the old set (or none)
    if (old) {
      own_rules_v4_[key] = *old;
    } else {
      own_rules_v4_.erase(key);
    }
    return s;
  }
  return rewriteCovered(destination);
}

core::Status XdpProgram::deleteRules(const core::Prefix& destination) {
  if (auto s = remove(rules(), destination); !s || !destination.isV4()) return s;
  own_rules_v4_.erase({destination.address().v4(), destination.length()});
  return rewriteCovered(destination);
}

rampart_counter XdpProgram::counter(uint32_t index) const {
  return sumPerCpu<rampart_counter>(bpf_map__fd(skel_->maps.counters), index,
                                    [](rampart_counter& t, const rampart_counter& v) {
                                      t.packets += v.packets;
                                      t.bytes += v.bytes;
                                    });
}

core::Status XdpProgram::resetCounter(uint32_t index) {
  const int cpus = libbpf_num_possible_cpus();
  const std::vector<rampart_counter> zeros(cpus > 0 ? static_cast<std::size_t>(cpus) : 1);
  if (bpf_map_update_elem(bpf_map__fd(skel_->maps.counters), &index, zeros.data(), BPF_ANY) != 0) {
    return core::failed(fmt::format("XDP counter {}: {}", index, errnoText(errno)));
  }
  return core::okStatus();
}

rampart_xdp_stats XdpProgram::stats() const {
  return sumPerCpu<rampart_xdp_stats>(bpf_map__fd(skel_->maps.stats), 0,
                                      [](rampart_xdp_stats& t, const rampart_xdp_stats& v) {
                                        t.packets += v.packets;
                                        t.passed += v.passed;
                                        t.whitelisted += v.whitelisted;
                                        t.dropped_source += v.dropped_source;
                                        t.dropped_rule += v.dropped_rule;
                                        t.not_ip += v.not_ip;
                                        t.sampled += v.sampled;
                                        t.sample_lost += v.sample_lost;
                                      });
}

core::Result<TestRun, std::string> XdpProgram::testRun(std::span<const uint8_t> frame, uint32_t repeat) {
  LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(), .data_size_in = static_cast<uint32_t>(frame.size()),
              .repeat = static_cast<int>(repeat));
  if (bpf_prog_test_run_opts(bpf_program__fd(skel_->progs.rampart_xdp), &opts) != 0) {
    return core::Result<TestRun, std::string>::failure(fmt::format("BPF_PROG_TEST_RUN: {}", errnoText(errno)));
  }
  return TestRun{opts.retval, opts.duration};
}

int XdpProgram::samplesFd() const noexcept { return bpf_map__fd(skel_->maps.samples); }

}  // namespace rampart::mitigate::xdp
