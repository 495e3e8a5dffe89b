/*
 * JSON text into jansson values: the grammar, limits and errors of jansson's
 * own json_loadb (RFC 8259, UTF-8 checked, duplicate keys refused, 2048
 * levels), without its character-at-a-time lexer. Strings are scanned eight
 * bytes at a time, so a large config.json costs little more than its copy.
 * Integers outside int64 become marker strings (json_text.h).
 */
#include "json_text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

#define MAX_DEPTH 2048 /* JSON_PARSER_MAX_DEPTH: a value this deep is accepted, one deeper is not */

struct parser {
	const unsigned char *p, *start, *end;
	const char *what;
	struct cd_error *err;
	char *scratch; /* decoded strings that held escapes */
	size_t scap;
	int depth;
	bool failed;
};

static json_t *parse_value(struct parser *ps);

/* An error at the byte before at: line and column as jansson counts them. */
__attribute__((format(printf, 3, 4))) static json_t *fail(struct parser *ps, const unsigned char *at, const char *fmt,
							  ...)
{
	const unsigned char *line = ps->start;
	char text[160];
	int lineno = 1;
	va_list ap;

	if (ps->failed)
		return NULL;
	for (const unsigned char *q = ps->start; q < at; q++)
		if (*q == '\n')
			lineno++, line = q + 1;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	cd_err(ps->err, EINVAL, "%s: invalid JSON at line %d, column %d: %s", ps->what, lineno, (int)(at - line), text);
	ps->failed = true;
	return NULL;
}

static json_t *oom(struct parser *ps)
{
	if (!ps->failed)
		cd_err(ps->err, ENOMEM, "out of memory");
	ps->failed = true;
	return NULL;
}

/* A byte where a token should start: a NUL is named as such. */
static json_t *bad_byte(struct parser *ps, const unsigned char *at, const char *expected)
{
	if (at < ps->end && *at == '\0') {
		cd_err(ps->err, EINVAL, "%s: NUL byte at byte %zu", ps->what, (size_t)(at - ps->start));
		ps->failed = true;
		return NULL;
	}
	if (at == ps->end)
		return fail(ps, at, "unexpected end of input, %s", expected);
	return fail(ps, at + 1, "%s", expected);
}

static void skip_ws(struct parser *ps)
{
	const unsigned char *p = ps->p;

	while (p < ps->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	ps->p = p;
}

#define ONES  UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* High bit of each byte that may be zero (exact for the lowest such byte). */
static inline uint64_t zero_bytes(uint64_t v)
{
	return (v - ONES) & ~v & HIGHS;
}

/* Past bytes that stand for themselves in a string: printable ASCII but '"' and '\\'. */
static const unsigned char *skip_plain(const unsigned char *p, const unsigned char *end)
{
	while (end - p >= 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		if (((v - ONES * 0x20) | v | zero_bytes(v ^ (ONES * '"')) | zero_bytes(v ^ (ONES * '\\'))) & HIGHS)
			break;
		p += 8;
	}
	while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
		p++;
	return p;
}

/* Length of the UTF-8 sequence at p (first byte >= 0x80), or 0 if it is not one. */
static int utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], need, cp, min;

	if (c < 0xc2 || c > 0xf4)
		return 0; /* a continuation byte, an overlong pair, or past U+10FFFF */
	need = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
	min = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000;
	cp = c & (0x3f >> need);
	if ((size_t)(end - p) <= need)
		return 0;
	for (unsigned i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return (int)need + 1;
}

static int hex4(const unsigned char *p, const unsigned char *end)
{
	int v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i], d = c - '0' < 10 ? c - '0' : (c | 0x20) - 'a' < 6 ? (c | 0x20) - 'a' + 10 : 16;

		if (d > 15)
			return -1;
		v = v << 4 | (int)d;
	}
	return v;
}

