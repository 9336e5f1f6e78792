/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtestack — per-context counters.
 *
 * Every drop and every error has a counter named after its reason. The list
 * is an X-macro so the struct, the name table and the CLI stay in step:
 * add a line here and it appears everywhere.
 */
#ifndef RTESTACK_COUNTERS_H
#define RTESTACK_COUNTERS_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTS_COUNTERS_ETH(X)                                                    \
	X(eth_rx_frames)                                                       \
	X(eth_rx_bytes)                                                        \
	X(eth_rx_too_short)                                                    \
	X(eth_rx_not_for_us)       /* unicast to another MAC */               \
	X(eth_rx_unknown_type)                                                 \
	X(eth_rx_vlan)             /* 802.1Q frames: not supported, dropped */ \
	X(eth_tx_frames)                                                       \
	X(eth_tx_bytes)                                                        \
	X(pkt_alloc_fail)          /* backend out of buffers */               \
	X(pkt_clone_fail)

#define RTS_COUNTERS_ARP(X)                                                    \
	X(arp_rx)                                                              \
	X(arp_rx_malformed)                                                    \
	X(arp_rx_not_for_us)                                                   \
	X(arp_rx_requests)                                                     \
	X(arp_rx_replies)                                                      \
	X(arp_tx_requests)                                                     \
	X(arp_tx_replies)                                                      \
	X(arp_tx_gratuitous)                                                   \
	X(neigh_resolved)                                                      \
	X(neigh_failed)            /* retries exhausted */                    \
	X(neigh_table_full)                                                    \
	X(neigh_pending_drop)      /* pending queue full or resolution failed */ \
	X(arp_rx_conflict)         /* a sender claims one of our addresses */

#define RTS_COUNTERS_IPV4(X)                                                   \
	X(ip4_rx)                                                              \
	X(ip4_rx_too_short)                                                    \
	X(ip4_rx_bad_version)                                                  \
	X(ip4_rx_bad_ihl)                                                      \
	X(ip4_rx_bad_len)          /* total length vs. buffer */              \
	X(ip4_rx_bad_csum)                                                     \
	X(ip4_rx_not_for_us)                                                   \
	X(ip4_rx_bad_src)          /* broadcast/multicast/loopback source */  \
	X(ip4_rx_unknown_proto)                                                \
	X(ip4_rx_options)          /* packets with options (skipped) */       \
	X(ip4_rx_frags)                                                        \
	X(ip4_reass_ok)                                                        \
	X(ip4_reass_timeout)                                                   \
	X(ip4_reass_overlap)                                                   \
	X(ip4_reass_no_mem)                                                    \
	X(ip4_reass_too_big)                                                   \
	X(ip4_tx)                                                              \
	X(ip4_tx_no_route)                                                     \
	X(ip4_tx_too_big)          /* DF set and larger than the MTU */       \
	X(ip4_tx_frags)

#define RTS_COUNTERS_ICMP(X)                                                   \
	X(icmp_rx)                                                             \
	X(icmp_rx_malformed)                                                   \
	X(icmp_rx_bad_csum)                                                    \
	X(icmp_rx_echo_req)                                                    \
	X(icmp_rx_echo_reply)                                                  \
	X(icmp_rx_unreach)                                                     \
	X(icmp_rx_frag_needed)                                                 \
	X(icmp_rx_other)                                                       \
	X(icmp_rx_echo_ignored)    /* echo to a broadcast: not answered */    \
	X(icmp_tx_echo_reply)                                                  \
	X(icmp_tx_echo_req)                                                    \
	X(icmp_tx_unreach)                                                     \
	X(icmp_tx_rate_limited)

#define RTS_COUNTERS_UDP(X)                                                    \
	X(udp_rx)                                                              \
	X(udp_rx_malformed)                                                    \
	X(udp_rx_bad_csum)                                                     \
	X(udp_rx_no_port)                                                      \
	X(udp_tx)                                                              \
	X(udp_tx_too_big)

