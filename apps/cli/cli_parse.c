/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-cli — the command table and its parser (no DPDK, no stack
 * state: tests/unit/test_cli_parse.c drives it directly).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_parse.h"

#define MAX_WORDS 16

typedef int (*cli_args_fn)(struct cli_cmd *c, int argc, char **argv,
			   char *err, size_t n);

struct cli_spec {
	const char *words;   /* the command's own words, e.g. "show tcp" */
	enum cli_cmd_id id;
	cli_args_fn args;    /* validates and stores the remaining words */
	const char *usage;
	const char *help;    /* NULL: an alias, left out of the help text */
};

/* ------------------------------------------------------------- numbers */
static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int fail(char *err, size_t n, const char *fmt, const char *arg)
{
	snprintf(err, n, fmt, arg);
	return -1;
}

/* --------------------------------------------------------- the arguments */
static int args_none(struct cli_cmd *c, int argc, char **argv, char *err,
		     size_t n)
{
	(void)c;
	if (argc > 0)
		return fail(err, n, "unexpected argument '%s'", argv[0]);
	return 0;
}

static int args_counters(struct cli_cmd *c, int argc, char **argv, char *err,
			 size_t n)
{
	if (argc > 2)
		return fail(err, n, "unexpected argument '%s'", argv[2]);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "all") == 0)
			c->all = true;
		else if (c->word[0] == '\0')
			snprintf(c->word, sizeof(c->word), "%s", argv[i]);
		else
			return fail(err, n, "unexpected argument '%s'", argv[i]);
	}
	return 0;
}

static int parse_addr(struct cli_cmd *c, const char *s, char *err, size_t n)
{
	if (strchr(s, '/') != NULL || rts_ip_parse(s, &c->ip, NULL) != 0 ||
	    rts_ip_is_any(&c->ip))
		return fail(err, n, "bad address '%s'", s);
	return 0;
}

static int args_ping(struct cli_cmd *c, int argc, char **argv, char *err,
		     size_t n)
{
	if (argc < 1)
		return fail(err, n, "%smissing address", "");
	if (argc > 4)
		return fail(err, n, "unexpected argument '%s'", argv[4]);
	if (parse_addr(c, argv[0], err, n) != 0)
		return -1;
	if (argc > 1 && parse_u32(argv[1], 1, 1000000, &c->count) != 0)
		return fail(err, n, "bad count '%s' (1..1000000)", argv[1]);
	if (argc > 2 && parse_u32(argv[2], 0, 65000, &c->size) != 0)
		return fail(err, n, "bad size '%s' (0..65000)", argv[2]);
	if (argc > 3 && parse_u32(argv[3], 1, 60000, &c->interval_ms) != 0)
		return fail(err, n, "bad interval '%s' (1..60000 ms)", argv[3]);
	return 0;
}

static int args_resolve(struct cli_cmd *c, int argc, char **argv, char *err,
			size_t n, bool v4)
{
	if (argc != 1)
		return fail(err, n, "%swant exactly one address", "");
	if (parse_addr(c, argv[0], err, n) != 0)
		return -1;
	if (rts_ip_is_v4(&c->ip) != v4)
		return fail(err, n, v4 ? "'%s' is not an IPv4 address (use ndp)"
				       : "'%s' is not an IPv6 address (use arp)",
			    argv[0]);
	return 0;
}

static int args_arp(struct cli_cmd *c, int argc, char **argv, char *err,
		    size_t n)
{
	return args_resolve(c, argc, argv, err, n, true);
}

static int args_ndp(struct cli_cmd *c, int argc, char **argv, char *err,
		    size_t n)
{
	return args_resolve(c, argc, argv, err, n, false);
}

static int parse_port(struct cli_cmd *c, const char *s, char *err, size_t n)
{
	uint32_t v;

	if (parse_u32(s, 1, 65535, &v) != 0)
		return fail(err, n, "bad port '%s' (1..65535)", s);
	c->port = (uint16_t)v;
	return 0;
}

static int args_listen_tcp(struct cli_cmd *c, int argc, char **argv, char *err,
			   size_t n)
{
	if (argc < 1 || argc > 2)
		return fail(err, n, "%swant a port and a service", "");
	if (parse_port(c, argv[0], err, n) != 0)
		return -1;
	c->svc = CLI_SVC_ECHO;
	if (argc < 2 || strcmp(argv[1], "echo") == 0)
		return 0;
	if (strcmp(argv[1], "discard") == 0)
		c->svc = CLI_SVC_DISCARD;
	else if (strcmp(argv[1], "http") == 0)
		c->svc = CLI_SVC_HTTP;
	else
		return fail(err, n, "unknown service '%s'", argv[1]);
	return 0;
}

static int args_listen_udp(struct cli_cmd *c, int argc, char **argv, char *err,
			   size_t n)
{
	if (argc < 1 || argc > 2)
		return fail(err, n, "%swant a port", "");
	if (argc == 2 && strcmp(argv[1], "echo") != 0)
		return fail(err, n, "unknown service '%s' (udp: echo)", argv[1]);
	c->svc = CLI_SVC_ECHO;
	return parse_port(c, argv[0], err, n);
}

