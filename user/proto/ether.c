/* SPDX-License-Identifier: MIT */
/* Ethernet II (Scapy's Ether). */
#include "wirecraft/proto.h"

const struct wc_name wc_ether_types[] = {
	{0x0800, "IPv4"}, {0x0806, "ARP"}, {0x86dd, "IPv6"}, {0x8100, "n_802_1Q"},
	{0x88a8, "n_802_1AD"}, {0x9000, "LOOP"}, {0x8035, "RARP"}, {0x8847, "MPLS"},
	{0x88cc, "LLDP"}, {0x888e, "EAPOL"}, {0, NULL},
};

static const struct wc_field ether_fields[] = {
	/* Scapy resolves dst from the route; without an interface it is broadcast. */
	{.name = "dst", .kind = WC_K_MAC, .bits = 48, .def = 0xffffffffffffULL},
	{.name = "src", .kind = WC_K_MAC, .bits = 48},
	{.name = "type", .kind = WC_K_ENUM, .bits = 16, .def = 0x9000, .names = wc_ether_types},
};

const struct wc_proto wc_proto_ether = {
	.name = "Ether",
	.title = "Ethernet",
	.fields = ether_fields,
	.nfields = sizeof(ether_fields) / sizeof(ether_fields[0]),
};
