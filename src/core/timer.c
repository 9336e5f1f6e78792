/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — the timer wheel.
 *
 * A hashed wheel: an entry goes into slot (expire tick mod slots) and keeps
 * its absolute expiry, so entries more than a turn away simply stay in their
 * slot until their turn comes. Arm, cancel and fire are O(1); a tick visits
 * only its own slot, and a bitmap of non-empty slots finds the next one
 * without a scan of the connections.
 */
#include "internal.h"

static inline uint64_t tick_of(uint64_t ns)
{
	return ns >> RTS_WHEEL_TICK_SHIFT;
}

void rts_timer_init(struct rts_timer *t, rts_timer_fn fn)
{
	t->next = t->prev = NULL;
	t->expire_ns = 0;
	t->fn = fn;
}

static void slot_mark(struct rts_wheel *w, uint32_t slot, bool on)
{
	uint64_t bit = 1ull << (slot & 63);

	if (on)
		w->occupied[slot >> 6] |= bit;
	else
		w->occupied[slot >> 6] &= ~bit;
}

static void unlink_timer(struct rts_wheel *w, struct rts_timer *t)
{
	t->prev->next = t->next;
	t->next->prev = t->prev;
	if (t->next == t->prev) { /* only the sentinel left */
		uint32_t slot = (uint32_t)(t->next - w->slots);

		if (slot < RTS_WHEEL_SLOTS)
			slot_mark(w, slot, false);
	}
	t->next = t->prev = NULL;
	w->armed--;
}

void rts_timer_cancel(struct rts_ctx *ctx, struct rts_timer *t)
{
	if (t->prev != NULL)
		unlink_timer(&ctx->wheel, t);
}

void rts_timer_arm(struct rts_ctx *ctx, struct rts_timer *t, uint64_t expire_ns)
{
	struct rts_wheel *w = &ctx->wheel;
	uint64_t tick = tick_of(expire_ns);
	struct rts_timer *head;
	uint32_t slot;

	if (t->prev != NULL) {
		if (t->expire_ns == expire_ns)
			return;
		unlink_timer(w, t);
	}
	/* Never schedule into the past: the slot would wait a full turn. */
	if (tick <= w->cur_tick)
		tick = w->cur_tick + 1;
	slot = (uint32_t)(tick & (RTS_WHEEL_SLOTS - 1));
	head = &w->slots[slot];
	t->expire_ns = expire_ns;
	t->next = head->next;
	t->prev = head;
	head->next->prev = t;
	head->next = t;
	slot_mark(w, slot, true);
	w->armed++;
}

/* Fire what is due in one slot; entries of later turns stay. */
static void run_slot(struct rts_ctx *ctx, uint32_t slot, uint64_t now_ns)
{
	struct rts_wheel *w = &ctx->wheel;
	struct rts_timer *head = &w->slots[slot];
	struct rts_timer *t = head->next;

	while (t != head) {
		struct rts_timer *next = t->next;

		if (tick_of(t->expire_ns) <= tick_of(now_ns)) {
			unlink_timer(w, t);
			/* The callback may re-arm t or arm/cancel others. */
			t->fn(ctx, t, now_ns);
			/* Restart: the list may have changed under us. */
			next = head->next;
		}
		t = next;
	}
}

/* Next non-empty slot after @from (cyclic), or -1. */
static int next_occupied(const struct rts_wheel *w, uint32_t from)
{
	for (uint32_t i = 0; i <= RTS_WHEEL_SLOTS / 64; i++) {
		uint32_t word = ((from >> 6) + i) & (RTS_WHEEL_SLOTS / 64 - 1);
		uint64_t bits = w->occupied[word];

		if (i == 0)
			bits &= ~0ull << (from & 63);
		if (bits)
			return (int)(word * 64 + (uint32_t)__builtin_ctzll(bits));
	}
	return -1;
}

uint64_t rts_wheel_run(struct rts_ctx *ctx, uint64_t now_ns)
{
	struct rts_wheel *w = &ctx->wheel;
	const uint32_t mask = RTS_WHEEL_SLOTS - 1;
	uint64_t now_tick = tick_of(now_ns);
	uint32_t from;
	int slot;

	/* After a long gap one visit of every slot fires everything due. */
	if (now_tick > w->cur_tick + RTS_WHEEL_SLOTS)
		w->cur_tick = now_tick - RTS_WHEEL_SLOTS;
	while (w->armed && w->cur_tick < now_tick) {
		uint64_t dist;

		from = (uint32_t)((w->cur_tick + 1) & mask);
		slot = next_occupied(w, from);
		if (slot < 0)
			break;
		dist = ((uint32_t)slot - from) & mask;
		if (w->cur_tick + 1 + dist > now_tick)
			break;
		w->cur_tick += dist + 1;
		run_slot(ctx, (uint32_t)slot, now_ns);
	}
	if (w->cur_tick < now_tick)
		w->cur_tick = now_tick;
	if (!w->armed)
		return UINT64_MAX;
	from = (uint32_t)((now_tick + 1) & mask);
	slot = next_occupied(w, from);
	if (slot < 0)
		return UINT64_MAX;
	return (now_tick + 1 + (((uint32_t)slot - from) & mask))
	       << RTS_WHEEL_TICK_SHIFT;
}
