/* SPDX-License-Identifier: MIT */
/* -i IFACE: Scapy takes unset Ether addresses and IP sources from the host; so does
 * wirecraft, from the named interface only (nothing is sent to find them). */
#include "cli.h"
#include "wirecraft/iface.h"

int cli_apply_iface(const char *ifname, struct wc_set *set)
{
	struct wc_iface ifc;
	int err = wc_iface_get(ifname, &ifc);

	return err ? err : wc_set_apply_iface(set, &ifc);
}
