/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — SYN cookies (see tcp_syncookie.h for the layout). */
#include "tcp_syncookie.h"

#include "../core/siphash.h"
#include "../core/util.h"

/* 536: the RFC 9293 default; 1200..1460: tunnels, IPv6 and IPv4 on a
 * 1500-byte MTU; 4312 and 8960: common jumbo frames. */
const uint16_t rts_syncookie_mss_table[RTS_SYNCOOKIE_MSS_ENTRIES] = {
	536, 1200, 1360, 1400, 1440, 1460, 4312, 8960,
};

#define COOKIE_T_SHIFT 27
#define COOKIE_T_MASK 0x1fu
#define COOKIE_MSS_SHIFT 24
#define COOKIE_MSS_MASK 0x7u
#define COOKIE_MAC_MASK 0xffffffu

#define TS_OPT_BITS 6
#define TS_OPT_MASK ((1u << TS_OPT_BITS) - 1)
#define TS_OPT_SACK 0x10u
#define TS_OPT_PRESENT 0x40u /* in the MAC input only: options are valid */

static uint8_t mss_index(uint16_t mss)
{
	uint8_t i = RTS_SYNCOOKIE_MSS_ENTRIES - 1;

	while (i > 0 && rts_syncookie_mss_table[i] > mss)
		i--;
	return i;
}

static uint32_t cookie_mac(const uint64_t key[2],
			   const struct rts_tcp_tuple *t, uint32_t peer_isn,
			   uint64_t tick, uint8_t mss_idx, uint8_t opt_byte)
{
	uint8_t buf[RTS_TCP_TUPLE_BYTES + 10];
	size_t n = rts_tcp_tuple_serialize(t, buf);

	rts_put_be32(buf + n, peer_isn);
	rts_put_be32(buf + n + 4, (uint32_t)tick);
	buf[n + 8] = mss_idx;
	buf[n + 9] = opt_byte;
	return (uint32_t)rts_siphash24(key, buf, sizeof(buf)) & COOKIE_MAC_MASK;
}

static uint8_t encode_opts(const struct rts_syncookie_opts *o)
{
	uint8_t ws = o->wscale > 14 ? 14 : o->wscale; /* RFC 7323 §2.3 */

	if (o->wscale == RTS_SYNCOOKIE_NO_WSCALE)
		ws = RTS_SYNCOOKIE_NO_WSCALE;
	return (uint8_t)(ws | (o->sack_ok ? TS_OPT_SACK : 0));
}

uint32_t rts_syncookie_make(const uint64_t key[2],
			    const struct rts_tcp_tuple *t, uint32_t peer_isn,
			    const struct rts_syncookie_opts *o,
			    uint64_t now_ns, uint32_t *tsval)
{
	uint64_t tick = now_ns >> RTS_SYNCOOKIE_TICK_SHIFT;
	uint8_t idx = mss_index(o->mss);
	uint8_t opt_byte = 0;

	if (o->ts_ok && tsval != NULL) {
		uint8_t bits = encode_opts(o);
		uint32_t ts = (*tsval & ~TS_OPT_MASK) | bits;

		/* Only ever step the clock back, so the peer's PAWS check
		 * on later segments still sees time moving forward. */
		if ((int32_t)(ts - *tsval) > 0)
			ts -= 1u << TS_OPT_BITS;
		*tsval = ts;
		opt_byte = (uint8_t)(TS_OPT_PRESENT | bits);
	}
	return (uint32_t)(tick & COOKIE_T_MASK) << COOKIE_T_SHIFT |
	       (uint32_t)idx << COOKIE_MSS_SHIFT |
	       cookie_mac(key, t, peer_isn, tick, idx, opt_byte);
}

int rts_syncookie_check(const uint64_t key[2], const struct rts_tcp_tuple *t,
			uint32_t seg_seq, uint32_t seg_ack, bool has_ts,
			uint32_t tsecr, uint64_t now_ns,
			struct rts_syncookie_opts *out)
{
	uint32_t cookie = seg_ack - 1, peer_isn = seg_seq - 1;
	uint64_t now_tick = now_ns >> RTS_SYNCOOKIE_TICK_SHIFT;
	uint32_t age = ((uint32_t)now_tick - (cookie >> COOKIE_T_SHIFT)) &
		       COOKIE_T_MASK;
	uint8_t idx = (cookie >> COOKIE_MSS_SHIFT) & COOKIE_MSS_MASK;
	uint8_t bits = (uint8_t)(tsecr & TS_OPT_MASK);
	uint8_t opt_byte = has_ts ? (uint8_t)(TS_OPT_PRESENT | bits) : 0;

	if (age > RTS_SYNCOOKIE_MAX_AGE || age > now_tick)
		return RTS_SYNCOOKIE_EXPIRED;
	if (cookie_mac(key, t, peer_isn, now_tick - age, idx, opt_byte) !=
	    (cookie & COOKIE_MAC_MASK))
		return RTS_SYNCOOKIE_BAD_HASH;

	out->mss = rts_syncookie_mss_table[idx];
	out->ts_ok = has_ts;
	out->sack_ok = has_ts && (bits & TS_OPT_SACK);
	out->wscale = has_ts ? (bits & 0xf) : RTS_SYNCOOKIE_NO_WSCALE;
	return RTS_SYNCOOKIE_OK;
}
