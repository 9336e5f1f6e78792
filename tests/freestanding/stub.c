/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The freestanding link check: the core plus only this file must link with
 * -nostdlib. It supplies what a freestanding C environment must provide
 * (memcpy, memmove, memset, memcmp) and an entry point that references the
 * public API so the linker pulls the whole core in.
 */
#include <rtestack/rtestack.h>

void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp < sp) {
		while (n--)
			*dp++ = *sp++;
	} else {
		while (n--)
			dp[n] = sp[n];
	}
	return d;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *dp = d;

	while (n--)
		*dp++ = (unsigned char)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *ap = a, *bp = b;

	for (; n; n--, ap++, bp++)
		if (*ap != *bp)
			return *ap - *bp;
	return 0;
}

void _start(void);
void *volatile rts_keep[16];

void _start(void)
{
	rts_keep[0] = (void *)rts_ctx_init;
	rts_keep[1] = (void *)rts_input;
	rts_keep[2] = (void *)rts_tcp_connect;
	rts_keep[3] = (void *)rts_tcp_listen;
	rts_keep[4] = (void *)rts_udp_bind;
	rts_keep[5] = (void *)rts_ping;
	rts_keep[6] = (void *)rts_ip_parse;
	rts_keep[7] = (void *)rts_ctx_fini;
	for (;;)
		;
}
