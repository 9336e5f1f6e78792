/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fuzzers' input reader: the bytes libFuzzer hands over, consumed
 * front to back. Past the end, reads give zeros, so every program of
 * records is complete however short the input.
 */
#ifndef RTS_FUZZ_INPUT_H
#define RTS_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct input {
	const uint8_t *p;
	size_t left;
};

/* The next @bytes (at most 4) as a big-endian number. */
static inline uint32_t take(struct input *in, unsigned bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		v <<= 8;
		if (in->left) {
			v |= *in->p++;
			in->left--;
		}
	}
	return v;
}

/* Copy up to @n input bytes to @dst, zero-filling past the end. */
static inline void take_bytes(struct input *in, uint8_t *dst, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	memcpy(dst, in->p, k);
	memset(dst + k, 0, n - k);
	in->p += k;
	in->left -= k;
}

#endif
