/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * testbe — a capture backend for conversation tests.
 *
 * Packets are malloc-backed with reference-counted data (so clone works
 * like an indirect mbuf) and global leak accounting. Frames a context
 * transmits land in a per-backend FIFO the test pops and inspects; frames
 * are fed in with testbe_inject(). Two contexts can be wired by hand with
 * testbe_forward().
 *
 *     struct testbe *be = testbe_new();
 *     struct rts_ctx *ctx = testbe_ctx(be, "198.18.0.1/24", 1, 0, 0);
 *     testbe_drain(be);                     // the gratuitous ARP
 *     uint8_t f[128]; size_t n = tb_frame_arp(f, ...);
 *     testbe_inject(be, ctx, f, n, 0);
 *     struct rts_pkt *r = testbe_pop(be);   // the answer, or NULL
 *     ...
 *     testbe_free_pkt(r);
 *     testbe_ctx_free(ctx, 0); testbe_delete(be);
 *     RTS_CHECK_EQ(testbe_outstanding(), 0);
 */
#ifndef RTS_TESTBE_H
#define RTS_TESTBE_H

#include <rtestack/rtestack.h>

#include <stddef.h>
#include <stdint.h>

#define TESTBE_BUF_SIZE 2048   /* data room of each buffer */
#define TESTBE_HEADROOM 128    /* = RTS_PKT_MIN_HEADROOM */

struct testbe;

extern const struct rts_backend_ops testbe_ops;

struct testbe *testbe_new(void);
/* Frees queued TX frames too. */
void testbe_delete(struct testbe *be);

/* Descriptors alive across every testbe (0 after a clean test). */
long testbe_outstanding(void);

/* Buffers of @buf_size bytes (headroom included) from now on. */
void testbe_set_buf_size(struct testbe *be, uint32_t buf_size);
/* Fail every alloc after @n more succeed (-1: never fail); clones fail
 * while allocs do. */
void testbe_fail_alloc_after(struct testbe *be, long n);
/* ol_flags set on every injected frame (e.g. RTS_PKT_RX_L4_CSUM_GOOD). */
void testbe_set_rx_flags(struct testbe *be, uint32_t flags);

/*
 * A config with one address ("198.18.0.1/24"), MAC 02:00:00:00:00:@mac_last,
 * capability flags @caps (enum rts_if_cap) and defaults otherwise.
 */
void testbe_config(struct rts_config *cfg, const char *addr_cidr,
		   uint8_t mac_last, uint32_t caps);
struct rts_mac testbe_mac(uint8_t mac_last);
/* A context on @be from @cfg (memory from malloc). NULL on failure. */
struct rts_ctx *testbe_ctx_cfg(struct testbe *be, const struct rts_config *cfg,
			       uint64_t now_ns);
/* testbe_config() + testbe_ctx_cfg(). */
struct rts_ctx *testbe_ctx(struct testbe *be, const char *addr_cidr,
			   uint8_t mac_last, uint32_t caps, uint64_t now_ns);
/* rts_ctx_fini() and free the memory. */
void testbe_ctx_free(struct rts_ctx *ctx, uint64_t now_ns);

/* A packet holding a copy of @len bytes (single segment if it fits). */
struct rts_pkt *testbe_pkt(struct testbe *be, const void *bytes, size_t len);
/* The same as a chain of segments of @seg bytes each (last may be short). */
struct rts_pkt *testbe_pkt_segs(struct testbe *be, const void *bytes,
				size_t len, size_t seg);
/* Feed one frame to @ctx at @now_ns (rts_input). Returns its result. */
uint64_t testbe_inject(struct testbe *be, struct rts_ctx *ctx,
		       const void *bytes, size_t len, uint64_t now_ns);
uint64_t testbe_inject_pkt(struct testbe *be, struct rts_ctx *ctx,
			   struct rts_pkt *p, uint64_t now_ns);

