/* SPDX-License-Identifier: MIT */
/* Every protocol wirecraft knows, and how they stack. One line per protocol, one line per
 * binding: adding a protocol touches nothing else. */
#include <string.h>

#include "wirecraft/proto.h"

/* A binding names its direction (wc_bind.only) only when it is one-way. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

extern const struct wc_proto wc_proto_ip, wc_proto_iperror, wc_proto_tcp, wc_proto_tcperror,
	wc_proto_udp, wc_proto_udperror, wc_proto_ipv6, wc_proto_iperror6;
extern const struct wc_proto wc_proto_icmp, wc_proto_icmperror, wc_proto_arp, wc_proto_dot1q,
	wc_proto_dot1ad, wc_proto_dot3, wc_proto_llc, wc_proto_snap;

/* ICMPv6 and Neighbor Discovery (icmp6.c, icmp6_nd.c). */
extern const struct wc_proto wc_proto_icmp6_echo_request, wc_proto_icmp6_echo_reply,
	wc_proto_icmp6_dest_unreach, wc_proto_icmp6_packet_too_big,
	wc_proto_icmp6_time_exceeded, wc_proto_icmp6_param_problem, wc_proto_icmp6_mld_query,
	wc_proto_icmp6_mld_report, wc_proto_icmp6_mld_done, wc_proto_icmp6_unknown,
	wc_proto_icmp6_nd_rs, wc_proto_icmp6_nd_ra, wc_proto_icmp6_nd_ns, wc_proto_icmp6_nd_na,
	wc_proto_icmp6_nd_redirect, wc_proto_icmp6_ndopt_srclladdr,
	wc_proto_icmp6_ndopt_dstlladdr, wc_proto_icmp6_ndopt_prefixinfo,
	wc_proto_icmp6_ndopt_redirectedhdr, wc_proto_icmp6_ndopt_mtu,
	wc_proto_icmp6_ndopt_shortcutlimit, wc_proto_icmp6_ndopt_advinterval,
	wc_proto_icmp6_ndopt_hainfo, wc_proto_icmp6_ndopt_srcaddrlist,
	wc_proto_icmp6_ndopt_tgtaddrlist, wc_proto_icmp6_ndopt_ipaddr,
	wc_proto_icmp6_ndopt_newrtrprefix, wc_proto_icmp6_ndopt_lla, wc_proto_icmp6_ndopt_map,
	wc_proto_icmp6_ndopt_routeinfo, wc_proto_icmp6_ndopt_rdnss, wc_proto_icmp6_ndopt_efa,
	wc_proto_icmp6_ndopt_dnssl, wc_proto_icmp6_ndopt_unknown;
/* IPv6 extension headers (ipv6_ext.c). */
extern const struct wc_proto wc_proto_ipv6_hopbyhop, wc_proto_ipv6_destopt,
	wc_proto_ipv6_routing, wc_proto_ipv6_fragment;
/* Tunnels and SCTP (vxlan.c, gre.c, mpls.c, geneve.c, sctp.c, sctp_chunks.c). */
extern const struct wc_proto wc_proto_vxlan, wc_proto_gre, wc_proto_gre_pptp,
	wc_proto_grerouting, wc_proto_mpls, wc_proto_eomcw, wc_proto_geneve, wc_proto_sctp,
	wc_proto_sctperror, wc_proto_sctp_data, wc_proto_sctp_init, wc_proto_sctp_initack,
	wc_proto_sctp_sack, wc_proto_sctp_hbreq, wc_proto_sctp_hback, wc_proto_sctp_abort,
	wc_proto_sctp_shutdown, wc_proto_sctp_shutdown_ack, wc_proto_sctp_error,
	wc_proto_sctp_cookie_echo, wc_proto_sctp_cookie_ack, wc_proto_sctp_shutdown_complete,
	wc_proto_sctp_auth, wc_proto_sctp_asconf, wc_proto_sctp_asconf_ack;
/* DNS (dns.c). */
extern const struct wc_proto wc_proto_dns, wc_proto_dnsqr, wc_proto_dnsrr, wc_proto_dnsrrmx,
	wc_proto_dnsrrsoa, wc_proto_dnsrrsrv, wc_proto_dnsrropt;
