/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command-line helpers shared by rtestack-bench and rtestack-cli: the
 * device options are spelled, and parsed, the same way in both.
 */
#ifndef RTS_APP_OPTS_H
#define RTS_APP_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include <rtestack/rtestack.h>

/*
 * --no-offload LIST: clear from *allowed (RTS_CAP_* bits) what the comma
 * list rx-csum,tx-csum,tso,multi-seg,all names. 0, or -1 on an unknown word.
 */
int app_parse_offloads(const char *s, uint32_t *allowed);

/* @ip as text: dotted quad or IPv6 (inet_ntop). */
void app_ip_str(const struct rts_ip *ip, char *buf, size_t len);

#endif