static int args_close(struct cli_cmd *c, int argc, char **argv, char *err,
		      size_t n)
{
	if (argc != 1)
		return fail(err, n, "%swant a port", "");
	return parse_port(c, argv[0], err, n);
}

static int args_mtu(struct cli_cmd *c, int argc, char **argv, char *err,
		    size_t n)
{
	if (argc != 1 || parse_u32(argv[0], 576, 9000, &c->value) != 0)
		return fail(err, n, "bad MTU '%s' (576..9000)",
			    argc > 0 ? argv[0] : "");
	return 0;
}

static const char *const log_levels[] = {
	"emergency", "alert", "critical", "error", "warning", "notice", "info",
	"debug",
};

static int args_log(struct cli_cmd *c, int argc, char **argv, char *err,
		    size_t n)
{
	uint32_t v;

	if (argc != 1)
		return fail(err, n, "%swant a level", "");
	for (unsigned i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (strcasecmp(argv[0], log_levels[i]) == 0) {
			c->log_level = (int)i + 1;
			return 0;
		}
	if (parse_u32(argv[0], 1, 8, &v) != 0)
		return fail(err, n, "bad log level '%s'", argv[0]);
	c->log_level = (int)v;
	return 0;
}

static int args_sleep(struct cli_cmd *c, int argc, char **argv, char *err,
		      size_t n)
{
	if (argc != 1 || parse_u32(argv[0], 0, 3600000, &c->value) != 0)
		return fail(err, n, "bad duration '%s' (0..3600000 ms)",
			    argc > 0 ? argv[0] : "");
	return 0;
}

/* echo keeps its words as they were (cli_parse joins them). */
static int args_echo(struct cli_cmd *c, int argc, char **argv, char *err,
		     size_t n)
{
	(void)c;
	(void)argc;
	(void)argv;
	(void)err;
	(void)n;
	return 0;
}

/* ---------------------------------------------------------------- table */
#define COUNTERS_USAGE "show counters [SUBSTRING] [all]"
#define NEIGH_USAGE "show neigh"

static const struct cli_spec specs[] = {
	{ "help", CLI_HELP, args_none, "help", "this list" },
	{ "?", CLI_HELP, args_none, "help", NULL },
	{ "quit", CLI_QUIT, args_none, "quit", "close everything and exit" },
	{ "exit", CLI_QUIT, args_none, "quit", NULL },
	{ "show port", CLI_SHOW_PORT, args_none, "show port",
	  "device, MAC, link, MTU, queues, offloads (on/emulated/off)" },
	{ "show config", CLI_SHOW_CONFIG, args_none, "show config",
	  "the stack configuration" },
	{ "show counters", CLI_SHOW_COUNTERS, args_counters, COUNTERS_USAGE,
	  "stack, backend and device counters (non-zero unless 'all')" },
	{ "show stats", CLI_SHOW_COUNTERS, args_counters, COUNTERS_USAGE, NULL },
	{ "clear counters", CLI_CLEAR_COUNTERS, args_none, "clear counters",
	  "start every counter from zero" },
	{ "show neigh", CLI_SHOW_NEIGH, args_none, NEIGH_USAGE,
	  "ARP and NDP cache: address, MAC, state, age" },
	{ "show arp", CLI_SHOW_NEIGH, args_none, NEIGH_USAGE, NULL },
	{ "show ndp", CLI_SHOW_NEIGH, args_none, NEIGH_USAGE, NULL },
	{ "show addr", CLI_SHOW_ADDR, args_none, "show addr",
	  "IPv4 and IPv6 addresses with their DAD state" },
	{ "show routes", CLI_SHOW_ROUTES, args_none, "show routes",
	  "on-link prefixes and default routers" },
	{ "show route", CLI_SHOW_ROUTES, args_none, "show routes", NULL },
	{ "show tcp", CLI_SHOW_TCP, args_none, "show tcp",
	  "listeners and connections with their transmission state" },
	{ "show udp", CLI_SHOW_UDP, args_none, "show udp", "bound UDP ports" },
	{ "ping", CLI_PING, args_ping, "ping ADDR [COUNT] [SIZE] [INTERVAL_MS]",
	  "ICMP/ICMPv6 echo (defaults: 3, 56 bytes, 1000 ms)" },
	{ "arp resolve", CLI_RESOLVE, args_arp, "arp resolve IPV4",
	  "ARP request, wait for the answer" },
	{ "ndp resolve", CLI_RESOLVE, args_ndp, "ndp resolve IPV6",
	  "neighbour solicitation, wait for the answer" },
	{ "listen tcp", CLI_LISTEN_TCP, args_listen_tcp,
	  "listen tcp PORT [echo|discard|http]", "a TCP service on PORT" },
	{ "listen udp", CLI_LISTEN_UDP, args_listen_udp, "listen udp PORT [echo]",
	  "a UDP echo service on PORT" },
	{ "close", CLI_CLOSE, args_close, "close PORT",
	  "stop the TCP and UDP services on PORT" },
	{ "set mtu", CLI_SET_MTU, args_mtu, "set mtu N",
	  "change the MTU (not supported at run time: says so)" },
	{ "set log", CLI_SET_LOG, args_log,
	  "set log emergency|alert|critical|error|warning|notice|info|debug",
	  "DPDK log level" },
	{ "sleep", CLI_SLEEP, args_sleep, "sleep MS",
	  "keep the stack running for MS milliseconds (scripts)" },
	{ "echo", CLI_ECHO, args_echo, "echo TEXT", "print TEXT (script markers)" },
};

#define N_SPECS (sizeof(specs) / sizeof(specs[0]))

/* ------------------------------------------------------------- matching */
/* How many words of @spec match the start of @words (0: not all). */
static int spec_match(const struct cli_spec *s, char **words, int n)
{
	char buf[64], *w, *save = NULL;
	int k = 0;

	snprintf(buf, sizeof(buf), "%s", s->words);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (k >= n || strcasecmp(w, words[k]) != 0)
			return 0;
		k++;
	}
	return k;
}

