/* SPDX-License-Identifier: MIT */
/* libFuzzer target: wc_dissect on hostile bytes, then wc_build of what it found.
 *
 * Input: one selector byte, then the packet. The selector picks the first layer
 * (wcf_first_layer): Ether, IP, IPv6, or any registered protocol.
 *
 * Dissection must never read outside the input, and what it reports must be consistent: see
 * wcf_check_pkt. Rebuilding the dissected layers must not crash whatever their values. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

/* Large (tens of KiB) and reused: static, not on the stack. */
static struct wc_pkt pkt, rebuilt;
static uint8_t out[WC_MAX_PKT];

static bool all_ok(const struct wc_pkt *p)
{
	for (unsigned i = 0; i < p->nlayers; i++)
		if (p->l[i].status != WC_LS_OK)
			return false;
	return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wcf_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct wc_proto *first;
	const uint8_t *bytes;
	size_t len;
	uint8_t *copy;
	int err;

	if (size < 1)
		return 0;
	first = wcf_first_layer(data[0]);
	len = size - 1;
	/* An exact-size heap copy: ASan then catches a read even one byte past the end (the
	 * fuzzer's own buffer may be larger than `size`). */
	copy = malloc(len ? len : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, len);
	bytes = copy;

	err = wc_dissect(&pkt, bytes, len, first);
	if (len > WC_MAX_PKT) {
		if (err != -EMSGSIZE)
			wcf_trap("oversized input not refused with -EMSGSIZE", &pkt, -1, -1);
		goto out;
	}
	if (err != 0)
		wcf_trap("wc_dissect failed on an input it must accept", &pkt, -1, -1);
	if (pkt.buf != bytes || pkt.len != len)
		wcf_trap("dissected packet does not describe the input", &pkt, -1, -1);
	if (len > 0 && pkt.nlayers == 0)
		wcf_trap("bytes but no layer", &pkt, -1, -1);
	wcf_check_pkt(&pkt, true);

	err = wcf_rebuild(&pkt, &rebuilt, out, sizeof(out));
	/* Every dissected field is marked set, so the build must write back the same bytes:
	 * nothing is recomputed. Truncated and malformed layers are the exception (fields cut
	 * short or missing are built at full size, from defaults). Strict only, as a report of
	 * where the model loses bytes. */
	if (wcf_strict && err == 0 && all_ok(&pkt) &&
	    (rebuilt.len != len || memcmp(rebuilt.buf, bytes, len) != 0))
		wcf_trap("dissect then build did not reproduce the bytes", &rebuilt, -1, -1);
out:
	free(copy);
	return 0;
}
