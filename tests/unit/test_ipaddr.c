/* SPDX-License-Identifier: BSD-3-Clause */
/* Address text: parse and format, IPv4 and IPv6 (RFC 4291, RFC 5952). */
#include "rts_test.h"

#include <rtestack/types.h>

static const char *fmt(const char *in)
{
	static char out[RTS_IP_STRLEN];
	struct rts_ip ip;

	if (rts_ip_parse(in, &ip, NULL) != 0)
		return "(invalid)";
	rts_ip_format(&ip, out, sizeof(out));
	return out;
}

RTS_TEST(ipv4_parse_and_format)
{
	struct rts_ip ip, want = rts_ip4(198, 18, 0, 2);
	uint8_t prefix = 0;

	RTS_CHECK_EQ(rts_ip_parse("198.18.0.2", &ip, &prefix), 0);
	RTS_CHECK(rts_ip_eq(&ip, &want));
	RTS_CHECK_EQ(prefix, 32);
	RTS_CHECK(rts_ip_is_v4(&ip));
	RTS_CHECK_EQ(rts_ip_parse("198.18.0.2/15", &ip, &prefix), 0);
	RTS_CHECK_EQ(prefix, 15);
	RTS_CHECK(strcmp(fmt("198.18.255.0"), "198.18.255.0") == 0);
	RTS_CHECK(strcmp(fmt("0.0.0.0"), "0.0.0.0") == 0);
}

RTS_TEST(ipv4_rejects)
{
	struct rts_ip ip;
	uint8_t prefix;
	const char *bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3",
			      "01.2.3.4", "1.2.3.4 ", "a.b.c.d", "1.2.3.4/33",
			      "1.2.3.4/", "1.2.3.-4" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = rts_ip_parse(bad[i], &ip, &prefix);

		if (rc != RTS_EINVAL)
			RTS_NOTE("accepted: '%s'", bad[i]);
		RTS_CHECK_EQ(rc, RTS_EINVAL);
	}
	/* a prefix where none is wanted */
	RTS_CHECK_EQ(rts_ip_parse("1.2.3.4/8", &ip, NULL), RTS_EINVAL);
}

RTS_TEST(ipv6_rfc5952_canonical)
{
	RTS_CHECK(strcmp(fmt("2001:0002:0000:0000:0000:0000:0000:0001"), "2001:2::1") == 0);
	RTS_CHECK(strcmp(fmt("2001:2:0:0:1:0:0:1"), "2001:2::1:0:0:1") == 0);
	RTS_CHECK(strcmp(fmt("2001:2:0:1:0:0:0:1"), "2001:2:0:1::1") == 0);
	RTS_CHECK(strcmp(fmt("2001:2::"), "2001:2::") == 0);
	RTS_CHECK(strcmp(fmt("::1"), "::1") == 0);
	RTS_CHECK(strcmp(fmt("::"), "::") == 0);
	RTS_CHECK(strcmp(fmt("FE80::ABCD:1"), "fe80::abcd:1") == 0);
	RTS_CHECK(strcmp(fmt("2001:2:1:1:1:1:1:0"), "2001:2:1:1:1:1:1:0") == 0);
	/* a single zero group is not compressed (RFC 5952 §4.2.2) */
	RTS_CHECK(strcmp(fmt("2001:2:0:1:1:1:1:1"), "2001:2:0:1:1:1:1:1") == 0);
	/* IPv4-mapped addresses are IPv4 here */
	RTS_CHECK(strcmp(fmt("::ffff:198.18.0.1"), "198.18.0.1") == 0);
}

RTS_TEST(ipv6_parse_prefix_and_rejects)
{
	struct rts_ip ip;
	uint8_t prefix = 0;
	const char *bad[] = { ":", ":::", "1::2::3", "1:2:3:4:5:6:7", "12345::",
			      "1:2:3:4:5:6:7:8:9", "::1:", ":1::", "g::1",
			      "2001:2::/129", "1:2:3:4:5:6:7::8" };

	RTS_CHECK_EQ(rts_ip_parse("2001:2::/48", &ip, &prefix), 0);
	RTS_CHECK_EQ(prefix, 48);
	RTS_CHECK(!rts_ip_is_v4(&ip));
	RTS_CHECK_EQ(ip.u8[0], 0x20);
	RTS_CHECK_EQ(ip.u8[3], 0x02);
	RTS_CHECK_EQ(rts_ip_parse("fe80::1", &ip, &prefix), 0);
	RTS_CHECK_EQ(prefix, 128);
	RTS_CHECK_EQ(ip.u8[15], 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = rts_ip_parse(bad[i], &ip, &prefix);

		if (rc != RTS_EINVAL)
			RTS_NOTE("accepted: '%s'", bad[i]);
		RTS_CHECK_EQ(rc, RTS_EINVAL);
	}
}

int main(void)
{
	return rts_test_main();
}
