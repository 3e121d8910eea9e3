/* SPDX-License-Identifier: MIT */
/* CRC32c (Castagnoli, RFC 3309 / RFC 4960 appendix B), the SCTP checksum. */
#ifndef WIRECRAFT_CRC32C_H
#define WIRECRAFT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC32c over n bytes. Start with crc = 0 for a fresh run: the initial and
 * final inversions are done here, so wc_crc32c(wc_crc32c(0, a, n), b, m) is the CRC of
 * a followed by b. RFC 3720's test vector: 32 zero bytes give 0x8a9136aa. */
uint32_t wc_crc32c(uint32_t crc, const uint8_t *b, size_t n);

#endif
