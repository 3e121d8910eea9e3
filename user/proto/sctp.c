/* SPDX-License-Identifier: MIT */
/* SCTP's common header (RFC 9260) as Scapy 2.5's SCTP, and the same header quoted in ICMP
 * errors (SCTPerror). The checksum is CRC32c over the header and the chunks; Scapy stores
 * the CRC's bytes least significant first (its "reverse endianness"), which is also what
 * RFC 9260 appendix A puts on the wire. */
#include "wirecraft/crc32c.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "corr.h"
#include "sctp_impl.h"

enum { F_SPORT, F_DPORT, F_TAG, F_CHKSUM };

/* Scapy's SCTP_SERVICES: the sctp lines of the distribution's /etc/services. */
static const struct wc_name sctp_services[] = {
	{5672, "amqp"},
	{0, NULL},
};

static const struct wc_field sctp_fields[] = {
	[F_SPORT] = {.name = "sport", .kind = WC_K_ENUM, .bits = 16, .names = sctp_services},
	[F_DPORT] = {.name = "dport", .kind = WC_K_ENUM, .bits = 16, .names = sctp_services},
	[F_TAG] = {.name = "tag", .kind = WC_K_XINT, .bits = 32},
	[F_CHKSUM] = {.name = "chksum", .kind = WC_K_XINT, .bits = 32,
		      .flags = WC_FF_AUTO | WC_FF_CSUM},
};

/* Computed whenever it is not set, with or without an IP layer below (no pseudo-header),
 * over the header and the chunks but not trailing Padding. */
static int sctp_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];
	uint8_t *c = p->buf + l->off + 8;
	uint32_t crc;

	if (l->set & (1u << F_CHKSUM))
		return 0;
	c[0] = c[1] = c[2] = c[3] = 0;
	crc = wc_crc32c(0, p->buf + l->off, l->hlen + l->plen);
	c[0] = (uint8_t)crc;
	c[1] = (uint8_t)(crc >> 8);
	c[2] = (uint8_t)(crc >> 16);
	c[3] = (uint8_t)(crc >> 24);
	l->v[F_CHKSUM].u = (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | c[3];
	return 0;
}

const struct wc_proto wc_proto_sctp = {
	.name = "SCTP",
	.title = "SCTP",
	.fields = sctp_fields,
	.nfields = sizeof(sctp_fields) / sizeof(sctp_fields[0]),
	.post_build = sctp_post_build,
	.guess = wc_sctp_next_chunk,
	.guess_first = true,
	.hashret = wc_corr_sctp_hashret,
	.answers = wc_corr_sctp_answers,
};

const struct wc_proto wc_proto_sctperror = {
	.name = "SCTPerror",
	.title = "SCTP in ICMP",
	.fields = sctp_fields,
	.nfields = sizeof(sctp_fields) / sizeof(sctp_fields[0]),
	.post_build = sctp_post_build,
	.guess = wc_sctp_next_chunk,
	.guess_first = true,
	.hashret = wc_corr_sctperror_hashret,
	.answers = wc_corr_sctperror_answers,
};
