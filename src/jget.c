#include "jget.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "json_text.h"
#include "pathutil.h"

int jget_err(struct cd_error *err, int code, const struct jpath *at, const char *key, const char *fmt, ...)
{
	char reason[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return cd_err(err, code, "%s: %s%s%s: %s", at->file, at->path, *at->path && key ? "." : "", key ? key : "",
		      reason);
}

const char *jget_type_name(const json_t *v)
{
	if (json_text_is_bigint(v))
		return "an integer out of range";
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "unknown";
}

int jget_known_keys(const json_t *obj, const char *const *allowed, const struct jpath *at, struct cd_error *err)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		const char *const *a = allowed;

		while (*a && strcmp(*a, key))
			a++;
		if (!*a)
			return jget_err(err, EINVAL, at, key, "unknown key");
	}
	return 0;
}

/* The value at key, or NULL when absent or null (an error if required). */
static int lookup(const json_t *obj, const char *key, bool required, const struct jpath *at, json_t **ret,
		  struct cd_error *err)
{
	json_t *v = json_object_get(obj, key);

	*ret = json_is_null(v) ? NULL : v;
	if (!*ret && required)
		return jget_err(err, EINVAL, at, key, "required");
	return 0;
}

#define LOOKUP_OR_RETURN(v)                                         \
	do {                                                        \
		int _r = lookup(obj, key, required, at, &(v), err); \
		if (_r < 0 || !(v))                                 \
			return _r;                                  \
	} while (0)

static int wrong_type(const json_t *v, const char *want, const struct jpath *at, const char *key, struct cd_error *err)
{
	return jget_err(err, EINVAL, at, key, "must be %s, not %s", want, jget_type_name(v));
}

int jget_object(const json_t *obj, const char *key, bool required, const struct jpath *at, json_t **ret,
		struct cd_error *err)
{
	json_t *v;

	LOOKUP_OR_RETURN(v);
	if (!json_is_object(v))
		return wrong_type(v, "an object", at, key, err);
	*ret = v;
	return 0;
}

int jget_array(const json_t *obj, const char *key, bool required, const struct jpath *at, json_t **ret,
	       struct cd_error *err)
{
	json_t *v;

	LOOKUP_OR_RETURN(v);
	if (!json_is_array(v))
		return wrong_type(v, "an array", at, key, err);
	*ret = v;
	return 0;
}

int jget_string(const json_t *obj, const char *key, bool required, const struct jpath *at, const char **ret,
		struct cd_error *err)
{
	json_t *v;

	LOOKUP_OR_RETURN(v);
	if (!json_is_string(v) || json_text_is_verbatim(v))
		return wrong_type(v, "a string", at, key, err);
	*ret = json_string_value(v);
	return 0;
}

int jget_bool(const json_t *obj, const char *key, bool required, const struct jpath *at, bool *ret,
	      struct cd_error *err)
{
	json_t *v;

	LOOKUP_OR_RETURN(v);
	if (!json_is_boolean(v))
		return wrong_type(v, "a boolean", at, key, err);
	*ret = json_is_true(v);
	return 0;
}

int jget_int(const json_t *obj, const char *key, bool required, int64_t min, int64_t max, const struct jpath *at,
	     int64_t *ret, struct cd_error *err)
{
	json_int_t n;
	json_t *v;

	LOOKUP_OR_RETURN(v);
	if (!json_is_integer(v))
		return wrong_type(v, "an integer", at, key, err);
	n = json_integer_value(v);
	if (n < min || n > max)
		return jget_err(err, ERANGE, at, key, "%lld is out of range [%lld, %lld]", (long long)n, (long long)min,
				(long long)max);
	*ret = n;
	return 0;
}

int jget_number(const json_t *obj, const char *key, bool required, const struct jpath *at, double *ret,
		struct cd_error *err)
{
	json_t *v;

	LOOKUP_OR_RETURN(v);
	if (!json_is_number(v))
		return wrong_type(v, "a number", at, key, err);
	*ret = json_number_value(v);
	return 0;
}

/* Each entry cleaned into out (cap bytes), returning its length; -1 for an entry that is not a path. */
static ssize_t clean_entry(const json_t *v, char *out, size_t cap)
{
	const char *s = json_string_value(v);

	if (!s || s[0] != '/' || path_clean_abs(s, out, cap) < 0)
		return -1;
	return (ssize_t)strlen(out);
}

int jget_paths(const json_t *obj, const char *key, const struct jpath *at, size_t max, struct jpaths **ret,
	       struct cd_error *err)
{
	json_t *arr = NULL, *v;
	struct jpaths *list;
	size_t i, bytes = 0;
	char buf[256], *at_str;
	ssize_t len;
	int r = jget_array(obj, key, false, at, &arr, err);

	*ret = NULL;
	if (r < 0)
		return r;
	if (json_array_size(arr) > max)
		return jget_err(err, E2BIG, at, key, "at most %zu paths", max);
	/* sized first, then cleaned into place */
	json_array_foreach(arr, i, v) {
		len = clean_entry(v, buf, sizeof(buf));
		if (len < 0)
			return jget_err(err, EINVAL, at, key, "entry %zu must be an absolute path", i);
		bytes += (size_t)len + 1;
	}
	list = malloc(sizeof(*list) + json_array_size(arr) * sizeof(char *) + bytes);
	if (!list)
		return cd_err(err, ENOMEM, "out of memory");
	list->n = json_array_size(arr);
	at_str = (char *)&list->v[list->n];
	json_array_foreach(arr, i, v) {
		len = clean_entry(v, buf, sizeof(buf));
		list->v[i] = memcpy(at_str, buf, (size_t)len + 1);
		at_str += len + 1;
	}
	*ret = list;
	return 0;
}

bool jpaths_has(const struct jpaths *list, const char *path)
{
	for (size_t i = 0; list && i < list->n; i++)
		if (!strcmp(list->v[i], path))
			return true;
	return false;
}
