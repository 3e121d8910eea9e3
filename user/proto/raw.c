/* SPDX-License-Identifier: MIT */
/* Raw (bytes no layer claims) and Padding (bytes beyond a length field). */
#include "wirecraft/match.h"
#include "wirecraft/proto.h"

static const struct wc_field raw_fields[] = {
	{.name = "load", .kind = WC_K_BYTES},
};

const struct wc_proto wc_proto_raw = {
	.name = "Raw",
	.title = "Raw",
	.fields = raw_fields,
	.nfields = 1,
	.answers = wc_answers_true, /* Scapy's Raw.answers: anything (Padding inherits it) */
};

const struct wc_proto wc_proto_padding = {
	.name = "Padding",
	.title = "Padding",
	.fields = raw_fields,
	.nfields = 1,
	.answers = wc_answers_true, /* Scapy's Raw.answers: anything (Padding inherits it) */
};