/* Wave 2: BOOTP, DHCP and NTP (bootp.c, dhcp.c, ntp.c). */
extern const struct wc_proto wc_proto_bootp, wc_proto_dhcp, wc_proto_ntp;
/* Where Scapy's ND and MLD classes send by default (their overload_fields). */
#define IP6_ALL_NODES WC_IP6(0xff02000000000000, 1)
#define IP6_ALL_ROUTERS WC_IP6(0xff02000000000000, 2)

static const struct wc_proto *const protos[] = {
	&wc_proto_ether,
	&wc_proto_ip,
	&wc_proto_ipv6,
	&wc_proto_tcp,
	&wc_proto_udp,
	&wc_proto_iperror,
	&wc_proto_tcperror,
	&wc_proto_udperror,
	&wc_proto_iperror6,
	&wc_proto_icmp,
	&wc_proto_icmperror,
	&wc_proto_arp,
	&wc_proto_dot1q,
	&wc_proto_dot1ad,
	&wc_proto_dot3,
	&wc_proto_llc,
	&wc_proto_snap,
	&wc_proto_icmp6_echo_request,
	&wc_proto_icmp6_echo_reply,
	&wc_proto_icmp6_dest_unreach,
	&wc_proto_icmp6_packet_too_big,
	&wc_proto_icmp6_time_exceeded,
	&wc_proto_icmp6_param_problem,
	&wc_proto_icmp6_mld_query,
	&wc_proto_icmp6_mld_report,
	&wc_proto_icmp6_mld_done,
	&wc_proto_icmp6_unknown,
	&wc_proto_icmp6_nd_rs,
	&wc_proto_icmp6_nd_ra,
	&wc_proto_icmp6_nd_ns,
	&wc_proto_icmp6_nd_na,
	&wc_proto_icmp6_nd_redirect,
	&wc_proto_icmp6_ndopt_srclladdr,
	&wc_proto_icmp6_ndopt_dstlladdr,
	&wc_proto_icmp6_ndopt_prefixinfo,
	&wc_proto_icmp6_ndopt_redirectedhdr,
	&wc_proto_icmp6_ndopt_mtu,
	&wc_proto_icmp6_ndopt_shortcutlimit,
	&wc_proto_icmp6_ndopt_advinterval,
	&wc_proto_icmp6_ndopt_hainfo,
	&wc_proto_icmp6_ndopt_srcaddrlist,
	&wc_proto_icmp6_ndopt_tgtaddrlist,
	&wc_proto_icmp6_ndopt_ipaddr,
	&wc_proto_icmp6_ndopt_newrtrprefix,
	&wc_proto_icmp6_ndopt_lla,
	&wc_proto_icmp6_ndopt_map,
	&wc_proto_icmp6_ndopt_routeinfo,
	&wc_proto_icmp6_ndopt_rdnss,
	&wc_proto_icmp6_ndopt_efa,
	&wc_proto_icmp6_ndopt_dnssl,
	&wc_proto_icmp6_ndopt_unknown,
	&wc_proto_ipv6_hopbyhop,
	&wc_proto_ipv6_destopt,
	&wc_proto_ipv6_routing,
	&wc_proto_ipv6_fragment,
	&wc_proto_raw,
	&wc_proto_padding,
	/* Tunnels and SCTP (issue 10, wave 2). */
	&wc_proto_vxlan,
	&wc_proto_gre,
	&wc_proto_gre_pptp,
	&wc_proto_grerouting,
	&wc_proto_mpls,
	&wc_proto_eomcw,
	&wc_proto_geneve,
	&wc_proto_sctp,
	&wc_proto_sctperror,
	&wc_proto_sctp_data,
	&wc_proto_sctp_init,
	&wc_proto_sctp_initack,
	&wc_proto_sctp_sack,
	&wc_proto_sctp_hbreq,
	&wc_proto_sctp_hback,
	&wc_proto_sctp_abort,
	&wc_proto_sctp_shutdown,
	&wc_proto_sctp_shutdown_ack,
	&wc_proto_sctp_error,
	&wc_proto_sctp_cookie_echo,
	&wc_proto_sctp_cookie_ack,
	&wc_proto_sctp_shutdown_complete,
	&wc_proto_sctp_auth,
	&wc_proto_sctp_asconf,
	&wc_proto_sctp_asconf_ack,
	/* DNS (issue 10): the message and its records. */
	&wc_proto_dns,
	&wc_proto_dnsqr,
	&wc_proto_dnsrr,
	&wc_proto_dnsrrmx,
	&wc_proto_dnsrrsoa,
	&wc_proto_dnsrrsrv,
	&wc_proto_dnsrropt,
	/* Wave 2: BOOTP, DHCP, NTP */
	&wc_proto_bootp,
	&wc_proto_dhcp,
	&wc_proto_ntp,
};

