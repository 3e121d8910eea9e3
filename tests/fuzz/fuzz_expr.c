/* SPDX-License-Identifier: MIT */
/* libFuzzer target: wc_set_parse on arbitrary text, then a few packets of the set.
 *
 * The input, cut at its first NUL, is the expression. A refused expression must say where
 * and why (err.col inside the text or 0, err.msg a non-empty C string) and must refuse the
 * same way when no error report is asked for. An accepted one yields a set whose first few
 * packets (at most 4: a set may hold 2^64 of them) build into a 65535-byte buffer, are
 * checked like any built packet (wcf_check_pkt), and dissect cleanly from their own bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "wirecraft/pkt.h"
#include "wirecraft/set.h"

#define MAX_PKTS 4

static struct wc_pkt pkt, back;
static uint8_t buf[WC_MAX_PKT];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wcf_init();
	return 0;
}

static void check_refusal(const char *expr, int rc, const struct wc_err *err)
{
	size_t len = strlen(expr);
	struct wc_set *s = NULL;

	if (rc > 0)
		wcf_trap("wc_set_parse returned a positive value", NULL, -1, -1);
	if (rc == -EINVAL) {
		if (err->col < 0 || (size_t)err->col > len + 1)
			wcf_trap("err.col outside the expression", NULL, -1, -1);
		if (!memchr(err->msg, '\0', sizeof(err->msg)))
			wcf_trap("err.msg not NUL-terminated", NULL, -1, -1);
		if (err->msg[0] == '\0')
			wcf_trap("err.msg empty", NULL, -1, -1);
	}
	/* err may be NULL: the same refusal, and nothing written through the NULL. */
	if (wc_set_parse(expr, &s, NULL) != rc)
		wcf_trap("wc_set_parse answered differently without err", NULL, -1, -1);
}

static void walk(struct wc_set *s)
{
	struct wc_iter *it;
	int rc;

	(void)wc_set_count(s);
	/* A fixed seed: the same input must take the same path, or libFuzzer's coverage
	 * feedback and crash reproduction fall apart. */
	wc_set_seed(s, 0x5eed5eed5eedULL);
	rc = wc_iter_new(s, &it);
	if (rc > 0)
		wcf_trap("wc_iter_new returned a positive value", NULL, -1, -1);
	if (rc < 0)
		return;
	for (int k = 0; k < MAX_PKTS; k++) {
		wc_pkt_init(&pkt, buf, sizeof(buf));
		rc = wc_iter_next(it, &pkt);
		if (rc == -ENOENT)
			break;
		if (rc > 0)
			wcf_trap("wc_iter_next returned a positive value", &pkt, -1, -1);
		if (rc < 0)
			continue; /* this packet does not build (too long...): the next may */
		wcf_check_pkt(&pkt, false);
		if (pkt.nlayers == 0)
			continue;
		/* What we built must dissect cleanly, starting where the expression started. */
		if (wc_dissect(&back, pkt.buf, pkt.len, pkt.l[0].proto) != 0)
			wcf_trap("a built packet does not dissect", &pkt, -1, -1);
		wcf_check_pkt(&back, true);
	}
	wc_iter_free(it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *expr = malloc(size + 1);
	struct wc_set *s = NULL;
	struct wc_err err;
	int rc;

	if (!expr)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';
	/* Poison the report: a message the parser forgot to terminate shows up as no NUL. */
	memset(&err, 0xa5, sizeof(err));

	rc = wc_set_parse(expr, &s, &err);
	if (rc == 0) {
		if (!s)
			wcf_trap("wc_set_parse succeeded without a set", NULL, -1, -1);
		walk(s);
		wc_set_free(s);
	} else {
		check_refusal(expr, rc, &err);
	}
	free(expr);
	return 0;
}
