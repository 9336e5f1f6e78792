/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-cli — setup, the run-to-completion loop and the input.
 *
 * One lcore: receive a burst, run the stack, advance the command in
 * progress (ping, resolve, sleep), and when none is, take the next command
 * from --cmd / --script or from stdin, which is polled with a zero timeout
 * so the stack never waits for the user.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "app_eal.h"
#include "cli.h"

volatile int cli_stop;
static volatile sig_atomic_t cli_interrupted;

/* Where commands come from: the queued lines first, then stdin. */
struct cli_input {
	char **lines;           /* --cmd strings, then --script lines */
	size_t n_lines, next_line;
	const char *cursor;     /* rest of the line being executed */
	bool use_stdin;
	bool stdin_eof;
	bool prompted;
	bool echo;              /* print each command (not typed at a tty) */
	size_t len;
	char buf[8192];         /* stdin bytes not yet executed */
	char line[1024];        /* the line the cursor points into */
};

static void on_signal(int sig)
{
	if (sig == SIGINT)
		cli_interrupted = 1;
	else
		cli_stop = 1;
}

/* Ctrl-C at a terminal ends the command in progress (like ping(8));
 * otherwise, or with none in progress, it ends the CLI. */
static void handle_interrupt(struct cli *c)
{
	if (!cli_interrupted)
		return;
	cli_interrupted = 0;
	if (c->tty && c->op.id != CLI_CMD_COUNT)
		c->op.cancelled = true;
	else
		cli_stop = 1;
}

/* ---------------------------------------------------------------- input */
static int add_line(struct cli_input *in, const char *s, size_t len)
{
	char **l = realloc(in->lines, (in->n_lines + 1) * sizeof(*l));

	if (l == NULL)
		return -1;
	in->lines = l;
	l[in->n_lines] = strndup(s, len);
	return l[in->n_lines++] == NULL ? -1 : 0;
}

static int load_script(struct cli_input *in, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (f == NULL) {
		fprintf(stderr, "rtestack-cli: cannot read %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0)
		if (add_line(in, line, strcspn(line, "\r\n")) != 0)
			break;
	free(line);
	fclose(f);
	return n >= 0 ? -1 : 0; /* stopped early: out of memory */
}

static int input_init(struct cli_input *in, const struct cli_opts *o)
{
	memset(in, 0, sizeof(*in));
	for (unsigned i = 0; i < o->n_cmds; i++)
		if (add_line(in, o->cmds[i], strlen(o->cmds[i])) != 0)
			return -1;
	for (unsigned i = 0; i < o->n_scripts; i++)
		if (load_script(in, o->scripts[i]) != 0)
			return -1;
	in->use_stdin = (o->n_cmds == 0 && o->n_scripts == 0) || o->stay;
	return 0;
}

/* Read what stdin has now (never blocks). */
static void stdin_fill(struct cli_input *in)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	ssize_t n;

	if (in->stdin_eof || in->len >= sizeof(in->buf) - 1 ||
	    poll(&pfd, 1, 0) <= 0)
		return;
	n = read(0, in->buf + in->len, sizeof(in->buf) - 1 - in->len);
	if (n <= 0) {
		in->stdin_eof = true;
		return;
	}
	in->len += (size_t)n;
}

/* A complete line from stdin into in->line (the last one at EOF). */
static bool stdin_line(struct cli_input *in)
{
	char *nl;
	size_t n;

	stdin_fill(in);
	nl = memchr(in->buf, '\n', in->len);
	if (nl == NULL && !(in->stdin_eof && in->len > 0) &&
	    in->len < sizeof(in->buf) - 1)
		return false;
	n = nl != NULL ? (size_t)(nl - in->buf) : in->len;
	snprintf(in->line, sizeof(in->line), "%.*s", (int)n, in->buf);
	in->line[strcspn(in->line, "\r")] = '\0';
	if (nl != NULL)
		n++;
	memmove(in->buf, in->buf + n, in->len - n);
	in->len -= n;
	return true;
}

static bool next_line(struct cli *c, struct cli_input *in)
{
	if (in->next_line < in->n_lines) {
		snprintf(in->line, sizeof(in->line), "%s",
			 in->lines[in->next_line++]);
		in->echo = true;
	} else if (!in->use_stdin || !stdin_line(in)) {
		if (c->tty && in->use_stdin && !in->prompted && !in->stdin_eof) {
			fputs("rtestack> ", c->out);
			fflush(c->out);
			in->prompted = true;
		}
		return false;
	} else {
		in->echo = !c->tty;
	}
	in->prompted = false;
	in->line[strcspn(in->line, "#")] = '\0'; /* a comment hides any ';' */
	in->cursor = in->line;
	return true;
}

/* Nothing left to read: the queued lines are done and stdin is not used
 * (or ended). */
static bool input_done(const struct cli_input *in, const struct cli_opts *o)
{
	if (in->next_line < in->n_lines ||
	    (in->cursor != NULL && *in->cursor != '\0'))
		return false;
	if (!in->use_stdin)
		return true;
	return in->stdin_eof && in->len == 0 && !o->stay;
}

/* Parse and run the next command, if there is one. */
static bool run_next(struct cli *c, struct cli_input *in)
{
	char text[1024], err[256];
	const char *usage;
	struct cli_cmd cmd;
	int rc;

	if ((in->cursor == NULL || *in->cursor == '\0') && !next_line(c, in))
		return false;
	if (!cli_split(&in->cursor, text, sizeof(text)))
		return false;
	if (in->echo && text[0] != '\0')
		fprintf(c->out, "rtestack> %s\n", text);
	rc = cli_parse(text, &cmd, err, sizeof(err), &usage);
	if (rc < 0) {
		fprintf(c->out, "error: %s\nusage: %s\n", err, usage);
		return true;
	}
	if (rc == 0)
		cli_exec(c, &cmd);
	return true;
}

/* ------------------------------------------------------------ the stack */
static void fill_config(struct cli *c, struct rts_config *cfg)
{
	const struct cli_opts *o = &c->o;

	rts_config_default(cfg);
	rts_dpdk_queue_config(c->dq, cfg);
	for (unsigned i = 0; i < o->n_addrs; i++)
		rts_config_add_addr(cfg, &o->addrs[i].ip, o->addrs[i].prefix);
	cfg->gw4 = o->gw4;
	cfg->gw6 = o->gw6;
	cfg->max_tcp_conns = o->max_conns;
	cfg->max_udp_binds = CLI_MAX_SERVICES + 16;
	cfg->handlers = &cli_ctx_handlers;
	cfg->user = c;
}

static int ctx_setup(struct cli *c)
{
	struct rts_config cfg;
	size_t size;

	fill_config(c, &cfg);
	size = rts_ctx_mem_size(&cfg);
	c->ctx_mem = size ? rte_zmalloc("rts_ctx", size, 64) : NULL;
	if (c->ctx_mem == NULL) {
		fprintf(stderr, "rtestack-cli: no memory for a context of %zu "
			"bytes\n", size);
		return -1;
	}
	c->ctx = rts_ctx_init(c->ctx_mem, size, &cfg, &rts_dpdk_ops, c->dq,
			      rts_dpdk_now_ns());
	if (c->ctx == NULL) {
		fprintf(stderr, "rtestack-cli: invalid stack configuration\n");
		return -1;
	}
	/* The queue keeps the device's multicast filter in step with the
	 * context (backends/dpdk/dpdk_mcast.c). */
	rts_dpdk_queue_attach(c->dq, c->ctx);
	return 0;
}

static int port_setup(struct cli *c)
{
	struct rts_dpdk_port_conf pc;
	int err;

	rts_dpdk_port_conf_default(&pc);
	pc.port_id = c->o.port_id;
	pc.n_queues = 1;
	pc.mtu = c->o.mtu;
	pc.n_mbufs = c->o.mbufs;
	pc.offloads &= c->o.offloads;
	pc.lro = c->o.lro;
	pc.impair = c->o.impair;
	pc.quiet = c->o.quiet;
	pc.log = c->out;
	c->port = rts_dpdk_port_create(&pc, &err);
	if (c->port == NULL) {
		fprintf(stderr, "rtestack-cli: cannot set up port %u: %s\n",
			c->o.port_id, strerror(-err));
		return -1;
	}
	c->dq = rts_dpdk_port_queue(c->port, 0);
	return 0;
}

static void idle_pause(const struct cli *c, unsigned *empty, bool active)
{
	struct timespec ts;

	if (active || c->o.idle_sleep_us == 0) {
		*empty = 0;
		return;
	}
	if (++*empty < 64)
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)c->o.idle_sleep_us * 1000;
	nanosleep(&ts, NULL);
}

