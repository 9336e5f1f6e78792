/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-bench — a small HTTP/1.1 server (RFC 9112) and client.
 *
 * Server: reads a request head up to the blank line, answers 200 with a
 * --body byte body (HEAD: none) and keeps the connection for the next
 * request unless the client asked to close (HTTP/1.0 without keep-alive,
 * or "Connection: close"). A request body announced by Content-Length is
 * read and discarded. Malformed requests get 400 and the connection is
 * closed; chunked request bodies get 501. One request is answered at a
 * time: while a response is being sent the next one waits in the receive
 * window, which bounds pipelining.
 *
 * Client: GET / on each connection, reads the head and Content-Length
 * bytes of body, times the exchange, repeats.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench_conn.h"

#define HEAD_MAX 8192

struct http_conn {
	uint32_t head_len;
	uint64_t body_skip;      /* request body bytes still to discard */
	uint64_t resp_left;      /* response body bytes still to send */
	uint64_t resp_off;
	uint32_t out_len, out_sent; /* response head being sent */
	bool close_after;
	bool closing;
	/* client */
	bool in_body;
	uint64_t body_left;
	char out[256];
	char head[HEAD_MAX];
};

/* ----------------------------------------------------------------- parser */
struct http_req {
	bool head_only;
	bool keep_alive;
	bool has_host;
	bool chunked;
	uint64_t content_length;
};

