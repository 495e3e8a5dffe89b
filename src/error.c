#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int set_code(struct cd_error *err, int code)
{
	err->code = code > 0 ? code : EINVAL;
	return -err->code;
}

int cd_err(struct cd_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return set_code(err, code);
}

int cd_err_sys(struct cd_error *err, const char *fmt, ...)
{
	int saved = errno;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(saved));
	return set_code(err, saved);
}

int cd_err_prefix(struct cd_error *err, const char *fmt, ...)
{
	char prefix[512];
	char old[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s%s", prefix, old);
	return set_code(err, err->code);
}

int cd_err_hint(struct cd_error *err, const char *fmt, ...)
{
	size_t n = strlen(err->msg);
	va_list ap;

	if (n + 2 < sizeof(err->msg)) {
		memcpy(err->msg + n, "; ", 3);
		va_start(ap, fmt);
		vsnprintf(err->msg + n + 2, sizeof(err->msg) - n - 2, fmt, ap);
		va_end(ap);
	}
	return set_code(err, err->code);
}
