#include "spec_schema.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jget.h"
#include "json_text.h"

/* Scalars as runc's Go types decode them; null is accepted everywhere, as Go does. */
enum node_kind { N_STRUCT, N_ARRAY, N_MAP, N_STRING, N_BOOL, N_I64, N_I32, N_U64, N_U32, N_U16 };

struct schema_field {
	const char *name;
	const struct schema_node *child;
};

struct schema_node {
	enum node_kind kind;
	const struct schema_field *fields; /* N_STRUCT */
	const struct schema_node *elem;	   /* N_ARRAY, N_MAP */
};

#define STRUCT(...)                                                                          \
	{                                                                                    \
		N_STRUCT, (const struct schema_field[]){ __VA_ARGS__, { NULL, NULL } }, NULL \
	}
#define ARRAY_OF(n) (&(const struct schema_node){ N_ARRAY, NULL, (n) })
#define MAP_OF(n)   (&(const struct schema_node){ N_MAP, NULL, (n) })
#define S(...)	    (&(const struct schema_node)STRUCT(__VA_ARGS__))

static const struct schema_node str = { N_STRING, NULL, NULL }, boolean = { N_BOOL, NULL, NULL },
				i64 = { N_I64, NULL, NULL }, i32 = { N_I32, NULL, NULL }, u64 = { N_U64, NULL, NULL },
				u32 = { N_U32, NULL, NULL }, u16 = { N_U16, NULL, NULL };
#define STRS	ARRAY_OF(&str)
#define STR_MAP MAP_OF(&str)

static const struct schema_node id_mapping = STRUCT({ "containerID", &u32 }, { "hostID", &u32 }, { "size", &u32 });
static const struct schema_node hook = STRUCT({ "path", &str }, { "args", STRS }, { "env", STRS }, { "timeout", &i64 });
static const struct schema_node throttle = STRUCT({ "major", &i64 }, { "minor", &i64 }, { "rate", &u64 });
static const struct schema_node caps = STRUCT({ "bounding", STRS }, { "effective", STRS }, { "inheritable", STRS },
					      { "permitted", STRS }, { "ambient", STRS });

const struct schema_node schema_process =
    STRUCT({ "terminal", &boolean }, { "consoleSize", S({ "height", &u32 }, { "width", &u32 }) },
	   { "user", S({ "uid", &u32 }, { "gid", &u32 }, { "umask", &u32 }, { "additionalGids", ARRAY_OF(&u32) },
		       { "username", &str }) },
	   { "args", STRS }, { "commandLine", &str }, { "env", STRS }, { "cwd", &str }, { "capabilities", &caps },
	   { "rlimits", ARRAY_OF(S({ "type", &str }, { "hard", &u64 }, { "soft", &u64 })) },
	   { "noNewPrivileges", &boolean }, { "apparmorProfile", &str }, { "oomScoreAdj", &i64 },
	   { "scheduler", S({ "policy", &str }, { "nice", &i32 }, { "priority", &i32 }, { "flags", STRS },
			    { "runtime", &u64 }, { "deadline", &u64 }, { "period", &u64 }) },
	   { "selinuxLabel", &str }, { "ioPriority", S({ "class", &str }, { "priority", &i64 }) },
	   { "execCPUAffinity", S({ "initial", &str }, { "final", &str }) });

const struct schema_node schema_resources = STRUCT(
    { "devices",
      ARRAY_OF(S({ "allow", &boolean }, { "type", &str }, { "major", &i64 }, { "minor", &i64 }, { "access", &str })) },
    { "memory", S({ "limit", &i64 }, { "reservation", &i64 }, { "swap", &i64 }, { "kernel", &i64 },
		  { "kernelTCP", &i64 }, { "swappiness", &u64 }, { "disableOOMKiller", &boolean },
		  { "useHierarchy", &boolean }, { "checkBeforeUpdate", &boolean }) },
    { "cpu",
      S({ "shares", &u64 }, { "quota", &i64 }, { "burst", &u64 }, { "period", &u64 }, { "realtimeRuntime", &i64 },
	{ "realtimePeriod", &u64 }, { "cpus", &str }, { "mems", &str }, { "idle", &i64 }) },
    { "pids", S({ "limit", &i64 }) },
    { "blockIO",
      S({ "weight", &u16 }, { "leafWeight", &u16 },
	{ "weightDevice",
	  ARRAY_OF(S({ "major", &i64 }, { "minor", &i64 }, { "weight", &u16 }, { "leafWeight", &u16 })) },
	{ "throttleReadBpsDevice", ARRAY_OF(&throttle) }, { "throttleWriteBpsDevice", ARRAY_OF(&throttle) },
	{ "throttleReadIOPSDevice", ARRAY_OF(&throttle) }, { "throttleWriteIOPSDevice", ARRAY_OF(&throttle) }) },
    { "hugepageLimits", ARRAY_OF(S({ "pageSize", &str }, { "limit", &u64 })) },
    { "network", S({ "classID", &u32 }, { "priorities", ARRAY_OF(S({ "name", &str }, { "priority", &u32 })) }) },
    { "rdma", MAP_OF(S({ "hcaHandles", &u32 }, { "hcaObjects", &u32 })) }, { "unified", STR_MAP });

