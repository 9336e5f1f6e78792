/* SPDX-License-Identifier: BSD-3-Clause */
/* testbe — a malloc-backed capture backend for conversation tests. */
#include "testbe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Always on, also in release builds (NDEBUG). */
#define tb_assert(c)                                                           \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "testbe: %s:%d: %s\n", __FILE__,      \
				__LINE__, #c);                                 \
			abort();                                               \
		}                                                              \
	} while (0)

struct tb_data {
	long refs;
	uint32_t size;
	uint8_t bytes[];
};

struct tb_pkt {
	struct rts_pkt pkt; /* first: rts_pkt * and tb_pkt * convert */
	struct tb_data *d;
	uint32_t magic;
};
#define TB_MAGIC 0x7e57be01u

struct testbe {
	uint32_t buf_size;
	long fail_after;       /* -1: never */
	uint32_t rx_flags;
	struct rts_pkt **fifo; /* transmitted frames */
	size_t head, tail, cap;
};

static long outstanding;

long testbe_outstanding(void)
{
	return outstanding;
}

static struct tb_pkt *tbp(struct rts_pkt *p)
{
	struct tb_pkt *t = (struct tb_pkt *)p;

	tb_assert(t->magic == TB_MAGIC);
	return t;
}

static struct rts_pkt *desc_new(struct tb_data *d)
{
	struct tb_pkt *t = calloc(1, sizeof(*t));

	tb_assert(t);
	t->magic = TB_MAGIC;
	t->d = d;
	d->refs++;
	t->pkt.buf = d->bytes;
	t->pkt.buf_len = d->size;
	outstanding++;
	return &t->pkt;
}

static struct rts_pkt *be_alloc(void *bep)
{
	struct testbe *be = bep;
	struct tb_data *d;
	struct rts_pkt *p;

	if (be->fail_after == 0)
		return NULL;
	if (be->fail_after > 0)
		be->fail_after--;
	d = malloc(sizeof(*d) + be->buf_size);
	tb_assert(d);
	d->refs = 0;
	d->size = be->buf_size;
	memset(d->bytes, 0xa5, d->size); /* catch reads of unwritten bytes */
	p = desc_new(d);
	p->data = p->buf + TESTBE_HEADROOM;
	return p;
}

static void be_free(void *bep, struct rts_pkt *p)
{
	(void)bep;
	while (p) {
		struct rts_pkt *next = p->next;
		struct tb_pkt *t = tbp(p);

		if (--t->d->refs == 0)
			free(t->d);
		t->magic = 0;
		free(t);
		outstanding--;
		p = next;
	}
}

static struct rts_pkt *be_clone(void *bep, struct rts_pkt *p)
{
	struct testbe *be = bep;
	struct rts_pkt *c;

	/* Out of buffers is out of descriptors too (DPDK: one mempool). */
	if (be->fail_after == 0)
		return NULL;
	c = desc_new(tbp(p)->d);
	c->data = p->data;
	c->len = p->len;
	c->pkt_len = p->len;
	return c;
}

static void fifo_push(struct testbe *be, struct rts_pkt *p)
{
	if (be->tail == be->cap) {
		if (be->head > 0) {
			memmove(be->fifo, be->fifo + be->head,
				(be->tail - be->head) * sizeof(*be->fifo));
			be->tail -= be->head;
			be->head = 0;
		} else {
			be->cap = be->cap ? 2 * be->cap : 64;
			be->fifo = realloc(be->fifo, be->cap * sizeof(*be->fifo));
			tb_assert(be->fifo);
		}
	}
	be->fifo[be->tail++] = p;
}

static void be_tx(void *bep, struct rts_pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		fifo_push(bep, pkts[i]);
}

const struct rts_backend_ops testbe_ops = {
	.alloc = be_alloc,
	.free = be_free,
	.clone = be_clone,
	.tx = be_tx,
};

struct testbe *testbe_new(void)
{
	struct testbe *be = calloc(1, sizeof(*be));

	tb_assert(be);
	be->buf_size = TESTBE_BUF_SIZE;
	be->fail_after = -1;
	return be;
}

void testbe_delete(struct testbe *be)
{
	testbe_drain(be);
	free(be->fifo);
	free(be);
}

void testbe_set_buf_size(struct testbe *be, uint32_t buf_size)
{
	be->buf_size = buf_size;
}

