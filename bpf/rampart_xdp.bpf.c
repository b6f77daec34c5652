/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Rampart's in-host data plane. For every frame: sample one in N to user space (so detection goes
 * on seeing the attack it mitigates), drop what a fingerprint rule of the destination matches (its
 * host entry, then ever shorter prefixes), drop blocked sources (the longest matching prefix),
 * unless the source is whitelisted; pass the rest — ARP and anything not IP included. Rules and blocks
 * carry an expiry, so a rule whose daemon died stops dropping by itself. Layout shared with user space:
 * rampart_xdp_abi.h. */
#include <linux/bpf.h>  // first: libbpf's helper headers use its types

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "rampart_xdp_abi.h"

#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD_ 0x88A8
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_FRAGMENT_ 44

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct rampart_config);
} config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct rampart_xdp_stats);
} stats SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, RAMPART_MAX_COUNTERS);
  __type(key, __u32);
  __type(value, struct rampart_counter);
} counters SEC(".maps");

#define LPM_MAP(name, key_type, value_type)       \
  struct {                                        \
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);          \
    __uint(max_entries, RAMPART_MAX_PREFIX_KEYS); \
    __uint(map_flags, BPF_F_NO_PREALLOC);         \
    __type(key, key_type);                        \
    __type(value, value_type);                    \
  } name SEC(".maps")
#define HASH_MAP(name, key_type, value_type)    \
  struct {                                      \
    __uint(type, BPF_MAP_TYPE_HASH);            \
    __uint(max_entries, RAMPART_MAX_HOST_KEYS); \
    __type(key, key_type);                      \
    __type(value, value_type);                  \
  } name SEC(".maps")

LPM_MAP(whitelist_v4, struct rampart_v4_lpm_key, __u32);
LPM_MAP(whitelist_v6, struct rampart_v6_lpm_key, __u32);
HASH_MAP(blocks_v4, struct rampart_v4_key, struct rampart_block);
HASH_MAP(blocks_v6, struct rampart_v6_addr, struct rampart_block);
LPM_MAP(blocks_v6_prefixes, struct rampart_v6_lpm_key, struct rampart_block);
HASH_MAP(rules_v4, struct rampart_v4_key, struct rampart_rule_set);
HASH_MAP(rules_v6, struct rampart_v6_addr, struct rampart_rule_set);
LPM_MAP(rules_v6_prefixes, struct rampart_v6_lpm_key, struct rampart_rule_set);

/* Two bits per /24, each exact for the negative: the first says some IPv4 block (rule) of length 24
 * or shorter covers the /24, the second that some entry longer than /24 lies inside it. A length
 * whose bit says no is not looked up. */
#define PREFILTER_MAP(name)                           \
  struct {                                            \
    __uint(type, BPF_MAP_TYPE_ARRAY);                 \
    __uint(max_entries, 2 * RAMPART_PREFILTER_WORDS); \
    __type(key, __u32);                               \
    __type(value, __u64);                             \
  } name SEC(".maps")
PREFILTER_MAP(block_prefilter_v4);
PREFILTER_MAP(rule_prefilter_v4);

/* One bit per hash of an IPv4 address, set while a /32 block (rule) of some address with that hash
 * exists: exact for the negative, so an address beside blocked hosts (its /24's second bit set) is
 * not looked up unless it collides with one, which the load-time seed keeps senders from aiming at. */
#define HOST_FILTER_MAP(name)                                  \
  struct {                                                     \
    __uint(type, BPF_MAP_TYPE_ARRAY);                          \
    __uint(max_entries, (1 << RAMPART_HOST_FILTER_BITS) / 64); \
    __type(key, __u32);                                        \
    __type(value, __u64);                                      \
  } name SEC(".maps")
HOST_FILTER_MAP(block_hosts_v4);
HOST_FILTER_MAP(rule_hosts_v4);

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, RAMPART_RINGBUF_BYTES);
} samples SEC(".maps");

/* What the rules look at, from one frame. */
struct packet {
  __u32 src4; /* IPv4: addresses in network order */
  __u32 dst4;
  struct rampart_v6_addr src6; /* IPv6 */
  struct rampart_v6_addr dst6;
  __u16 length; /* IP total length */
  __u16 src_port;
  __u16 dst_port;
  __u8 v6;
  __u8 proto;
  __u8 ttl;
  __u8 tcp_flags;
  __u8 fragment;  /* any fragment */
  __u8 has_ports; /* a transport header was read (not a non-first fragment) */
};

/* Fills `p` from the frame; 0 when it is not IP (or too short to tell). */
static __always_inline int parse(void* data, void* end, struct packet* p) {
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > end) return 0;
  __u16 proto = eth->h_proto;
  void* l3 = eth + 1;
