/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-cli — running a parsed command. Most print and return; ping,
 * resolve and sleep become the operation in progress, which the loop
 * advances every turn (the stack keeps running meanwhile) and which holds
 * back the next command until it is over.
 */
#include <string.h>

#include <rte_log.h>

#include "cli.h"

void cli_mac_str(const struct rts_mac *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1],
		 m->b[2], m->b[3], m->b[4], m->b[5]);
}

static void set_log(struct cli *c, int level)
{
	rte_log_set_global_level((uint32_t)level);
	fprintf(c->out, "log level %d\n", level);
}

static void start_op(struct cli *c, const struct cli_cmd *cmd, uint64_t now)
{
	memset(&c->op, 0, sizeof(c->op));
	c->op.id = cmd->id;
	c->op.cmd = *cmd;
	switch (cmd->id) {
	case CLI_PING:
		cli_ping_start(c, cmd, now);
		break;
	case CLI_RESOLVE:
		cli_resolve_start(c, cmd, now);
		break;
	case CLI_SLEEP:
		c->op.deadline_ns = now + (uint64_t)cmd->value * 1000000ull;
		break;
	default:
		c->op.id = CLI_CMD_COUNT;
		break;
	}
}

static void exec_show(struct cli *c, const struct cli_cmd *cmd)
{
	switch (cmd->id) {
	case CLI_SHOW_PORT: cli_show_port(c); break;
	case CLI_SHOW_CONFIG: cli_show_config(c); break;
	case CLI_SHOW_COUNTERS: cli_show_counters(c, cmd->word, cmd->all); break;
	case CLI_SHOW_NEIGH: cli_show_neigh(c); break;
	case CLI_SHOW_ADDR: cli_show_addr(c); break;
	case CLI_SHOW_ROUTES: cli_show_routes(c); break;
	case CLI_SHOW_TCP: cli_show_tcp(c); break;
	case CLI_SHOW_UDP: cli_show_udp(c); break;
	default: break;
	}
}

void cli_exec(struct cli *c, const struct cli_cmd *cmd)
{
	switch (cmd->id) {
	case CLI_HELP:
		fputs(cli_help_text(), c->out);
		break;
	case CLI_QUIT:
		c->quit = true;
		break;
	case CLI_CLEAR_COUNTERS:
		cli_clear_counters(c);
		break;
	case CLI_LISTEN_TCP:
	case CLI_LISTEN_UDP:
		cli_listen(c, cmd);
		break;
	case CLI_CLOSE:
		cli_close_port(c, cmd->port);
		break;
	case CLI_SET_MTU:
		fprintf(c->out, "error: set mtu: the MTU (%u) is fixed when the "
			"context is built; restart with --mtu %u\nusage: %s\n",
			rts_ctx_config(c->ctx)->mtu, cmd->value,
			cli_usage(CLI_SET_MTU));
		break;
	case CLI_SET_LOG:
		set_log(c, cmd->log_level);
		break;
	case CLI_ECHO:
		fprintf(c->out, "%s\n", cmd->word);
		break;
	case CLI_PING:
	case CLI_RESOLVE:
	case CLI_SLEEP:
		start_op(c, cmd, rts_dpdk_now_ns());
		break;
	default:
		exec_show(c, cmd);
		break;
	}
}

bool cli_op_tick(struct cli *c, uint64_t now)
{
	bool busy;

	switch (c->op.id) {
	case CLI_PING:
		busy = cli_ping_tick(c, now);
		break;
	case CLI_RESOLVE:
		busy = cli_resolve_tick(c, now);
		break;
	case CLI_SLEEP:
		busy = now < c->op.deadline_ns && !cli_stop && !c->op.cancelled;
		break;
	default:
		return false;
	}
	if (!busy)
		c->op.id = CLI_CMD_COUNT;
	return busy;
}
