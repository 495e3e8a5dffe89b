#include "node_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "jget.h"
#include "json_text.h"

static const char *const known_keys[] = {
	"runtime",   "profile_dir", "default_profile", "profile_annotation", "selectable_profiles", "decision_log",
	"cache_dir", NULL,
};

const char *node_config_path(const char *flag_value)
{
	const char *env;

	if (flag_value)
		return flag_value;
	env = getenv("CLAMPDOWN_CONFIG");
	return env && *env ? env : NODE_CONFIG_DEFAULT;
}

bool node_config_valid_profile_name(const char *name)
{
	if (!*name || *name == '.' || strlen(name) > 128)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.'))
			return false;
	return true;
}

static int check_abs(const char *v, const char *key, const struct jpath *at, struct cd_error *err)
{
	if (v[0] != '/')
		return jget_err(err, EINVAL, at, key, "must be an absolute path, not \"%s\"", v);
	return 0;
}

static int load_selectable(struct node_config *c, const struct jpath *at, struct cd_error *err)
{
	json_t *v;
	size_t i;
	int r = jget_array(c->root, "selectable_profiles", false, at, &c->selectable, err);

	if (r < 0 || !c->selectable)
		return r;
	json_array_foreach(c->selectable, i, v) {
		if (!json_is_string(v) || !node_config_valid_profile_name(json_string_value(v)))
			return jget_err(err, EINVAL, at, "selectable_profiles",
					"entry %zu must be a profile name (letters, digits, '-', '_', '.')", i);
	}
	return 0;
}

static int load_fields(struct node_config *c, const struct jpath *at, struct cd_error *err)
{
	int r = jget_known_keys(c->root, known_keys, at, err);

	c->profile_dir = "/etc/clampdown/profiles";
	c->default_profile = "restricted";
	c->profile_annotation = "io.clampdown.profile";
	c->decision_log = "/var/log/clampdown/decisions.jsonl";
	c->cache_dir = "/run/clampdown/cache";
	if (r >= 0)
		r = jget_string(c->root, "runtime", true, at, &c->runtime, err);
	if (r >= 0)
		r = check_abs(c->runtime, "runtime", at, err);
	if (r >= 0)
		r = jget_string(c->root, "profile_dir", false, at, &c->profile_dir, err);
	if (r >= 0)
		r = check_abs(c->profile_dir, "profile_dir", at, err);
	if (r >= 0)
		r = jget_string(c->root, "default_profile", false, at, &c->default_profile, err);
	if (r >= 0 && !node_config_valid_profile_name(c->default_profile))
		r = jget_err(err, EINVAL, at, "default_profile", "\"%s\" is not a profile name", c->default_profile);
	if (r >= 0)
		r = jget_string(c->root, "profile_annotation", false, at, &c->profile_annotation, err);
	if (r >= 0)
		r = load_selectable(c, at, err);
	if (r >= 0 && json_is_null(json_object_get(c->root, "decision_log")))
		c->decision_log = NULL;
	else if (r >= 0)
		r = jget_string(c->root, "decision_log", false, at, &c->decision_log, err);
	if (r >= 0 && c->decision_log)
		r = check_abs(c->decision_log, "decision_log", at, err);
	if (r >= 0 && json_is_null(json_object_get(c->root, "cache_dir")))
		c->cache_dir = NULL;
	else if (r >= 0)
		r = jget_string(c->root, "cache_dir", false, at, &c->cache_dir, err);
	if (r >= 0 && c->cache_dir)
		r = check_abs(c->cache_dir, "cache_dir", at, err);
	return r;
}

int node_config_load(const char *path, struct node_config *ret, struct cd_error *err)
{
	cleanup_free char *text = NULL;
	struct jpath at = { .path = "" };
	size_t len = 0;
	int r;

	*ret = (struct node_config){ 0 };
	snprintf(ret->path, sizeof(ret->path), "%s", path);
	at.file = ret->path;
	/* operators manage this file; a symlink (a ConfigMap) is fine */
	r = fs_read_at(AT_FDCWD, path, false, 1u << 20, &text, &len, &ret->st, err);
	if (r < 0) {
		cd_err_prefix(err, "node config: ");
		return cd_err_hint(err,
				   "write it (see config.json.example beside the shipped profiles) or name another "
				   "with --clampdown-config=PATH or CLAMPDOWN_CONFIG");
	}
	r = json_text_load(text, len, path, &ret->root, err);
	if (r < 0)
		return r;
	if (!json_is_object(ret->root))
		return cd_err(err, EINVAL, "%s: must be a JSON object", path);
	return load_fields(ret, &at, err);
}

int node_config_check_runtime(struct node_config *c, struct cd_error *err)
{
	struct stat *rt = &c->runtime_st, self;

	if (stat(c->runtime, rt) < 0)
		return cd_err_sys(err, "%s: runtime \"%s\" (set \"runtime\" to runc's or crun's path)", c->path,
				  c->runtime);
	if (!S_ISREG(rt->st_mode) || access(c->runtime, X_OK) < 0)
		return cd_err(err, EACCES,
			      "%s: runtime \"%s\" is not an executable file; point it at the real runc or crun",
			      c->path, c->runtime);
	if (stat("/proc/self/exe", &self) < 0)
		return cd_err_sys(err, "cannot stat /proc/self/exe");
	if (rt->st_dev == self.st_dev && rt->st_ino == self.st_ino)
		return cd_err(err, ELOOP, "%s: runtime \"%s\" is clampdown itself; point it at the real runc or crun",
			      c->path, c->runtime);
	return 0;
}

bool node_config_selectable(const struct node_config *c, const char *profile)
{
	json_t *v;
	size_t i;

	json_array_foreach(c->selectable, i, v)
		if (!strcmp(json_string_value(v), profile))
			return true;
	return false;
}

void node_config_free(struct node_config *c)
{
	if (c->root)
		json_decref(c->root);
	c->root = NULL;
}
