/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-linux-loopback — the same workloads as rtestack-bench, done by
 * the Linux kernel over loopback, for side-by-side figures: a server thread
 * and a client thread (pinned to CPUs 0 and 1 by default), epoll, one
 * process.
 *
 *   rtestack-linux-loopback pingpong [--conns 32] [--size 1] [--duration 10]
 *   rtestack-linux-loopback bulk [--size 65536] [--duration 10]
 *
 * pingpong: each connection keeps one --size request outstanding; the server
 * echoes. bulk: one connection, the client writes --size blocks, the server
 * reads and discards. Prints one line per second and a summary (latency
 * percentiles for pingpong).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 4096
#define BUF 65536

static struct {
	bool bulk;
	int conns;
	uint32_t size;
	double duration;
	uint16_t port;
	int server_cpu, client_cpu;
} opt = { false, 32, 0, 10, 15001, 0, 1 };

static volatile int stop;
static volatile uint64_t n_req, n_bytes;
static uint64_t *lat;          /* latency samples (ns), pingpong */
static size_t n_lat, cap_lat;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t s;

	if (cpu < 0)
		return;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* ----------------------------------------------------------------- server */
static void *server(void *arg)
{
	int ls = *(int *)arg, ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN }, evs[64];
	static char buf[BUF];

	pin(opt.server_cpu);
	ev.data.fd = ls;
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	while (!stop) {
		int n = epoll_wait(ep, evs, 64, 100);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			ssize_t r;

			if (fd == ls) {
				int c = accept(ls, NULL, NULL), one = 1;

				if (c < 0)
					continue;
				setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				ev.data.fd = c;
				epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r <= 0) {
				close(fd);
				continue;
			}
			if (opt.bulk)
				n_bytes += (uint64_t)r;
			else if (write(fd, buf, (size_t)r) != r)
				fprintf(stderr, "short echo write\n");
		}
	}
	close(ep);
	return NULL;
}

/* ----------------------------------------------------------------- client */
struct cconn {
	int fd;
	uint32_t got;
	uint64_t t0;
};

static void record(uint64_t ns)
{
	if (n_lat == cap_lat) {
		cap_lat = cap_lat ? cap_lat * 2 : 1 << 20;
		lat = realloc(lat, cap_lat * sizeof(*lat));
		if (lat == NULL)
			die("realloc");
	}
	lat[n_lat++] = ns;
}

static int connect_one(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(opt.port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void *client(void *arg)
{
	static char buf[BUF], req[BUF];
	static struct cconn cc[MAX_CONNS];
	struct epoll_event ev = { .events = EPOLLIN }, evs[64];
	int ep = epoll_create1(0);

	(void)arg;
	pin(opt.client_cpu);
	memset(req, 'x', sizeof(req));
	if (opt.bulk) {
		int fd = connect_one();

		while (!stop)
			if (write(fd, req, opt.size) < 0)
				break;
		close(fd);
		return NULL;
	}
	for (int i = 0; i < opt.conns; i++) {
		cc[i].fd = connect_one();
		ev.data.ptr = &cc[i];
		epoll_ctl(ep, EPOLL_CTL_ADD, cc[i].fd, &ev);
		cc[i].t0 = now_ns();
		if (write(cc[i].fd, req, opt.size) != (ssize_t)opt.size)
			die("write");
	}
	while (!stop) {
		int n = epoll_wait(ep, evs, 64, 100);

		for (int i = 0; i < n; i++) {
			struct cconn *c = evs[i].data.ptr;
			ssize_t r = read(c->fd, buf, sizeof(buf));

			if (r <= 0)
				continue;
			c->got += (uint32_t)r;
			if (c->got < opt.size)
				continue;
			c->got = 0;
			record(now_ns() - c->t0);
			n_req++;
			c->t0 = now_ns();
			if (write(c->fd, req, opt.size) != (ssize_t)opt.size)
				die("write");
		}
	}
	for (int i = 0; i < opt.conns; i++)
		close(cc[i].fd);
	return NULL;
}

/* ----------------------------------------------------------------- report */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(double p)
{
	size_t i = (size_t)((double)n_lat * p / 100.0);

	return n_lat == 0 ? 0 : (double)lat[i < n_lat ? i : n_lat - 1] / 1e3;
}

static void usage(void)
{
	fprintf(stderr, "usage: rtestack-linux-loopback pingpong|bulk [--conns N] "
		"[--size BYTES] [--duration S] [--port P] [--server-cpu C] "
		"[--client-cpu C]\n");
	exit(2);
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "conns", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "server-cpu", required_argument, NULL, 'S' },
		{ "client-cpu", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "bulk") == 0)
		opt.bulk = true;
	else if (strcmp(argv[1], "pingpong") != 0)
		usage();
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'c': opt.conns = atoi(optarg); break;
		case 's': opt.size = (uint32_t)atoi(optarg); break;
		case 'd': opt.duration = atof(optarg); break;
		case 'p': opt.port = (uint16_t)atoi(optarg); break;
		case 'S': opt.server_cpu = atoi(optarg); break;
		case 'C': opt.client_cpu = atoi(optarg); break;
		default: usage();
		}
	}
	if (opt.size == 0)
		opt.size = opt.bulk ? 65536 : 1;
	if (opt.conns < 1 || opt.conns > MAX_CONNS || opt.size > BUF)
		usage();
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	pthread_t ts, tc;
	uint64_t t0, prev_req = 0, prev_bytes = 0;
	int ls, one = 1;

	parse(argc, argv);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons(opt.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(ls, 1024) != 0)
		die("bind/listen");
	pthread_create(&ts, NULL, server, &ls);
	pthread_create(&tc, NULL, client, NULL);
	t0 = now_ns();
	for (int s = 1; s <= (int)opt.duration; s++) {
		uint64_t r, b;

		usleep((useconds_t)(t0 + (uint64_t)s * 1000000000ull - now_ns()) / 1000);
		r = n_req;
		b = n_bytes;
		printf("[%3d s] %10llu req/s %9.2f Mbit/s\n", s,
		       (unsigned long long)(r - prev_req), (double)(b - prev_bytes) * 8 / 1e6);
		fflush(stdout);
		prev_req = r;
		prev_bytes = b;
	}
	stop = 1;
	pthread_join(tc, NULL);
	shutdown(ls, SHUT_RDWR);
	pthread_join(ts, NULL);
	{
		double secs = (double)(now_ns() - t0) / 1e9;

		qsort(lat, n_lat, sizeof(*lat), cmp_u64);
		printf("linux loopback %s: %.2f s, %llu requests (%.0f req/s), %.2f Mbit/s",
		       opt.bulk ? "bulk" : "pingpong", secs, (unsigned long long)n_req,
		       (double)n_req / secs, (double)n_bytes * 8 / secs / 1e6);
		if (n_lat)
			printf(", latency p50 %.1f us p90 %.1f us p99 %.1f us p99.9 %.1f us",
			       pct(50), pct(90), pct(99), pct(99.9));
		printf("\n");
	}
	free(lat);
	return 0;
}