#define RTS_COUNTERS_TCP(X)                                                    \
	X(tcp_rx)                                                              \
	X(tcp_rx_malformed)        /* bad data offset, length */              \
	X(tcp_rx_bad_csum)                                                     \
	X(tcp_rx_bad_opts)         /* options run past the header */          \
	X(tcp_rx_no_conn)          /* answered with RST */                    \
	X(tcp_rx_out_of_window)                                                \
	X(tcp_rx_old_ack)                                                      \
	X(tcp_rx_future_ack)       /* ACK of unsent data */                   \
	X(tcp_rx_paws_reject)                                                  \
	X(tcp_rx_ooo)              /* segments queued out of order */         \
	X(tcp_rx_ooo_drop)         /* out-of-order queue full */              \
	X(tcp_rx_dup)              /* fully duplicate segments */             \
	X(tcp_rx_rcvbuf_full)      /* data beyond the receive window */       \
	X(tcp_rx_rst)                                                          \
	X(tcp_rx_rst_bad)          /* RST outside the window: ignored */      \
	X(tcp_rx_syn_bad)          /* unexpected SYN in a synchronised state */ \
	X(tcp_rx_bad_flags)        /* flags invalid for the state (no ACK, ...) */ \
	X(tcp_rx_data_after_fin)   /* data past the peer's FIN: not delivered */ \
	X(tcp_rx_challenge_ack)    /* RFC 5961 challenge ACKs sent */         \
	X(tcp_rx_challenge_limited)                                            \
	X(tcp_rx_listen_overflow)  /* backlog full */                         \
	X(tcp_rx_syncookie_sent)                                               \
	X(tcp_rx_syncookie_ok)                                                 \
	X(tcp_rx_syncookie_bad)                                                \
	X(tcp_tx_segs)                                                         \
	X(tcp_tx_bytes)                                                        \
	X(tcp_tx_rst)                                                          \
	X(tcp_tx_retrans)                                                      \
	X(tcp_tx_fast_retrans)                                                 \
	X(tcp_tx_tlp)                                                          \
	X(tcp_tx_zwp)              /* zero-window probes */                   \
	X(tcp_tx_keepalive)                                                    \
	X(tcp_tx_delack)                                                       \
	X(tcp_tx_no_buf)           /* could not allocate a header buffer */   \
	X(tcp_rto_fired)                                                       \
	X(tcp_conn_active)                                                     \
	X(tcp_conn_passive)                                                    \
	X(tcp_conn_closed)                                                     \
	X(tcp_conn_reset)                                                      \
	X(tcp_conn_timeout)                                                    \
	X(tcp_conn_refused)                                                    \
	X(tcp_conn_no_slot)        /* connection table full */                \
	X(tcp_sndbuf_full)                                                     \
	X(tcp_timewait_reuse)                                                  \
	X(tcp_rx_sack_rejected)    /* SACK blocks outside [snd_una, snd_max] */ \
	X(tcp_sack_no_state)       /* SACK state pool empty: NewReno used */ \
	X(tcp_rx_predicted)        /* segments taken by header prediction */

