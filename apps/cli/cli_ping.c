/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-cli — ping and arp/ndp resolve: operations that span many loop
 * turns, completed by the context's handlers (echo_reply, neigh_resolved,
 * neigh_failed).
 *
 *   reply from 198.18.0.1: seq=1 bytes=56 rtt=0.081 ms
 *   ping 198.18.0.1: 3 sent, 3 received, 0.0% loss, rtt min/avg/max 0.071/0.080/0.090 ms
 */
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define PING_WAIT_NS 1000000000ull     /* for the last reply */
#define RESOLVE_WAIT_NS 4000000000ull  /* three solicitations 1 s apart */

/* ----------------------------------------------------------------- ping */
static void ping_reply(struct cli *c, const struct rts_ip *from, uint16_t seq,
		       uint32_t len, uint64_t rtt_ns)
{
	char ip[RTS_IP_STRLEN];

	c->op.received++;
	if (c->op.received == 1 || rtt_ns < c->op.rtt_min_ns)
		c->op.rtt_min_ns = rtt_ns;
	if (rtt_ns > c->op.rtt_max_ns)
		c->op.rtt_max_ns = rtt_ns;
	c->op.rtt_sum_ns += rtt_ns;
	app_ip_str(from, ip, sizeof(ip));
	fprintf(c->out, "reply from %s: seq=%u bytes=%u rtt=%.3f ms\n", ip, seq,
		len, (double)rtt_ns / 1e6);
}

static void on_echo_reply(struct rts_ctx *ctx, void *user,
			  const struct rts_ip *from, uint16_t id, uint16_t seq,
			  uint32_t len, uint64_t rtt_ns)
{
	struct cli *c = user;

	(void)ctx;
	if (c->op.id != CLI_PING || id != c->op.ping_id ||
	    !rts_ip_eq(from, &c->op.cmd.ip) || seq == 0 || seq > c->op.sent)
		return;
	ping_reply(c, from, seq, len, rtt_ns);
}

void cli_ping_start(struct cli *c, const struct cli_cmd *cmd, uint64_t now)
{
	(void)cmd;
	c->op.ping_id = (uint16_t)(getpid() ^ (now >> 10));
	c->op.next_send_ns = now;
}

static void ping_summary(struct cli *c)
{
	const struct cli_op *op = &c->op;
	char ip[RTS_IP_STRLEN];
	double loss = op->sent ? 100.0 * (op->sent - op->received) / op->sent : 0;

	app_ip_str(&op->cmd.ip, ip, sizeof(ip));
	fprintf(c->out, "ping %s: %u sent, %u received, %.1f%% loss", ip,
		op->sent, op->received, loss);
	if (op->received > 0)
		fprintf(c->out, ", rtt min/avg/max %.3f/%.3f/%.3f ms",
			(double)op->rtt_min_ns / 1e6,
			(double)op->rtt_sum_ns / op->received / 1e6,
			(double)op->rtt_max_ns / 1e6);
	fputc('\n', c->out);
}

bool cli_ping_tick(struct cli *c, uint64_t now)
{
	struct cli_op *op = &c->op;
	int rc;

	if (cli_stop || op->cancelled || (op->sent == op->cmd.count &&
			 (op->received == op->sent || now >= op->deadline_ns))) {
		ping_summary(c);
		return false;
	}
	if (op->sent == op->cmd.count || now < op->next_send_ns)
		return true;
	op->sent++;
	rc = rts_ping(c->ctx, &op->cmd.ip, op->ping_id, (uint16_t)op->sent,
		      op->cmd.size);
	if (rc < 0)
		fprintf(c->out, "seq=%u: %s\n", op->sent, rts_strerror(rc));
	op->next_send_ns = now + (uint64_t)op->cmd.interval_ms * 1000000ull;
	op->deadline_ns = now + PING_WAIT_NS;
	return true;
}

/* -------------------------------------------------------------- resolve */
static void resolve_print(struct cli *c, const struct rts_mac *mac)
{
	char ip[RTS_IP_STRLEN], m[32];

	app_ip_str(&c->op.cmd.ip, ip, sizeof(ip));
	if (mac == NULL) {
		fprintf(c->out, "%s: no answer (resolution failed)\n", ip);
		return;
	}
	cli_mac_str(mac, m, sizeof(m));
	fprintf(c->out, "%s is at %s\n", ip, m);
}

static void on_neigh_resolved(struct rts_ctx *ctx, void *user,
			      const struct rts_ip *ip, const struct rts_mac *mac)
{
	struct cli *c = user;

	(void)ctx;
	if (c->op.id == CLI_RESOLVE && !c->op.resolved &&
	    rts_ip_eq(ip, &c->op.cmd.ip)) {
		c->op.resolved = true;
		resolve_print(c, mac);
	}
}

static void on_neigh_failed(struct rts_ctx *ctx, void *user,
			    const struct rts_ip *ip)
{
	struct cli *c = user;

	(void)ctx;
	if (c->op.id == CLI_RESOLVE && rts_ip_eq(ip, &c->op.cmd.ip))
		c->op.failed = true;
}

void cli_resolve_start(struct cli *c, const struct cli_cmd *cmd, uint64_t now)
{
	struct rts_mac mac;
	int rc = rts_neigh_resolve(c->ctx, &cmd->ip, &mac);
	char ip[RTS_IP_STRLEN];

	c->op.deadline_ns = now + RESOLVE_WAIT_NS;
	if (rc == 0) {
		c->op.resolved = true;
		resolve_print(c, &mac);
	} else if (rc != RTS_EAGAIN) {
		app_ip_str(&cmd->ip, ip, sizeof(ip));
		fprintf(c->out, "error: resolve %s: %s\nusage: %s\n", ip,
			rts_strerror(rc), rts_ip_is_v4(&cmd->ip) ?
			"arp resolve IPV4" : "ndp resolve IPV6");
		c->op.failed = true;
		c->op.resolved = true; /* reported already */
	}
}

bool cli_resolve_tick(struct cli *c, uint64_t now)
{
	if (c->op.resolved)
		return false;
	if (c->op.failed || now >= c->op.deadline_ns || cli_stop ||
	    c->op.cancelled) {
		resolve_print(c, NULL);
		return false;
	}
	return true;
}

const struct rts_ctx_handlers cli_ctx_handlers = {
	.echo_reply = on_echo_reply,
	.neigh_resolved = on_neigh_resolved,
	.neigh_failed = on_neigh_failed,
};
