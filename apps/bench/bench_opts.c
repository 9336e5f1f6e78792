/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-bench — command line. The flags listed in the usage text are a
 * contract that scripts rely on: add, never rename.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

void bench_usage(FILE *f, const char *prog)
{
	fprintf(f,
"usage: %s [EAL args] -- --addr ADDR/PREFIX [--addr ...] [--gw ADDR]\n"
"       --role server|client --proto tcp|udp|icmp --workload pingpong|bulk|http\n"
"       --port P [--server ADDR] [--conns N] [--size BYTES] [--body BYTES]\n"
"       [--duration S] [--impair SPEC] [--json] [more options below]\n"
"\n"
"Addressing\n"
"  --addr ADDR/PREFIX   our address and on-link prefix (repeatable)\n"
"  --gw ADDR            default gateway\n"
"Roles and workloads\n"
"  --role server|client\n"
"  --proto tcp|udp|icmp (default tcp)\n"
"  --workload pingpong|bulk|http   (default pingpong)\n"
"      pingpong: the client keeps one request of --size bytes outstanding per\n"
"        connection and waits for all of it to come back; the server echoes\n"
"        every byte it receives (any TCP client can use it as an echo server)\n"
"      bulk: the client streams --size writes, the server discards\n"
"        (--reverse: the server streams to every client, the client discards)\n"
"      http: HTTP/1.1 server (keep-alive, Content-Length, --body bytes per\n"
"        response, 400 on malformed requests); the client sends GETs\n"
"      udp pingpong: datagram echo; udp bulk: the client blasts datagrams\n"
"      icmp (client only): echo requests (ICMP or ICMPv6) to --server, one\n"
"        outstanding, --requests of them (default 5), --size payload bytes\n"
"        (default 56); exit 1 unless every one is answered\n"
"  --ping-wait S        icmp: wait S seconds before the first request (lets\n"
"                       the peer and duplicate address detection settle)\n"
"  --port P             server port (default 5001; 80 for http)\n"
"  --server ADDR        client: the server's address\n"
"  --conns N            client: connections per lcore (default 1)\n"
"  --size BYTES         request / write / datagram size (default 1; bulk 64K,\n"
"                       udp bulk 1472)\n"
"  --body BYTES         http response body size (default 1K)\n"
"  --duration S         run time (client default 10; server: until signal)\n"
"  --bytes N            client: stop after N bytes per connection\n"
"  --requests N         client: stop after N round trips per connection\n"
"  --reverse            bulk: data flows from the server to the client\n"
"  --verify             client: check every echoed / received byte\n"
"Output\n"
"  --json               one JSON object per interval and one for the summary\n"
"  --interval S         report interval (default 1)\n"
"  --quiet              no per-interval lines\n"
"Device and stack\n"
"  --impair SPEC        loss=P,reorder=P,dup=P,corrupt=P[,seed=N] applied by\n"
"                       the backend in both directions (P: 2%% or 0.02)\n"
"  --impair-seed N      seed for --impair (default 1)\n"
"  --port-id N          DPDK port (default 0)\n"
"  --mtu N              IP MTU (default 1500, up to what the port allows)\n"
"  --mbufs N            mbufs per pool (default 32767)\n"
"  --no-offload LIST    comma list of rx-csum,tx-csum,tso,multi-seg,all\n"
"  --lro                enable LRO where offered\n"
"  --force-redirect     steer flows in software even with device RSS\n"
"  --idle-sleep US      sleep US microseconds when idle (default 0: poll)\n"
"  --rcvbuf BYTES       TCP receive buffer per connection (default 1M)\n"
"  --sndbuf BYTES       TCP send buffer per connection (default 1M)\n"
"  --max-conns N        connection table per lcore (default 4096)\n"
"  --nodelay            turn Nagle off\n"
"  --rto-min US         TCP minimum RTO (default 200000)\n"
"  --delack US          delayed-ACK timeout (default 40000; 0: off)\n"
"\n"
"Signals: SIGINT/SIGTERM stop the lcores, close connections and print the\n"
"final counters. Exit status: 0 when everything went right, 1 otherwise.\n",
		prog);
}

