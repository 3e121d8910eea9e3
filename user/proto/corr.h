/* SPDX-License-Identifier: MIT */
/* The correlation hooks (Scapy's hashret() and answers()) that protocol tables point at.
 * Private to user/proto; they live in corr_l2.c, corr_inet.c and corr_inet6.c, and the
 * contract is in wirecraft/match.h. */
#ifndef WIRECRAFT_PROTO_CORR_H
#define WIRECRAFT_PROTO_CORR_H

#include <stdbool.h>

#include "wirecraft/match.h"

#define WC_CORR_HASHRET(fn) unsigned fn(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
#define WC_CORR_ANSWERS(fn)                                                              \
	bool fn(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s, unsigned si, \
		const struct wc_match_opts *o)

/* corr_l2.c */
WC_CORR_HASHRET(wc_corr_ether_hashret);
WC_CORR_ANSWERS(wc_corr_ether_answers);
WC_CORR_ANSWERS(wc_corr_dot1q_answers);
WC_CORR_HASHRET(wc_corr_arp_hashret);
WC_CORR_ANSWERS(wc_corr_arp_answers);

/* corr_inet.c */
WC_CORR_HASHRET(wc_corr_ip_hashret); /* IP and IPerror */
WC_CORR_ANSWERS(wc_corr_ip_answers);
WC_CORR_ANSWERS(wc_corr_iperror_answers);
WC_CORR_HASHRET(wc_corr_tcp_hashret); /* TCP and TCPerror */
WC_CORR_ANSWERS(wc_corr_tcp_answers);
WC_CORR_ANSWERS(wc_corr_tcperror_answers);
WC_CORR_HASHRET(wc_corr_udp_hashret);
WC_CORR_ANSWERS(wc_corr_udp_answers);
WC_CORR_HASHRET(wc_corr_udperror_hashret);
WC_CORR_ANSWERS(wc_corr_udperror_answers);
WC_CORR_HASHRET(wc_corr_icmp_hashret); /* ICMP and ICMPerror */
WC_CORR_ANSWERS(wc_corr_icmp_answers);
WC_CORR_ANSWERS(wc_corr_icmperror_answers);

/* corr_inet6.c */
WC_CORR_HASHRET(wc_corr_ipv6_hashret); /* IPv6 and IPerror6 */
WC_CORR_ANSWERS(wc_corr_ipv6_answers);
WC_CORR_ANSWERS(wc_corr_iperror6_answers);
WC_CORR_ANSWERS(wc_corr_icmp6_answers); /* Scapy's _ICMPv6.answers, the default */
WC_CORR_HASHRET(wc_corr_icmp6_echo_hashret);
WC_CORR_ANSWERS(wc_corr_icmp6_echo_reply_answers);
WC_CORR_ANSWERS(wc_corr_icmp6_mld_report_answers);
WC_CORR_ANSWERS(wc_corr_icmp6_nd_ra_answers);
WC_CORR_HASHRET(wc_corr_icmp6_nd_tgt_hashret); /* NS and NA */
WC_CORR_ANSWERS(wc_corr_icmp6_nd_na_answers);

/* corr_tun.c (tunnels and SCTP) */
WC_CORR_HASHRET(wc_corr_sctp_hashret);
WC_CORR_ANSWERS(wc_corr_sctp_answers);
WC_CORR_HASHRET(wc_corr_sctperror_hashret);
WC_CORR_ANSWERS(wc_corr_sctperror_answers);
WC_CORR_ANSWERS(wc_corr_geneve_answers);
/* corr_dns.c */
WC_CORR_ANSWERS(wc_corr_dns_answers);
/* corr_bootp.c (wave 2: BOOTP and DHCP) */
WC_CORR_HASHRET(wc_corr_bootp_hashret);
WC_CORR_ANSWERS(wc_corr_bootp_answers);

#endif
