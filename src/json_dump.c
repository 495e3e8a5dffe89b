/*
 * jansson values out as compact JSON text, byte for byte what json_dumpb
 * writes with JSON_COMPACT | JSON_REAL_PRECISION(17), in one pass instead
 * of jansson's two (measure, then write) and a character at a time: plain
 * runs of a string are copied whole. Big-integer markers come out as digits,
 * values already serialised (json_text_raw) as their text.
 */
#include "json_text.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *buf;
	size_t len, cap;
	int bad; /* the first error: ENOMEM, or EINVAL for a value JSON cannot hold */
};

static bool reserve(struct out *o, size_t n)
{
	size_t cap;
	char *p;

	if (o->len + n <= o->cap)
		return true;
	cap = o->cap ? o->cap : 4096;
	while (cap < o->len + n)
		cap *= 2;
	p = realloc(o->buf, cap);
	if (!p)
		return o->bad = o->bad ?: ENOMEM, false;
	o->buf = p;
	o->cap = cap;
	return true;
}

static void put(struct out *o, const void *s, size_t n)
{
	if (reserve(o, n)) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
	}
}

static void putc1(struct out *o, char c)
{
	if (reserve(o, 1))
		o->buf[o->len++] = c;
}

#define ONES  UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static inline uint64_t zero_bytes(uint64_t v)
{
	return (v - ONES) & ~v & HIGHS;
}

/* Past bytes written as they are: all but control characters, '"' and '\\'. */
static size_t plain_run(const unsigned char *s, size_t n)
{
	size_t i = 0;

	for (; n - i >= 8; i += 8) {
		uint64_t v;

		memcpy(&v, s + i, 8);
		/* bytes >= 0x80 set the first term's high bit too: they are rechecked one by one */
		if (((v - ONES * 0x20) | zero_bytes(v ^ (ONES * '"')) | zero_bytes(v ^ (ONES * '\\'))) & HIGHS)
			break;
	}
	while (i < n && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

static void put_string(struct out *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	putc1(o, '"');
	while (i < n) {
		k = plain_run(s + i, n - i);
		put(o, s + i, k);
		i += k;
		if (i == n)
			break;
		switch (s[i]) {
		case '"': put(o, "\\\"", 2); break;
		case '\\': put(o, "\\\\", 2); break;
		case '\b': put(o, "\\b", 2); break;
		case '\f': put(o, "\\f", 2); break;
		case '\n': put(o, "\\n", 2); break;
		case '\r': put(o, "\\r", 2); break;
		case '\t': put(o, "\\t", 2); break;
		default: {
			char u[8];

			snprintf(u, sizeof(u), "\\u%04X", s[i]);
			put(o, u, 6);
		}
		}
		i++;
	}
	putc1(o, '"');
}

static void put_integer(struct out *o, json_int_t v)
{
	char b[24], *p = b + sizeof(b);
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + m % 10);
	while (m /= 10);
	if (v < 0)
		*--p = '-';
	put(o, p, (size_t)(b + sizeof(b) - p));
}

/* jansson's form: %.17g, ".0" when it would read as an integer, no '+' or leading zeros in the exponent. */
static void put_real(struct out *o, double v)
{
	char b[40], *e;
	int n;

	if (!isfinite(v)) {
		o->bad = o->bad ?: EINVAL;
		return;
	}
	n = snprintf(b, sizeof(b), "%.17g", v);
	e = strchr(b, 'e');
	if (e) {
		char *from = e + 1, *to = e + 1;

		if (*from == '+')
			from++;
		else if (*from == '-')
			from++, to++;
		while (*from == '0' && from[1])
			from++;
		memmove(to, from, strlen(from) + 1);
		n = (int)strlen(b);
	} else if (!strchr(b, '.')) {
		memcpy(b + n, ".0", 3);
		n += 2;
	}
	put(o, b, (size_t)n);
}

static void put_value(struct out *o, const json_t *v)
{
	const char *key;
	bool first = true;
	json_t *m;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		putc1(o, '{');
		json_object_foreach((json_t *)v, key, m) {
			if (!first)
				putc1(o, ',');
			first = false;
			put_string(o, key, json_object_iter_key_len(json_object_key_to_iter(key)));
			putc1(o, ':');
			put_value(o, m);
		}
		putc1(o, '}');
		break;
	case JSON_ARRAY:
		putc1(o, '[');
		json_array_foreach(v, i, m) {
			if (i)
				putc1(o, ',');
			put_value(o, m);
		}
		putc1(o, ']');
		break;
	case JSON_STRING:
		if (json_text_is_verbatim(v))
			put(o, json_string_value(v) + 1, json_string_length(v) - 1);
		else
			put_string(o, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER: put_integer(o, json_integer_value(v)); break;
	case JSON_REAL: put_real(o, json_real_value(v)); break;
	case JSON_TRUE: put(o, "true", 4); break;
	case JSON_FALSE: put(o, "false", 5); break;
	case JSON_NULL: put(o, "null", 4); break;
	}
}

int json_text_dump(const json_t *root, char **ret, size_t *ret_len, struct cd_error *err)
{
	struct out o = { 0 };

	put_value(&o, root);
	putc1(&o, '\0');
	if (o.bad) {
		free(o.buf);
		return o.bad == ENOMEM ? cd_err(err, ENOMEM, "out of memory")
				       : cd_err(err, EINVAL, "cannot serialise JSON: a real number that is not finite");
	}
	*ret = o.buf;
	*ret_len = o.len - 1;
	return 0;
}
