/* SPDX-License-Identifier: MIT */
/* Invariants the fuzz targets assert on every packet they see, dissected or built. A broken
 * invariant abort()s with a line on stderr naming it, so libFuzzer records the input as a
 * crash even when no sanitizer would have noticed (a wrong offset that stays in bounds). */
#ifndef WIRECRAFT_FUZZ_CHECK_H
#define WIRECRAFT_FUZZ_CHECK_H

#include <stdbool.h>

#include "wirecraft/pkt.h"

/* Set from the environment (WIRECRAFT_FUZZ_STRICT=1) by the targets' init: also trap on
 * properties that hold by design today but are not part of the API's promise (for example
 * that dissecting then rebuilding reproduces the bytes). Off in `make test-fuzz`. */
extern bool wcf_strict;

void wcf_init(void);

/* The first layer an input's selector byte picks: 0 Ether, 1 IP, 2 IPv6 (fixed, so seeds keep
 * their meaning whatever the registry's order), 3 and above every registered protocol by
 * its index in wc_proto_all, so a protocol added to the registry is fuzzed as a first
 * layer with no change here. */
const struct wc_proto *wcf_first_layer(uint8_t sel);

/* Abort with a message: the way every harness reports a broken invariant. */
_Noreturn void wcf_trap(const char *what, const struct wc_pkt *p, int layer, int field);

/* Walk every layer and field of p, read every value and byte, and trap on anything out of
 * place. `dissected`: p came from wc_dissect (byte fields point into p->buf and every value
 * equals what the bytes say); otherwise from wc_build (byte fields point elsewhere, and the
 * bytes must hold copies of them). */
void wcf_check_pkt(const struct wc_pkt *p, bool dissected);

/* Copy the layers of a dissected packet into a fresh one (the fields it marked as set, with
 * their values) and build it into `out` (cap bytes). Returns wc_build's result; a built packet
 * is checked with wcf_check_pkt. `q` receives the rebuilt packet. */
int wcf_rebuild(const struct wc_pkt *p, struct wc_pkt *q, uint8_t *out, size_t cap);

#endif
