/* SPDX-License-Identifier: BSD-3-Clause */
/* Process set-up shared by rtestack-bench and rtestack-cli. */
#ifndef RTS_APP_EAL_H
#define RTS_APP_EAL_H

/*
 * Before rte_eal_init: SIGINT and SIGTERM go to @handler, SIGPIPE is
 * ignored, and the real-time signals are claimed so that net_tap polls
 * instead of taking a signal per packet.
 */
void app_install_signals(void (*handler)(int));

#endif