/* Order matters when dissecting (first match wins) and when building (last match wins),
 * as in Scapy's bind_layers. */
static const struct wc_bind binds[] = {
	{&wc_proto_ether, &wc_proto_ip, {{"type", 0x0800}}},
	{&wc_proto_ether, &wc_proto_ipv6, {{"type", 0x86dd}}},
	{&wc_proto_ipv6, &wc_proto_tcp, {{"nh", 6}}},
	{&wc_proto_ipv6, &wc_proto_udp, {{"nh", 17}}},
	{&wc_proto_iperror6, &wc_proto_tcperror, {{"nh", 6}}},
	{&wc_proto_iperror6, &wc_proto_udperror, {{"nh", 17}}},
	/* IPv6 extension headers; they take IPv6's bindings for what follows them. */
	{&wc_proto_ipv6, &wc_proto_ipv6_hopbyhop, {{"nh", 0}}},
	{&wc_proto_ipv6, &wc_proto_ipv6_routing, {{"nh", 43}}},
	{&wc_proto_ipv6, &wc_proto_ipv6_fragment, {{"nh", 44}}},
	{&wc_proto_ipv6, &wc_proto_ipv6_destopt, {{"nh", 60}}},
	{&wc_proto_iperror6, &wc_proto_ipv6_hopbyhop, {{"nh", 0}}},
	{&wc_proto_iperror6, &wc_proto_ipv6_routing, {{"nh", 43}}},
	{&wc_proto_iperror6, &wc_proto_ipv6_fragment, {{"nh", 44}}},
	{&wc_proto_iperror6, &wc_proto_ipv6_destopt, {{"nh", 60}}},
	/* ICMPv6: any nh=58 binding dissects through the shared type dispatch; building
	 * sets nh, and for ND and MLD also hlim and dst as Scapy's overload_fields do. */
	{&wc_proto_ipv6, &wc_proto_icmp6_echo_request, {{"nh", 58}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_echo_reply, {{"nh", 58}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_dest_unreach, {{"nh", 58}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_packet_too_big, {{"nh", 58}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_time_exceeded, {{"nh", 58}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_param_problem, {{"nh", 58}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_unknown, {{"nh", 58}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_mld_query,
	 {{"nh", 58}, {"hlim", 1}, {"dst", IP6_ALL_NODES}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_mld_report, {{"nh", 58}, {"hlim", 1}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_mld_done,
	 {{"nh", 58}, {"hlim", 1}, {"dst", IP6_ALL_ROUTERS}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_nd_rs,
	 {{"nh", 58}, {"hlim", 255}, {"dst", IP6_ALL_ROUTERS}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_nd_ra,
	 {{"nh", 58}, {"hlim", 255}, {"dst", IP6_ALL_NODES}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_nd_ns,
	 {{"nh", 58}, {"hlim", 255}, {"dst", IP6_ALL_NODES}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_nd_na,
	 {{"nh", 58}, {"hlim", 255}, {"dst", IP6_ALL_NODES}}},
	{&wc_proto_ipv6, &wc_proto_icmp6_nd_redirect,
	 {{"nh", 58}, {"hlim", 255}, {"dst", IP6_ALL_NODES}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_echo_request, {{"nh", 58}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_echo_reply, {{"nh", 58}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_dest_unreach, {{"nh", 58}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_packet_too_big, {{"nh", 58}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_time_exceeded, {{"nh", 58}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_param_problem, {{"nh", 58}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_unknown, {{"nh", 58}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_mld_query,
	 {{"nh", 58}, {"hlim", 1}, {"dst", IP6_ALL_NODES}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_mld_report, {{"nh", 58}, {"hlim", 1}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_mld_done,
	 {{"nh", 58}, {"hlim", 1}, {"dst", IP6_ALL_ROUTERS}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_nd_rs,
	 {{"nh", 58}, {"hlim", 255}, {"dst", IP6_ALL_ROUTERS}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_nd_ra,
	 {{"nh", 58}, {"hlim", 255}, {"dst", IP6_ALL_NODES}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_nd_ns,
	 {{"nh", 58}, {"hlim", 255}, {"dst", IP6_ALL_NODES}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_nd_na,
	 {{"nh", 58}, {"hlim", 255}, {"dst", IP6_ALL_NODES}}},
	{&wc_proto_iperror6, &wc_proto_icmp6_nd_redirect,
	 {{"nh", 58}, {"hlim", 255}, {"dst", IP6_ALL_NODES}}},
	/* Tunnels, as Scapy binds them: IP in IP (IPerror quoting one gives IPerror), IPv6 in
	 * IP (any fragment), IP and IPv6 in IPv6. IPerror6 takes IPv6's (its aliastypes). */
	{&wc_proto_ip, &wc_proto_ip, {{"frag", 0}, {"proto", 4}}},
	{&wc_proto_ip, &wc_proto_ipv6, {{"proto", 41}}},
	{&wc_proto_iperror, &wc_proto_iperror, {{"frag", 0}, {"proto", 4}}},
	{&wc_proto_ipv6, &wc_proto_ipv6, {{"nh", 41}}},
	{&wc_proto_ipv6, &wc_proto_ip, {{"nh", 4}}},
	{&wc_proto_iperror6, &wc_proto_ipv6, {{"nh", 41}}},
	{&wc_proto_iperror6, &wc_proto_ip, {{"nh", 4}}},
	{&wc_proto_ip, &wc_proto_tcp, {{"frag", 0}, {"proto", 6}}},
	{&wc_proto_ip, &wc_proto_udp, {{"frag", 0}, {"proto", 17}}},
	{&wc_proto_iperror, &wc_proto_tcperror, {{"frag", 0}, {"proto", 6}}},
	{&wc_proto_iperror, &wc_proto_udperror, {{"frag", 0}, {"proto", 17}}},
	/* ICMP, ARP, VLAN tags, 802.3/LLC/SNAP. Dot1Q and Dot1AD take Ether's bindings
	 * (bind_as), so the Ether lines below also give Dot1Q/IP, QinQ, Dot1Q/ARP... */
	{&wc_proto_ip, &wc_proto_icmp, {{"frag", 0}, {"proto", 1}}},
	{&wc_proto_iperror, &wc_proto_icmperror, {{"frag", 0}, {"proto", 1}}},
	{&wc_proto_ether, &wc_proto_arp, {{"type", 0x0806}}},
	{&wc_proto_ether, &wc_proto_dot1q, {{"type", 0x8100}}},
	{&wc_proto_ether, &wc_proto_dot1ad, {{"type", 0x88a8}}},
	{&wc_proto_ether, &wc_proto_llc, {{"type", 0x8870}}},
	{&wc_proto_dot3, &wc_proto_llc, {{NULL, 0}}},
	{&wc_proto_llc, &wc_proto_snap, {{"dsap", 0xaa}, {"ssap", 0xaa}, {"ctrl", 3}}},
	{&wc_proto_snap, &wc_proto_dot1q, {{"code", 0x8100}}},
	{&wc_proto_snap, &wc_proto_arp, {{"code", 0x0806}}},
	{&wc_proto_snap, &wc_proto_ip, {{"code", 0x0800}}},
	{&wc_proto_snap, &wc_proto_ipv6, {{"code", 0x86dd}}},
	/* Tunnels and SCTP (issue 10, wave 2), in Scapy 2.5's order (with scapy.contrib.mpls
	 * and scapy.contrib.geneve loaded). VXLAN: every port Scapy binds, both ways (building
	 * takes the last: sport and dport 4789); the inner layer by NextProtocol (vxlan.c
	 * guesses it), building sets the flags and NextProtocol as Scapy's bind_top_down. */
	{&wc_proto_udp, &wc_proto_vxlan, {{"dport", 4789}}},
	{&wc_proto_udp, &wc_proto_vxlan, {{"dport", 4790}}},
	{&wc_proto_udp, &wc_proto_vxlan, {{"dport", 6633}}},
	{&wc_proto_udp, &wc_proto_vxlan, {{"dport", 8472}}},
	{&wc_proto_udp, &wc_proto_vxlan, {{"dport", 48879}}},
	{&wc_proto_udp, &wc_proto_vxlan, {{"sport", 4789}}},
	{&wc_proto_udp, &wc_proto_vxlan, {{"sport", 4790}}},
	{&wc_proto_udp, &wc_proto_vxlan, {{"sport", 6633}}},
	{&wc_proto_udp, &wc_proto_vxlan, {{"sport", 8472}}},
	{&wc_proto_udp, &wc_proto_vxlan, {{"sport", 4789}, {"dport", 4789}}},
	{&wc_proto_vxlan, &wc_proto_ether, {{"flags", 12}, {"NextProtocol", 0}}, WC_BIND_BUILD},
	{&wc_proto_vxlan, &wc_proto_ip, {{"flags", 12}, {"NextProtocol", 1}}, WC_BIND_BUILD},
	{&wc_proto_vxlan, &wc_proto_ipv6, {{"flags", 12}, {"NextProtocol", 2}}, WC_BIND_BUILD},
	{&wc_proto_vxlan, &wc_proto_ether, {{"flags", 12}, {"NextProtocol", 3}}, WC_BIND_BUILD},
	/* GRE over IP (not a fragment) and IPv6; what it carries. Scapy's GRE/Dot1AD binding
	 * names a field GRE lacks (type) and never matches: left out. */
	{&wc_proto_ip, &wc_proto_gre, {{"frag", 0}, {"proto", 47}}},
	{&wc_proto_ipv6, &wc_proto_gre, {{"nh", 47}}},
	{&wc_proto_gre, &wc_proto_llc, {{"proto", 122}}},
	{&wc_proto_gre, &wc_proto_dot1q, {{"proto", 0x8100}}},
	{&wc_proto_gre, &wc_proto_ether, {{"proto", 0x6558}}},
	{&wc_proto_gre, &wc_proto_arp, {{"proto", 0x0806}}},
	{&wc_proto_gre, &wc_proto_grerouting, {{"routing_present", 1}}},
	{&wc_proto_gre, &wc_proto_ip, {{"proto", 0x0800}}},
	{&wc_proto_gre, &wc_proto_ipv6, {{"proto", 0x86dd}}},
	{&wc_proto_grerouting, &wc_proto_raw, {{"address_family", 0}, {"SRE_len", 0}}},
	{&wc_proto_grerouting, &wc_proto_grerouting, {{NULL, 0}}},
	/* MPLS: over Ethernet, GRE, UDP 6635 and IP/IPv6 (137); above it, building sets the
	 * lower entry's s to 0 and an explicit-null label for IP (0) and IPv6 (2); dissection
	 * goes by mpls.c's guess (Scapy's guess_payload_class). */
	{&wc_proto_ether, &wc_proto_mpls, {{"type", 0x8847}}},
	{&wc_proto_ip, &wc_proto_mpls, {{"proto", 137}}},
	{&wc_proto_ipv6, &wc_proto_mpls, {{"nh", 137}}},
	{&wc_proto_udp, &wc_proto_mpls, {{"dport", 6635}}},
	{&wc_proto_gre, &wc_proto_mpls, {{"proto", 0x8847}}},
	{&wc_proto_mpls, &wc_proto_mpls, {{"s", 0}}},
	{&wc_proto_mpls, &wc_proto_ip, {{"label", 0}}},
	{&wc_proto_mpls, &wc_proto_ipv6, {{"label", 2}}},
	{&wc_proto_mpls, &wc_proto_eomcw, {{NULL, 0}}},
	{&wc_proto_eomcw, &wc_proto_ether, {{"zero", 0}, {"reserved", 0}}},
	/* GENEVE on UDP 6081. */
	{&wc_proto_udp, &wc_proto_geneve, {{"dport", 6081}}},
	{&wc_proto_geneve, &wc_proto_ether, {{"proto", 0x6558}}},
	{&wc_proto_geneve, &wc_proto_ip, {{"proto", 0x0800}}},
	{&wc_proto_geneve, &wc_proto_ipv6, {{"proto", 0x86dd}}},
	/* SCTP over IP (any fragment, as Scapy binds it) and IPv6 (IPerror6 takes it too, through
	 * bind_as), and quoted in ICMP errors. Chunks follow by type (sctp_chunks.c). */
	{&wc_proto_ip, &wc_proto_sctp, {{"proto", 132}}},
	{&wc_proto_iperror, &wc_proto_sctperror, {{"proto", 132}}},
	{&wc_proto_ipv6, &wc_proto_sctp, {{"nh", 132}}},
	{&wc_proto_iperror6, &wc_proto_sctp, {{"nh", 132}}},
	{&wc_proto_iperror6, &wc_proto_gre, {{"nh", 47}}},
	{&wc_proto_iperror6, &wc_proto_mpls, {{"nh", 137}}},
	/* Building a quoted IPerror over these takes IP's values (Scapy's aliastypes);
	 * dissecting one does not (IPerror has its own list of payloads). */
	{&wc_proto_iperror, &wc_proto_gre, {{"frag", 0}, {"proto", 47}}, WC_BIND_BUILD},
	{&wc_proto_iperror, &wc_proto_mpls, {{"proto", 137}}, WC_BIND_BUILD},
	{&wc_proto_iperror, &wc_proto_sctp, {{"proto", 132}}, WC_BIND_BUILD},
	/* GRE_PPTP is a GRE subclass: it takes GRE's IP and IPv6 values when built; its
	 * bytes dissect as GRE, which hands them to GRE_PPTP (gre.c's dispatch). */
	{&wc_proto_ip, &wc_proto_gre_pptp, {{"frag", 0}, {"proto", 47}}, WC_BIND_BUILD},
	{&wc_proto_ipv6, &wc_proto_gre_pptp, {{"nh", 47}}, WC_BIND_BUILD},
	/* DNS (issue 10), in Scapy 2.5's order: dissecting takes the first that matches,
	 * building the last (UDP sport 53, TCP sport 53). */
	{&wc_proto_udp, &wc_proto_dns, {{"dport", 5353}}},
	{&wc_proto_udp, &wc_proto_dns, {{"sport", 5353}}},
	{&wc_proto_udp, &wc_proto_dns, {{"dport", 53}}},
	{&wc_proto_udp, &wc_proto_dns, {{"sport", 53}}},
	{&wc_proto_tcp, &wc_proto_dns, {{"dport", 53}}},
	{&wc_proto_tcp, &wc_proto_dns, {{"sport", 53}}},
	/* Wave 2: BOOTP on the DHCP ports (Scapy's bind_bottom_up 67/67 first: it only
	 * dissects; building takes the last, server to client), DHCP by the magic cookie (bootp.c). */
	{&wc_proto_udp, &wc_proto_bootp, {{"dport", 67}, {"sport", 67}}},
	{&wc_proto_udp, &wc_proto_bootp, {{"dport", 67}, {"sport", 68}}},
	{&wc_proto_udp, &wc_proto_bootp, {{"dport", 68}, {"sport", 67}}},
	/* NTP on port 123 either way; building sets both, as Scapy's last binding does. */
	{&wc_proto_udp, &wc_proto_ntp, {{"sport", 123}}},
	{&wc_proto_udp, &wc_proto_ntp, {{"dport", 123}}},
	{&wc_proto_udp, &wc_proto_ntp, {{"sport", 123}, {"dport", 123}}},
};

/* Scapy classes whose constructor returns another class (their dispatch_hook). */
static const struct {
	const char *name;
	const struct wc_proto *proto;
} aliases[] = {
	{"NTP", &wc_proto_ntp}, /* wave 2: NTP() is an NTPHeader */
};

const struct wc_proto *wc_proto_find(const char *name)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(protos[i]->name, name) == 0)
			return protos[i];
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].name, name) == 0)
			return aliases[i].proto;
	return NULL;
}

const struct wc_proto *const *wc_proto_all(size_t *n)
{
	*n = sizeof(protos) / sizeof(protos[0]);
	return protos;
}

const struct wc_bind *wc_binds(size_t *n)
{
	*n = sizeof(binds) / sizeof(binds[0]);
	return binds;
}