#pragma unroll
  for (int i = 0; i < 2; i++) { /* up to two VLAN tags (802.1Q, QinQ) */
    if (proto != bpf_htons(ETH_P_8021Q_) && proto != bpf_htons(ETH_P_8021AD_)) break;
    if (l3 + 4 > end) return 0;
    proto = *(__u16*)(l3 + 2);
    l3 += 4;
  }
  void* l4;
  if (proto == bpf_htons(ETH_P_IP)) {
    struct iphdr* ip = l3;
    if ((void*)(ip + 1) > end || ip->ihl < 5) return 0;
    p->src4 = ip->saddr;
    p->dst4 = ip->daddr;
    p->length = bpf_ntohs(ip->tot_len);
    p->proto = ip->protocol;
    p->ttl = ip->ttl;
    __u16 frag = bpf_ntohs(ip->frag_off);
    p->fragment = (frag & 0x3fff) != 0; /* MF or an offset */
    if (frag & 0x1fff) return 1;        /* non-first fragment: no transport header */
    l4 = l3 + ip->ihl * 4;
  } else if (proto == bpf_htons(ETH_P_IPV6)) {
    struct ipv6hdr* ip6 = l3;
    if ((void*)(ip6 + 1) > end) return 0;
    p->v6 = 1;
    __builtin_memcpy(&p->src6, &ip6->saddr, 16);
    __builtin_memcpy(&p->dst6, &ip6->daddr, 16);
    p->length = bpf_ntohs(ip6->payload_len) + 40;
    p->proto = ip6->nexthdr;
    p->ttl = ip6->hop_limit;
    l4 = ip6 + 1;
    if (p->proto == IPPROTO_FRAGMENT_) { /* RFC 8200 section 4.5 */
      __u8* fh = l4;
      if ((void*)(fh + 8) > end) return 1;
      p->proto = fh[0];
      p->fragment = 1;
      if (((fh[2] << 8 | fh[3]) & 0xfff8) != 0) return 1;
      l4 = fh + 8;
    }
  } else {
    return 0;
  }
  if (p->proto == IPPROTO_TCP) {
    struct tcphdr* tcp = l4;
    if ((void*)(tcp + 1) > end) return 1;
    p->src_port = bpf_ntohs(tcp->source);
    p->dst_port = bpf_ntohs(tcp->dest);
    p->tcp_flags = ((__u8*)tcp)[13];
    p->has_ports = 1;
  } else if (p->proto == IPPROTO_UDP) {
    struct udphdr* udp = l4;
    if ((void*)(udp + 1) > end) return 1;
    p->src_port = bpf_ntohs(udp->source);
    p->dst_port = bpf_ntohs(udp->dest);
    p->has_ports = 1;
  } else if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6_) {
    __u8* icmp = l4;
    if ((void*)(icmp + 2) > end) return 1;
    p->dst_port = icmp[0] << 8 | icmp[1];
    p->has_ports = 1;
  }
  return 1;
}

static __always_inline __u32 mask_v4(__u32 host, __u32 len) {
  if (len >= 32) return bpf_htonl(host);
  if (len == 0) return 0;
  return bpf_htonl(host & (0xffffffffu << (32 - len)));
}

enum { COVER_NETS = 1, COVER_HOSTS = 2 };

/* Which kinds of entries of the prefiltered map may cover `host` (host byte order): the two bits
 * of its /24, side by side in one word (32 /24s a word), so one lookup tells both. */
static __always_inline __u32 coverage(void* prefilter, __u32 host) {
  const __u32 slash24 = host >> 8;
  const __u32 word = slash24 >> 5;
  const __u64* bits = bpf_map_lookup_elem(prefilter, &word);
  return bits ? (__u32)(*bits >> ((slash24 & 31) * 2)) & (COVER_NETS | COVER_HOSTS) : 0;
}

/* Whether a /32 entry of `host` (host byte order) may exist: its bit in the family's host filter. */
static __always_inline int host_listed(void* filter, __u32 host, __u32 seed) {
  const __u32 bit = (host * seed) >> (32 - RAMPART_HOST_FILTER_BITS);
  const __u32 word = bit >> 6;
  const __u64* bits = bpf_map_lookup_elem(filter, &word);
  return bits && (*bits >> (bit & 63)) & 1;
}

/* Whether entries of length `len` are worth a lookup: the /24's bits, and for /32 the host filter. */
static __always_inline int worth(__u32 len, __u32 kinds, void* hosts, __u32 host, __u32 seed) {
  if (len <= 24) return kinds & COVER_NETS;
  if (!(kinds & COVER_HOSTS)) return 0;
  return len < 32 || host_listed(hosts, host, seed);
}