/* Frames transmitted and not yet popped. */
size_t testbe_tx_count(const struct testbe *be);
/* The oldest transmitted frame (the caller frees it), or NULL. */
struct rts_pkt *testbe_pop(struct testbe *be);
/* Pop into @buf (flattened chain); returns its length, 0 if none. */
size_t testbe_pop_bytes(struct testbe *be, uint8_t *buf, size_t cap);
/* Free every queued TX frame; returns how many there were. */
size_t testbe_drain(struct testbe *be);
/*
 * Do what a NIC would for the TX offload marks of @p (IPv4 header and
 * TCP/UDP checksums, from l2_len/l3_len; the L4 field holds the
 * pseudo-header sum as DPDK wants) and clear the marks. TSO: not emulated.
 */
void testbe_nic_tx(struct rts_pkt *p);
/*
 * Move every frame @from transmitted into @to_ctx (on backend @to),
 * completing offloads with testbe_nic_tx() on the way.
 */
size_t testbe_forward(struct testbe *from, struct testbe *to,
		      struct rts_ctx *to_ctx, uint64_t now_ns);

void testbe_free_pkt(struct rts_pkt *p);
/* Flatten a chain into @buf; returns pkt_len (copies at most @cap). */
size_t testbe_flatten(const struct rts_pkt *p, uint8_t *buf, size_t cap);

/* ------------------------------------------------------- frame builders */
/*
 * Independent of the stack's own emitters (so tests check one against the
 * other). Addresses as struct rts_ip (IPv4-mapped), ports host order.
 * Each returns the bytes written.
 */
size_t tb_eth(uint8_t *b, const struct rts_mac *dst, const struct rts_mac *src,
	      uint16_t type);
size_t tb_arp(uint8_t *b, uint16_t op, const struct rts_mac *sha,
	      const struct rts_ip *spa, const struct rts_mac *tha,
	      const struct rts_ip *tpa);
/* IPv4 header (20 bytes, checksum filled) for @payload_len bytes. */
size_t tb_ipv4(uint8_t *b, const struct rts_ip *src, const struct rts_ip *dst,
	       uint8_t proto, uint16_t payload_len, uint16_t id,
	       uint16_t frag_word, uint8_t ttl);
/* UDP header + payload with the checksum filled (IPv4 pseudo-header). */
size_t tb_udp(uint8_t *b, const struct rts_ip *src, const struct rts_ip *dst,
	      uint16_t sport, uint16_t dport, const void *data, size_t len);
/* ICMP echo (type 8) or reply (0) with checksum. */
size_t tb_icmp_echo(uint8_t *b, uint8_t type, uint16_t id, uint16_t seq,
		    const void *data, size_t len);
/* RFC 1071 checksum of @len bytes (complemented, ready to store). */
uint16_t tb_csum(const void *data, size_t len, uint32_t start);

/* Whole frames: Ethernet + ARP / IPv4 + UDP / IPv4 + ICMP echo. */
size_t tb_frame_arp(uint8_t *b, const struct rts_mac *eth_dst, uint16_t op,
		    const struct rts_mac *sha, const struct rts_ip *spa,
		    const struct rts_mac *tha, const struct rts_ip *tpa);
size_t tb_frame_udp(uint8_t *b, const struct rts_mac *dmac,
		    const struct rts_mac *smac, const struct rts_ip *src,
		    const struct rts_ip *dst, uint16_t sport, uint16_t dport,
		    const void *data, size_t len);
size_t tb_frame_icmp_echo(uint8_t *b, const struct rts_mac *dmac,
			  const struct rts_mac *smac, const struct rts_ip *src,
			  const struct rts_ip *dst, uint8_t type, uint16_t id,
			  uint16_t seq, const void *data, size_t len);
/* An IPv4 frame around an arbitrary L4 payload (id, frag word, ttl). */
size_t tb_frame_ip(uint8_t *b, const struct rts_mac *dmac,
		   const struct rts_mac *smac, const struct rts_ip *src,
		   const struct rts_ip *dst, uint8_t proto, const void *l4,
		   size_t l4_len, uint16_t id, uint16_t frag_word);

#endif
