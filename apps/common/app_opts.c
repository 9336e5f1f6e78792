/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "app_opts.h"

int app_parse_offloads(const char *s, uint32_t *allowed)
{
	char buf[128], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "rx-csum") == 0)
			*allowed &= ~(uint32_t)(RTS_CAP_RX_IP_CSUM | RTS_CAP_RX_L4_CSUM);
		else if (strcmp(tok, "tx-csum") == 0)
			*allowed &= ~(uint32_t)(RTS_CAP_TX_IP_CSUM | RTS_CAP_TX_L4_CSUM |
						RTS_CAP_TX_L4_CSUM6 | RTS_CAP_TSO4 |
						RTS_CAP_TSO6);
		else if (strcmp(tok, "tso") == 0)
			*allowed &= ~(uint32_t)(RTS_CAP_TSO4 | RTS_CAP_TSO6);
		else if (strcmp(tok, "multi-seg") == 0)
			*allowed &= ~(uint32_t)RTS_CAP_MULTI_SEG;
		else if (strcmp(tok, "all") == 0)
			*allowed = 0;
		else
			return -1;
	}
	return 0;
}

void app_ip_str(const struct rts_ip *ip, char *buf, size_t len)
{
	if (rts_ip_is_v4(ip))
		inet_ntop(AF_INET, &ip->u32[3], buf, (socklen_t)len);
	else
		inet_ntop(AF_INET6, ip->u8, buf, (socklen_t)len);
}