/* Expiry needs no precision, so the coarse clock (a tick); and it is read only for an entry that
 * would drop the packet, so passing traffic never pays for it. */
static __always_inline int live(__u64 expires_ns) { return expires_ns == 0 || bpf_ktime_get_coarse_ns() < expires_ns; }

static __always_inline int matches(const struct rampart_rule* r, const struct packet* p) {
  __u16 m = r->match;
  if ((m & RAMPART_MATCH_PROTO) && p->proto != r->proto) return 0;
  if ((m & (RAMPART_MATCH_SRC_PORT | RAMPART_MATCH_DST_PORT)) && !p->has_ports) return 0;
  if ((m & RAMPART_MATCH_SRC_PORT) && p->src_port != r->src_port) return 0;
  if ((m & RAMPART_MATCH_DST_PORT) && p->dst_port != r->dst_port) return 0;
  if ((m & RAMPART_MATCH_LENGTH) && (p->length < r->len_min || p->length > r->len_max)) return 0;
  if ((m & RAMPART_MATCH_TCP_FLAGS) &&
      (p->proto != IPPROTO_TCP || !p->has_ports || (p->tcp_flags & r->tcp_flags_mask) != r->tcp_flags))
    return 0;
  if ((m & RAMPART_MATCH_TTL) && (p->ttl < r->ttl_min || p->ttl > r->ttl_max)) return 0;
  if ((m & RAMPART_MATCH_FRAGMENT) && !p->fragment) return 0;
  return 1;
}

static __always_inline void count(__u32 index, __u64 bytes) {
  struct rampart_counter* c = bpf_map_lookup_elem(&counters, &index);
  if (c) {
    c->packets++;
    c->bytes += bytes;
  }
}

/* Whether a live rule of `set` matches, and then its counter. Inlined: a call costs the worst-case
 * packet 2-3 ns, and the verifier accepts the unrolled copies now that no clock value is carried. */
static __always_inline int first_match(const struct rampart_rule_set* set, const struct packet* p, __u32* counter) {
#pragma unroll
  for (int i = 0; i < RAMPART_RULES_PER_DEST; i++) {
    if (i >= set->count) break;
    if (matches(&set->rules[i], p) && live(set->rules[i].expires_ns)) {
      *counter = set->rules[i].counter;
      return 1;
    }
  }
  return 0;
}

/* Drops by the rules of the packet's destination: its host entry first, then ever shorter
 * prefixes, so a victim's own rules and those of its network both apply. An IPv4 set that user
 * space made complete (its covering prefixes' rules copied in) ends the search by itself. */
static __always_inline int drop_by_rules(const struct rampart_config* cfg, const struct packet* p, __u32* counter) {
  const struct rampart_rule_set* set;
  if (p->v6) {
    set = bpf_map_lookup_elem(&rules_v6, &p->dst6);
    if (set && first_match(set, p, counter)) return 1;
    if (!cfg->v6_prefix_rules) return 0;
    struct rampart_v6_lpm_key key = {.prefixlen = 128};
    __builtin_memcpy(key.bytes, p->dst6.bytes, 16);
    set = bpf_map_lookup_elem(&rules_v6_prefixes, &key);
    if (set && first_match(set, p, counter)) return 1;
    return 0;
  }
  const __u32 host = bpf_ntohl(p->dst4);
  if (!cfg->rule_lengths_v4_count) return 0;
  const __u32 kinds = cfg->rules_everywhere_v4 ? COVER_NETS | COVER_HOSTS : coverage(&rule_prefilter_v4, host);
  if (!kinds) return 0;
  struct rampart_v4_key key;
  int hit = 0;
  int done = 0; /* a match, or a complete set that did not match: shorter prefixes add nothing */
#pragma unroll
  for (int n = 0; n < RAMPART_MAX_V4_LENGTHS; n++) {
    if (n < cfg->rule_lengths_v4_count && !done &&
        worth(cfg->rule_lengths_v4[n], kinds, &rule_hosts_v4, host, cfg->host_seed)) {
      key.prefixlen = cfg->rule_lengths_v4[n];
      key.addr = mask_v4(host, key.prefixlen);
      set = bpf_map_lookup_elem(&rules_v4, &key);
      if (set) {
        hit = first_match(set, p, counter);
        done = hit || set->complete;
      }
    }
  }
  return hit;
}

