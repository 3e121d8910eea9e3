/* SPDX-License-Identifier: MIT */
/* CRC32c, one table lookup per byte. The polynomial is Castagnoli's 0x1EDC6F41, used here
 * bit-reflected (0x82F63B78) because SCTP feeds the bits of each byte least significant
 * first. The table is filled once when the library loads. */
#include "wirecraft/crc32c.h"

#define CRC32C_POLY_REFLECTED 0x82f63b78u

static uint32_t table[256];

__attribute__((constructor)) static void fill_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t r = i;

		for (int k = 0; k < 8; k++)
			r = (r >> 1) ^ ((r & 1) ? CRC32C_POLY_REFLECTED : 0);
		table[i] = r;
	}
}

uint32_t wc_crc32c(uint32_t crc, const uint8_t *b, size_t n)
{
	uint32_t r = ~crc;

	for (size_t i = 0; i < n; i++)
		r = (r >> 8) ^ table[(r ^ b[i]) & 0xff];
	return ~r;
}
