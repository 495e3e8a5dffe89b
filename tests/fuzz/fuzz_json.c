/* libFuzzer: clampdown's JSON reader and writer against jansson's own, and its path reader
 * against its whole reader (differential). */
#include <stdlib.h>

#include "../unit/json_diff.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	const char *why = json_diff((const char *)data, len) ?: json_path_diff((const char *)data, len);

	if (why) {
		fprintf(stderr, "fuzz_json: %s\n", why);
		abort();
	}
	return 0;
}