static bool is_tchar(char c)
{
	return isalnum((unsigned char)c) || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool has_token(const char *v, size_t n, const char *tok)
{
	size_t tl = strlen(tok);

	for (size_t i = 0; i + tl <= n; i++)
		if (strncasecmp(v + i, tok, tl) == 0)
			return true;
	return false;
}

/* One header line (without CRLF); false when malformed. */
static bool parse_header(const char *l, size_t n, struct http_req *r)
{
	const char *colon = memchr(l, ':', n);
	const char *v;
	size_t name_len, vn;

	if (colon == NULL || colon == l)
		return false;
	name_len = (size_t)(colon - l);
	for (size_t i = 0; i < name_len; i++)
		if (!is_tchar(l[i]))
			return false; /* includes space before the colon */
	v = colon + 1;
	vn = n - name_len - 1;
	while (vn > 0 && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	if (name_len == 4 && strncasecmp(l, "host", 4) == 0) {
		r->has_host = true;
	} else if (name_len == 10 && strncasecmp(l, "connection", 10) == 0) {
		if (has_token(v, vn, "close"))
			r->keep_alive = false;
		else if (has_token(v, vn, "keep-alive"))
			r->keep_alive = true;
	} else if (name_len == 14 && strncasecmp(l, "content-length", 14) == 0) {
		uint64_t x = 0;

		if (vn == 0 || vn > 18)
			return false;
		for (size_t i = 0; i < vn; i++) {
			if (!isdigit((unsigned char)v[i]))
				return false;
			x = x * 10 + (uint64_t)(v[i] - '0');
		}
		r->content_length = x;
	} else if (name_len == 17 &&
		   strncasecmp(l, "transfer-encoding", 17) == 0) {
		r->chunked = true;
	}
	return true;
}

/* Request line: METHOD SP target SP HTTP/1.x (RFC 9112 §3). */
static bool parse_request_line(const char *l, size_t n, struct http_req *r)
{
	const char *sp1 = memchr(l, ' ', n), *sp2;
	size_t rest;

	if (sp1 == NULL || sp1 == l)
		return false;
	for (const char *c = l; c < sp1; c++)
		if (!is_tchar(*c))
			return false;
	rest = n - (size_t)(sp1 + 1 - l);
	sp2 = memchr(sp1 + 1, ' ', rest);
	if (sp2 == NULL || sp2 == sp1 + 1)
		return false;
	rest = n - (size_t)(sp2 + 1 - l);
	if (rest != 8 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return false;
	if (sp2[8] == '1')
		r->keep_alive = true;
	else if (sp2[8] == '0')
		r->keep_alive = false;
	else
		return false;
	if (sp2[8] == '0')
		r->has_host = true; /* HTTP/1.0 needs no Host */
	r->head_only = (sp1 - l == 4 && strncmp(l, "HEAD", 4) == 0);
	return true;
}

/* The whole head, ending with CRLF CRLF; false when malformed. */
static bool parse_request(const char *h, size_t n, struct http_req *r)
{
	const char *end = h + n - 2, *l = h;
	bool first = true;

	memset(r, 0, sizeof(*r));
	while (l < end) {
		const char *eol = memchr(l, '\r', (size_t)(end - l) + 1);
		size_t len;

		if (eol == NULL || eol[1] != '\n')
			return false;
		len = (size_t)(eol - l);
		if (first ? !parse_request_line(l, len, r)
			  : (len > 0 && !parse_header(l, len, r)))
			return false;
		first = false;
		l = eol + 2;
	}
	return !first && r->has_host;
}

/* ----------------------------------------------------------------- server */
static void respond(struct bconn *b, struct http_conn *h, int status,
		    const char *reason, uint64_t body, bool send_body,
		    bool close_after, bool http10_keep)
{
	h->out_len = (uint32_t)snprintf(h->out, sizeof(h->out),
		"HTTP/1.1 %d %s\r\nServer: rtestack-bench\r\n"
		"Content-Type: application/octet-stream\r\n"
		"Content-Length: %llu\r\n%s\r\n", status, reason,
		(unsigned long long)body,
		close_after ? "Connection: close\r\n" :
		http10_keep ? "Connection: keep-alive\r\n" : "");
	h->out_sent = 0;
	h->resp_left = send_body ? body : 0;
	h->resp_off = 0;
	h->close_after = close_after;
	if (status != 200)
		b->lc->st.http_400++;
}

/*
 * Push the current response; true when it is completely queued. The head
 * and the start of the body go out in one write so that no small segment
 * waits for the peer's delayed ACK.
 */
static bool push_response(struct bconn *b, struct http_conn *h)
{
	uint8_t buf[16384];

	for (;;) {
		uint32_t head = h->out_len - h->out_sent;
		uint32_t body = (uint32_t)RTE_MIN(h->resp_left,
						  (uint64_t)(sizeof(buf) - head));
		int sent;

		if (head + body == 0)
			return true;
		memcpy(buf, h->out + h->out_sent, head);
		bench_fill_pattern(buf + head, h->resp_off, body);
		sent = rts_tcp_send(b->c, buf, head + body);
		if (sent <= 0)
			return false;
		b->lc->st.tx_bytes += (uint32_t)sent;
		if ((uint32_t)sent <= head) {
			h->out_sent += (uint32_t)sent;
		} else {
			h->out_sent = h->out_len;
			h->resp_off += (uint64_t)sent - head;
			h->resp_left -= (uint64_t)sent - head;
		}
		if ((uint32_t)sent < head + body)
			return false;
	}
}

static void handle_head(struct bconn *b, struct http_conn *h)
{
	const struct bench_opts *o = b->lc->o;
	struct http_req r;

	if (!parse_request(h->head, h->head_len, &r)) {
		respond(b, h, 400, "Bad Request", 0, false, true, false);
		return;
	}
	if (r.chunked) {
		respond(b, h, 501, "Not Implemented", 0, false, true, false);
		return;
	}
	h->body_skip = r.content_length;
	b->lc->st.requests++;
	respond(b, h, 200, "OK", o->body, !r.head_only, !r.keep_alive,
		r.keep_alive && strstr(h->head, "HTTP/1.0\r\n") != NULL);
}

/* Take request-head bytes from the receive queue; returns bytes used. */
static uint32_t read_head(struct bconn *b, struct http_conn *h, bool *complete)
{
	struct bconn_piece pc;
	uint32_t used = 0;

	*complete = false;
	while (!*complete && bconn_piece(b, &pc)) {
		uint32_t take = 0;

		while (take < pc.len && h->head_len < HEAD_MAX) {
			h->head[h->head_len++] = (char)pc.data[take++];
			if (h->head_len >= 4 &&
			    memcmp(h->head + h->head_len - 4, "\r\n\r\n", 4) == 0) {
				*complete = true;
				break;
			}
		}
		bconn_advance(b, take);
		used += take;
		if (h->head_len >= HEAD_MAX && !*complete)
			break;
	}
	return used;
}

static uint32_t skip_body(struct bconn *b, struct http_conn *h)
{
	struct bconn_piece pc;
	uint32_t used = 0;

	while (h->body_skip > 0 && bconn_piece(b, &pc)) {
		uint32_t n = (uint32_t)RTE_MIN((uint64_t)pc.len, h->body_skip);

		bconn_advance(b, n);
		h->body_skip -= n;
		used += n;
	}
	return used;
}

static void srv_work(struct bconn *b)
{
	struct http_conn *h = b->app;
	uint32_t used = 0;

	while (h != NULL && !h->closing) {
		bool complete;

		if (h->out_len != 0) {
			if (!push_response(b, h))
				break;
			h->out_len = 0;
			if (h->close_after) {
				h->closing = true;
				bconn_drop_rx(b);
				rts_tcp_close(b->c);
				break;
			}
		}
		used += skip_body(b, h);
		if (h->body_skip > 0 || b->rxq_n == 0)
			break;
		used += read_head(b, h, &complete);
		if (complete) {
			handle_head(b, h);
			h->head_len = 0;
		} else if (h->head_len >= HEAD_MAX) {
			respond(b, h, 400, "Bad Request", 0, false, true, false);
		}
	}
	if (used > 0 && b->c != NULL)
		rts_tcp_consumed(b->c, used);
	if (h != NULL && b->peer_closed && !h->closing && h->out_len == 0) {
		h->closing = true;
		bconn_drop_rx(b);
		rts_tcp_close(b->c);
	}
}

static void srv_accepted(struct bconn *b)
{
	b->app = calloc(1, sizeof(struct http_conn));
	if (b->app == NULL) {
		rts_tcp_abort(b->c);
		return;
	}
	/* Responses are complete messages: send them at once. */
	rts_tcp_set_nagle(b->c, false);
}

static void srv_data(struct bconn *b, struct rts_pkt *p, uint32_t off,
		     uint32_t len)
{
	b->lc->st.rx_bytes += len;
	bconn_queue(b, p, off, len);
	srv_work(b);
}

static void srv_peer_closed(struct bconn *b)
{
	srv_work(b);
}

/* ----------------------------------------------------------------- client */
static void cli_send_request(struct bconn *b)
{
	struct http_conn *h = b->app;
	char ip[64];
	int n;

	app_ip_str(&b->lc->o->server, ip, sizeof(ip));
	/* An IPv6 literal goes in brackets (RFC 3986 §3.2.2). */
	h->out_len = (uint32_t)snprintf(h->out, sizeof(h->out),
		"GET / HTTP/1.1\r\nHost: %s%s%s\r\nUser-Agent: rtestack-bench\r\n\r\n",
		strchr(ip, ':') ? "[" : "", ip, strchr(ip, ':') ? "]" : "");
	b->req_start_ns = rts_dpdk_now_ns();
	n = rts_tcp_send(b->c, h->out, h->out_len);
	if (n > 0)
		b->lc->st.tx_bytes += (uint32_t)n;
	h->out_sent = n > 0 ? (uint32_t)n : 0;
	h->head_len = 0;
	h->in_body = false;
}

static void cli_connected(struct bconn *b)
{
	b->lc->st.conns_opened++;
	b->app = calloc(1, sizeof(struct http_conn));
	if (b->app == NULL) {
		rts_tcp_abort(b->c);
		return;
	}
	cli_send_request(b);
}

static void cli_writable(struct bconn *b)
{
	struct http_conn *h = b->app;
	int n;

	if (h == NULL || h->out_sent >= h->out_len)
		return;
	n = rts_tcp_send(b->c, h->out + h->out_sent, h->out_len - h->out_sent);
	if (n > 0)
		h->out_sent += (uint32_t)n;
}

/* Content-Length of a response head (status 200 expected). */
static bool response_length(struct http_conn *h, uint64_t *len)
{
	const char *p;

	h->head[h->head_len < HEAD_MAX ? h->head_len : HEAD_MAX - 1] = '\0';
	if (strncmp(h->head, "HTTP/1.1 200", 12) != 0 &&
	    strncmp(h->head, "HTTP/1.0 200", 12) != 0)
		return false;
	p = strcasestr(h->head, "\r\ncontent-length:");
	if (p == NULL)
		return false;
	*len = strtoull(p + 17, NULL, 10);
	return true;
}

static void cli_data(struct bconn *b, struct rts_pkt *p, uint32_t off,
		     uint32_t len)
{
	struct http_conn *h = b->app;
	const struct bench_opts *o = b->lc->o;
	struct bconn_piece pc;

	b->lc->st.rx_bytes += len;
	bconn_queue(b, p, off, len);
	while (h != NULL && !b->closing && bconn_piece(b, &pc)) {
		if (!h->in_body) {
			bool complete;

			read_head(b, h, &complete);
			if (!complete) {
				if (h->head_len >= HEAD_MAX)
					b->lc->st.errors++;
				continue;
			}
			if (!response_length(h, &h->body_left)) {
				b->lc->st.errors++;
				b->closing = true;
				rts_tcp_close(b->c);
				break;
			}
			h->in_body = true;
		} else {
			uint32_t n = (uint32_t)RTE_MIN((uint64_t)pc.len, h->body_left);

			bconn_advance(b, n);
			h->body_left -= n;
		}
		if (h->in_body && h->body_left == 0) {
			b->reqs++;
			b->lc->st.requests++;
			hist_add(&b->lc->hist, rts_dpdk_now_ns() - b->req_start_ns);
			if (o->requests && b->reqs >= o->requests) {
				b->target_done = true;
				b->lc->finished_conns++;
				b->closing = true;
				rts_tcp_close(b->c);
				break;
			}
			cli_send_request(b);
		}
	}
	if (b->c != NULL)
		rts_tcp_consumed(b->c, len);
}

static void http_closed(struct bconn *b)
{
	free(b->app);
	b->app = NULL;
}

static const struct bconn_ops ops = {
	.srv_accepted = srv_accepted,
	.srv_data = srv_data,
	.srv_writable = srv_work,
	.srv_peer_closed = srv_peer_closed,
	.cli_connected = cli_connected,
	.cli_data = cli_data,
	.cli_writable = cli_writable,
	.closed = http_closed,
};

static int http_start(struct bench_lcore *lc)
{
	return bconn_start(lc, &ops);
}

const struct bench_workload_ops bench_http_ops = {
	.name = "http",
	.start = http_start,
	.tick = bconn_tick,
	.stop = bconn_stop,
	.idle = bconn_idle,
	.finished = bconn_finished,
};
