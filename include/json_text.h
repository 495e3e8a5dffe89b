/*
 * JSON text in and out of jansson without losing anything runc reads:
 * integers outside int64 (uint64 rlimits, swappiness, seccomp arguments)
 * travel through jansson as marker strings and come out as the same digits.
 */
#ifndef CLAMPDOWN_JSON_TEXT_H
#define CLAMPDOWN_JSON_TEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Parse text; refuses duplicate keys, NUL escapes and trailing garbage. */
int json_text_load(const char *buf, size_t len, const char *what, json_t **ret, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

/*
 * The same, keeping only the member path names (a NULL-terminated list of
 * keys, one per level of objects): the rest of the text is checked but not
 * built, so a large file read for one field costs little more than a scan.
 * A member missing, or under something else than an object, is left out.
 */
int json_text_load_path(const char *buf, size_t len, const char *what, const char *const *path, json_t **ret,
			struct cd_error *err) __attribute__((nonnull, warn_unused_result));

/*
 * A string for a log line or a finding. Text cut at a buffer's end inside a
 * character, or bytes from argv that are not UTF-8, would make jansson refuse
 * it and the line be lost: a cut last character is dropped, and any other
 * byte that starts no whole character becomes '?'. NULL for NULL.
 */
json_t *json_text_message(const char *s);

/* Serialise compactly, restoring big integers; *ret is malloc'd. */
int json_text_dump(const json_t *root, char **ret, size_t *ret_len, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

/* True when v stands for an integer outside int64. */
bool json_text_is_bigint(const json_t *v);

/* A value already serialised (len bytes of JSON text the caller vouches for), written out as it is. */
json_t *json_text_raw(const char *text, size_t len);

/* True for a big integer or a json_text_raw value: json_text_dump writes its text. */
bool json_text_is_verbatim(const json_t *v);

/* A uint64 as JSON: an integer, or a big-integer marker above INT64_MAX. */
json_t *json_text_uint64(uint64_t v);

/* Read a non-negative integer up to UINT64_MAX (a plain integer or a marker). */
bool json_text_get_uint64(const json_t *v, uint64_t *ret);

/* The digits of a big integer (NULL unless json_text_is_bigint). */
const char *json_text_bigint_digits(const json_t *v);

#endif
