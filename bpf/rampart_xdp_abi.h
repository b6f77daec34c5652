/* SPDX-License-Identifier: Apache-2.0 */
/* The one description of what the XDP program and Rampart's user space share: map keys and
 * values, the sample record of the ring buffer. Included by bpf/rampart_xdp.bpf.c and by the C++
 * loader (which static_asserts the sizes), so there is no copy to keep in sync. Plain C, fixed-size
 * types, explicit padding: the layout is the same for clang -target bpf and for g++. */
#ifndef RAMPART_XDP_ABI_H
#define RAMPART_XDP_ABI_H

#include <linux/types.h>

#define RAMPART_RULES_PER_DEST 8          /* fingerprint rules for one destination (host or prefix) */
#define RAMPART_MAX_COUNTERS 262144       /* drop counters: one per rule or blocked source */
#define RAMPART_MAX_HOST_KEYS 262144      /* exact (host) entries per map */
#define RAMPART_MAX_PREFIX_KEYS 262144    /* prefix entries per LPM trie (allocated as used) */
#define RAMPART_MAX_V4_LENGTHS 8          /* distinct IPv4 prefix lengths in use in one map (/32, /24, ...) */
#define RAMPART_PREFILTER_WORDS (1 << 18) /* one bit per IPv4 /24 (2^24 bits) in 64-bit words; the */
                                          /* prefilter maps hold two such bitmaps (see the program) */
#define RAMPART_HOST_FILTER_BITS 24       /* the host filters: 2^24 bits, in 64-bit words (see the program) */
#define RAMPART_SAMPLE_BYTES 256          /* room for a sampled frame's first 255 bytes (a power of two) */
#define RAMPART_RINGBUF_BYTES (4 << 20)

/* IPv4 entries: an address masked to its prefix length, in network order, with the length. The
 * program looks them up in hash maps, once per prefix length in use (the config's length masks),
 * longest first: a few 8-byte hash lookups instead of a walk down a trie. */
struct rampart_v4_key {
  __u32 addr;
  __u32 prefixlen; /* 0 .. 32 */
};

/* IPv6 entries: hosts (/128) in hash maps, prefixes in LPM tries. */
struct rampart_v6_addr {
  __u8 bytes[16];
};

struct rampart_v6_lpm_key {
  __u32 prefixlen; /* 0 .. 128 */
  __u8 bytes[16];
};

struct rampart_v4_lpm_key {
  __u32 prefixlen; /* 0 .. 32 */
  __u32 addr;
};

/* Which fields of a rule must match (unset fields match anything). */
enum rampart_match {
  RAMPART_MATCH_PROTO = 1 << 0,
  RAMPART_MATCH_SRC_PORT = 1 << 1, /* TCP/UDP only; non-first fragments never match */
  RAMPART_MATCH_DST_PORT = 1 << 2, /* ICMP: type << 8 | code */
  RAMPART_MATCH_LENGTH = 1 << 3,   /* IP total length (IPv6: payload length + 40) */
  RAMPART_MATCH_TCP_FLAGS = 1 << 4,
  RAMPART_MATCH_TTL = 1 << 5,      /* IPv4 TTL, IPv6 hop limit */
  RAMPART_MATCH_FRAGMENT = 1 << 6, /* any fragment (MF set or offset != 0) */
};

/* A fingerprint rule: drop what matches, to one destination. */
struct rampart_rule {
  __u64 expires_ns; /* bpf_ktime_get_ns() after which the rule no longer drops; 0: never */
  __u32 counter;    /* index in the drop counters */
  __u16 match;      /* RAMPART_MATCH_* */
  __u8 proto;
  __u8 tcp_flags;
  __u8 tcp_flags_mask; /* (flags & mask) == tcp_flags */
  __u8 ttl_min;
  __u8 ttl_max;
  __u8 pad0;
  __u16 src_port;
  __u16 dst_port;
  __u16 len_min;
  __u16 len_max;
};

struct rampart_rule_set {
  __u32 count;    /* rules[0 .. count) are in use */
  __u32 complete; /* set by user space: the rules of every IPv4 prefix covering this one follow its own
                   * here, so no shorter prefix need be tried (it would add nothing) */
  struct rampart_rule rules[RAMPART_RULES_PER_DEST];
};

/* A blocked source (exact or prefix). */
struct rampart_block {
  __u64 expires_ns; /* as rampart_rule */
  __u32 counter;
  __u32 pad0;
};

/* Per CPU, per rule or blocked source. */
struct rampart_counter {
  __u64 packets;
  __u64 bytes;
};

/* Settings user space writes (array map, one entry). The counts and length lists let the program
 * skip lookups that cannot hit: IPv4 blocks and rules are looked up once per prefix length in use,
 * longest first, and only when the prefilter's bit for the address's /24 says some entry covers
 * it (most traffic is to and from addresses no rule is about). */
struct rampart_config {
  __u32 sample_one_in; /* 0: no sampling; N: one frame in N to the ring buffer */
  __u32 whitelist_v4;  /* entries */
  __u32 whitelist_v6;
  __u32 v6_prefix_blocks;
  __u32 v6_prefix_rules;
  __u32 host_seed; /* odd, chosen at load: the host filters' hash, unknown to senders */
  __u8 block_lengths_v4_count;
  __u8 rule_lengths_v4_count;
  /* 1 while an IPv4 block (rule) shorter than /8 exists: too wide for the prefilter, which is then
   * not consulted. */
  __u8 blocks_everywhere_v4;
  __u8 rules_everywhere_v4;
  __u8 block_lengths_v4[RAMPART_MAX_V4_LENGTHS]; /* prefix lengths in use, longest first */
  __u8 rule_lengths_v4[RAMPART_MAX_V4_LENGTHS];
};

/* Per CPU totals of the program (array map, one entry). */
struct rampart_xdp_stats {
  __u64 packets;
  __u64 passed;
  __u64 whitelisted; /* would have been dropped, but the source is whitelisted */
  __u64 dropped_source;
  __u64 dropped_rule;
  __u64 not_ip; /* ARP and the rest: always passed */
  __u64 sampled;
  __u64 sample_lost; /* the ring buffer was full */
};

/* A sampled frame in the ring buffer: this header, then `captured` bytes of the frame. */
struct rampart_sample {
  __u64 timestamp_ns; /* bpf_ktime_get_ns() */
  __u32 frame_length; /* the whole frame's */
  __u32 captured;
  __u32 ifindex;
  __u32 pad0;
  __u8 data[RAMPART_SAMPLE_BYTES];
};

#endif /* RAMPART_XDP_ABI_H */
