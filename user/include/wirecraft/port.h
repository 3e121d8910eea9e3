/* SPDX-License-Identifier: MIT */
/* Transports behind one small interface: AF_XDP (libxdp), AF_PACKET (TPACKET_V3 ring with
 * qdisc bypass), and a pcap file for dry runs. Frames live in memory the port owns; the
 * sender patches them in place (see tmpl.h), so nothing is copied or allocated per packet. */
#ifndef WIRECRAFT_PORT_H
#define WIRECRAFT_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wc_engine {
	WC_ENGINE_AUTO = 0,
	WC_ENGINE_XSK,      /* AF_XDP, zero-copy if the driver has it, else copy mode */
	WC_ENGINE_XSK_COPY, /* AF_XDP, copy mode only */
	WC_ENGINE_XSK_ZC,   /* AF_XDP, zero-copy only (fails where the driver lacks it) */
	WC_ENGINE_PACKET,   /* AF_PACKET TX ring */
	WC_ENGINE_PCAP,     /* a pcap file: dry runs */
};

struct wc_port_opts {
	const char *ifname;   /* the interface (xsk, packet) */
	const char *path;     /* the pcap file (pcap) */
	bool starts_at_ip;    /* frames begin with IP/IPv6, not Ethernet (pcap: DLT_RAW) */
	enum wc_engine engine;
	unsigned queue;       /* queue id (xsk) */
	unsigned frames;      /* TX frames in the ring; 0: 4096 */
	/* Every TX frame starts out holding these bytes, once (the set's template). */
	const uint8_t *tmpl;
	size_t tmpl_len;
};

struct wc_port_stats {
	uint64_t tx_packets, tx_bytes;
	uint64_t tx_wakeups;   /* sendto() kicks: the syscalls the TX path made */
	uint64_t tx_ring_full; /* times reserve found no free frame */
};

struct wc_port;

/* Open a port. With WC_ENGINE_AUTO: AF_XDP where it works, else AF_PACKET; `why` (may be
 * NULL, 160 bytes) says why a fallback was taken. Returns 0 or -errno. */
int wc_port_open(const struct wc_port_opts *o, struct wc_port **out, char *why);
/* Close and free. A pcap port's file appears under its name only here, complete; returns
 * 0 or -errno (the file could not be finished; nothing is left under its name). */
int wc_port_close(struct wc_port *p);

/* "xsk-zc", "xsk-copy", "packet", "pcap". */
const char *wc_port_engine(const struct wc_port *p);
/* Largest frame this port sends. */
size_t wc_port_frame_cap(const struct wc_port *p);

/* Transmit in batches: reserve up to n free frames (returns how many, 0 when the ring is
 * full: call wc_port_tx_poll), fill them, submit them with their lengths. A frame holds the
 * template's bytes plus whatever the last packet sent from it wrote. */
unsigned wc_port_tx_reserve(struct wc_port *p, unsigned n, uint8_t **frames);
int wc_port_tx_submit(struct wc_port *p, unsigned n, const uint32_t *lens);
/* Reclaim sent frames and kick the kernel if it needs it; waits up to timeout_ms for room
 * when the ring is full (0: don't wait). Returns frames reclaimed or -errno. */
int wc_port_tx_poll(struct wc_port *p, int timeout_ms);
/* Wait until everything submitted has left (bounded by timeout_ms). */
int wc_port_tx_drain(struct wc_port *p, int timeout_ms);

void wc_port_get_stats(const struct wc_port *p, struct wc_port_stats *st);

#endif
