/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack-cli's command parser (apps/cli/cli_parse.c), without DPDK. */
#include "cli_parse.h"
#include "rts_test.h"

static struct cli_cmd cmd;
static char err[256];
static const char *usage;

static int parse(const char *line)
{
	return cli_parse(line, &cmd, err, sizeof(err), &usage);
}

RTS_TEST(simple_commands_and_aliases)
{
	RTS_CHECK_EQ(parse("help"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_HELP);
	RTS_CHECK_EQ(parse("  quit  "), 0);
	RTS_CHECK_EQ(cmd.id, CLI_QUIT);
	RTS_CHECK_EQ(parse("exit"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_QUIT);
	RTS_CHECK_EQ(parse("show port"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SHOW_PORT);
	RTS_CHECK_EQ(parse("SHOW   Neigh"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SHOW_NEIGH);
	RTS_CHECK_EQ(parse("show arp"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SHOW_NEIGH);
	RTS_CHECK_EQ(parse("show addr"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SHOW_ADDR);
	RTS_CHECK_EQ(parse("show route"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SHOW_ROUTES);
	RTS_CHECK_EQ(parse("show tcp"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SHOW_TCP);
	RTS_CHECK_EQ(parse("show udp"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SHOW_UDP);
	RTS_CHECK_EQ(parse("show config"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SHOW_CONFIG);
	RTS_CHECK_EQ(parse("clear counters"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_CLEAR_COUNTERS);
}

RTS_TEST(empty_lines_and_comments)
{
	RTS_CHECK_EQ(parse(""), 1);
	RTS_CHECK_EQ(parse("   \t "), 1);
	RTS_CHECK_EQ(parse("# a comment"), 1);
	RTS_CHECK_EQ(parse("show port # trailing comment"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SHOW_PORT);
}

RTS_TEST(counters_filter_and_all)
{
	RTS_CHECK_EQ(parse("show counters"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SHOW_COUNTERS);
	RTS_CHECK(!cmd.all && cmd.word[0] == '\0');
	RTS_CHECK_EQ(parse("show counters tcp_rx"), 0);
	RTS_CHECK(strcmp(cmd.word, "tcp_rx") == 0 && !cmd.all);
	RTS_CHECK_EQ(parse("show counters all"), 0);
	RTS_CHECK(cmd.all && cmd.word[0] == '\0');
	RTS_CHECK_EQ(parse("show counters icmp all"), 0);
	RTS_CHECK(cmd.all && strcmp(cmd.word, "icmp") == 0);
	RTS_CHECK_EQ(parse("show stats arp"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SHOW_COUNTERS);
	RTS_CHECK_EQ(parse("show counters a b"), -1);
	RTS_CHECK(strstr(err, "unexpected argument 'b'") != NULL);
}

RTS_TEST(ping_arguments)
{
	struct rts_ip v4 = rts_ip4(198, 18, 0, 1), v6;

	rts_ip_parse("2001:2::1", &v6, NULL);
	RTS_CHECK_EQ(parse("ping 198.18.0.1"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_PING);
	RTS_CHECK(rts_ip_eq(&cmd.ip, &v4));
	RTS_CHECK_EQ(cmd.count, 3);
	RTS_CHECK_EQ(cmd.size, 56);
	RTS_CHECK_EQ(cmd.interval_ms, 1000);
	RTS_CHECK_EQ(parse("ping 2001:2::1 10 1400 200"), 0);
	RTS_CHECK(rts_ip_eq(&cmd.ip, &v6));
	RTS_CHECK_EQ(cmd.count, 10);
	RTS_CHECK_EQ(cmd.size, 1400);
	RTS_CHECK_EQ(cmd.interval_ms, 200);
	RTS_CHECK_EQ(parse("ping"), -1);
	RTS_CHECK(strstr(err, "missing address") != NULL);
	RTS_CHECK(strcmp(usage, "ping ADDR [COUNT] [SIZE] [INTERVAL_MS]") == 0);
	RTS_CHECK_EQ(parse("ping 1.2.3"), -1);
	RTS_CHECK_EQ(parse("ping 198.18.0.1/24"), -1);
	RTS_CHECK_EQ(parse("ping 0.0.0.0"), -1);
	RTS_CHECK_EQ(parse("ping 198.18.0.1 0"), -1);
	RTS_CHECK_EQ(parse("ping 198.18.0.1 -1"), -1);
	RTS_CHECK_EQ(parse("ping 198.18.0.1 3x"), -1);
	RTS_CHECK_EQ(parse("ping 198.18.0.1 3 70000"), -1);
	RTS_CHECK_EQ(parse("ping 198.18.0.1 3 56 0"), -1);
	RTS_CHECK_EQ(parse("ping 198.18.0.1 3 56 10 extra"), -1);
	RTS_CHECK_EQ(parse("ping 198.18.0.1 99999999999999999999"), -1);
}

RTS_TEST(resolve_checks_the_family)
{
	RTS_CHECK_EQ(parse("arp resolve 198.18.0.1"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_RESOLVE);
	RTS_CHECK(rts_ip_is_v4(&cmd.ip));
	RTS_CHECK_EQ(parse("ndp resolve fe80::1"), 0);
	RTS_CHECK(!rts_ip_is_v4(&cmd.ip));
	RTS_CHECK_EQ(parse("arp resolve 2001:2::1"), -1);
	RTS_CHECK(strstr(err, "not an IPv4 address") != NULL);
	RTS_CHECK_EQ(parse("ndp resolve 198.18.0.1"), -1);
	RTS_CHECK_EQ(parse("arp resolve"), -1);
	RTS_CHECK_EQ(parse("arp"), -1);
	RTS_CHECK(strstr(usage, "arp resolve") != NULL);
}

RTS_TEST(listen_close_set_sleep_echo)
{
	RTS_CHECK_EQ(parse("listen tcp 5001 echo"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_LISTEN_TCP);
	RTS_CHECK_EQ(cmd.port, 5001);
	RTS_CHECK_EQ(cmd.svc, CLI_SVC_ECHO);
	RTS_CHECK_EQ(parse("listen tcp 80 http"), 0);
	RTS_CHECK_EQ(cmd.svc, CLI_SVC_HTTP);
	RTS_CHECK_EQ(parse("listen tcp 9 discard"), 0);
	RTS_CHECK_EQ(cmd.svc, CLI_SVC_DISCARD);
	RTS_CHECK_EQ(parse("listen tcp 9 chargen"), -1);
	RTS_CHECK_EQ(parse("listen tcp 0"), -1);
	RTS_CHECK_EQ(parse("listen tcp 65536"), -1);
	RTS_CHECK_EQ(parse("listen udp 7"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_LISTEN_UDP);
	RTS_CHECK_EQ(parse("listen udp 7 http"), -1);
	RTS_CHECK_EQ(parse("listen sctp 7"), -1);
	RTS_CHECK(strstr(err, "unknown subcommand 'sctp'") != NULL);
	RTS_CHECK_EQ(parse("close 5001"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_CLOSE);
	RTS_CHECK_EQ(cmd.port, 5001);
	RTS_CHECK_EQ(parse("close"), -1);
	RTS_CHECK_EQ(parse("set mtu 1400"), 0);
	RTS_CHECK_EQ(cmd.value, 1400);
	RTS_CHECK_EQ(parse("set mtu 100"), -1);
	RTS_CHECK_EQ(parse("set log debug"), 0);
	RTS_CHECK_EQ(cmd.log_level, 8);
	RTS_CHECK_EQ(parse("set log 4"), 0);
	RTS_CHECK_EQ(cmd.log_level, 4);
	RTS_CHECK_EQ(parse("set log loud"), -1);
	RTS_CHECK_EQ(parse("sleep 250"), 0);
	RTS_CHECK_EQ(cmd.id, CLI_SLEEP);
	RTS_CHECK_EQ(cmd.value, 250);
	RTS_CHECK_EQ(parse("sleep soon"), -1);
	RTS_CHECK_EQ(parse("echo  hello   world"), 0);
	RTS_CHECK(strcmp(cmd.word, "hello   world") == 0);
	RTS_CHECK_EQ(parse("echo marker-1   # a comment"), 0);
	RTS_CHECK(strcmp(cmd.word, "marker-1") == 0);
	RTS_CHECK_EQ(parse("echo"), 0);
	RTS_CHECK(cmd.word[0] == '\0');
}

RTS_TEST(unknown_commands_give_an_error_and_a_usage)
{
	RTS_CHECK_EQ(parse("frobnicate"), -1);
	RTS_CHECK(strcmp(err, "unknown command 'frobnicate'") == 0);
	RTS_CHECK(strstr(usage, "help") != NULL);
	RTS_CHECK_EQ(parse("show"), -1);
	RTS_CHECK(strstr(usage, "show port") != NULL);
	RTS_CHECK(strstr(usage, "show tcp") != NULL);
	RTS_CHECK_EQ(parse("show nothing"), -1);
	RTS_CHECK(strstr(err, "unknown subcommand 'nothing'") != NULL);
	RTS_CHECK_EQ(parse("help me"), -1);
	RTS_CHECK_EQ(parse("showport"), -1);
	RTS_CHECK_EQ(parse("a b c d e f g h i j k l m n o p q r s"), -1);
	RTS_CHECK(strstr(err, "too many") != NULL);
}

RTS_TEST(split_on_semicolons)
{
	const char *cur = " show port ;ping 198.18.0.1;; quit ";
	char buf[64];

	RTS_CHECK(cli_split(&cur, buf, sizeof(buf)));
	RTS_CHECK(strcmp(buf, "show port") == 0);
	RTS_CHECK(cli_split(&cur, buf, sizeof(buf)));
	RTS_CHECK(strcmp(buf, "ping 198.18.0.1") == 0);
	RTS_CHECK(cli_split(&cur, buf, sizeof(buf)));
	RTS_CHECK(strcmp(buf, "") == 0);
	RTS_CHECK(cli_split(&cur, buf, sizeof(buf)));
	RTS_CHECK(strcmp(buf, "quit") == 0);
	RTS_CHECK(!cli_split(&cur, buf, sizeof(buf)));
	cur = "a very long command";
	RTS_CHECK(cli_split(&cur, buf, 7));
	RTS_CHECK(strcmp(buf, "a very") == 0);
}

RTS_TEST(help_lists_every_command)
{
	const char *h = cli_help_text();

	for (int id = 0; id < CLI_CMD_COUNT; id++) {
		const char *u = cli_usage((enum cli_cmd_id)id);

		RTS_CHECK(u[0] != '\0');
		RTS_CHECK(strstr(h, u) != NULL);
	}
}

/* Arbitrary bytes never crash the parser and always get an answer. */
RTS_TEST(random_lines_are_parsed_or_refused)
{
	static const char alphabet[] = "show port tcp udp ping listen close "
				       "arp ndp resolve 0123456789.:/#;-x\t\x01\xff";
	uint64_t state = 0x9e3779b97f4a7c15ull;
	char line[200];
	int ok = 0, refused = 0, empty = 0;

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = (size_t)(iter % (int)(sizeof(line) - 1));
		int rc;

		for (size_t i = 0; i < len; i++) {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			line[i] = alphabet[state % (sizeof(alphabet) - 1)];
		}
		line[len] = '\0';
		rc = parse(line);
		if (rc == 0)
			ok++;
		else if (rc == 1)
			empty++;
		else if (rc == -1 && err[0] != '\0' && usage != NULL &&
			 usage[0] != '\0')
			refused++;
	}
	RTS_CHECK_EQ(ok + empty + refused, 20000);
	RTS_CHECK(refused > 0);
	RTS_CHECK(empty > 0);
}

int main(void)
{
	return rts_test_main();
}