static const struct schema_node seccomp =
    STRUCT({ "defaultAction", &str }, { "defaultErrnoRet", &u32 }, { "architectures", STRS }, { "flags", STRS },
	   { "listenerPath", &str }, { "listenerMetadata", &str },
	   { "syscalls", ARRAY_OF(S({ "names", STRS }, { "action", &str }, { "errnoRet", &u32 },
				    { "args", ARRAY_OF(S({ "index", &u32 }, { "value", &u64 }, { "valueTwo", &u64 },
							 { "op", &str })) })) });

static const struct schema_node linux_node =
    STRUCT({ "uidMappings", ARRAY_OF(&id_mapping) }, { "gidMappings", ARRAY_OF(&id_mapping) },
	   { "timeOffsets", MAP_OF(S({ "secs", &i64 }, { "nanosecs", &u32 })) }, { "sysctl", STR_MAP },
	   { "resources", &schema_resources }, { "cgroupsPath", &str },
	   { "namespaces", ARRAY_OF(S({ "type", &str }, { "path", &str })) },
	   { "devices", ARRAY_OF(S({ "type", &str }, { "path", &str }, { "major", &i64 }, { "minor", &i64 },
				   { "fileMode", &u32 }, { "uid", &u32 }, { "gid", &u32 })) },
	   { "seccomp", &seccomp }, { "rootfsPropagation", &str }, { "maskedPaths", STRS }, { "readonlyPaths", STRS },
	   { "mountLabel", &str },
	   { "intelRdt", S({ "closID", &str }, { "l3CacheSchema", &str }, { "memBwSchema", &str },
			   { "enableCMT", &boolean }, { "enableMBM", &boolean }) },
	   { "personality", S({ "domain", &str }, { "flags", STRS }) },
	   { "memoryPolicy", S({ "mode", &str }, { "nodes", &str }, { "flags", STRS }) });

const struct schema_node schema_spec = STRUCT(
    { "ociVersion", &str }, { "process", &schema_process }, { "root", S({ "path", &str }, { "readonly", &boolean }) },
    { "hostname", &str }, { "domainname", &str },
    { "mounts", ARRAY_OF(S({ "destination", &str }, { "type", &str }, { "source", &str }, { "options", STRS },
			   { "uidMappings", ARRAY_OF(&id_mapping) }, { "gidMappings", ARRAY_OF(&id_mapping) })) },
    { "hooks",
      S({ "prestart", ARRAY_OF(&hook) }, { "createRuntime", ARRAY_OF(&hook) }, { "createContainer", ARRAY_OF(&hook) },
	{ "startContainer", ARRAY_OF(&hook) }, { "poststart", ARRAY_OF(&hook) }, { "poststop", ARRAY_OF(&hook) }) },
    { "annotations", STR_MAP }, { "linux", &linux_node });

/*
 * Fold one key the way Go's encoding/json does for ASCII field names:
 * ASCII case, and the two non-ASCII letters whose simple case folding
 * reaches ASCII: U+017F (long s) and U+212A (Kelvin sign). Returns false
 * when the key cannot fold to an ASCII name or is too long for any field.
 */
