/* SPDX-License-Identifier: BSD-3-Clause */
#include <signal.h>
#include <string.h>

#include <rtestack/dpdk.h>

#include "app_eal.h"

void app_install_signals(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	rts_dpdk_claim_rt_signals();
}