static __always_inline void sample(struct xdp_md* ctx, void* data, void* end, struct rampart_xdp_stats* st) {
  __u32 len = end - data;
  struct rampart_sample* s = bpf_ringbuf_reserve(&samples, sizeof(*s), 0);
  if (!s) {
    st->sample_lost++;
    return;
  }
  __u32 n = len < RAMPART_SAMPLE_BYTES ? len : RAMPART_SAMPLE_BYTES - 1;
  n &= RAMPART_SAMPLE_BYTES - 1; /* a mask the verifier can see: 0 .. 255 */
  s->timestamp_ns = bpf_ktime_get_ns();
  s->frame_length = len;
  s->ifindex = ctx->ingress_ifindex;
  s->pad0 = 0;
  if (n < 1 || bpf_xdp_load_bytes(ctx, 0, s->data, n) != 0) n = 0;
  s->captured = n;
  bpf_ringbuf_submit(s, 0);
  st->sampled++;
}

/* The longest IPv4 prefix of `addr` that has an entry in `map`, among the `count` lengths in use
 * (longest first): one 8-byte hash lookup per length. */
static __always_inline void* lookup_v4(void* map, __u32 addr, const __u8* lengths, __u32 count, __u32 kinds,
                                       void* hosts, __u32 seed) {
  struct rampart_v4_key key;
  const __u32 host = bpf_ntohl(addr);
  void* found = 0;
#pragma unroll
  for (int i = 0; i < RAMPART_MAX_V4_LENGTHS; i++) {
    if (i < count && !found && worth(lengths[i], kinds, hosts, host, seed)) {
      key.prefixlen = lengths[i];
      key.addr = mask_v4(host, key.prefixlen);
      found = bpf_map_lookup_elem(map, &key);
    }
  }
  return found;
}

static __always_inline void* lookup_v6(void* hosts, void* prefixes, __u32 prefix_entries,
                                       const struct rampart_v6_addr* addr) {
  void* v = bpf_map_lookup_elem(hosts, addr);
  if (v || !prefix_entries) return v;
  struct rampart_v6_lpm_key key = {.prefixlen = 128};
  __builtin_memcpy(key.bytes, addr, 16);
  return bpf_map_lookup_elem(prefixes, &key);
}

static __always_inline int whitelisted(const struct rampart_config* cfg, const struct packet* p) {
  if (!p->v6) {
    if (!cfg->whitelist_v4) return 0;
    struct rampart_v4_lpm_key k = {.prefixlen = 32, .addr = p->src4};
    return bpf_map_lookup_elem(&whitelist_v4, &k) != 0;
  }
  if (!cfg->whitelist_v6) return 0;
  struct rampart_v6_lpm_key k = {.prefixlen = 128};
  __builtin_memcpy(k.bytes, p->src6.bytes, 16);
  return bpf_map_lookup_elem(&whitelist_v6, &k) != 0;
}

SEC("xdp")
int rampart_xdp(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* end = (void*)(long)ctx->data_end;
  __u32 zero = 0;
  const struct rampart_config* cfg = bpf_map_lookup_elem(&config, &zero);
  struct rampart_xdp_stats* st = bpf_map_lookup_elem(&stats, &zero);
  if (!cfg || !st) return XDP_PASS;
  st->packets++;
  if (cfg->sample_one_in != 0 && bpf_get_prandom_u32() % cfg->sample_one_in == 0) sample(ctx, data, end, st);

  struct packet p = {};
  if (!parse(data, end, &p)) {
    st->not_ip++;
    return XDP_PASS;
  }
  /* Fingerprint rules first: they drop the spoofed floods, the biggest, at one lookup of the
   * victim; then blocked sources. */
  __u32 counter = 0;
  int by_rule = drop_by_rules(cfg, &p, &counter);
  if (!by_rule) {
    const struct rampart_block* b = 0;
    if (p.v6) {
      b = lookup_v6(&blocks_v6, &blocks_v6_prefixes, cfg->v6_prefix_blocks, &p.src6);
    } else if (cfg->block_lengths_v4_count) {
      const __u32 kinds =
          cfg->blocks_everywhere_v4 ? COVER_NETS | COVER_HOSTS : coverage(&block_prefilter_v4, bpf_ntohl(p.src4));
      if (kinds) {
        b = lookup_v4(&blocks_v4, p.src4, cfg->block_lengths_v4, cfg->block_lengths_v4_count, kinds, &block_hosts_v4,
                      cfg->host_seed);
      }
    }
    if (!b || !live(b->expires_ns)) {
      st->passed++;
      return XDP_PASS;
    }
    counter = b->counter;
  }
  /* The whitelist is asked only about a packet that would be dropped, so passing traffic never
   * pays for its trie. */
  if (whitelisted(cfg, &p)) {
    st->whitelisted++;
    return XDP_PASS;
  }
  count(counter, p.length);
  if (by_rule)
    st->dropped_rule++;
  else
    st->dropped_source++;
  return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
