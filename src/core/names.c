/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — names of errors, counters and states, for tools and logs. */
#include "internal.h"

static const char *const counter_names[] = {
#define RTS_COUNTER_NAME(name) #name,
	RTS_COUNTERS(RTS_COUNTER_NAME)
#undef RTS_COUNTER_NAME
};

const char *rts_counter_name(unsigned i)
{
	return i < RTS_ARRAY_SIZE(counter_names) ? counter_names[i] : "?";
}

const char *rts_strerror(int err)
{
	switch (err) {
	case RTS_OK: return "success";
	case RTS_EPERM: return "operation not permitted";
	case RTS_ENOENT: return "no such entry";
	case RTS_EAGAIN: return "try again";
	case RTS_ENOMEM: return "out of memory";
	case RTS_EBUSY: return "busy";
	case RTS_EEXIST: return "already exists";
	case RTS_EINVAL: return "invalid argument";
	case RTS_ENOSPC: return "table full";
	case RTS_EMSGSIZE: return "message too long";
	case RTS_ENOPROTOOPT: return "protocol option not available";
	case RTS_EAFNOSUPPORT: return "address family not supported";
	case RTS_EADDRINUSE: return "address already in use";
	case RTS_EADDRNOTAVAIL: return "address not available";
	case RTS_ENETUNREACH: return "network unreachable";
	case RTS_ECONNABORTED: return "connection aborted";
	case RTS_ECONNRESET: return "connection reset";
	case RTS_ENOBUFS: return "no packet buffers";
	case RTS_EISCONN: return "already connected";
	case RTS_ENOTCONN: return "not connected";
	case RTS_ESHUTDOWN: return "shut down for sending";
	case RTS_ETIMEDOUT: return "timed out";
	case RTS_ECONNREFUSED: return "connection refused";
	case RTS_EHOSTUNREACH: return "host unreachable";
	case RTS_EALREADY: return "already in progress";
	default: return "unknown error";
	}
}

const char *rts_tcp_state_name(int state)
{
	static const char *const names[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
		"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
		"TIME_WAIT",
	};

	if (state < 0 || (unsigned)state >= RTS_ARRAY_SIZE(names))
		return "?";
	return names[state];
}