static void loop(struct cli *c, struct cli_input *in)
{
	unsigned empty = 0;

	while (!cli_stop && !c->quit) {
		uint64_t now = rts_dpdk_now_ns();
		unsigned n = rts_dpdk_queue_poll(c->dq, now);
		bool busy = cli_op_tick(c, now);
		bool ran = false;

		handle_interrupt(c);
		if (!busy)
			ran = run_next(c, in);
		rts_flush(c->ctx);
		if (!busy && !ran && input_done(in, &c->o))
			break;
		idle_pause(c, &empty, n > 0 || ran);
	}
}

static int teardown(struct cli *c)
{
	int leaked;

	cli_close_all(c);
	rts_ctx_fini(c->ctx, rts_dpdk_now_ns());
	rts_dpdk_queue_detach(c->dq);
	rte_free(c->ctx_mem);
	leaked = rts_dpdk_port_destroy(c->port);
	fprintf(c->out, "rtestack-cli: bye (mbufs leaked: %d)\n", leaked);
	return leaked == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	static struct cli c;
	struct cli_input in;
	int n, rc;

	c.out = stdout;
	setvbuf(stdout, NULL, _IOLBF, 0);
	app_install_signals(on_signal);
	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "rtestack-cli: DPDK EAL initialisation failed: "
			"%s (try --no-huge -m 512 --no-pci, a distinct "
			"--file-prefix, and root)\n", rte_strerror(rte_errno));
		return 1;
	}
	c.op.id = CLI_CMD_COUNT;
	c.tty = isatty(0);
	if (cli_parse_opts(argc - n, argv + n, &c.o) != 0 ||
	    input_init(&in, &c.o) != 0 || port_setup(&c) != 0) {
		rte_eal_cleanup();
		return 1;
	}
	if (ctx_setup(&c) != 0) {
		rts_dpdk_port_destroy(c.port);
		rte_eal_cleanup();
		return 1;
	}
	fprintf(c.out, "rtestack-cli: ready\n");
	loop(&c, &in);
	rc = teardown(&c);
	for (size_t i = 0; i < in.n_lines; i++)
		free(in.lines[i]);
	free(in.lines);
	rte_eal_cleanup();
	return rc;
}