#define RTS_COUNTERS_IPV6(X)                                                   \
	X(ip6_rx)                                                              \
	X(ip6_rx_too_short)                                                    \
	X(ip6_rx_bad_version)                                                  \
	X(ip6_rx_bad_len)                                                      \
	X(ip6_rx_not_for_us)                                                   \
	X(ip6_rx_bad_src)                                                      \
	X(ip6_rx_hop_limit)                                                    \
	X(ip6_rx_ext_bad)          /* extension chain runs off the packet */  \
	X(ip6_rx_ext_too_long)     /* more extension headers than allowed */  \
	X(ip6_rx_rh0)              /* routing header type 0 rejected */       \
	X(ip6_rx_rh_unknown)       /* other routing type, segments left */    \
	X(ip6_rx_unknown_opt)                                                  \
	X(ip6_rx_unknown_proto)                                                \
	X(ip6_rx_no_next)          /* Next Header 59: nothing to deliver */   \
	X(ip6_rx_frags)                                                        \
	X(ip6_rx_frag_bad)         /* bad length/offset, chain not in first */ \
	X(ip6_reass_ok)                                                        \
	X(ip6_reass_timeout)                                                   \
	X(ip6_reass_overlap)       /* RFC 5722: whole datagram dropped */     \
	X(ip6_reass_dup)           /* exact duplicate fragment dropped */     \
	X(ip6_reass_no_mem)                                                    \
	X(ip6_reass_too_big)       /* reassembled payload over 65535 */       \
	X(ip6_tx)                                                              \
	X(ip6_tx_no_route)                                                     \
	X(ip6_tx_frags)                                                        \
	X(ip6_tx_too_big)          /* over 65535 even in fragments */         \
	X(ip6_tx_flow_slow)        /* flow template stale: full send path */  \
	X(ip6_tx_tentative)        /* source still under DAD: held back */    \
	X(icmp6_rx)                                                            \
	X(icmp6_rx_bad_csum)                                                   \
	X(icmp6_rx_malformed)                                                  \
	X(icmp6_rx_echo_req)                                                   \
	X(icmp6_rx_echo_reply)                                                 \
	X(icmp6_rx_pkt_too_big)                                                \
	X(icmp6_rx_unreach)                                                    \
	X(icmp6_rx_time_exceeded)                                              \
	X(icmp6_rx_param_problem)                                              \
	X(icmp6_rx_bad_quote)      /* error quoting a packet not ours */      \
	X(icmp6_rx_other)                                                      \
	X(icmp6_tx_echo_reply)                                                 \
	X(icmp6_tx_echo_req)                                                   \
	X(icmp6_tx_errors)                                                     \
	X(icmp6_tx_rate_limited)                                               \
	X(icmp6_tx_err_suppressed) /* RFC 4443 §2.4 (e): no error about it */ \
	X(nd_rx_ns)                                                            \
	X(nd_rx_na)                                                            \
	X(nd_rx_ra)                                                            \
	X(nd_rx_rs)                                                            \
	X(nd_rx_redirect)                                                      \
	X(nd_rx_invalid)           /* RFC 4861 §7.1 validation failed */      \
	X(nd_tx_ns)                                                            \
	X(nd_tx_na)                                                            \
	X(nd_tx_rs)                                                            \
	X(nd_tx_no_src)            /* no usable address to solicit from */    \
	X(nd_slaac_no_slot)        /* SLAAC address table full */             \
	X(nd_slaac_bad_prefix)     /* §5.5.3 (c): not a /64, lifetimes bad */ \
	X(nd_dad_conflict)                                                     \
	X(nd_stable_iid_retry)     /* RFC 7217 §6: next identifier tried */   \
	X(mld_tx_reports)                                                      \
	X(mld_rx_queries)

#define RTS_COUNTERS(X)                                                        \
	RTS_COUNTERS_ETH(X)                                                    \
	RTS_COUNTERS_ARP(X)                                                    \
	RTS_COUNTERS_IPV4(X)                                                   \
	RTS_COUNTERS_ICMP(X)                                                   \
	RTS_COUNTERS_UDP(X)                                                    \
	RTS_COUNTERS_TCP(X)                                                    \
	RTS_COUNTERS_IPV6(X)

struct rts_counters {
#define RTS_COUNTER_FIELD(name) uint64_t name;
	RTS_COUNTERS(RTS_COUNTER_FIELD)
#undef RTS_COUNTER_FIELD
};

#define RTS_COUNTER_COUNT (sizeof(struct rts_counters) / sizeof(uint64_t))

/* Name of counter @i (0 .. RTS_COUNTER_COUNT-1), as in the struct. */
const char *rts_counter_name(unsigned i);

#ifdef __cplusplus
}
#endif

#endif
