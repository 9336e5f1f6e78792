/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-cli — a testpmd-like diagnostic shell: one lcore polls the port,
 * runs the stack and, between bursts, reads commands without blocking.
 */
#ifndef RTS_CLI_H
#define RTS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rtestack/dpdk.h>
#include <rtestack/rtestack.h>

#include "app_opts.h"

#include "cli_parse.h"

#define CLI_MAX_SERVICES 16

struct cli_opts {
	struct rts_addr_config addrs[RTS_MAX_ADDRS];
	unsigned n_addrs;
	struct rts_ip gw4, gw6;
	uint16_t port_id;
	uint16_t mtu;
	uint32_t mbufs;
	uint32_t offloads;       /* RTS_CAP_* allowed */
	bool lro;
	uint32_t max_conns;
	uint32_t idle_sleep_us;
	const char *impair;
	const char *cmds[16];    /* --cmd, in order */
	unsigned n_cmds;
	const char *scripts[8];  /* --script, in order */
	unsigned n_scripts;
	bool stay;               /* keep running after --cmd / --script */
	bool quiet;              /* no port feature lines at start */
};

/* A listener or UDP binding the user created with "listen". */
struct cli_service {
	bool used;
	bool udp;
	uint16_t port;
	enum cli_svc_kind svc;
	struct rts_tcp_listener *l;
	struct rts_udp_bind *b;
	uint64_t conns;          /* accepted (TCP) */
	uint64_t rx_bytes, tx_bytes;
};

/* The command in progress: ping, resolve and sleep span many loop turns. */
struct cli_op {
	enum cli_cmd_id id;      /* CLI_CMD_COUNT: none */
	struct cli_cmd cmd;
	uint64_t deadline_ns;
	bool cancelled;          /* Ctrl-C at a terminal: end it now */
	/* ping */
	uint16_t ping_id;
	uint32_t sent, received;
	uint64_t next_send_ns;
	uint64_t rtt_min_ns, rtt_max_ns, rtt_sum_ns;
	/* resolve */
	bool resolved, failed;
};

struct cli {
	struct cli_opts o;
	struct rts_dpdk_port *port;
	struct rts_dpdk_queue *dq;
	struct rts_ctx *ctx;
	void *ctx_mem;
	struct cli_op op;
	struct cli_service svc[CLI_MAX_SERVICES];
	/* "clear counters": what the counters read at that moment */
	struct rts_counters base;
	struct rts_dpdk_queue_stats base_q;
	bool quit;
	bool tty;
	FILE *out;
};

extern volatile int cli_stop;

int cli_parse_opts(int argc, char **argv, struct cli_opts *o);
void cli_opts_usage(FILE *f);
void cli_mac_str(const struct rts_mac *mac, char *buf, size_t len);

/* Run one parsed command (starts an operation for ping/resolve/sleep). */
void cli_exec(struct cli *c, const struct cli_cmd *cmd);
/* Advance the operation in progress; false once none is. */
bool cli_op_tick(struct cli *c, uint64_t now_ns);

/* cli_show.c */
void cli_show_port(struct cli *c);
void cli_show_config(struct cli *c);
void cli_show_counters(struct cli *c, const char *filter, bool all);
void cli_clear_counters(struct cli *c);

/* cli_tables.c */
void cli_show_neigh(struct cli *c);
void cli_show_addr(struct cli *c);
void cli_show_routes(struct cli *c);
void cli_show_tcp(struct cli *c);
void cli_show_udp(struct cli *c);

/* cli_svc.c: listeners, ping, resolve */
extern const struct rts_ctx_handlers cli_ctx_handlers;
void cli_listen(struct cli *c, const struct cli_cmd *cmd);
void cli_close_port(struct cli *c, uint16_t port);
void cli_close_all(struct cli *c);
const char *cli_service_name(enum cli_svc_kind s);
void cli_ping_start(struct cli *c, const struct cli_cmd *cmd, uint64_t now);
bool cli_ping_tick(struct cli *c, uint64_t now);
void cli_resolve_start(struct cli *c, const struct cli_cmd *cmd, uint64_t now);
bool cli_resolve_tick(struct cli *c, uint64_t now);

#endif
