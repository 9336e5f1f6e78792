/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack-membench --family: the same workloads over IPv4 (198.18.0.1 and
 * .2/24, the memlink scenario addresses) or IPv6 (2001:2::1 and ::2/64).
 * IPv6 sides start with their addresses usable (no DAD, no router
 * solicitation) so set-up costs the same as IPv4's; the peer is resolved
 * by NDP as IPv4's is by ARP.
 */
#include "membench.h"

struct rts_ip mb_side_ip(const struct mb *mb, int s, uint8_t *plen)
{
	struct rts_ip ip;

	if (mb->opt.family != 6) {
		if (plen)
			*plen = 24;
		return ml_scen_ip(s);
	}
	rts_ip_parse(s & 1 ? "2001:2::2" : "2001:2::1", &ip, NULL);
	if (plen)
		*plen = 64;
	return ip;
}

void mb_family_config(const struct mb *mb, struct rts_config *cfg)
{
	if (mb->opt.family != 6)
		return;
	cfg->ip6.dad_transmits = 0;
	cfg->ip6.router_solicits = 0;
}
