#include "spec_schema.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "json_text.h"

enum node_kind { N_STRUCT, N_ARRAY, N_MAP };

struct schema_field {
	const char *name;
	const struct schema_node *child; /* NULL: a scalar or list of scalars */
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

static const struct schema_node id_mapping = STRUCT({ "containerID", NULL }, { "hostID", NULL }, { "size", NULL });
static const struct schema_node hook = STRUCT({ "path", NULL }, { "args", NULL }, { "env", NULL }, { "timeout", NULL });
static const struct schema_node throttle = STRUCT({ "major", NULL }, { "minor", NULL }, { "rate", NULL });

const struct schema_node schema_process =
    STRUCT({ "terminal", NULL }, { "consoleSize", S({ "height", NULL }, { "width", NULL }) },
	   { "user",
	     S({ "uid", NULL }, { "gid", NULL }, { "umask", NULL }, { "additionalGids", NULL }, { "username", NULL }) },
	   { "args", NULL }, { "commandLine", NULL }, { "env", NULL }, { "cwd", NULL },
	   { "capabilities", S({ "bounding", NULL }, { "effective", NULL }, { "inheritable", NULL },
			       { "permitted", NULL }, { "ambient", NULL }) },
	   { "rlimits", ARRAY_OF(S({ "type", NULL }, { "hard", NULL }, { "soft", NULL })) },
	   { "noNewPrivileges", NULL }, { "apparmorProfile", NULL }, { "oomScoreAdj", NULL },
	   { "scheduler", S({ "policy", NULL }, { "nice", NULL }, { "priority", NULL }, { "flags", NULL },
			    { "runtime", NULL }, { "deadline", NULL }, { "period", NULL }) },
	   { "selinuxLabel", NULL }, { "ioPriority", S({ "class", NULL }, { "priority", NULL }) },
	   { "execCPUAffinity", S({ "initial", NULL }, { "final", NULL }) });

const struct schema_node schema_resources = STRUCT(
    { "devices",
      ARRAY_OF(S({ "allow", NULL }, { "type", NULL }, { "major", NULL }, { "minor", NULL }, { "access", NULL })) },
    { "memory", S({ "limit", NULL }, { "reservation", NULL }, { "swap", NULL }, { "kernel", NULL },
		  { "kernelTCP", NULL }, { "swappiness", NULL }, { "disableOOMKiller", NULL }, { "useHierarchy", NULL },
		  { "checkBeforeUpdate", NULL }) },
    { "cpu",
      S({ "shares", NULL }, { "quota", NULL }, { "burst", NULL }, { "period", NULL }, { "realtimeRuntime", NULL },
	{ "realtimePeriod", NULL }, { "cpus", NULL }, { "mems", NULL }, { "idle", NULL }) },
    { "pids", S({ "limit", NULL }) },
    { "blockIO",
      S({ "weight", NULL }, { "leafWeight", NULL },
	{ "weightDevice",
	  ARRAY_OF(S({ "major", NULL }, { "minor", NULL }, { "weight", NULL }, { "leafWeight", NULL })) },
	{ "throttleReadBpsDevice", ARRAY_OF(&throttle) }, { "throttleWriteBpsDevice", ARRAY_OF(&throttle) },
	{ "throttleReadIOPSDevice", ARRAY_OF(&throttle) }, { "throttleWriteIOPSDevice", ARRAY_OF(&throttle) }) },
    { "hugepageLimits", ARRAY_OF(S({ "pageSize", NULL }, { "limit", NULL })) },
    { "network", S({ "classID", NULL }, { "priorities", ARRAY_OF(S({ "name", NULL }, { "priority", NULL })) }) },
    { "rdma", MAP_OF(S({ "hcaHandles", NULL }, { "hcaObjects", NULL })) }, { "unified", NULL });

static const struct schema_node seccomp =
    STRUCT({ "defaultAction", NULL }, { "defaultErrnoRet", NULL }, { "architectures", NULL }, { "flags", NULL },
	   { "listenerPath", NULL }, { "listenerMetadata", NULL },
	   { "syscalls", ARRAY_OF(S({ "names", NULL }, { "action", NULL }, { "errnoRet", NULL },
				    { "args", ARRAY_OF(S({ "index", NULL }, { "value", NULL }, { "valueTwo", NULL },
							 { "op", NULL })) })) });

static const struct schema_node linux_node =
    STRUCT({ "uidMappings", ARRAY_OF(&id_mapping) }, { "gidMappings", ARRAY_OF(&id_mapping) },
	   { "timeOffsets", MAP_OF(S({ "secs", NULL }, { "nanosecs", NULL })) }, { "sysctl", NULL },
	   { "resources", &schema_resources }, { "cgroupsPath", NULL },
	   { "namespaces", ARRAY_OF(S({ "type", NULL }, { "path", NULL })) },
	   { "devices", ARRAY_OF(S({ "type", NULL }, { "path", NULL }, { "major", NULL }, { "minor", NULL },
				   { "fileMode", NULL }, { "uid", NULL }, { "gid", NULL })) },
	   { "seccomp", &seccomp }, { "rootfsPropagation", NULL }, { "maskedPaths", NULL }, { "readonlyPaths", NULL },
	   { "mountLabel", NULL },
	   { "intelRdt", S({ "closID", NULL }, { "l3CacheSchema", NULL }, { "memBwSchema", NULL },
			   { "enableCMT", NULL }, { "enableMBM", NULL }) },
	   { "personality", S({ "domain", NULL }, { "flags", NULL }) },
	   { "memoryPolicy", S({ "mode", NULL }, { "nodes", NULL }, { "flags", NULL }) });

const struct schema_node schema_spec = STRUCT(
    { "ociVersion", NULL }, { "process", &schema_process }, { "root", S({ "path", NULL }, { "readonly", NULL }) },
    { "hostname", NULL }, { "domainname", NULL },
    { "mounts", ARRAY_OF(S({ "destination", NULL }, { "type", NULL }, { "source", NULL }, { "options", NULL },
			   { "uidMappings", ARRAY_OF(&id_mapping) }, { "gidMappings", ARRAY_OF(&id_mapping) })) },
    { "hooks",
      S({ "prestart", ARRAY_OF(&hook) }, { "createRuntime", ARRAY_OF(&hook) }, { "createContainer", ARRAY_OF(&hook) },
	{ "startContainer", ARRAY_OF(&hook) }, { "poststart", ARRAY_OF(&hook) }, { "poststop", ARRAY_OF(&hook) }) },
    { "annotations", NULL }, { "linux", &linux_node });

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

static int check_node(const json_t *v, const struct schema_node *node, const char *what, struct cd_error *err);

static int check_struct_key(const char *key, const json_t *val, const struct schema_node *node, const char *what,
			    struct cd_error *err)
{
	char folded[64], fname[64];

