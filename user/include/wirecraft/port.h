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
	WC_ENGINE_LIVE,     /* XDP live frames: not a port (live.h); wc_port_open refuses it */
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
	/* Receive too (xsk only): frames for the RX ring, a power of two; 0: transmit only. The
	 * socket then takes what an XDP program redirects to it (see wc_port_fd()). */
	unsigned rx_frames;
};

struct wc_port_stats {
	uint64_t tx_packets, tx_bytes;
	uint64_t tx_wakeups;   /* sendto() kicks: the syscalls the TX path made */
	uint64_t tx_ring_full; /* times reserve found no free frame */
	uint64_t rx_packets, rx_bytes; /* frames handed out by wc_port_rx_peek */
	uint64_t rx_dropped;   /* the kernel's count of frames it could not queue to us (RX ring
				  or fill ring empty, XDP_STATISTICS), where the port knows it */
	/* AF_XDP's own counters (XDP_STATISTICS) one by one, for accounting: rx_dropped above is
	 * xsk_rx_dropped + xsk_rx_ring_full. 0 for other ports. */
	uint64_t xsk_rx_dropped;    /* no fill-ring frame to copy into, or a frame too long */
	uint64_t xsk_rx_ring_full;  /* the RX ring had no room */
	uint64_t xsk_fill_empty;    /* times the fill ring was found empty */
	uint64_t xsk_rx_invalid, xsk_tx_invalid; /* descriptors the kernel refused */
	uint64_t xsk_tx_ring_empty; /* times the kernel found the TX ring empty */
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
 * full: call wc_port_tx_poll), fill them, submit them with their lengths (the first n
 * reserved). A reserve replaces an earlier one that was not submitted: those frames are
 * handed out again, first (a batch whose every probe was left out sends nothing, and the
 * next one sends what it wrote, never the frames' old bytes). A frame holds the template's
 * bytes plus whatever the last packet sent from it wrote. */
unsigned wc_port_tx_reserve(struct wc_port *p, unsigned n, uint8_t **frames);
int wc_port_tx_submit(struct wc_port *p, unsigned n, const uint32_t *lens);
/* Reclaim sent frames and kick the kernel if it needs it; waits up to timeout_ms for room
 * when the ring is full (0: don't wait). Returns frames reclaimed or -errno. */
int wc_port_tx_poll(struct wc_port *p, int timeout_ms);
/* Wait until everything submitted has left (bounded by timeout_ms). */
int wc_port_tx_drain(struct wc_port *p, int timeout_ms);
/* Frames submitted and not yet completed (AF_XDP copy mode: mostly not yet sent, as the
 * kernel sends a few dozen per kick). 0 for ports that do not keep such a count. */
unsigned wc_port_tx_inflight(const struct wc_port *p);

void wc_port_get_stats(const struct wc_port *p, struct wc_port_stats *st);

/* Receiving (ports opened with rx_frames). Frames are handed out in place, in the port's
 * memory; WC_PORT_RX_HEADROOM bytes before data belong to the frame too (an XDP program's
 * metadata lands there, see bpf_xdp_adjust_meta). Peek up to n frames, use them, then give
 * all of them back with wc_port_rx_release() before peeking again. */
#define WC_PORT_RX_HEADROOM 32
struct wc_rx_frame {
	uint8_t *data;
	uint32_t len;
};
unsigned wc_port_rx_peek(struct wc_port *p, unsigned n, struct wc_rx_frame *out);
void wc_port_rx_release(struct wc_port *p);
/* Frames waiting in the RX ring (handed out or not, until released). Safe to call from
 * another thread than the one receiving: a sender uses it to hold back before the ring
 * overflows. */
unsigned wc_port_rx_pending(const struct wc_port *p);
/* The port's socket (AF_XDP: for an XSKMAP and for poll()), or -1. */
int wc_port_fd(const struct wc_port *p);

#endif
