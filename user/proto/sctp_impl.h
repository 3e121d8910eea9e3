/* SPDX-License-Identifier: MIT */
/* Shared by sctp.c (the common header) and sctp_chunks.c (the chunks). Private. */
#ifndef WIRECRAFT_PROTO_SCTP_IMPL_H
#define WIRECRAFT_PROTO_SCTP_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "wirecraft/pkt.h"

/* What follows an SCTP header or a chunk (Scapy's _SCTPChunkGuessPayload): fewer than 4
 * bytes are Padding; otherwise the chunk class of the first byte, Raw for a type Scapy
 * has no class for. */
const struct wc_proto *wc_sctp_next_chunk(const struct wc_layer *l, const uint8_t *pay,
					  size_t n);

#endif
