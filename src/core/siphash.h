/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", 2012): a keyed 64-bit hash that an attacker who does
 * not know the key cannot predict or steer. Used for ISNs (RFC 6528), SYN
 * cookies and anything else a remote peer must not be able to guess.
 *
 * The key is the paper's k0 (bytes 0..7) and k1 (bytes 8..15), each read
 * little-endian; the message is read little-endian in 8-byte words.
 */
#ifndef RTS_CORE_SIPHASH_H
#define RTS_CORE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t rts_siphash24(const uint64_t key[2], const void *data, size_t len);

#endif