/* "show: unknown subcommand": list the group's commands as the usage. */
static const char *group_usage(const char *group)
{
	static char buf[512];
	size_t len = 0, glen = strlen(group);

	buf[0] = '\0';
	for (size_t i = 0; i < N_SPECS; i++) {
		const struct cli_spec *s = &specs[i];

		if (s->help == NULL || strncasecmp(s->words, group, glen) != 0 ||
		    s->words[glen] != ' ')
			continue;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					len ? " | " : "", s->usage);
		if (len >= sizeof(buf))
			break;
	}
	return buf[0] ? buf : NULL;
}

static int split_words(char *s, char **words, size_t *offs, const char *base)
{
	int n = 0;
	char *p = s;

	while (*p != '\0') {
		while (isspace((unsigned char)*p))
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n == MAX_WORDS)
			return -1;
		offs[n] = (size_t)(p - base);
		words[n++] = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
	}
	return n;
}

static const struct cli_spec *find_spec(char **words, int n, int *used)
{
	const struct cli_spec *best = NULL;

	*used = 0;
	for (size_t i = 0; i < N_SPECS; i++) {
		int k = spec_match(&specs[i], words, n);

		if (k > *used) {
			*used = k;
			best = &specs[i];
		}
	}
	return best;
}

int cli_parse(const char *line, struct cli_cmd *cmd, char *err, size_t err_len,
	      const char **usage)
{
	char buf[1024], *words[MAX_WORDS];
	size_t offs[MAX_WORDS];
	const struct cli_spec *s;
	int n, used;

	memset(cmd, 0, sizeof(*cmd));
	cmd->count = 3;
	cmd->size = 56;
	cmd->interval_ms = 1000;
	*usage = "type 'help' for the list of commands";
	err[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", line);
	if (strchr(buf, '#') != NULL)
		*strchr(buf, '#') = '\0';
	n = split_words(buf, words, offs, buf);
	if (n == 0)
		return 1;
	if (n < 0) {
		snprintf(err, err_len, "too many words");
		return -1;
	}
	s = find_spec(words, n, &used);
	if (s == NULL) {
		const char *g = group_usage(words[0]);

		if (g != NULL && n > 1) {
			*usage = g;
			snprintf(err, err_len, "%s: unknown subcommand '%s'",
				 words[0], words[1]);
		} else if (g != NULL) {
			*usage = g;
			snprintf(err, err_len, "%s: what? (missing subcommand)",
				 words[0]);
		} else {
			snprintf(err, err_len, "unknown command '%s'", words[0]);
		}
		return -1;
	}
	*usage = s->usage;
	cmd->id = s->id;
	if (s->id == CLI_ECHO && n > used) {
		const char *text = line + offs[used];
		size_t len = strcspn(text, "#");

		while (len > 0 && isspace((unsigned char)text[len - 1]))
			len--;
		snprintf(cmd->word, sizeof(cmd->word), "%.*s", (int)len, text);
	}
	if (s->args(cmd, n - used, words + used, err, err_len) != 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, err_len, "%s: %s", s->words, msg);
		return -1;
	}
	return 0;
}

bool cli_split(const char **cursor, char *buf, size_t len)
{
	const char *p = *cursor, *end;
	size_t n;

	if (p == NULL || *p == '\0')
		return false;
	end = strchr(p, ';');
	if (end == NULL)
		end = p + strlen(p);
	*cursor = *end == ';' ? end + 1 : end;
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	n = (size_t)(end - p);
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

const char *cli_usage(enum cli_cmd_id id)
{
	for (size_t i = 0; i < N_SPECS; i++)
		if (specs[i].id == id)
			return specs[i].usage;
	return "";
}

const char *cli_help_text(void)
{
	static char text[4096];
	size_t len = 0;

	if (text[0] != '\0')
		return text;
	len += (size_t)snprintf(text, sizeof(text), "commands (';' separates "
				"several on one line, '#' starts a comment):\n");
	for (size_t i = 0; i < N_SPECS && len < sizeof(text); i++)
		if (specs[i].help != NULL)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"  %-44s %s\n", specs[i].usage,
						specs[i].help);
	return text;
}
