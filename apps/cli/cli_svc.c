/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-cli — the services "listen" starts (TCP echo, discard, http;
 * UDP echo), and the ping and resolve operations with the context
 * handlers that complete them.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define HTTP_REQ_MAX 4096

/* One accepted TCP connection. */
struct cli_conn {
	struct cli *c;
	struct cli_service *s;
	struct rts_tcp_conn *tc;
	uint8_t *buf;            /* echo: received, not yet sent; http: request */
	uint32_t head, tail, cap;
	bool peer_closed, closing;
};

/* ----------------------------------------------------------- TCP data */
/* Append @len bytes of chain @p from @off to the connection's buffer. */
static bool conn_take(struct cli_conn *k, const struct rts_pkt *p,
		      uint32_t off, uint32_t len)
{
	if (k->tail + len > k->cap) {
		uint32_t used = k->tail - k->head;
		uint32_t cap = k->cap ? k->cap : 4096;
		uint8_t *nb;

		memmove(k->buf, k->buf + k->head, used);
		k->head = 0;
		k->tail = used;
		while (cap < used + len)
			cap *= 2;
		if (cap != k->cap) {
			nb = realloc(k->buf, cap);
			if (nb == NULL)
				return false;
			k->buf = nb;
			k->cap = cap;
		}
	}
	for (; p != NULL && len > 0; p = p->next) {
		uint32_t n;

		if (off >= p->len) {
			off -= p->len;
			continue;
		}
		n = p->len - off < len ? p->len - off : len;
		memcpy(k->buf + k->tail, p->data + off, n);
		k->tail += n;
		len -= n;
		off = 0;
	}
	return true;
}

/* Echo what is buffered; reopen the window only for what went out. */
static void echo_flush(struct cli_conn *k)
{
	while (k->tail > k->head) {
		int sent = rts_tcp_send(k->tc, k->buf + k->head,
					k->tail - k->head);

		if (sent <= 0)
			return;
		k->head += (uint32_t)sent;
		k->s->tx_bytes += (uint32_t)sent;
		rts_tcp_consumed(k->tc, (uint32_t)sent);
	}
	k->head = k->tail = 0;
	if (k->peer_closed && !k->closing) {
		k->closing = true;
		rts_tcp_close(k->tc);
	}
}

static void http_respond(struct cli_conn *k, bool ok)
{
	static const char body[] = "rtestack-cli\n";
	char resp[256];
	int n;

	n = snprintf(resp, sizeof(resp), "HTTP/1.1 %s\r\nContent-Type: "
		     "text/plain\r\nContent-Length: %zu\r\n\r\n%s",
		     ok ? "200 OK" : "400 Bad Request", sizeof(body) - 1, body);
	if (rts_tcp_send(k->tc, resp, (uint32_t)n) > 0)
		k->s->tx_bytes += (uint32_t)n;
}

/* Answer every complete request in the buffer (keep-alive). */
static void http_serve(struct cli_conn *k)
{
	for (;;) {
		uint8_t *start = k->buf + k->head;
		uint32_t used = k->tail - k->head;
		uint8_t *end = memmem(start, used, "\r\n\r\n", 4);

		if (end == NULL)
			break;
		http_respond(k, memcmp(start, "GET ", 4) == 0 ||
					memcmp(start, "HEAD ", 5) == 0);
		k->head += (uint32_t)(end + 4 - start);
	}
	if (k->tail - k->head > HTTP_REQ_MAX && !k->closing) {
		http_respond(k, false);
		k->closing = true;
		rts_tcp_close(k->tc);
	}
}

static void tcp_data(struct rts_tcp_conn *tc, void *user, struct rts_pkt *p,
		     uint32_t off, uint32_t len)
{
	struct cli_conn *k = user;
	bool kept = true;

	k->s->rx_bytes += len;
	if (k->s->svc != CLI_SVC_DISCARD && !k->closing)
		kept = conn_take(k, p, off, len);
	rts_pkt_free(k->c->ctx, p);
	if (!kept) {
		rts_tcp_abort(tc);
		return;
	}
	if (k->s->svc == CLI_SVC_ECHO) {
		echo_flush(k);
		return;
	}
	rts_tcp_consumed(tc, len);
	if (k->s->svc == CLI_SVC_HTTP && !k->closing)
		http_serve(k);
}

static void tcp_writable(struct rts_tcp_conn *tc, void *user)
{
	struct cli_conn *k = user;

	(void)tc;
	if (k->s->svc == CLI_SVC_ECHO)
		echo_flush(k);
}

static void tcp_peer_closed(struct rts_tcp_conn *tc, void *user)
{
	struct cli_conn *k = user;

	k->peer_closed = true;
	if (k->s->svc == CLI_SVC_ECHO) {
		echo_flush(k);
	} else if (!k->closing) {
		k->closing = true;
		rts_tcp_close(tc);
	}
}

