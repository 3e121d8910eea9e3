// SPDX-License-Identifier: BSD-2-Clause
/*
 * Loading, configuring and attaching the XDP reflector (bpf/reflect.bpf.c) from its embedded
 * skeleton, and reading its counters.
 *
 * Attachment (user/xdp_attach.c): a bpf_link held by this process on a free interface, so that
 * when the process exits, however it exits (kill -9 included), the program leaves; a component
 * of the libxdp dispatcher on an interface that runs one (bpf/reflect.bpf.c declares its
 * priority and chain actions); a refusal otherwise.
 */
#define _GNU_SOURCE /* vasprintf */
#include "bpf_counters.h"
#include "wirecraft/xdp.h"
#include "xdp_attach.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "reflect.skel.h"

struct wc_reflect {
	struct reflect_bpf *skel;
	struct wc_xdp_att att;
	enum wc_xdp_mode mode;
};

/* ---- libbpf messages --------------------------------------------------------------------- */

static wc_xdp_log_fn log_fn;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *buf;
	size_t n;

	if (!log_fn || level == LIBBPF_DEBUG)
		return 0;
	/* a verifier log can be megabytes: no fixed buffer */
	if (vasprintf(&buf, fmt, ap) < 0)
		return 0;
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n)
		log_fn(buf);
	free(buf);
	return 0;
}

void wc_xdp_set_log(wc_xdp_log_fn fn)
{
	log_fn = fn;
	libbpf_set_print(libbpf_log);
}

/* libbpf prints to stderr unless told otherwise; a library must not. */
static void quiet_libbpf(void)
{
	libbpf_set_print(libbpf_log);
}

/* The same for the library's other loaders (bpf_counters.h). */
void wc_xdp_libbpf_quiet(void)
{
	quiet_libbpf();
}

/* ---- names and addresses ----------------------------------------------------------------- */

static const char *const counter_names[WC_RC__MAX] = {
	[WC_RC_PASS] = "passed",     [WC_RC_IGNORED] = "ignored", [WC_RC_MALFORMED] = "malformed",
	[WC_RC_ARP] = "arp",         [WC_RC_NDP] = "ndp",         [WC_RC_SYNACK] = "synack",
	[WC_RC_RST] = "rst",         [WC_RC_ECHO] = "echo",       [WC_RC_UDP_ECHO] = "udp-echo",
	[WC_RC_UNREACH] = "unreach", [WC_RC_ERROR] = "errors",
};

const char *wc_reflect_counter_name(int counter)
{
	if (counter < 0 || counter >= WC_RC__MAX)
		return NULL;
	return counter_names[counter];
}

void wc_reflect_mac4(struct in_addr addr, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	memcpy(mac + 2, &addr.s_addr, 4);
}

void wc_reflect_mac6(const struct in6_addr *addr, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	memcpy(mac + 2, addr->s6_addr + 12, 4);
}

/* Prefix length -> mask, written as the 32-bit words the BPF program compares (network order
 * bytes, so the program never swaps). */
static void mask_words(unsigned int plen, unsigned int nwords, uint32_t *out)
{
	for (unsigned int i = 0; i < nwords; i++) {
		uint8_t b[4];

		for (unsigned int j = 0; j < 4; j++) {
			unsigned int bit = (i * 4 + j) * 8;

			b[j] = plen >= bit + 8 ? 0xff : plen <= bit ? 0 : (uint8_t)(0xff << (8 - (plen - bit)));
		}
		memcpy(&out[i], b, 4);
	}
}

/* ---- open / attach / detach -------------------------------------------------------------- */

static void bitmap_set(__u64 *bm, uint16_t port, bool open)
{
	__u64 bit = 1ULL << (port & 63);

	/* The program reads these words concurrently once loaded: change one bit atomically. */
	if (open)
		__atomic_fetch_or(&bm[port >> 6], bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&bm[port >> 6], ~bit, __ATOMIC_RELAXED);
}

#define KNOWN_FLAGS (WC_RF_HOSTS4 | WC_RF_HOSTS6 | WC_RF_ICMP | WC_RF_RST | WC_RF_UNREACH)

static int check_opts(const struct wc_reflect_opts *o)
{
	if (o->flags & ~KNOWN_FLAGS)
		return -EINVAL;
	if (!(o->flags & (WC_RF_HOSTS4 | WC_RF_HOSTS6)))
		return -EINVAL;
	if (o->hosts4_len > 32 || o->hosts6_len > 128)
		return -EINVAL;
	if ((o->n_tcp_open && !o->tcp_open) || (o->n_udp_open && !o->udp_open) ||
	    (o->n_excl4 && !o->excl4) || (o->n_excl6 && !o->excl6))
		return -EINVAL;
	if (o->n_excl4 > WC_REFLECT_MAX_EXCL || o->n_excl6 > WC_REFLECT_MAX_EXCL)
		return -E2BIG;
	if (o->mode != WC_XDP_AUTO && o->mode != WC_XDP_NATIVE && o->mode != WC_XDP_SKB)
		return -EINVAL;
	return 0;
}

