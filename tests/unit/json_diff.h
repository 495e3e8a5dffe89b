/*
 * json_text against jansson itself: the same text must be accepted or
 * refused by both, and what both accept must come out as the same bytes.
 * Two differences are by design: integers outside int64, which jansson
 * refuses and json_text keeps, and raw NUL bytes, which json_text refuses
 * wherever they are (jansson lets one pass right after a number).
 * Used by check_spec and fuzz_json.
 */
#ifndef CLAMPDOWN_JSON_DIFF_H
#define CLAMPDOWN_JSON_DIFF_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"

/* NULL when both agree, else what differs (static text). */
static inline const char *json_diff(const char *buf, size_t len)
{
	const size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(17);
	json_error_t jerr;
	struct cd_error err;
	json_t *ref = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr), *mine = NULL;
	int r = json_text_load(buf, len, "t", &mine, &err);
	const char *why = NULL;
	char *a = NULL, *b = NULL;
	size_t n;

	if (memchr(buf, '\0', len))
		why = r == 0 ? "json_text accepted a NUL byte" : NULL;
	else if (!ref && strstr(jerr.text, "too big"))
		why = NULL;
	else if (!ref != (r < 0))
		why = ref ? "json_text refused what jansson accepts" : "json_text accepted what jansson refuses";
	else if (ref && (json_text_dump(mine, &a, &n, &err) < 0 || !(b = json_dumps(ref, flags)) || strcmp(a, b)))
		why = "json_text and jansson read different values or wrote different bytes";
	free(a);
	free(b);
	json_decref(ref);
	if (r == 0)
		json_decref(mine);
	return why;
}

/* What json_text_load_path must give: the members on path of the whole tree. */
static inline json_t *json_diff_on_path(const json_t *node, const char *const *path)
{
	json_t *out = json_object(), *v = json_object_get(node, *path);

	if (v && !path[1])
		json_object_set(out, *path, v);
	else if (json_is_object(v))
		json_object_set_new(out, *path, json_diff_on_path(v, path + 1));
	return out;
}

/*
 * json_text_load_path against json_text_load: what the whole reader accepts
 * the path reader accepts, keeping the same members; what it refuses the
 * whole reader refuses too (the path reader lets duplicate keys pass off the
 * path, where it builds nothing).
 */
static inline const char *json_path_diff(const char *buf, size_t len)
{
	static const char *const paths[][3] = { { "process", "env", NULL },
						{ "config", "labels", NULL },
						{ "annotations", NULL, NULL },
						{ "a", NULL, NULL } };
	const char *why = NULL;
	struct cd_error err;
	json_t *whole = NULL;
	int r = json_text_load(buf, len, "t", &whole, &err);

	for (size_t i = 0; !why && i < sizeof(paths) / sizeof(paths[0]); i++) {
		json_t *part = NULL, *want;
		int q = json_text_load_path(buf, len, "t", paths[i], &part, &err);

		if (q < 0 && r == 0)
			why = "the path reader refused what the whole reader accepts";
		if (q == 0 && r == 0) {
			want = json_is_object(whole) ? json_diff_on_path(whole, paths[i]) : json_object();
			if (!json_equal(part, want))
				why = "the path reader kept other members than the whole reader has on the path";
			json_decref(want);
		}
		if (q == 0)
			json_decref(part);
	}
	if (r == 0)
		json_decref(whole);
	return why;
}

#endif
