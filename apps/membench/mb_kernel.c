/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-membench --stack kernel: the same pingpong (W1) over Linux
 * loopback sockets, one thread, epoll, for a same-run baseline. Only what
 * the comparison needs: nothing here touches rtestack.
 */
#define _GNU_SOURCE
#include "membench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define KB_MAX_EVENTS 128

struct kb {
	int ep, lfd;
	int *cli, *srv;   /* n client and n server sockets */
	uint32_t n;
};

static int tune(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
		return -1;
	return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int watch(struct kb *k, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(k->ep, EPOLL_CTL_ADD, fd, &ev);
}

static int kb_open(struct kb *k, uint32_t n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);

	k->n = n;
	k->cli = calloc(n, sizeof(int));
	k->srv = calloc(n, sizeof(int));
	k->ep = epoll_create1(0);
	k->lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (!k->cli || !k->srv || k->ep < 0 || k->lfd < 0)
		return -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(k->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(k->lfd, (int)n + 8) != 0 ||
	    getsockname(k->lfd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		k->cli[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (k->cli[i] < 0 ||
		    connect(k->cli[i], (struct sockaddr *)&sa, sizeof(sa)) != 0)
			return -1;
		k->srv[i] = accept(k->lfd, NULL, NULL);
		if (k->srv[i] < 0 || tune(k->cli[i]) || tune(k->srv[i]) ||
		    watch(k, k->cli[i], i) || watch(k, k->srv[i], n + i))
			return -1;
	}
	return 0;
}

static void kb_close(struct kb *k)
{
	for (uint32_t i = 0; i < k->n; i++) {
		if (k->cli && k->cli[i] > 0)
			close(k->cli[i]);
		if (k->srv && k->srv[i] > 0)
			close(k->srv[i]);
	}
	if (k->lfd >= 0)
		close(k->lfd);
	if (k->ep >= 0)
		close(k->ep);
	free(k->cli);
	free(k->srv);
}

static void on_readable(struct mb *mb, struct kb *k, uint64_t tag)
{
	char buf[64];
	bool client = tag < k->n;
	int fd = client ? k->cli[tag] : k->srv[tag - k->n];
	ssize_t r = read(fd, buf, sizeof(buf));

	if (r <= 0)
		return;
	if (!client) {
		if (write(fd, buf, (size_t)r) != r)
			fprintf(stderr, "membench: kernel write failed\n");
		return;
	}
	mb->done += (uint64_t)r;
	if ((mb->opt.transactions == 0 || mb->issued < mb->opt.transactions) &&
	    write(fd, "q", 1) == 1)
		mb->issued++;
}

int mb_run_kernel(struct mb *mb)
{
	struct epoll_event ev[KB_MAX_EVENTS];
	struct kb k = { .ep = -1, .lfd = -1 };
	int rc = -1;

	if (kb_open(&k, mb->opt.conns) != 0) {
		fprintf(stderr, "membench: kernel sockets: %s\n", strerror(errno));
		goto out;
	}
	mb->measure_side = 0;
	mb->n_connected = mb->opt.conns;
	mb->phase = MB_SETUP;
	mb->t_phase = mb_now_ns();
	mb->res.mss = 0;
	for (uint32_t i = 0; i < k.n; i++)
		if (write(k.cli[i], "q", 1) == 1)
			mb->issued++;
	mb->kicked = true;
	for (;;) {
		int n = epoll_wait(k.ep, ev, KB_MAX_EVENTS, 0);

		for (int i = 0; i < n; i++)
			on_readable(mb, &k, ev[i].data.u64);
		if (mb_measure_tick(mb, mb_now_ns()))
			break;
	}
	rc = 0;
out:
	kb_close(&k);
	return rc;
}
