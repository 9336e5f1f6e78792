/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * memlink — the scenario driver: two contexts over one link in virtual time.
 *
 * One step delivers what has arrived to each context (at most 32 frames per
 * rts_input call, as a poll-mode driver would) and runs its timers. When a
 * step delivers nothing, time jumps straight to the earliest deadline: a
 * timer of either context or the arrival of a frame. Nothing sleeps, so a
 * 200 ms retransmission timeout costs no wall-clock time.
 */
#include "ml_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ML_SCEN_BURST 32

struct ml_scen {
	struct ml_pool *pool[2];
	struct ml_link *link;
	struct rts_ctx *ctx[2];
	void *ctx_mem[2];
	uint64_t now;
	uint64_t next[2]; /* deadline each context asked for */
	uint32_t idle_due; /* steps where something was due but nothing ran */
	bool finished;
};

struct rts_ip ml_scen_ip(int side)
{
	return rts_ip4(198, 18, 0, (uint8_t)(1 + (side & 1)));
}

void ml_scen_opts_default(struct ml_scen_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int s = 0; s < 2; s++) {
		struct rts_config *c = &o->cfg[s];
		struct rts_ip ip = ml_scen_ip(s);

		rts_config_default(c);
		/* Locally administered unicast MACs 02:00:00:00:00:0{1,2}. */
		c->mac = (struct rts_mac){ { 0x02, 0, 0, 0, 0,
					     (uint8_t)(1 + s) } };
		rts_config_add_addr(c, &ip, 24);
		c->seed[0] = 0x5eed0000u + (uint64_t)s;
		c->seed[1] = 0x12345678u;
	}
	ml_pool_config_default(&o->pool);
	ml_link_config_default(&o->link);
}

static bool create_pools_and_link(struct ml_scen *sc,
				  const struct ml_scen_opts *o)
{
	struct ml_link_config lc = o->link;

	for (int s = 0; s < 2; s++) {
		sc->pool[s] = ml_pool_create(&o->pool);
		if (sc->pool[s] == NULL)
			return false;
		lc.pool[s] = sc->pool[s];
	}
	lc.threaded = false;
	sc->link = ml_link_create(&lc);
	return sc->link != NULL;
}

struct ml_scen *ml_scen_create(const struct ml_scen_opts *o)
{
	struct ml_scen *sc = calloc(1, sizeof(*sc));

	if (sc == NULL)
		return NULL;
	sc->now = ML_SCEN_START_NS;
	if (!create_pools_and_link(sc, o))
		goto fail;
	ml_link_set_now(sc->link, sc->now);
	for (int s = 0; s < 2; s++) {
		struct rts_config cfg = o->cfg[s];
		struct ml_ep *ep = ml_link_ep(sc->link, s);
		size_t sz;

		ml_ep_caps(ep, &cfg.caps);
		sz = rts_ctx_mem_size(&cfg);
		if (sz == 0)
			goto fail;
		sz = (sz + 63) & ~(size_t)63;
		sc->ctx_mem[s] = aligned_alloc(64, sz);
		if (sc->ctx_mem[s] == NULL)
			goto fail;
		sc->ctx[s] = rts_ctx_init(sc->ctx_mem[s], sz, &cfg,
					  ml_backend_ops(), ep, sc->now);
		if (sc->ctx[s] == NULL)
			goto fail;
		sc->next[s] = sc->now;
	}
	return sc;
fail:
	ml_scen_destroy(sc);
	return NULL;
}

uint32_t ml_scen_finish(struct ml_scen *sc)
{
	if (!sc->finished) {
		for (int s = 0; s < 2; s++) {
			if (sc->ctx[s] == NULL)
				continue;
			ml_link_set_now(sc->link, sc->now);
			rts_ctx_fini(sc->ctx[s], sc->now);
		}
		sc->finished = true;
	}
	if (sc->link)
		ml_link_drain(sc->link);
	return (sc->pool[0] ? ml_pool_in_use(sc->pool[0]) : 0) +
	       (sc->pool[1] ? ml_pool_in_use(sc->pool[1]) : 0);
}

