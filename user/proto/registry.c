/* SPDX-License-Identifier: MIT */
/* Every protocol wirecraft knows, and how they stack. One line per protocol, one line per
 * binding: adding a protocol touches nothing else. */
#include <string.h>

#include "wirecraft/proto.h"

extern const struct wc_proto wc_proto_ip, wc_proto_iperror, wc_proto_tcp, wc_proto_tcperror,
	wc_proto_udp, wc_proto_udperror, wc_proto_ipv6, wc_proto_iperror6;

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
	&wc_proto_raw,
	&wc_proto_padding,
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
	{&wc_proto_ip, &wc_proto_tcp, {{"frag", 0}, {"proto", 6}}},
	{&wc_proto_ip, &wc_proto_udp, {{"frag", 0}, {"proto", 17}}},
	{&wc_proto_iperror, &wc_proto_tcperror, {{"frag", 0}, {"proto", 6}}},
	{&wc_proto_iperror, &wc_proto_udperror, {{"frag", 0}, {"proto", 17}}},
};

const struct wc_proto *wc_proto_find(const char *name)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(protos[i]->name, name) == 0)
			return protos[i];
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