int wc_reflect_open(struct wc_reflect **out, const struct wc_reflect_opts *uopts)
{
	struct wc_reflect_opts o;
	struct reflect_bpf__rodata *ro;
	struct wc_reflect *r;
	size_t n;
	int err;

	if (!out || !uopts || uopts->sz < offsetof(struct wc_reflect_opts, mode))
		return -EINVAL;
	/* libbpf's rule for extensible structs: a newer caller's extra fields must be zero */
	for (n = sizeof(o); n < uopts->sz; n++)
		if (((const char *)uopts)[n])
			return -E2BIG;
	memset(&o, 0, sizeof(o));
	memcpy(&o, uopts, uopts->sz < sizeof(o) ? uopts->sz : sizeof(o));
	err = check_opts(&o);
	if (err)
		return err;

	quiet_libbpf();
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	wc_xdp_att_init(&r->att);
	r->mode = o.mode;
	r->skel = reflect_bpf__open();
	if (!r->skel) {
		err = -errno;
		goto fail;
	}

	ro = r->skel->rodata;
	ro->cfg_flags = o.flags;
	if (o.flags & WC_RF_HOSTS4) {
		mask_words(o.hosts4_len, 1, &ro->cfg_mask4);
		ro->cfg_net4 = o.hosts4.s_addr & ro->cfg_mask4;
	}
	if (o.flags & WC_RF_HOSTS6) {
		uint32_t net[4];

		mask_words(o.hosts6_len, 4, ro->cfg_mask6);
		memcpy(net, o.hosts6.s6_addr, 16);
		for (int i = 0; i < 4; i++)
			ro->cfg_net6[i] = net[i] & ro->cfg_mask6[i];
	}
	for (n = 0; n < o.n_excl4; n++)
		ro->cfg_excl4[n] = o.excl4[n].s_addr;
	ro->cfg_n_excl4 = (uint32_t)o.n_excl4;
	for (n = 0; n < o.n_excl6; n++)
		memcpy(ro->cfg_excl6[n], o.excl6[n].s6_addr, 16);
	ro->cfg_n_excl6 = (uint32_t)o.n_excl6;
	/* The ISN key: a scanner that sees many SYN-ACKs must not be able to predict the next. */
	if (getrandom(ro->cfg_key, sizeof(ro->cfg_key), 0) != (ssize_t)sizeof(ro->cfg_key)) {
		err = errno ? -errno : -EIO;
		goto fail;
	}
	for (n = 0; n < o.n_tcp_open; n++)
		bitmap_set(r->skel->bss->tcp_open, o.tcp_open[n], true);
	for (n = 0; n < o.n_udp_open; n++)
		bitmap_set(r->skel->bss->udp_open, o.udp_open[n], true);

	/* wc_pass is for the peer of a veth and is loaded by `ip link`, never by us. */
	bpf_program__set_autoload(r->skel->progs.wc_pass, false);
	err = reflect_bpf__load(r->skel);
	if (err)
		goto fail;
	*out = r;
	return 0;
fail:
	wc_reflect_close(r);
	return err < 0 ? err : -EINVAL;
}

int wc_reflect_attach(struct wc_reflect *r, int ifindex)
{
	struct wc_xdp_att_req rq = {.prog_name = "wc_reflect", .mode = r ? r->mode : WC_XDP_AUTO};

	if (!r || ifindex <= 0)
		return -EINVAL;
	rq.loaded = r->skel->obj;
	rq.elf = reflect_bpf__elf_bytes(&rq.elf_sz);
	return wc_xdp_att_attach(&r->att, &rq, ifindex);
}

void wc_reflect_detach(struct wc_reflect *r)
{
	if (r)
		wc_xdp_att_detach(&r->att);
}

bool wc_reflect_shared(const struct wc_reflect *r)
{
	return r && wc_xdp_att_shared(&r->att);
}

void wc_reflect_close(struct wc_reflect *r)
{
	if (!r)
		return;
	wc_reflect_detach(r);
	reflect_bpf__destroy(r->skel);
	free(r);
}

int wc_reflect_set_port(struct wc_reflect *r, int proto, uint16_t port, bool open)
{
	if (!r)
		return -EINVAL;
	if (proto == IPPROTO_TCP)
		bitmap_set(r->skel->bss->tcp_open, port, open);
	else if (proto == IPPROTO_UDP)
		bitmap_set(r->skel->bss->udp_open, port, open);
	else
		return -EPROTONOSUPPORT;
	return 0;
}

uint32_t wc_reflect_prog_id(const struct wc_reflect *r)
{
	return r ? wc_xdp_att_prog_id(&r->att) : 0;
}

/* ---- counters ---------------------------------------------------------------------------- */

int wc_reflect_counters(const struct wc_reflect *r, uint64_t out[WC_RC__MAX])
{
	if (!r || !out)
		return -EINVAL;
	return wc_bpf_sum_percpu(bpf_map__fd(r->skel->maps.counters), out, WC_RC__MAX);
}

int wc_reflect_counters_ifindex(int ifindex, uint64_t out[WC_RC__MAX])
{
	quiet_libbpf();
	return wc_bpf_counters_ifindex(ifindex, "wc_reflect", out, WC_RC__MAX);
}