/* 10, 64K, 1M, 256M, 1G (binary multiples). */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

int bench_parse_ip(const char *s, struct rts_ip *ip, uint8_t *prefix)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	uint8_t a4[4];

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, buf, a4) == 1) {
		*ip = rts_ip4(a4[0], a4[1], a4[2], a4[3]);
		if (prefix != NULL)
			*prefix = 32;
	} else if (inet_pton(AF_INET6, buf, ip->u8) == 1) {
		if (prefix != NULL)
			*prefix = 128;
	} else {
		return -1;
	}
	if (slash != NULL) {
		char *end;
		long p = strtol(slash + 1, &end, 10);

		if (prefix == NULL || *end != '\0' || p < 0 ||
		    p > (rts_ip_is_v4(ip) ? 32 : 128))
			return -1;
		*prefix = (uint8_t)p;
	}
	return 0;
}

const struct rts_ip *bench_local_ip(const struct bench_opts *o, bool v4)
{
	for (unsigned i = 0; i < o->n_addrs; i++)
		if (rts_ip_is_v4(&o->addrs[i].ip) == v4)
			return &o->addrs[i].ip;
	return NULL;
}

enum {
	OPT_ADDR = 256, OPT_GW, OPT_ROLE, OPT_PROTO, OPT_WORKLOAD, OPT_PORT,
	OPT_SERVER, OPT_CONNS, OPT_SIZE, OPT_BODY, OPT_DURATION, OPT_IMPAIR,
	OPT_JSON, OPT_BYTES, OPT_REQUESTS, OPT_REVERSE, OPT_VERIFY,
	OPT_INTERVAL, OPT_QUIET, OPT_IMPAIR_SEED, OPT_PORT_ID, OPT_MTU,
	OPT_MBUFS, OPT_NO_OFFLOAD, OPT_LRO, OPT_FORCE_REDIRECT,
	OPT_IDLE_SLEEP, OPT_RCVBUF, OPT_SNDBUF, OPT_MAX_CONNS, OPT_NODELAY,
	OPT_RTO_MIN, OPT_DELACK, OPT_PING_WAIT, OPT_HELP,
};

static const struct option long_opts[] = {
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "gw", required_argument, NULL, OPT_GW },
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "proto", required_argument, NULL, OPT_PROTO },
	{ "workload", required_argument, NULL, OPT_WORKLOAD },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "conns", required_argument, NULL, OPT_CONNS },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "body", required_argument, NULL, OPT_BODY },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "impair", required_argument, NULL, OPT_IMPAIR },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "bytes", required_argument, NULL, OPT_BYTES },
	{ "requests", required_argument, NULL, OPT_REQUESTS },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "impair-seed", required_argument, NULL, OPT_IMPAIR_SEED },
	{ "port-id", required_argument, NULL, OPT_PORT_ID },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "no-offload", required_argument, NULL, OPT_NO_OFFLOAD },
	{ "lro", no_argument, NULL, OPT_LRO },
	{ "force-redirect", no_argument, NULL, OPT_FORCE_REDIRECT },
	{ "idle-sleep", required_argument, NULL, OPT_IDLE_SLEEP },
	{ "rcvbuf", required_argument, NULL, OPT_RCVBUF },
	{ "sndbuf", required_argument, NULL, OPT_SNDBUF },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "nodelay", no_argument, NULL, OPT_NODELAY },
	{ "rto-min", required_argument, NULL, OPT_RTO_MIN },
	{ "delack", required_argument, NULL, OPT_DELACK },
	{ "ping-wait", required_argument, NULL, OPT_PING_WAIT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void defaults(struct bench_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->role = ROLE_SERVER;
	o->proto = PROTO_TCP;
	o->wl = WL_PINGPONG;
	o->conns = 1;
	o->body = 1024;
	o->duration = -1;
	o->interval = 1.0;
	o->impair_seed = 1;
	o->offloads = ~0u;
	o->max_conns = 4096;
	o->rto_min_us = 200000;
	o->delack_us = 40000;
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "rtestack-bench: invalid %s '%s' (see --help)\n", what,
		arg);
	return -1;
}