static bool scratch_put(struct parser *ps, size_t *o, const void *s, size_t n)
{
	if (*o + n + 1 > ps->scap) {
		size_t cap = (*o + n + 1) * 2;
		char *q = realloc(ps->scratch, cap);

		if (!q)
			return false;
		ps->scratch = q;
		ps->scap = cap;
	}
	memcpy(ps->scratch + *o, s, n);
	*o += n;
	return true;
}

static size_t utf8_put(unsigned cp, char out[4])
{
	if (cp < 0x80)
		return out[0] = (char)cp, 1;
	if (cp < 0x800)
		return out[0] = (char)(0xc0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3f)), 2;
	if (cp < 0x10000)
		return out[0] = (char)(0xe0 | cp >> 12), out[1] = (char)(0x80 | (cp >> 6 & 0x3f)),
		       out[2] = (char)(0x80 | (cp & 0x3f)), 3;
	return out[0] = (char)(0xf0 | cp >> 18), out[1] = (char)(0x80 | (cp >> 12 & 0x3f)),
	       out[2] = (char)(0x80 | (cp >> 6 & 0x3f)), out[3] = (char)(0x80 | (cp & 0x3f)), 4;
}

/* The escape at p (p[0] == '\\') decoded into scratch; returns the byte after it, or NULL. */
static const unsigned char *unescape(struct parser *ps, const unsigned char *p, size_t *o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const unsigned char *end = ps->end;
	const char *k;
	char u[4];
	int cp, lo;

	if (p + 1 == end)
		return fail(ps, end, "premature end of input"), NULL;
	if (p[1] != 'u') {
		k = p[1] ? strchr(from, p[1]) : NULL;
		if (!k)
			return fail(ps, p + 2, "invalid escape"), NULL;
		return scratch_put(ps, o, &to[k - from], 1) ? p + 2 : (oom(ps), NULL);
	}
	cp = hex4(p + 2, end);
	if (cp < 0)
		return fail(ps, p + 2, "invalid escape"), NULL;
	if (cp == 0) {
		cd_err(ps->err, EINVAL, "%s: NUL character (\\u0000) in a string at byte %zu", ps->what,
		       (size_t)(p - ps->start));
		ps->failed = true;
		return NULL;
	}
	p += 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(ps, p, "invalid Unicode '\\u%04X'", (unsigned)cp), NULL;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2, end) : -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(ps, p, "invalid Unicode '\\u%04X'", (unsigned)cp), NULL;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p += 6;
	}
	return scratch_put(ps, o, u, utf8_put((unsigned)cp, u)) ? p : (oom(ps), NULL);
}

/*
 * The string at ps->p (an opening quote): its decoded bytes, pointing into
 * the text when it held no escape and into ps->scratch when it did.
 */
static bool lex_string(struct parser *ps, const char **ret, size_t *ret_len)
{
	const unsigned char *p = ps->p + 1, *seg = p, *end = ps->end;
	bool copied = false;
	size_t o = 0;
	int n;

	for (;;) {
		p = skip_plain(p, end);
		if (p == end)
			return fail(ps, end, "premature end of input"), false;
		if (*p == '"')
			break;
		if (*p >= 0x80) {
			n = utf8_seq(p, end);
			if (!n)
				return fail(ps, p + 1, "invalid UTF-8 in string"), false;
			p += n;
			continue;
		}
		if (*p != '\\')
			return bad_byte(ps, p, "control character in string"), false;
		if (!scratch_put(ps, &o, seg, (size_t)(p - seg)))
			return oom(ps), false;
		p = unescape(ps, p, &o);
		if (!p)
			return false;
		seg = p;
		copied = true;
	}
	if (copied && !scratch_put(ps, &o, seg, (size_t)(p - seg)))
		return oom(ps), false;
	*ret = copied ? ps->scratch : (const char *)seg;
	*ret_len = copied ? o : (size_t)(p - seg);
	ps->p = p + 1;
	return true;
}

