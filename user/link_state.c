/* SPDX-License-Identifier: MIT */
/* An interface's link state and transmit counters (wirecraft/iface.h), read while sending so
 * that a sender can tell a link that went down, went away or lost its carrier from a slow
 * one, and say how many frames the device dropped. */
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "wirecraft/iface.h"

int wc_iface_link_state(const char *name, struct wc_link_state *out)
{
	struct ifaddrs *ifa, *i;
	int err = -ENODEV;

	memset(out, 0, sizeof(*out));
	if (getifaddrs(&ifa) < 0)
		return -errno;
	/* the AF_PACKET entry of each interface carries its flags and rtnl_link_stats */
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_PACKET || strcmp(i->ifa_name, name))
			continue;
		out->up = i->ifa_flags & IFF_UP;
		out->carrier = i->ifa_flags & IFF_RUNNING;
		if (i->ifa_data) {
			const struct rtnl_link_stats *s = i->ifa_data;

			out->tx_packets = s->tx_packets;
			out->tx_dropped = s->tx_dropped;
		}
		err = 0;
		break;
	}
	freeifaddrs(ifa);
	return err;
}
