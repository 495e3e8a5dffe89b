#include "json_text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* A marker is a string "\0" followed by the integer's digits. The input may
 * hold no NUL of its own, so nothing else can look like one. */
#define MARK '\0'

struct bigint_span {
	size_t start, end;
};

struct scan {
	struct bigint_span *spans;
	size_t n, cap;
};

static int scan_add(struct scan *s, size_t start, size_t end)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct bigint_span *p = realloc(s->spans, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->spans = p;
		s->cap = cap;
	}
	s->spans[s->n++] = (struct bigint_span){ start, end };
	return 0;
}

/* Skip a string starting at buf[*i] == '"'; refuse \u0000. */
static int skip_string(const char *buf, size_t len, size_t *i, struct cd_error *err, const char *what)
{
	size_t j = *i + 1;

	while (j < len && buf[j] != '"') {
		if (buf[j] == '\\') {
			if (j + 5 < len && buf[j + 1] == 'u' && !memcmp(buf + j + 2, "0000", 4))
				return cd_err(err, EINVAL, "%s: NUL character (\\u0000) in a string at byte %zu", what,
					      j);
			j += 2;
			continue;
		}
		j++;
	}
	*i = j + 1;
	return 0;
}

/* Is buf[start,end) a valid JSON integer outside int64? */
static bool is_bigint(const char *buf, size_t start, size_t end)
{
	const char *p = buf + start;
	size_t n = end - start;
	bool neg = p[0] == '-';
	const char *lim = neg ? "9223372036854775808" : "9223372036854775807";

	if (neg) {
		p++;
		n--;
	}
	if (n == 0 || (p[0] == '0' && n > 1))
		return false;
	for (size_t k = 0; k < n; k++)
		if (p[k] < '0' || p[k] > '9')
			return false;
	if (n != 19)
		return n > 19;
	return memcmp(p, lim, 19) > 0;
}

static int scan_text(const char *buf, size_t len, struct scan *s, const char *what, struct cd_error *err)
{
	size_t i = 0;
	int r;

	while (i < len) {
		char c = buf[i];

		if (c == '\0')
			return cd_err(err, EINVAL, "%s: NUL byte at byte %zu", what, i);
		if (c == '"') {
			r = skip_string(buf, len, &i, err, what);
			if (r < 0)
				return r;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t start = i;

			while (i < len && buf[i] && strchr("+-.eE0123456789", buf[i]))
				i++;
			if (is_bigint(buf, start, i) && scan_add(s, start, i) < 0)
				return cd_err(err, ENOMEM, "out of memory");
		} else {
			i++;
		}
	}
	return 0;
}

/* Copy buf, turning each big integer into the marker string "\u0000DIGITS". */
static char *rewrite_bigints(const char *buf, size_t len, const struct scan *s, size_t *ret_len)
{
	size_t out_len = len + s->n * 8, o = 0, from = 0;
	char *out = malloc(out_len + 1);

	if (!out)
		return NULL;
	for (size_t k = 0; k < s->n; k++) {
		const struct bigint_span *sp = &s->spans[k];

		memcpy(out + o, buf + from, sp->start - from);
		o += sp->start - from;
		memcpy(out + o, "\"\\u0000", 7);
		o += 7;
		memcpy(out + o, buf + sp->start, sp->end - sp->start);
		o += sp->end - sp->start;
		out[o++] = '"';
		from = sp->end;
	}
	memcpy(out + o, buf + from, len - from);
	o += len - from;
	out[o] = '\0';
	*ret_len = o;
	return out;
}

int json_text_load(const char *buf, size_t len, const char *what, json_t **ret, struct cd_error *err)
{
	struct scan s = { 0 };
	cleanup_free char *copy = NULL;
	json_error_t jerr;
	json_t *root;
	size_t n = len;
	int r;

	r = scan_text(buf, len, &s, what, err);
	if (r < 0)
		goto out;
	if (s.n) {
		copy = rewrite_bigints(buf, len, &s, &n);
		if (!copy) {
			r = cd_err(err, ENOMEM, "out of memory");
			goto out;
		}
	}
	root = json_loadb(copy ? copy : buf, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!root) {
		/* positions are in the rewritten text when big integers were found */
		r = cd_err(err, EINVAL, "%s: invalid JSON at line %d, column %d: %s", what, jerr.line, jerr.column,
			   jerr.text);
		goto out;
	}
	*ret = root;
	r = 0;
out:
	free(s.spans);
	return r;
}

bool json_text_is_bigint(const json_t *v)
{
	return json_is_string(v) && json_string_length(v) > 1 && json_string_value(v)[0] == MARK;
}

const char *json_text_bigint_digits(const json_t *v)
{
	return json_text_is_bigint(v) ? json_string_value(v) + 1 : NULL;
}

/* Turn every "\u0000DIGITS" back into DIGITS, in place (it only shrinks). */
static size_t restore_bigints(char *buf, size_t len)
{
	static const char pat[] = "\"\\u0000";
	size_t o = 0, i = 0;

	while (i < len) {
		char *hit = memmem(buf + i, len - i, pat, sizeof(pat) - 1);
		size_t at = hit ? (size_t)(hit - buf) : len;

		memmove(buf + o, buf + i, at - i);
		o += at - i;
		if (!hit)
			break;
		i = at + sizeof(pat) - 1;
		while (i < len && buf[i] != '"')
			buf[o++] = buf[i++];
		i++; /* closing quote */
	}
	buf[o] = '\0';
	return o;
}

int json_text_dump(const json_t *root, char **ret, size_t *ret_len, struct cd_error *err)
{
	size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(17);
	size_t need = json_dumpb(root, NULL, 0, flags);
	char *buf;

	if (need == 0)
		return cd_err(err, EINVAL, "cannot serialise JSON");
	buf = malloc(need + 1);
	if (!buf)
		return cd_err(err, ENOMEM, "out of memory");
	if (json_dumpb(root, buf, need, flags) != need) {
		free(buf);
		return cd_err(err, EINVAL, "cannot serialise JSON");
	}
	*ret_len = restore_bigints(buf, need);
	*ret = buf;
	return 0;
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