static const unsigned char *digits(const unsigned char *p, const unsigned char *end)
{
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

static json_t *parse_real(struct parser *ps, const unsigned char *s, const unsigned char *e)
{
	char small[64], *buf = small, *big = NULL;
	double v;

	if ((size_t)(e - s) >= sizeof(small) && !(buf = big = malloc((size_t)(e - s) + 1)))
		return oom(ps);
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	errno = 0;
	v = strtod(buf, NULL);
	free(big);
	if (errno == ERANGE && isinf(v))
		return fail(ps, e, "real number overflow");
	return json_real(v) ?: oom(ps);
}

/* An integer outside int64 travels as the marker "\0DIGITS". */
static json_t *parse_integer(struct parser *ps, const unsigned char *s, const unsigned char *e)
{
	bool neg = *s == '-';
	uint64_t mag = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	cleanup_free char *mark = NULL;

	for (const unsigned char *q = s + neg; q < e; q++) {
		unsigned d = *q - '0';

		if (mag > (lim - d) / 10)
			goto big;
		mag = mag * 10 + d;
	}
	return json_integer(neg ? (json_int_t)(0 - mag) : (json_int_t)mag) ?: oom(ps);
big:
	mark = malloc((size_t)(e - s) + 1);
	if (!mark)
		return oom(ps);
	mark[0] = '\0';
	memcpy(mark + 1, s, (size_t)(e - s));
	return json_stringn_nocheck(mark, (size_t)(e - s) + 1) ?: oom(ps);
}

/* The number at ps->p, past its grammar: NULL on an error, else its end (*real: a fraction or exponent). */
static const unsigned char *lex_number(struct parser *ps, bool *real)
{
	const unsigned char *s = ps->p, *p = s + (*s == '-'), *end = ps->end, *q;

	*real = false;
	if (p == end || *p < '0' || *p > '9')
		return bad_byte(ps, s, "invalid token"), NULL;
	q = *p == '0' ? p + 1 : digits(p, end);
	if (q < end && *q >= '0' && *q <= '9')
		return fail(ps, q + 1, "invalid token"), NULL;
	if (q < end && *q == '.') {
		p = digits(q + 1, end);
		if (p == q + 1)
			return fail(ps, p, "invalid token"), NULL;
		q = p;
		*real = true;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		q += q + 1 < end && (q[1] == '+' || q[1] == '-') ? 2 : 1;
		p = digits(q, end);
		if (p == q)
			return fail(ps, p, "invalid token"), NULL;
		q = p;
		*real = true;
	}
	return q;
}

static json_t *parse_number(struct parser *ps)
{
	const unsigned char *s = ps->p, *q;
	bool real;

	q = lex_number(ps, &real);
	if (!q)
		return NULL;
	ps->p = q;
	return real ? parse_real(ps, s, q) : parse_integer(ps, s, q);
}

static json_t *parse_literal(struct parser *ps, const char *word, size_t n, json_t *v)
{
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return bad_byte(ps, ps->p, "invalid token");
	ps->p += n;
	return v;
}

/* A key that came from scratch must outlive the value parsed after it. */
static int object_put(struct parser *ps, json_t *obj, const char *key, size_t n, json_t *v)
{
	size_t before = json_object_size(obj);

	if (json_object_setn_new_nocheck(obj, key, n, v) < 0)
		return oom(ps), -1;
	if (json_object_size(obj) == before)
		return fail(ps, ps->p, "duplicate object key"), -1;
	return 0;
}

/*
 * Values off the path (json_text_load_path) are checked as strictly as any,
 * but not built: SKIPPED stands for them (jansson's null is a static).
 * Duplicate keys are refused only where values are built.
 */
#define SKIPPED json_null()
static json_t *skip_value(struct parser *ps);
static json_t *path_value(struct parser *ps, const char *const *path);

/* Every member, or (path) only the member the path names: the others are checked, not built. */
static json_t *parse_object(struct parser *ps, const char *const *path)
{
	cleanup_json json_t *obj = json_object();
	bool seen = false;
	const char *key;
	size_t n;

	if (!obj)
		return oom(ps);
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}')
		return ps->p++, json_incref(obj);
	for (;;) {
		cleanup_free char *owned = NULL;
		json_t *v;
		bool keep;

		if (ps->p == ps->end || *ps->p != '"')
			return bad_byte(ps, ps->p, "string or '}' expected");
		if (!lex_string(ps, &key, &n))
			return NULL;
		keep = !path || (n == strlen(*path) && !memcmp(key, *path, n));
		if (path && keep && seen)
			return fail(ps, ps->p, "duplicate object key");
		if (keep && key == ps->scratch && !(key = owned = strndup(key, n)))
			return oom(ps);
		skip_ws(ps);
		if (ps->p == ps->end || *ps->p != ':')
			return bad_byte(ps, ps->p, "':' expected");
		ps->p++;
		v = !path ? parse_value(ps) : keep ? path_value(ps, path + 1) : skip_value(ps);
		if (!v)
			return NULL;
		seen = seen || keep;
		/* where the path goes on through something else than an object, the member is left out */
		if (keep && (!path || !path[1] || v != SKIPPED) && object_put(ps, obj, key, n, v) < 0)
			return NULL;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == '}')
			return ps->p++, json_incref(obj);
		if (ps->p == ps->end || *ps->p != ',')
			return bad_byte(ps, ps->p, "',' or '}' expected");
		ps->p++;
		skip_ws(ps);
	}
}

