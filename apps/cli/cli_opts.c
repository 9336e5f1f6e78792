/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-cli — command line options (after the EAL's and "--"). The
 * device and stack options are spelled as rtestack-bench spells them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_opts_usage(FILE *f)
{
	fputs(
"usage: rtestack-cli [EAL args] -- [--addr ADDR/PREFIX ...] [--gw ADDR ...]\n"
"       [--cmd \"CMD; CMD\"] [--script FILE] [--stay] [device options]\n"
"\n"
"Commands come from --cmd and --script (in that order; the CLI exits after\n"
"them unless --stay), otherwise from stdin (interactive or piped; exits at\n"
"end of input). Type 'help' for the commands.\n"
"\n"
"  --addr ADDR/PREFIX   our address, IPv4 or IPv6 (repeatable)\n"
"  --gw ADDR            default gateway / router (one per family)\n"
"  --cmd \"A; B\"         run these commands (repeatable)\n"
"  --script FILE        run the commands in FILE (repeatable)\n"
"  --stay               after --cmd / --script, read stdin and keep running\n"
"                       until 'quit' or a signal\n"
"  --quiet              no port feature lines at start\n"
"  --port-id N          DPDK port (default 0)\n"
"  --mtu N              IP MTU (default 1500, up to what the port allows)\n"
"  --mbufs N            mbufs per pool\n"
"  --no-offload LIST    comma list of rx-csum,tx-csum,tso,multi-seg,all\n"
"  --lro                enable LRO where offered\n"
"  --max-conns N        TCP connection table (default 256)\n"
"  --impair SPEC        loss=P,reorder=P,dup=P,corrupt=P on the link\n"
"  --idle-sleep US      sleep when idle (default 100; 0: busy poll)\n",
	      f);
}

static int parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno != 0 || end == s || *end != '\0' || *out > max ? -1 : 0;
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "rtestack-cli: invalid %s '%s' (see --help)\n", what, arg);
	return -1;
}

enum {
	OPT_ADDR = 256, OPT_GW, OPT_CMD, OPT_SCRIPT, OPT_STAY, OPT_QUIET,
	OPT_PORT_ID, OPT_MTU, OPT_MBUFS, OPT_NO_OFFLOAD, OPT_LRO, OPT_MAX_CONNS,
	OPT_IMPAIR, OPT_IDLE_SLEEP, OPT_HELP,
};

static const struct option long_opts[] = {
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "gw", required_argument, NULL, OPT_GW },
	{ "cmd", required_argument, NULL, OPT_CMD },
	{ "script", required_argument, NULL, OPT_SCRIPT },
	{ "stay", no_argument, NULL, OPT_STAY },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "port-id", required_argument, NULL, OPT_PORT_ID },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "no-offload", required_argument, NULL, OPT_NO_OFFLOAD },
	{ "lro", no_argument, NULL, OPT_LRO },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "impair", required_argument, NULL, OPT_IMPAIR },
	{ "idle-sleep", required_argument, NULL, OPT_IDLE_SLEEP },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int opt_addr(struct cli_opts *o, const char *arg)
{
	struct rts_addr_config *a = &o->addrs[o->n_addrs];

	if (o->n_addrs >= RTS_MAX_ADDRS || strchr(arg, '/') == NULL ||
	    rts_ip_parse(arg, &a->ip, &a->prefix) != 0)
		return bad("--addr (want ADDR/PREFIX)", arg);
	o->n_addrs++;
	return 0;
}

static int opt_gw(struct cli_opts *o, const char *arg)
{
	struct rts_ip ip;

	if (rts_ip_parse(arg, &ip, NULL) != 0)
		return bad("--gw", arg);
	if (rts_ip_is_v4(&ip))
		o->gw4 = ip;
	else
		o->gw6 = ip;
	return 0;
}

static int opt_list(const char **list, unsigned *n, unsigned max,
		    const char *arg, const char *what)
{
	if (*n >= max)
		return bad(what, "(too many)");
	list[(*n)++] = arg;
	return 0;
}

static int opt_number(struct cli_opts *o, int c, const char *arg)
{
	unsigned long v;

	if (parse_num(arg, UINT32_MAX, &v) != 0)
		return bad("number", arg);
	switch (c) {
	case OPT_PORT_ID: if (v > UINT16_MAX) return bad("--port-id", arg);
		o->port_id = (uint16_t)v; break;
	case OPT_MTU: if (v < 576 || v > 9000) return bad("--mtu", arg);
		o->mtu = (uint16_t)v; break;
	case OPT_MBUFS: o->mbufs = (uint32_t)v; break;
	case OPT_MAX_CONNS: if (v == 0) return bad("--max-conns", arg);
		o->max_conns = (uint32_t)v; break;
	case OPT_IDLE_SLEEP: o->idle_sleep_us = (uint32_t)v; break;
	default: return -1;
	}
	return 0;
}

static int opt_one(struct cli_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_ADDR: return opt_addr(o, arg);
	case OPT_GW: return opt_gw(o, arg);
	case OPT_CMD: return opt_list(o->cmds, &o->n_cmds, 16, arg, "--cmd");
	case OPT_SCRIPT:
		return opt_list(o->scripts, &o->n_scripts, 8, arg, "--script");
	case OPT_STAY: o->stay = true; return 0;
	case OPT_QUIET: o->quiet = true; return 0;
	case OPT_LRO: o->lro = true; return 0;
	case OPT_IMPAIR: o->impair = arg; return 0;
	case OPT_NO_OFFLOAD:
		return app_parse_offloads(arg, &o->offloads) ? bad("--no-offload", arg) : 0;
	default: return opt_number(o, c, arg);
	}
}

int cli_parse_opts(int argc, char **argv, struct cli_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->offloads = ~0u;
	o->max_conns = 256;
	o->idle_sleep_us = 100;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (c == 'h' || c == OPT_HELP) {
			cli_opts_usage(stdout);
			exit(0);
		}
		if (c == '?' || opt_one(o, c, optarg) != 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "rtestack-cli: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return 0;
}
