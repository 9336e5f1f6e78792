/* SPDX-License-Identifier: BSD-3-Clause */
/* rtestack — the whole public API. */
#ifndef RTESTACK_H
#define RTESTACK_H

#include "counters.h"
#include "ctx.h"
#include "inspect.h"
#include "pkt.h"
#include "tcp.h"
#include "types.h"
#include "udp.h"

#define RTESTACK_VERSION "0.1.0"

#endif
