/*
 * libFuzzer: every unit parser on the same text (tc rates, Kubernetes
 * quantities, sizes, Docker's RAM values, integers). A value one parser takes
 * must round: the rate parser's result, printed back in bytes per second ("bps"), parses again to
 * the same number.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	char *s = malloc(len + 1), back[64];
	uint64_t u, again;
	int64_t i;

	if (!s)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	/* (a decimal has at most 19 digits: above 10^19 B/s only a larger unit spells it) */
	if (units_parse_rate(s, &u) == 0 && u < 10000000000000000000ULL) {
		snprintf(back, sizeof(back), "%" PRIu64 "bps", u);
		if (units_parse_rate(back, &again) != 0 || again != u)
			abort();
	}
	(void)!units_parse_bit_quantity(s, &u);
	(void)!units_parse_size(s, &i);
	(void)!units_parse_ram(s, &i);
	(void)!units_parse_i64(s, &i);
	free(s);
	return 0;
}