	for (const struct schema_field *f = node->fields; f->name; f++)
		if (!strcmp(f->name, key))
			return f->child ? check_node(val, f->child, what, err) : 0;
	if (!fold_key(key, folded, sizeof(folded)))
		return 0;
	for (const struct schema_field *f = node->fields; f->name; f++) {
		if (fold_key(f->name, fname, sizeof(fname)) && !strcmp(fname, folded))
			return cd_err(
			    err, EINVAL,
			    "%s: key \"%s\" is not spelled \"%s\"; runc would read it as \"%s\", so it is refused",
			    what, key, f->name, f->name);
	}
	return 0;
}

static int check_node(const json_t *v, const struct schema_node *node, const char *what, struct cd_error *err)
{
	const char *key;
	const json_t *val;
	size_t i;
	int r;

	switch (node->kind) {
	case N_STRUCT:
		if (!json_is_object(v))
			return 0;
		json_object_foreach((json_t *)v, key, val) {
			r = check_struct_key(key, val, node, what, err);
			if (r < 0)
				return r;
		}
		return 0;
	case N_ARRAY:
		if (!json_is_array(v))
			return 0;
		json_array_foreach(v, i, val) {
			r = check_node(val, node->elem, what, err);
			if (r < 0)
				return r;
		}
		return 0;
	case N_MAP:
		if (!json_is_object(v))
			return 0;
		json_object_foreach((json_t *)v, key, val) {
			r = check_node(val, node->elem, what, err);
			if (r < 0)
				return r;
		}
		return 0;
	}
	return 0;
}

int spec_schema_check(const json_t *v, const struct schema_node *node, const char *what, struct cd_error *err)
{
	return check_node(v, node, what, err);
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
