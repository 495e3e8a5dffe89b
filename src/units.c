#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int units_parse_i64(const char *s, int64_t *ret)
{
	char *end = NULL;
	long long v;

	if (!*s || isspace((unsigned char)*s) || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno)
		return -errno;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int units_parse_size(const char *s, int64_t *ret)
{
	const char *p = s;
	uint64_t v = 0, mult = 1;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (uint64_t)INT64_MAX / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (tolower((unsigned char)*p)) {
	case 'k':
		mult = 1ULL << 10;
		p++;
		break;
	case 'm':
		mult = 1ULL << 20;
		p++;
		break;
	case 'g':
		mult = 1ULL << 30;
		p++;
		break;
	case 't':
		mult = 1ULL << 40;
		p++;
		break;
	default: break;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		return -EINVAL;
	if (v > (uint64_t)INT64_MAX / mult)
		return -ERANGE;
	*ret = (int64_t)(v * mult);
	return 0;
}

int units_parse_ram(const char *s, int64_t *ret)
{
	static const char units[] = "kmgtp";
	const char *p = s, *u;
	double v, mult = 1;
	char *end = NULL;

	/* ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$ */
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1])))
		p++;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end != p)
		return -EINVAL;
	if (*p == ' ')
		p++;
	if (*p && (u = strchr(units, tolower((unsigned char)*p)))) {
		for (long i = 0; i <= u - units; i++)
			mult *= 1024;
		p++;
	}
	if (*p == 'i' || *p == 'I')
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p || v * mult >= 9223372036854775807.0)
		return -EINVAL;
	*ret = (int64_t)(v * mult);
	return 0;
}

/* A decimal "123.45": digits as one integer and how many of them follow the point; *ret_end after it. */
static int parse_decimal(const char *s, unsigned __int128 *ret_digits, unsigned *ret_scale, const char **ret_end)
{
	unsigned __int128 v = 0;
	unsigned scale = 0, n = 0;
	bool point = false;
	const char *p = s;

	for (; isdigit((unsigned char)*p) || (*p == '.' && !point); p++) {
		if (*p == '.') {
			point = true;
			continue;
		}
		if (++n > 19)
			return -ERANGE;
		v = v * 10 + (unsigned)(*p - '0');
		scale += point;
	}
	/* a digit on each side of the point, as tc and Kubernetes want */
	if (!n || !isdigit((unsigned char)*s) || p[-1] == '.')
		return -EINVAL;
	*ret_digits = v;
	*ret_scale = scale;
	*ret_end = p;
	return 0;
}

/* digits / 10^scale * num / den, rounded down; 0 or above UINT64_MAX is refused. */
static int scale_rate(unsigned __int128 digits, unsigned scale, uint64_t num, uint64_t den, uint64_t *ret)
{
	unsigned __int128 v = digits, d = den;

	while (scale--)
		d *= 10;
	/* digits < 10^19 and num <= 2^60: the product fits in 128 bits */
	v = v * num / d;
	if (v == 0)
		return -EINVAL;
	if (v > UINT64_MAX)
		return -ERANGE;
	*ret = (uint64_t)v;
	return 0;
}

static const struct rate_unit {
	const char *name;
	uint64_t num, den; /* bytes per second = value * num / den */
} rate_units[] = {
	{ "bit", 1, 8 },
	{ "kbit", 1000, 8 },
	{ "mbit", 1000000, 8 },
	{ "gbit", 1000000000, 8 },
	{ "tbit", 1000000000000, 8 },
	{ "kibit", 1ULL << 10, 8 },
	{ "mibit", 1ULL << 20, 8 },
	{ "gibit", 1ULL << 30, 8 },
	{ "tibit", 1ULL << 40, 8 },
	{ "bps", 1, 1 },
	{ "kbps", 1000, 1 },
	{ "mbps", 1000000, 1 },
	{ "gbps", 1000000000, 1 },
	{ "tbps", 1000000000000, 1 },
	{ "kibps", 1ULL << 10, 1 },
	{ "mibps", 1ULL << 20, 1 },
	{ "gibps", 1ULL << 30, 1 },
	{ "tibps", 1ULL << 40, 1 },
};

/* A decimal and one of n units, matched exactly or (nocase) as tc does; refused without a match. */
static int parse_with_unit(const char *s, const struct rate_unit *units, size_t n, bool nocase, uint64_t *ret)
{
	unsigned __int128 digits;
	const char *unit = NULL;
	unsigned scale;
	int r = parse_decimal(s, &digits, &scale, &unit);

	for (size_t i = 0; r >= 0 && i < n; i++)
		if (!(nocase ? strcasecmp : strcmp)(unit, units[i].name))
			return scale_rate(digits, scale, units[i].num, units[i].den, ret);
	return r < 0 ? r : -EINVAL;
}

int units_parse_rate(const char *s, uint64_t *ret)
{
	/* tc reads units without regard to case; a bare number is refused (tc would read bytes) */
	return parse_with_unit(s, rate_units, sizeof(rate_units) / sizeof(rate_units[0]), true, ret);
}

int units_parse_bit_quantity(const char *s, uint64_t *ret)
{
	/* Kubernetes' suffixes, case and all; "m" (milli) is no rate */
	static const struct rate_unit q[] = {
		{ "", 1, 8 },
		{ "k", 1000, 8 },
		{ "M", 1000000, 8 },
		{ "G", 1000000000, 8 },
		{ "T", 1000000000000, 8 },
		{ "P", 1000000000000000, 8 },
		{ "E", 1000000000000000000, 8 },
		{ "Ki", 1ULL << 10, 8 },
		{ "Mi", 1ULL << 20, 8 },
		{ "Gi", 1ULL << 30, 8 },
		{ "Ti", 1ULL << 40, 8 },
		{ "Pi", 1ULL << 50, 8 },
		{ "Ei", 1ULL << 60, 8 },
	};

	return parse_with_unit(s, q, sizeof(q) / sizeof(q[0]), false, ret);
}
