#include "runtime_state.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fsutil.h"
#include "json_text.h"

/* A container id runc accepts: [A-Za-z0-9_+.-]+, not "." or "..". */
static int valid_id(const char *id)
{
	if (!*id || !strcmp(id, ".") || !strcmp(id, ".."))
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '+' || *p == '-' || *p == '.'))
			return 0;
	return 1;
}

static const char *default_root(const char *runtime)
{
	const char *base = strrchr(runtime, '/');

	base = base ? base + 1 : runtime;
	return !strncmp(base, "crun", 4) ? "/run/crun" : "/run/runc";
}

/* Only the member path names is built: runc's state.json holds the whole container config (30 KB and more). */
static int load_json_at(int dirfd, const char *name, const char *what, const char *const *path, json_t **ret,
			struct cd_error *err)
{
	cleanup_free char *text = NULL;
	struct stat st;
	size_t len = 0;
	int r = fs_read_at(dirfd, name, true, FS_MAX_FILE, &text, &len, &st, err);

	return r < 0 ? r : json_text_load_path(text, len, what, path, ret, err);
}

/* runc keeps annotations as "key=value" labels, beside "bundle=..." */
static json_t *labels_to_annotations(const json_t *labels)
{
	json_t *ann = json_object(), *v;
	size_t i;

	json_array_foreach(labels, i, v) {
		const char *s = json_string_value(v), *eq = s ? strchr(s, '=') : NULL;

		if (eq && strncmp(s, "bundle=", 7)) {
			char key[512];

			snprintf(key, sizeof(key), "%.*s", (int)(eq - s), s);
			json_object_set_new(ann, key, json_string(eq + 1));
		}
	}
	return ann;
}

int runtime_state_annotations(const char *runtime, const char *root, const char *id, json_t **ret, struct cd_error *err)
{
	cleanup_close int dirfd = -1;
	cleanup_json json_t *state = NULL;
	json_t *ann;
	int r;

	if (!valid_id(id))
		return cd_err(err, EINVAL, "\"%s\" is not a container id", id);
	root = root ? root : default_root(runtime);
	dirfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd >= 0) {
		int cfd = openat(dirfd, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		close(dirfd);
		dirfd = cfd;
	}
	if (dirfd < 0)
		return cd_err_sys(err, "container %s: no state under %s", id, root);
	r = load_json_at(dirfd, "state.json", "runc state.json", (const char *const[]){ "config", "labels", NULL },
			 &state, err);
	if (r == 0) {
		*ret = labels_to_annotations(json_object_get(json_object_get(state, "config"), "labels"));
		return 0;
	}
	r = load_json_at(dirfd, "config.json", "crun's config.json", (const char *const[]){ "annotations", NULL },
			 &state, err);
	if (r < 0)
		return cd_err_prefix(err, "container %s under %s: ", id, root);
	ann = json_object_get(state, "annotations");
	*ret = json_is_object(ann) ? json_incref(ann) : json_object();
	return 0;
}