static void tcp_closed(struct rts_tcp_conn *tc, void *user, int reason)
{
	struct cli_conn *k = user;

	(void)tc;
	(void)reason;
	if (k == NULL)
		return;
	free(k->buf);
	free(k);
}

static int tcp_accepted(struct rts_tcp_conn *tc, void *listener_user)
{
	struct cli_service *s = listener_user;
	struct cli_conn *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return -1;
	k->c = rts_ctx_user(rts_tcp_ctx(tc));
	k->s = s;
	k->tc = tc;
	s->conns++;
	rts_tcp_set_user(tc, k);
	return 0;
}

static const struct rts_tcp_handlers tcp_handlers = {
	.accepted = tcp_accepted,
	.data = tcp_data,
	.peer_closed = tcp_peer_closed,
	.writable = tcp_writable,
	.closed = tcp_closed,
};

/* ------------------------------------------------------------------ UDP */
static void udp_rx(struct rts_ctx *ctx, void *user,
		   const struct rts_endpoint *from, const struct rts_endpoint *to,
		   struct rts_pkt *p, uint32_t off, uint32_t len)
{
	struct cli_service *s = user;
	struct cli_conn tmp = { 0 };

	s->rx_bytes += len;
	if (conn_take(&tmp, p, off, len) &&
	    rts_udp_sendto(ctx, to->port, from, tmp.buf, len) > 0)
		s->tx_bytes += len;
	free(tmp.buf);
	rts_pkt_free(ctx, p);
}

/* ------------------------------------------------------ listen / close */
static const char *const svc_names[] = { "echo", "discard", "http" };

static struct cli_service *find_service(struct cli *c, uint16_t port, bool udp)
{
	for (unsigned i = 0; i < CLI_MAX_SERVICES; i++)
		if (c->svc[i].used && c->svc[i].port == port &&
		    c->svc[i].udp == udp)
			return &c->svc[i];
	return NULL;
}

static int open_service(struct cli *c, struct cli_service *s)
{
	struct rts_endpoint local;
	int err = RTS_EINVAL;

	/* The all-zero address: both families (dual-stack). */
	memset(&local, 0, sizeof(local));
	local.port = s->port;
	if (s->udp)
		s->b = rts_udp_bind(c->ctx, &local, udp_rx, s, &err);
	else
		s->l = rts_tcp_listen(c->ctx, &local, 0, &tcp_handlers, s, &err);
	return (s->udp ? (void *)s->b : (void *)s->l) != NULL ? 0 : err;
}

void cli_listen(struct cli *c, const struct cli_cmd *cmd)
{
	bool udp = cmd->id == CLI_LISTEN_UDP;
	struct cli_service *s = NULL;
	int err;

	if (find_service(c, cmd->port, udp) != NULL) {
		fprintf(c->out, "error: %s port %u: already listening\nusage: "
			"close %u first\n", udp ? "udp" : "tcp", cmd->port,
			cmd->port);
		return;
	}
	for (unsigned i = 0; i < CLI_MAX_SERVICES && s == NULL; i++)
		if (!c->svc[i].used)
			s = &c->svc[i];
	if (s == NULL) {
		fprintf(c->out, "error: at most %d services\nusage: close PORT "
			"first\n", CLI_MAX_SERVICES);
		return;
	}
	memset(s, 0, sizeof(*s));
	s->udp = udp;
	s->port = cmd->port;
	s->svc = cmd->svc;
	err = open_service(c, s);
	if (err != 0) {
		fprintf(c->out, "error: listen %s %u: %s\nusage: %s\n",
			udp ? "udp" : "tcp", cmd->port, rts_strerror(err),
			cli_usage(cmd->id));
		return;
	}
	s->used = true;
	fprintf(c->out, "listening: %s port %u %s\n", udp ? "udp" : "tcp",
		cmd->port, svc_names[s->svc]);
}

static void close_service(struct cli_service *s)
{
	if (s->l != NULL)
		rts_tcp_unlisten(s->l);
	if (s->b != NULL)
		rts_udp_unbind(s->b);
	s->used = false;
	s->l = NULL;
	s->b = NULL;
}

void cli_close_port(struct cli *c, uint16_t port)
{
	unsigned n = 0;

	for (unsigned i = 0; i < CLI_MAX_SERVICES; i++)
		if (c->svc[i].used && c->svc[i].port == port) {
			fprintf(c->out, "closed: %s port %u %s\n",
				c->svc[i].udp ? "udp" : "tcp", port,
				svc_names[c->svc[i].svc]);
			close_service(&c->svc[i]);
			n++;
		}
	if (n == 0)
		fprintf(c->out, "error: close: nothing listens on port %u\n"
			"usage: %s\n", port, cli_usage(CLI_CLOSE));
}

void cli_close_all(struct cli *c)
{
	for (unsigned i = 0; i < CLI_MAX_SERVICES; i++)
		if (c->svc[i].used)
			close_service(&c->svc[i]);
}

const char *cli_service_name(enum cli_svc_kind s)
{
	return svc_names[s];
}
