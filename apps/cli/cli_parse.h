/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-cli — the command language, apart from DPDK and the stack so a
 * unit test can drive it: a line is split into commands at ';', each
 * command into words, and the words are matched against one table that
 * also yields the help text and the usage lines.
 */
#ifndef RTS_CLI_PARSE_H
#define RTS_CLI_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rtestack/types.h>

enum cli_cmd_id {
	CLI_HELP,
	CLI_QUIT,
	CLI_SHOW_PORT,
	CLI_SHOW_CONFIG,
	CLI_SHOW_COUNTERS,
	CLI_CLEAR_COUNTERS,
	CLI_SHOW_NEIGH,
	CLI_SHOW_ADDR,
	CLI_SHOW_ROUTES,
	CLI_SHOW_TCP,
	CLI_SHOW_UDP,
	CLI_PING,
	CLI_RESOLVE,       /* arp resolve / ndp resolve */
	CLI_LISTEN_TCP,
	CLI_LISTEN_UDP,
	CLI_CLOSE,
	CLI_SET_MTU,
	CLI_SET_LOG,
	CLI_SLEEP,
	CLI_ECHO,
	CLI_CMD_COUNT,
};

/* What a listener does with what it receives. */
enum cli_svc_kind {
	CLI_SVC_ECHO,
	CLI_SVC_DISCARD,
	CLI_SVC_HTTP,
};

#define CLI_WORD_MAX 128

/* A parsed command: which one, and its arguments already validated. */
struct cli_cmd {
	enum cli_cmd_id id;
	struct rts_ip ip;          /* ping, resolve */
	uint32_t count;            /* ping: requests (default 3) */
	uint32_t size;             /* ping: payload bytes (default 56) */
	uint32_t interval_ms;      /* ping: between requests (default 1000) */
	uint16_t port;             /* listen, close */
	enum cli_svc_kind svc;      /* listen */
	uint32_t value;            /* set mtu, sleep (ms) */
	int log_level;             /* set log: 1 (emergency) .. 8 (debug) */
	bool all;                  /* show counters all */
	char word[CLI_WORD_MAX];   /* show counters filter, echo text */
};

/*
 * Parse one command (no ';'). Returns 0 with @cmd filled, 1 for an empty
 * line or a comment ('#'), -1 with a message in @err (no newline) and
 * *@usage set to the usage line to print after it.
 */
int cli_parse(const char *line, struct cli_cmd *cmd, char *err, size_t err_len,
	      const char **usage);

/*
 * Copy the next ';'-separated command of *@cursor into @buf (trimmed) and
 * advance the cursor. Returns false when nothing is left. A command longer
 * than @len is cut (and then fails to parse).
 */
bool cli_split(const char **cursor, char *buf, size_t len);

/* The usage line of a command, and the whole help text. */
const char *cli_usage(enum cli_cmd_id id);
const char *cli_help_text(void);

#endif