static json_t *parse_array(struct parser *ps)
{
	cleanup_json json_t *arr = json_array();

	if (!arr)
		return oom(ps);
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']')
		return ps->p++, json_incref(arr);
	for (;;) {
		json_t *v = parse_value(ps);

		if (!v)
			return NULL;
		if (json_array_append_new(arr, v) < 0)
			return oom(ps);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ']')
			return ps->p++, json_incref(arr);
		if (ps->p == ps->end || *ps->p != ',')
			return bad_byte(ps, ps->p, "',' or ']' expected");
		ps->p++;
	}
}

/* Any integer is accepted (big ones as markers); a real can still overflow. */
static json_t *skip_number(struct parser *ps)
{
	const unsigned char *s = ps->p, *q;
	json_t *v;
	bool real;

	q = lex_number(ps, &real);
	if (!q)
		return NULL;
	ps->p = q;
	if (!real)
		return SKIPPED;
	v = parse_real(ps, s, q);
	json_decref(v);
	return v ? SKIPPED : NULL;
}

static json_t *skip_members(struct parser *ps, char close)
{
	const char *key;
	size_t n;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close)
		return ps->p++, SKIPPED;
	for (;;) {
		if (close == '}') {
			if (ps->p == ps->end || *ps->p != '"')
				return bad_byte(ps, ps->p, "string or '}' expected");
			if (!lex_string(ps, &key, &n))
				return NULL;
			skip_ws(ps);
			if (ps->p == ps->end || *ps->p != ':')
				return bad_byte(ps, ps->p, "':' expected");
			ps->p++;
		}
		if (!skip_value(ps))
			return NULL;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == close)
			return ps->p++, SKIPPED;
		if (ps->p == ps->end || *ps->p != ',')
			return bad_byte(ps, ps->p, close == '}' ? "',' or '}' expected" : "',' or ']' expected");
		ps->p++;
		skip_ws(ps);
	}
}

/* A value built, or (skip) only checked: SKIPPED stands for it. */
static json_t *any_value(struct parser *ps, bool skip)
{
	const char *s;
	json_t *v;
	size_t n;

	skip_ws(ps);
	if (ps->p == ps->end)
		return fail(ps, ps->p, "unexpected end of input");
	if (++ps->depth > MAX_DEPTH)
		return fail(ps, ps->p + 1, "maximum parsing depth reached");
	switch (*ps->p) {
	case '{': v = skip ? skip_members(ps, '}') : parse_object(ps, NULL); break;
	case '[': v = skip ? skip_members(ps, ']') : parse_array(ps); break;
	case '"': v = !lex_string(ps, &s, &n) ? NULL : skip ? SKIPPED : json_stringn_nocheck(s, n) ?: oom(ps); break;
	case 't': v = parse_literal(ps, "true", 4, json_true()); break;
	case 'f': v = parse_literal(ps, "false", 5, json_false()); break;
	case 'n': v = parse_literal(ps, "null", 4, json_null()); break;
	default: v = skip ? skip_number(ps) : parse_number(ps);
	}
	ps->depth--;
	return v;
}