/* Fill the derived defaults and check the combination makes sense. */
static int finish(struct bench_opts *o, bool size_set)
{
	if (o->n_addrs == 0) {
		fprintf(stderr, "rtestack-bench: --addr ADDR/PREFIX is required\n");
		return -1;
	}
	if (o->port == 0)
		o->port = o->wl == WL_HTTP ? 80 : 5001;
	if (o->proto == PROTO_ICMP) {
		if (!size_set)
			o->size = 56;
		if (o->requests == 0 && o->duration < 0)
			o->requests = 5;
		if (o->role != ROLE_CLIENT || o->wl != WL_PINGPONG) {
			fprintf(stderr, "rtestack-bench: --proto icmp is a client "
				"pingpong (echo requests to --server)\n");
			return -1;
		}
		if (o->size > 65000)
			return bad("--size (ICMP payload at most 65000)", "");
	}
	if (!size_set)
		o->size = o->wl != WL_BULK ? 1 : o->proto == PROTO_UDP ? 1472 : 65536;
	if (o->size == 0)
		return bad("--size", "0");
	if (o->proto == PROTO_UDP && o->wl == WL_HTTP) {
		fprintf(stderr, "rtestack-bench: http runs over tcp only\n");
		return -1;
	}
	if (o->proto == PROTO_UDP && o->size > 65507 && o->role == ROLE_CLIENT)
		return bad("--size (UDP payload at most 65507)", "");
	if (o->role == ROLE_CLIENT && !o->have_server) {
		fprintf(stderr, "rtestack-bench: a client needs --server ADDR\n");
		return -1;
	}
	if (o->duration < 0)
		o->duration = o->role == ROLE_CLIENT &&
				      o->bytes == 0 && o->requests == 0 ? 10 : 0;
	return 0;
}

/* Options with a word or no argument: 0, -1 (bad) or 1 (not one of them). */
static int parse_word(struct bench_opts *o, int c, const char *arg)
{
	uint8_t prefix;

	switch (c) {
	case OPT_ADDR:
		if (o->n_addrs >= RTS_MAX_ADDRS ||
		    bench_parse_ip(arg, &o->addrs[o->n_addrs].ip, &prefix) != 0 ||
		    strchr(arg, '/') == NULL)
			return bad("--addr (want ADDR/PREFIX)", arg);
		o->addrs[o->n_addrs++].prefix = prefix;
		return 0;
	case OPT_GW:
		o->have_gw = true;
		return bench_parse_ip(arg, &o->gw, NULL) ? bad("--gw", arg) : 0;
	case OPT_SERVER:
		o->have_server = true;
		return bench_parse_ip(arg, &o->server, NULL) ? bad("--server", arg) : 0;
	case OPT_ROLE:
		if (strcmp(arg, "server") == 0)
			o->role = ROLE_SERVER;
		else if (strcmp(arg, "client") == 0)
			o->role = ROLE_CLIENT;
		else
			return bad("--role", arg);
		return 0;
	case OPT_PROTO:
		if (strcmp(arg, "tcp") == 0)
			o->proto = PROTO_TCP;
		else if (strcmp(arg, "udp") == 0)
			o->proto = PROTO_UDP;
		else if (strcmp(arg, "icmp") == 0)
			o->proto = PROTO_ICMP;
		else
			return bad("--proto", arg);
		return 0;
	case OPT_WORKLOAD:
		if (strcmp(arg, "pingpong") == 0)
			o->wl = WL_PINGPONG;
		else if (strcmp(arg, "bulk") == 0)
			o->wl = WL_BULK;
		else if (strcmp(arg, "http") == 0)
			o->wl = WL_HTTP;
		else
			return bad("--workload", arg);
		return 0;
	case OPT_DURATION:
		o->duration = strtod(arg, NULL);
		return o->duration < 0 ? bad("--duration", arg) : 0;
	case OPT_PING_WAIT:
		o->ping_wait = strtod(arg, NULL);
		return o->ping_wait < 0 ? bad("--ping-wait", arg) : 0;
	case OPT_INTERVAL:
		o->interval = strtod(arg, NULL);
		return o->interval <= 0 ? bad("--interval", arg) : 0;
	case OPT_IMPAIR:
		o->impair = arg;
		return 0;
	case OPT_NO_OFFLOAD:
		return app_parse_offloads(arg, &o->offloads) ? bad("--no-offload", arg) : 0;
	case OPT_JSON: o->json = true; return 0;
	case OPT_REVERSE: o->reverse = true; return 0;
	case OPT_VERIFY: o->verify = true; return 0;
	case OPT_QUIET: o->quiet = true; return 0;
	case OPT_LRO: o->lro = true; return 0;
	case OPT_FORCE_REDIRECT: o->force_redirect = true; return 0;
	case OPT_NODELAY: o->nodelay = true; return 0;
	default:
		return 1;
	}
}

