/*
 * The OCI runtime spec's field names, as runc's Go decoder sees them. Go
 * matches a JSON key to a struct field case-insensitively with Unicode
 * folding ("User", "uſer" set "user"); clampdown reads keys exactly, so a
 * key that folds onto a field is renamed to it and merged with any other
 * spelling as Go merges them (the rules then see what runc will use).
 * Every known field must also have the JSON type Go decodes into it (a
 * string, a boolean, an integer in the Go type's range; null is always
 * fine): a value runc would refuse is refused here first, naming the field.
 */
#ifndef CLAMPDOWN_SPEC_SCHEMA_H
#define CLAMPDOWN_SPEC_SCHEMA_H

#include <jansson.h>

#include "error.h"

struct schema_node;

extern const struct schema_node schema_spec;	  /* config.json */
extern const struct schema_node schema_process;	  /* exec --process */
extern const struct schema_node schema_resources; /* update --resources */

/*
 * Parse text (json_text_load), require an object, and check it against node:
 * what every spec, process and resources file goes through. *ret is NULL on
 * error. Returns how many keys were renamed (the file must then be written back).
 */
int spec_schema_load(const char *text, size_t len, const struct schema_node *node, const char *what, json_t **ret,
		     struct cd_error *err) __attribute__((nonnull, warn_unused_result));

/* Rename keys that Go would match to a field under another spelling; returns how many. */
int spec_schema_check(json_t *v, const struct schema_node *node, const char *what, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

#endif
