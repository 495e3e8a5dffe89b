#include "json_text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* A marker is a string "\0" followed by JSON text written out as it is: an
 * integer's digits, or a value already serialised. The input may hold no NUL
 * of its own, so nothing else can look like one. */
#define MARK '\0'

bool json_text_is_verbatim(const json_t *v)
{
	return json_is_string(v) && json_string_length(v) > 1 && json_string_value(v)[0] == MARK;
}

bool json_text_is_bigint(const json_t *v)
{
	const char *s = json_string_value(v);

	return json_text_is_verbatim(v) && (s[1] == '-' || (s[1] >= '0' && s[1] <= '9'));
}

json_t *json_text_raw(const char *text, size_t len)
{
	cleanup_free char *buf = malloc(len + 1);

	if (!buf)
		return NULL;
	buf[0] = MARK;
	memcpy(buf + 1, text, len);
	return json_stringn_nocheck(buf, len + 1);
}

const char *json_text_bigint_digits(const json_t *v)
{
	return json_text_is_bigint(v) ? json_string_value(v) + 1 : NULL;
}

json_t *json_text_uint64(uint64_t v)
{
	char buf[24];
	int n;

	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	n = snprintf(buf, sizeof(buf), "%c%" PRIu64, MARK, v);
	return json_stringn(buf, (size_t)n);
}

bool json_text_get_uint64(const json_t *v, uint64_t *ret)
{
	const char *d = json_text_bigint_digits(v);
	uint64_t x = 0;

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*ret = (uint64_t)json_integer_value(v);
		return true;
	}
	if (!d || *d == '-')
		return false;
	for (; *d; d++) {
		if (*d < '0' || *d > '9' || x > (UINT64_MAX - (uint64_t)(*d - '0')) / 10)
			return false;
		x = x * 10 + (uint64_t)(*d - '0');
	}
	*ret = x;
	return true;
}