/* Options with a number (10, 64K, 1M, 1G). */
static int parse_number(struct bench_opts *o, int c, const char *arg,
			bool *size_set)
{
	uint64_t v;

	if (parse_size(arg, &v) != 0)
		return bad("number", arg);
	switch (c) {
	case OPT_PORT: if (v == 0 || v > 65535) return bad("--port", arg);
		o->port = (uint16_t)v; break;
	case OPT_CONNS: if (v == 0 || v > 65535) return bad("--conns", arg);
		o->conns = (uint32_t)v; break;
	case OPT_SIZE: if (v > (1u << 30)) return bad("--size", arg);
		o->size = (uint32_t)v; *size_set = true; break;
	case OPT_BODY: o->body = v; break;
	case OPT_BYTES: o->bytes = v; break;
	case OPT_REQUESTS: o->requests = v; break;
	case OPT_IMPAIR_SEED: o->impair_seed = v; break;
	case OPT_PORT_ID: o->port_id = (uint16_t)v; break;
	case OPT_MTU: o->mtu = (uint16_t)v; break;
	case OPT_MBUFS: o->mbufs = (uint32_t)v; break;
	case OPT_IDLE_SLEEP: o->idle_sleep_us = (uint32_t)v; break;
	case OPT_RCVBUF: o->rcvbuf = (uint32_t)v; break;
	case OPT_SNDBUF: o->sndbuf = (uint32_t)v; break;
	case OPT_MAX_CONNS: if (v == 0) return bad("--max-conns", arg);
		o->max_conns = (uint32_t)v; break;
	case OPT_RTO_MIN: o->rto_min_us = (uint32_t)v; break;
	case OPT_DELACK: o->delack_us = (uint32_t)v; break;
	default:
		return -1;
	}
	return 0;
}

static int parse_one(struct bench_opts *o, int c, const char *arg,
		     bool *size_set)
{
	int rc = parse_word(o, c, arg);

	return rc <= 0 ? rc : parse_number(o, c, arg, size_set);
}

int bench_parse_opts(int argc, char **argv, struct bench_opts *o)
{
	bool size_set = false;
	int c;

	defaults(o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (c == 'h' || c == OPT_HELP) {
			bench_usage(stdout, "rtestack-bench");
			exit(0);
		}
		if (c == '?' || parse_one(o, c, optarg, &size_set) != 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "rtestack-bench: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return finish(o, size_set);
}
