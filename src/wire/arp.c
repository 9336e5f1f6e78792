/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — ARP packet format (RFC 826). */
#include "arp.h"

#define ARP_HTYPE_ETHER 1
#define ARP_PTYPE_IPV4 0x0800

int rts_arp_parse(const uint8_t *b, uint32_t len, struct rts_arp *a)
{
	uint16_t op;

	if (len < RTS_ARP_LEN)
		return RTS_ARP_ERR_TOO_SHORT;
	if (rts_get_be16(b) != ARP_HTYPE_ETHER)
		return RTS_ARP_ERR_HTYPE;
	if (rts_get_be16(b + 2) != ARP_PTYPE_IPV4)
		return RTS_ARP_ERR_PTYPE;
	if (b[4] != 6 || b[5] != 4)
		return RTS_ARP_ERR_ADDR_LEN;
	op = rts_get_be16(b + 6);
	if (op != RTS_ARP_REQUEST && op != RTS_ARP_REPLY)
		return RTS_ARP_ERR_OP;
	a->op = op;
	rts_memcpy(a->sha.b, b + 8, 6);
	rts_memcpy(&a->spa_be, b + 14, 4);
	rts_memcpy(a->tha.b, b + 18, 6);
	rts_memcpy(&a->tpa_be, b + 24, 4);
	return 0;
}

void rts_arp_emit(const struct rts_arp *a, uint8_t *b)
{
	rts_put_be16(b, ARP_HTYPE_ETHER);
	rts_put_be16(b + 2, ARP_PTYPE_IPV4);
	b[4] = 6;
	b[5] = 4;
	rts_put_be16(b + 6, a->op);
	rts_memcpy(b + 8, a->sha.b, 6);
	rts_memcpy(b + 14, &a->spa_be, 4);
	rts_memcpy(b + 18, a->tha.b, 6);
	rts_memcpy(b + 24, &a->tpa_be, 4);
}