void testbe_fail_alloc_after(struct testbe *be, long n)
{
	be->fail_after = n;
}

void testbe_set_rx_flags(struct testbe *be, uint32_t flags)
{
	be->rx_flags = flags;
}

struct rts_mac testbe_mac(uint8_t mac_last)
{
	struct rts_mac m = { { 0x02, 0, 0, 0, 0, mac_last } };
	return m;
}

void testbe_config(struct rts_config *cfg, const char *addr_cidr,
		   uint8_t mac_last, uint32_t caps)
{
	struct rts_ip ip;
	uint8_t prefix;

	rts_config_default(cfg);
	cfg->mac = testbe_mac(mac_last);
	cfg->caps.flags = caps;
	cfg->seed[0] = 0x1234 + mac_last;
	cfg->seed[1] = 0x5678;
	if (addr_cidr) {
		int rc = rts_ip_parse(addr_cidr, &ip, &prefix);

		tb_assert(rc == 0);
		rc = rts_config_add_addr(cfg, &ip, prefix);
		tb_assert(rc == 0);
	}
}

struct rts_ctx *testbe_ctx_cfg(struct testbe *be, const struct rts_config *cfg,
			       uint64_t now_ns)
{
	size_t sz = rts_ctx_mem_size(cfg);
	void *mem;
	struct rts_ctx *ctx;

	if (sz == 0)
		return NULL;
	mem = aligned_alloc(64, (sz + 63) & ~(size_t)63);
	tb_assert(mem);
	ctx = rts_ctx_init(mem, sz, cfg, &testbe_ops, be, now_ns);
	if (ctx == NULL)
		free(mem);
	return ctx;
}

struct rts_ctx *testbe_ctx(struct testbe *be, const char *addr_cidr,
			   uint8_t mac_last, uint32_t caps, uint64_t now_ns)
{
	struct rts_config cfg;

	testbe_config(&cfg, addr_cidr, mac_last, caps);
	return testbe_ctx_cfg(be, &cfg, now_ns);
}

void testbe_ctx_free(struct rts_ctx *ctx, uint64_t now_ns)
{
	if (ctx == NULL)
		return;
	rts_ctx_fini(ctx, now_ns);
	free(ctx);
}

struct rts_pkt *testbe_pkt_segs(struct testbe *be, const void *bytes,
				size_t len, size_t seg)
{
	const uint8_t *b = bytes;
	struct rts_pkt *head = NULL, *tail = NULL;
	size_t off = 0;

	if (seg == 0)
		seg = be->buf_size - TESTBE_HEADROOM;
	do {
		struct rts_pkt *p = be_alloc(be);
		size_t n = len - off < seg ? len - off : seg;

		tb_assert(p && n <= be->buf_size - TESTBE_HEADROOM);
		memcpy(p->data, b + off, n);
		p->len = (uint32_t)n;
		if (head)
			tail->next = p;
		else
			head = p;
		tail = p;
		off += n;
	} while (off < len);
	head->pkt_len = (uint32_t)len;
	return head;
}

struct rts_pkt *testbe_pkt(struct testbe *be, const void *bytes, size_t len)
{
	return testbe_pkt_segs(be, bytes, len, 0);
}

uint64_t testbe_inject_pkt(struct testbe *be, struct rts_ctx *ctx,
			   struct rts_pkt *p, uint64_t now_ns)
{
	p->ol_flags = be->rx_flags;
	return rts_input(ctx, &p, 1, now_ns);
}

uint64_t testbe_inject(struct testbe *be, struct rts_ctx *ctx,
		       const void *bytes, size_t len, uint64_t now_ns)
{
	long saved = be->fail_after;
	struct rts_pkt *p;

	be->fail_after = -1; /* the injected frame itself always exists */
	p = testbe_pkt(be, bytes, len);
	be->fail_after = saved;
	return testbe_inject_pkt(be, ctx, p, now_ns);
}

size_t testbe_tx_count(const struct testbe *be)
{
	return be->tail - be->head;
}

struct rts_pkt *testbe_pop(struct testbe *be)
{
	if (be->head == be->tail)
		return NULL;
	return be->fifo[be->head++];
}

void testbe_free_pkt(struct rts_pkt *p)
{
	be_free(NULL, p);
}