void ml_scen_destroy(struct ml_scen *sc)
{
	if (sc == NULL)
		return;
	ml_scen_finish(sc);
	ml_link_destroy(sc->link);
	for (int s = 0; s < 2; s++) {
		free(sc->ctx_mem[s]);
		ml_pool_destroy(sc->pool[s]);
	}
	free(sc);
}

struct rts_ctx *ml_scen_ctx(struct ml_scen *sc, int side)
{
	return sc->ctx[side & 1];
}

struct ml_link *ml_scen_link(struct ml_scen *sc)
{
	return sc->link;
}

struct ml_pool *ml_scen_pool(struct ml_scen *sc, int side)
{
	return sc->pool[side & 1];
}

uint64_t ml_scen_now(const struct ml_scen *sc)
{
	return sc->now;
}

/* One rts_input call for @side; true when it delivered frames. */
static bool service(struct ml_scen *sc, int s)
{
	struct rts_pkt *pkts[ML_SCEN_BURST];
	unsigned n = ml_ep_rx_burst(ml_link_ep(sc->link, s), pkts,
				    ML_SCEN_BURST, sc->now);

	sc->next[s] = rts_input(sc->ctx[s], pkts, n, sc->now);
	return n > 0;
}

static uint64_t earliest_event(struct ml_scen *sc)
{
	uint64_t t = UINT64_MAX;

	for (int s = 0; s < 2; s++) {
		uint64_t a = ml_ep_next_arrival(ml_link_ep(sc->link, s));

		if (sc->next[s] < t)
			t = sc->next[s];
		if (a < t)
			t = a;
	}
	return t;
}

/* Call each context once at the current time; true if frames moved. */
static bool service_both(struct ml_scen *sc)
{
	bool delivered = false;

	ml_link_set_now(sc->link, sc->now);
	for (int s = 0; s < 2; s++)
		delivered |= service(sc, s);
	return delivered;
}

/*
 * One step, never moving time past @limit: true when something happened
 * or time moved to an event (and the contexts ran at that time); false at
 * @limit or when nothing is pending.
 */
static bool step_to(struct ml_scen *sc, uint64_t limit)
{
	uint64_t t;

	if (sc->finished)
		return false;
	/*
	 * Every context is called each step, frames or not: API calls made
	 * between steps (connect, send) are flushed and their timers seen.
	 */
	if (service_both(sc)) {
		sc->idle_due = 0;
		return true;
	}
	t = earliest_event(sc);
	if (t == UINT64_MAX || t > limit) {
		if (limit != UINT64_MAX && sc->now < limit)
			sc->now = limit;
		return false;
	}
	if (t > sc->now) {
		/* Run at the new time now, so a caller's condition sees
		 * the effects before time moves again. */
		sc->now = t;
		sc->idle_due = 0;
		service_both(sc);
	} else if (++sc->idle_due > 2) {
		/* Frames sent this step arrive next step; anything else due
		 * that keeps producing nothing must not stop the clock. */
		sc->now += 1000;
		sc->idle_due = 0;
	}
	return true;
}

bool ml_scen_step(struct ml_scen *sc)
{
	return step_to(sc, UINT64_MAX);
}

bool ml_scen_run_until(struct ml_scen *sc, bool (*cond)(void *arg), void *arg,
		       uint64_t max_ns)
{
	uint64_t end = sc->now + max_ns;

	while (!cond(arg)) {
		if (sc->now >= end)
			return false;
		if (!step_to(sc, end) && sc->now < end)
			return cond(arg); /* finished */
	}
	return true;
}

void ml_scen_run_for(struct ml_scen *sc, uint64_t ns)
{
	uint64_t end = sc->now + ns;

	while (sc->now < end && step_to(sc, end))
		;
	if (sc->now < end && !sc->finished)
		sc->now = end;
}
