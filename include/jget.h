/*
 * Typed reads from jansson objects. Every error names the file and the
 * dotted field ("profiles/restricted.json: rules.user.uid: ..."). An absent
 * key or a JSON null leaves *ret untouched and returns 0 unless required.
 */
#ifndef CLAMPDOWN_JGET_H
#define CLAMPDOWN_JGET_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct jpath {
	const char *file;
	const char *path; /* dotted path of the object read from, "" at the top */
};

/* Refuse keys outside allowed (NULL-terminated). */
int jget_known_keys(const json_t *obj, const char *const *allowed, const struct jpath *at, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

int jget_object(const json_t *obj, const char *key, bool required, const struct jpath *at, json_t **ret,
		struct cd_error *err) __attribute__((nonnull, warn_unused_result));
int jget_array(const json_t *obj, const char *key, bool required, const struct jpath *at, json_t **ret,
	       struct cd_error *err) __attribute__((nonnull, warn_unused_result));
int jget_string(const json_t *obj, const char *key, bool required, const struct jpath *at, const char **ret,
		struct cd_error *err) __attribute__((nonnull, warn_unused_result));
int jget_bool(const json_t *obj, const char *key, bool required, const struct jpath *at, bool *ret,
	      struct cd_error *err) __attribute__((nonnull, warn_unused_result));
/* An integer in [min, max]; reals, strings and big integers are refused. */
int jget_int(const json_t *obj, const char *key, bool required, int64_t min, int64_t max, const struct jpath *at,
	     int64_t *ret, struct cd_error *err) __attribute__((nonnull, warn_unused_result));
/* Any JSON number. */
int jget_number(const json_t *obj, const char *key, bool required, const struct jpath *at, double *ret,
		struct cd_error *err) __attribute__((nonnull, warn_unused_result));

/* Paths, cleaned, in one allocation: free() frees the list and its strings. */
struct jpaths {
	size_t n;
	char *v[];
};

/*
 * An array of at most max absolute paths (each under 256 bytes cleaned), as
 * *ret; an empty list when the key is absent. A profile's lists stay a few
 * hundred bytes: rules keep no fixed-size tables (fresh pages cost more than
 * the parse on a container start).
 */
int jget_paths(const json_t *obj, const char *key, const struct jpath *at, size_t max, struct jpaths **ret,
	       struct cd_error *err) __attribute__((nonnull, warn_unused_result));

/* True when list (NULL: empty) holds path exactly. */
bool jpaths_has(const struct jpaths *list, const char *path);

/* Error about one field: "<file>: <path>.<key>: <reason>". */
int jget_err(struct cd_error *err, int code, const struct jpath *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The type name a user would recognise ("string", "big integer", ...). */
const char *jget_type_name(const json_t *v);

#endif