size_t testbe_flatten(const struct rts_pkt *p, uint8_t *buf, size_t cap)
{
	size_t n = 0, total = p ? p->pkt_len : 0;

	for (; p; p = p->next) {
		size_t k = p->len;

		if (n + k > cap)
			k = cap > n ? cap - n : 0;
		memcpy(buf + n, p->data, k);
		n += k;
	}
	return total;
}

size_t testbe_pop_bytes(struct testbe *be, uint8_t *buf, size_t cap)
{
	struct rts_pkt *p = testbe_pop(be);
	size_t n;

	if (p == NULL)
		return 0;
	n = testbe_flatten(p, buf, cap);
	testbe_free_pkt(p);
	return n;
}

size_t testbe_drain(struct testbe *be)
{
	size_t n = 0;
	struct rts_pkt *p;

	while ((p = testbe_pop(be)) != NULL) {
		testbe_free_pkt(p);
		n++;
	}
	return n;
}

/* Byte @i of a chain (slow, fine for tests). */
static uint8_t *chain_at(struct rts_pkt *p, uint32_t i)
{
	for (; p; p = p->next) {
		if (i < p->len)
			return p->data + i;
		i -= p->len;
	}
	return NULL;
}

static uint16_t chain_csum(struct rts_pkt *p, uint32_t off, uint32_t len)
{
	uint64_t s = 0;

	for (uint32_t i = 0; i < len; i++) {
		uint8_t b = *chain_at(p, off + i);

		s += (i & 1) ? b : (uint32_t)b << 8;
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

void testbe_nic_tx(struct rts_pkt *p)
{
	uint32_t f = p->ol_flags, l2 = p->l2_len, l3 = p->l3_len;
	uint16_t c;

	tb_assert(!(f & RTS_PKT_TX_TSO)); /* not emulated */
	if (f & RTS_PKT_TX_IP_CSUM) {
		tb_assert(f & RTS_PKT_TX_IPV4);
		*chain_at(p, l2 + 10) = 0;
		*chain_at(p, l2 + 11) = 0;
		c = chain_csum(p, l2, l3);
		*chain_at(p, l2 + 10) = (uint8_t)(c >> 8);
		*chain_at(p, l2 + 11) = (uint8_t)c;
	}
	if (f & (RTS_PKT_TX_TCP_CSUM | RTS_PKT_TX_UDP_CSUM)) {
		/* the field holds the pseudo-header sum: sum over it */
		uint32_t at = l2 + l3 + ((f & RTS_PKT_TX_TCP_CSUM) ? 16 : 6);

		tb_assert(f & (RTS_PKT_TX_IPV4 | RTS_PKT_TX_IPV6));
		c = chain_csum(p, l2 + l3, p->pkt_len - l2 - l3);
		if (c == 0 && (f & RTS_PKT_TX_UDP_CSUM))
			c = 0xffff;
		*chain_at(p, at) = (uint8_t)(c >> 8);
		*chain_at(p, at + 1) = (uint8_t)c;
	}
	p->ol_flags = 0;
}

size_t testbe_forward(struct testbe *from, struct testbe *to,
		      struct rts_ctx *to_ctx, uint64_t now_ns)
{
	size_t n = 0;
	struct rts_pkt *p;

	while ((p = testbe_pop(from)) != NULL) {
		testbe_nic_tx(p);
		testbe_inject_pkt(to, to_ctx, p, now_ns);
		n++;
	}
	return n;
}

/* ------------------------------------------------------- frame builders */
static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

uint16_t tb_csum(const void *data, size_t len, uint32_t start)
{
	const uint8_t *p = data;
	uint64_t s = start;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

size_t tb_eth(uint8_t *b, const struct rts_mac *dst, const struct rts_mac *src,
	      uint16_t type)
{
	memcpy(b, dst->b, 6);
	memcpy(b + 6, src->b, 6);
	put16(b + 12, type);
	return 14;
}

size_t tb_arp(uint8_t *b, uint16_t op, const struct rts_mac *sha,
	      const struct rts_ip *spa, const struct rts_mac *tha,
	      const struct rts_ip *tpa)
{
	put16(b, 1);
	put16(b + 2, 0x0800);
	b[4] = 6;
	b[5] = 4;
	put16(b + 6, op);
	memcpy(b + 8, sha->b, 6);
	memcpy(b + 14, spa->u8 + 12, 4);
	memcpy(b + 18, tha->b, 6);
	memcpy(b + 24, tpa->u8 + 12, 4);
	return 28;
}

size_t tb_ipv4(uint8_t *b, const struct rts_ip *src, const struct rts_ip *dst,
	       uint8_t proto, uint16_t payload_len, uint16_t id,
	       uint16_t frag_word, uint8_t ttl)
{
	b[0] = 0x45;
	b[1] = 0;
	put16(b + 2, (uint16_t)(20 + payload_len));
	put16(b + 4, id);
	put16(b + 6, frag_word);
	b[8] = ttl;
	b[9] = proto;
	b[10] = b[11] = 0;
	memcpy(b + 12, src->u8 + 12, 4);
	memcpy(b + 16, dst->u8 + 12, 4);
	put16(b + 10, tb_csum(b, 20, 0));
	return 20;
}

static uint32_t pseudo4(const struct rts_ip *src, const struct rts_ip *dst,
			uint8_t proto, size_t len)
{
	const uint8_t *s = src->u8 + 12, *d = dst->u8 + 12;

	return (uint32_t)(s[0] << 8 | s[1]) + (uint32_t)(s[2] << 8 | s[3]) +
	       (uint32_t)(d[0] << 8 | d[1]) + (uint32_t)(d[2] << 8 | d[3]) +
	       proto + (uint32_t)len;
}

size_t tb_udp(uint8_t *b, const struct rts_ip *src, const struct rts_ip *dst,
	      uint16_t sport, uint16_t dport, const void *data, size_t len)
{
	uint16_t c;

	put16(b, sport);
	put16(b + 2, dport);
	put16(b + 4, (uint16_t)(8 + len));
	put16(b + 6, 0);
	if (len)
		memcpy(b + 8, data, len);
	c = tb_csum(b, 8 + len, pseudo4(src, dst, 17, 8 + len));
	put16(b + 6, c ? c : 0xffff);
	return 8 + len;
}

size_t tb_icmp_echo(uint8_t *b, uint8_t type, uint16_t id, uint16_t seq,
		    const void *data, size_t len)
{
	b[0] = type;
	b[1] = 0;
	put16(b + 2, 0);
	put16(b + 4, id);
	put16(b + 6, seq);
	if (len)
		memcpy(b + 8, data, len);
	put16(b + 2, tb_csum(b, 8 + len, 0));
	return 8 + len;
}

size_t tb_frame_arp(uint8_t *b, const struct rts_mac *eth_dst, uint16_t op,
		    const struct rts_mac *sha, const struct rts_ip *spa,
		    const struct rts_mac *tha, const struct rts_ip *tpa)
{
	size_t n = tb_eth(b, eth_dst, sha, 0x0806);

	return n + tb_arp(b + n, op, sha, spa, tha, tpa);
}

size_t tb_frame_ip(uint8_t *b, const struct rts_mac *dmac,
		   const struct rts_mac *smac, const struct rts_ip *src,
		   const struct rts_ip *dst, uint8_t proto, const void *l4,
		   size_t l4_len, uint16_t id, uint16_t frag_word)
{
	size_t n = tb_eth(b, dmac, smac, 0x0800);

	n += tb_ipv4(b + n, src, dst, proto, (uint16_t)l4_len, id, frag_word,
		     64);
	memcpy(b + n, l4, l4_len);
	return n + l4_len;
}

size_t tb_frame_udp(uint8_t *b, const struct rts_mac *dmac,
		    const struct rts_mac *smac, const struct rts_ip *src,
		    const struct rts_ip *dst, uint16_t sport, uint16_t dport,
		    const void *data, size_t len)
{
	size_t n = tb_eth(b, dmac, smac, 0x0800);
	size_t l4 = tb_udp(b + n + 20, src, dst, sport, dport, data, len);

	n += tb_ipv4(b + n, src, dst, 17, (uint16_t)l4, 1, 0x4000, 64);
	return n + l4;
}

size_t tb_frame_icmp_echo(uint8_t *b, const struct rts_mac *dmac,
			  const struct rts_mac *smac, const struct rts_ip *src,
			  const struct rts_ip *dst, uint8_t type, uint16_t id,
			  uint16_t seq, const void *data, size_t len)
{
	size_t n = tb_eth(b, dmac, smac, 0x0800);
	size_t l4 = tb_icmp_echo(b + n + 20, type, id, seq, data, len);

	n += tb_ipv4(b + n, src, dst, 1, (uint16_t)l4, 1, 0, 64);
	return n + l4;
}