static json_t *parse_value(struct parser *ps)
{
	return any_value(ps, false);
}

static json_t *skip_value(struct parser *ps)
{
	return any_value(ps, true);
}

static json_t *path_value(struct parser *ps, const char *const *path)
{
	json_t *v;

	if (!*path)
		return parse_value(ps);
	skip_ws(ps);
	if (ps->p == ps->end || *ps->p != '{')
		return skip_value(ps);
	if (++ps->depth > MAX_DEPTH)
		return fail(ps, ps->p + 1, "maximum parsing depth reached");
	v = parse_object(ps, path);
	ps->depth--;
	return v;
}

/* The root: an object or an array, then nothing but whitespace. */
static int load_root(struct parser *ps, json_t *root, json_t **ret)
{
	free(ps->scratch);
	if (root && !json_is_object(root) && !json_is_array(root)) {
		json_decref(root);
		return fail(ps, ps->p, "'[' or '{' expected"), -ps->err->code;
	}
	if (root) {
		skip_ws(ps);
		if (ps->p == ps->end) {
			*ret = root;
			return 0;
		}
		json_decref(root);
		bad_byte(ps, ps->p, "end of file expected");
	}
	return -ps->err->code;
}

static struct parser parser_of(const char *buf, size_t len, const char *what, struct cd_error *err)
{
	return (struct parser){
		.p = (const unsigned char *)buf,
		.start = (const unsigned char *)buf,
		.end = (const unsigned char *)buf + len,
		.what = what,
		.err = err,
	};
}

int json_text_load(const char *buf, size_t len, const char *what, json_t **ret, struct cd_error *err)
{
	struct parser ps = parser_of(buf, len, what, err);

	return load_root(&ps, parse_value(&ps), ret);
}

int json_text_load_path(const char *buf, size_t len, const char *what, const char *const *path, json_t **ret,
			struct cd_error *err)
{
	struct parser ps = parser_of(buf, len, what, err);
	json_t *root;

	skip_ws(&ps);
	if (ps.p < ps.end && *ps.p == '{')
		root = path_value(&ps, path);
	else if (ps.p < ps.end && *ps.p == '[') /* checked, and nothing on the path */
		root = skip_value(&ps) ? json_object() ?: oom(&ps) : NULL;
	else /* refused as json_text_load refuses it */
		root = parse_value(&ps);
	return load_root(&ps, root, ret);
}

/* True when p starts a character whose last bytes were cut off at end. */
static bool cut_at_end(const unsigned char *p, const unsigned char *end)
{
	size_t need = *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;

	if (*p < 0xc2 || *p > 0xf4 || (size_t)(end - p) >= need)
		return false;
	for (p++; p < end; p++)
		if ((*p & 0xc0) != 0x80)
			return false;
	return true;
}

json_t *json_text_message(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	json_t *v;
	char *out;
	size_t n = 0;

	if (!s || (v = json_string(s)))
		return s ? v : NULL;
	end = p + strlen(s);
	out = malloc((size_t)(end - p) + 1);
	if (!out)
		return NULL;
	while (p < end && !(*p >= 0x80 && cut_at_end(p, end))) {
		int k = *p < 0x80 ? 1 : utf8_seq(p, end);

		if (k)
			memcpy(out + n, p, (size_t)k), n += (size_t)k, p += k;
		else
			out[n++] = '?', p++;
	}
	v = json_stringn(out, n);
	free(out);
	return v;
}