static bool fold_key(const char *key, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)key;
	size_t n = 0;

	while (*p) {
		char c;

		if (n + 1 >= cap)
			return false;
		if (*p < 0x80) {
			c = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			p++;
		} else if (p[0] == 0xc5 && p[1] == 0xbf) {
			c = 's';
			p += 2;
		} else if (p[0] == 0xe2 && p[1] == 0x84 && p[2] == 0xaa) {
			c = 'k';
			p += 3;
		} else {
			return false;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	return true;
}

/* Where the walk is: the file and the members and elements it went through (the schema is a few levels deep). */
struct walk {
	const char *what;
	struct step {
		const char *key; /* NULL: an array element */
		size_t index;
	} steps[16];
	size_t depth;
	int respelled; /* keys renamed to the field Go matches them to */
};

/* Fields spelled otherwise in one object, renamed once its walk is done (jansson objects cannot change while iterated). */
#define MAX_RESPELL 8

static int check_node(json_t *v, const struct schema_node *node, struct walk *w, struct cd_error *err);

/* Descend into key (an object member) or index (an array element), check, come back. */
static int check_child(json_t *v, const struct schema_node *node, struct walk *w, const char *key, size_t index,
		       struct cd_error *err)
{
	int r;

	if (w->depth == sizeof(w->steps) / sizeof(w->steps[0]))
		return cd_err(err, EINVAL, "%s: nested deeper than the OCI schema", w->what);
	w->steps[w->depth++] = (struct step){ key, index };
	r = check_node(v, node, w, err);
	w->depth--;
	return r;
}

/* The path for a message, built only when there is one to write. */
static const char *walk_path(const struct walk *w, char *buf, size_t size)
{
	size_t len = 0;
	int n;

	buf[0] = '\0';
	for (size_t i = 0; i < w->depth && len < size; i++) {
		const struct step *st = &w->steps[i];

		n = st->key ? snprintf(buf + len, size - len, "%s%s", len ? "." : "", st->key)
			    : snprintf(buf + len, size - len, "[%zu]", st->index);
		len += n > 0 ? (size_t)n : 0;
	}
	return w->depth ? buf : "(top)";
}

/* The field key names: spelled exactly (*exact) or folding onto it, as Go matches it; NULL if none. */
static const struct schema_field *field_of(const struct schema_node *node, const char *key, bool *exact)
{
	char folded[64], fname[64];
	const struct schema_field *f;

	*exact = true;
	for (f = node->fields; f->name; f++)
		if (!strcmp(f->name, key))
			return f;
	*exact = false;
	if (!fold_key(key, folded, sizeof(folded)))
		return NULL;
	for (f = node->fields; f->name; f++)
		if (fold_key(f->name, fname, sizeof(fname)) && !strcmp(fname, folded))
			return f;
	return NULL;
}

/*
 * Every spelling of field in obj becomes one member under the field's own
 * name, as Go's decoder builds it: in document order, an object is merged
 * into the object before it (key by key, recursively), anything else
 * replaces what came before; a null after a value is refused.
 */
static int fold_field(json_t *obj, const struct schema_node *node, const struct schema_field *field,
		      const struct walk *w, struct cd_error *err)
{
	const char *key, *drop[MAX_RESPELL];
	char path[512];
	json_t *v, *merged = NULL;
	size_t nd = 0;
	bool exact;

	json_object_foreach(obj, key, v) {
		if (field_of(node, key, &exact) != field)
			continue;
		/* Go's null clears a pointer but leaves a struct value alone: which, the schema does not say */
		if (merged && !json_is_null(merged) && json_is_null(v)) {
			json_decref(merged);
			return cd_err(err, EINVAL,
				      "%s: %s%s%s: \"%s\" is null after another spelling of it is set; refused",
				      w->what, walk_path(w, path, sizeof(path)), w->depth ? "." : "", field->name, key);
		}
		if (json_is_object(merged) && json_is_object(v)) {
			if (json_object_update_recursive(merged, v) < 0)
				return json_decref(merged), cd_err(err, ENOMEM, "out of memory");
		} else {
			json_decref(merged);
			merged = json_is_object(v) ? json_deep_copy(v) : json_incref(v);
			if (!merged)
				return cd_err(err, ENOMEM, "out of memory");
		}
		if (!exact && nd == MAX_RESPELL)
			return json_decref(merged),
			       cd_err(err, EINVAL, "%s: %s: too many spellings", w->what, field->name);
		if (!exact)
			drop[nd++] = key;
	}
	if (json_object_set_new(obj, field->name, merged) < 0)
		return cd_err(err, ENOMEM, "out of memory");
	for (size_t k = 0; k < nd; k++)
		json_object_del(obj, drop[k]);
	return 0;
}

/*
 * A key that folds onto a field (runc reads "CPU" as "cpu") is renamed to
 * the field, merged as Go merges with any other spelling of it, so the
 * rules see what runc will use.
 */
static int check_struct(json_t *obj, const struct schema_node *node, struct walk *w, struct cd_error *err)
{
	const struct schema_field *folded[MAX_RESPELL], *f;
	size_t nf = 0, k;
	const char *key;
	json_t *val;
	bool exact;
	int r;

	json_object_foreach(obj, key, val) {
		f = field_of(node, key, &exact);
		if (!f)
			continue;
		r = check_child(val, f->child, w, f->name, 0, err);
		if (r < 0)
			return r;
		if (exact)
			continue;
		for (k = 0; k < nf && folded[k] != f; k++)
			;
		if (k == MAX_RESPELL)
			return cd_err(err, EINVAL, "%s: more than %d keys spelled unlike their fields", w->what,
				      MAX_RESPELL);
		if (k == nf)
			folded[nf++] = f;
	}
	for (k = 0; k < nf; k++) {
		r = fold_field(obj, node, folded[k], w, err);
		if (r < 0)
			return r;
	}
	w->respelled += (int)nf;
	return 0;
}

/* An integer in [min, max]: what Go decodes into that type (no reals, no strings). */
static bool int_in(const json_t *v, int64_t min, int64_t max)
{
	return json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= max;
}

static bool scalar_ok(const json_t *v, enum node_kind kind)
{
	uint64_t u;

	switch (kind) {
	case N_STRING: return json_is_string(v) && !json_text_is_verbatim(v);
	case N_BOOL: return json_is_boolean(v);
	case N_I64: return json_is_integer(v);
	case N_I32: return int_in(v, INT32_MIN, INT32_MAX);
	case N_U64: return json_text_get_uint64(v, &u);
	case N_U32: return int_in(v, 0, UINT32_MAX);
	case N_U16: return int_in(v, 0, UINT16_MAX);
	default: return false;
	}
}

static const char *kind_name(enum node_kind kind)
{
	static const char *const names[] = {
		[N_STRUCT] = "an object",
		[N_ARRAY] = "an array",
		[N_MAP] = "an object",
		[N_STRING] = "a string",
		[N_BOOL] = "a boolean",
		[N_I64] = "an integer",
		[N_I32] = "an integer in int32's range",
		[N_U64] = "an integer from 0 to 2^64-1",
		[N_U32] = "an integer from 0 to 2^32-1",
		[N_U16] = "an integer from 0 to 65535",
	};

	return names[kind];
}

static int check_node(json_t *v, const struct schema_node *node, struct walk *w, struct cd_error *err)
{
	char path[512];
	const char *key;
	json_t *val;
	size_t i;
	int r = 0;

	if (json_is_null(v))
		return 0;
	switch (node->kind) {
	case N_STRUCT:
		if (!json_is_object(v))
			break;
		return check_struct(v, node, w, err);
	case N_ARRAY:
		if (!json_is_array(v))
			break;
		json_array_foreach(v, i, val) {
			r = check_child(val, node->elem, w, NULL, i, err);
			if (r < 0)
				return r;
		}
		return 0;
	case N_MAP:
		if (!json_is_object(v))
			break;
		json_object_foreach(v, key, val) {
			r = check_child(val, node->elem, w, key, 0, err);
			if (r < 0)
				return r;
		}
		return 0;
	default:
		if (scalar_ok(v, node->kind))
			return 0;
	}
	return cd_err(err, EINVAL, "%s: %s: must be %s, not %s", w->what, walk_path(w, path, sizeof(path)),
		      kind_name(node->kind), jget_type_name(v));
}

int spec_schema_check(json_t *v, const struct schema_node *node, const char *what, struct cd_error *err)
{
	struct walk w = { .what = what };
	int r = check_node(v, node, &w, err);

	return r < 0 ? r : w.respelled;
}

int spec_schema_load(const char *text, size_t len, const struct schema_node *node, const char *what, json_t **ret,
		     struct cd_error *err)
{
	int r = json_text_load(text, len, what, ret, err);

	if (r >= 0 && !json_is_object(*ret))
		r = cd_err(err, EINVAL, "%s: must be a JSON object", what);
	if (r >= 0)
		r = spec_schema_check(*ret, node, what, err);
	if (r < 0 && *ret) {
		json_decref(*ret);
		*ret = NULL;
	}
	return r;
}
