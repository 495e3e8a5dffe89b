/* libFuzzer: clampdown's JSON reader and writer against jansson's own (differential). */
#include <stdlib.h>

#include "../unit/json_diff.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	const char *why = json_diff((const char *)data, len);

	if (why) {
		fprintf(stderr, "fuzz_json: %s\n", why);
		abort();
	}
	return 0;
}
