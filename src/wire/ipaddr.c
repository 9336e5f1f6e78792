/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — IP address text: dotted quads (RFC 791 notation), IPv6 text
 * (RFC 4291 §2.2) and its canonical form (RFC 5952). Freestanding: no libc.
 */
#include <rtestack/types.h>

#include "core/util.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a dotted quad from s[0..n) into @out (4 bytes). */
static int parse_v4(const char *s, size_t n, uint8_t *out)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		if (part > 0) {
			if (i >= n || s[i] != '.')
				return RTS_EINVAL;
			i++;
		}
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			/* no leading zeros: "010" is ambiguous (octal?) */
			if (digits == 1 && v == 0)
				return RTS_EINVAL;
			v = v * 10 + (unsigned)(s[i] - '0');
			if (v > 255)
				return RTS_EINVAL;
			digits++;
			i++;
		}
		if (digits == 0)
			return RTS_EINVAL;
		out[part] = (uint8_t)v;
	}
	return i == n ? 0 : RTS_EINVAL;
}

/* Parse IPv6 text from s[0..n) into @out (16 bytes). */
static int parse_v6(const char *s, size_t n, uint8_t *out)
{
	uint8_t w[16];
	int nw = 0;       /* bytes written to w */
	int gap = -1;     /* byte index of "::" */
	size_t i = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (n >= 1 && s[0] == ':') {
		return RTS_EINVAL;
	}
	while (i < n) {
		size_t start = i;
		unsigned v = 0;
		int digits = 0;

		while (i < n && hexval(s[i]) >= 0 && digits < 5) {
			v = v * 16 + (unsigned)hexval(s[i]);
			digits++;
			i++;
		}
		if (i < n && s[i] == '.') {
			/* trailing dotted quad: the last 32 bits */
			if (nw > 12 || parse_v4(s + start, n - start, w + nw))
				return RTS_EINVAL;
			nw += 4;
			i = n;
			break;
		}
		if (digits == 0 || digits > 4 || nw > 14)
			return RTS_EINVAL;
		w[nw++] = (uint8_t)(v >> 8);
		w[nw++] = (uint8_t)v;
		if (i == n)
			break;
		if (s[i] != ':')
			return RTS_EINVAL;
		i++;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return RTS_EINVAL;
			gap = nw;
			i++;
		} else if (i == n) {
			return RTS_EINVAL; /* trailing single ':' */
		}
	}
	if (gap < 0) {
		if (nw != 16)
			return RTS_EINVAL;
		rts_memcpy(out, w, 16);
		return 0;
	}
	if (nw > 14)
		return RTS_EINVAL; /* "::" must stand for at least one group */
	rts_memset(out, 0, 16);
	rts_memcpy(out, w, (size_t)gap);
	rts_memcpy(out + 16 - (nw - gap), w + gap, (size_t)(nw - gap));
	return 0;
}

int rts_ip_parse(const char *s, struct rts_ip *out, uint8_t *prefix)
{
	size_t n = 0, len;
	bool v6 = false;
	int rc;

	if (s == NULL || out == NULL)
		return RTS_EINVAL;
	while (s[n] != '\0' && s[n] != '/') {
		if (s[n] == ':')
			v6 = true;
		if (++n > RTS_IP_STRLEN)
			return RTS_EINVAL;
	}
	len = n;
	if (v6) {
		rc = parse_v6(s, len, out->u8);
	} else {
		*out = rts_ip4(0, 0, 0, 0);
		rc = parse_v4(s, len, out->u8 + 12);
	}
	if (rc)
		return rc;
	if (s[len] == '/') {
		unsigned v = 0, digits = 0, max = v6 ? 128 : 32;
		const char *q = s + len + 1;

		if (prefix == NULL)
			return RTS_EINVAL;
		for (; *q >= '0' && *q <= '9' && digits < 4; q++, digits++)
			v = v * 10 + (unsigned)(*q - '0');
		if (digits == 0 || *q != '\0' || v > max)
			return RTS_EINVAL;
		*prefix = (uint8_t)v;
	} else if (prefix != NULL) {
		*prefix = v6 ? 128 : 32;
	}
	return 0;
}

static size_t put_dec(char *p, unsigned v)
{
	char tmp[4];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

static size_t put_hex16(char *p, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	int shift = 12;

	while (shift > 0 && ((v >> shift) & 0xf) == 0)
		shift -= 4; /* RFC 5952 §4.1: no leading zeros */
	for (; shift >= 0; shift -= 4)
		p[n++] = hex[(v >> shift) & 0xf];
	return n;
}

static size_t format_v4(const uint8_t *a, char *p)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		if (i)
			p[n++] = '.';
		n += put_dec(p + n, a[i]);
	}
	return n;
}

/* RFC 5952 §4.2: compress the longest run (>= 2) of zero groups, first wins. */
static void longest_zero_run(const uint16_t *g, int *best, int *best_len)
{
	*best = -1;
	*best_len = 0;
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > *best_len && j - i >= 2) {
			*best = i;
			*best_len = j - i;
		}
		i = (j == i) ? i + 1 : j;
	}
}

int rts_ip_format(const struct rts_ip *ip, char *buf, size_t len)
{
	char tmp[RTS_IP_STRLEN];
	uint16_t g[8];
	size_t n = 0;
	int best, best_len;

	if (rts_ip_is_v4(ip)) {
		n = format_v4(ip->u8 + 12, tmp);
	} else {
		for (int i = 0; i < 8; i++)
			g[i] = rts_get_be16(ip->u8 + 2 * i);
		longest_zero_run(g, &best, &best_len);
		for (int i = 0; i < 8; i++) {
			if (i == best) {
				tmp[n++] = ':';
				if (i == 0)
					tmp[n++] = ':';
				i += best_len - 1;
				continue;
			}
			n += put_hex16(tmp + n, g[i]);
			if (i < 7)
				tmp[n++] = ':';
		}
	}
	if (buf == NULL || len == 0)
		return (int)n;
	if (n >= len)
		n = len - 1;
	rts_memcpy(buf, tmp, n);
	buf[n] = '\0';
	return (int)n;
}
