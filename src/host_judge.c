#include "host_judge.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts.h"
#include "pathutil.h"
#include "pin.h"

struct sens {
	const char *name; /* as the profile spells it */
	char *canon;	  /* where it is, without links: made when first needed */
	bool exists, mnt_unique, dir;
	bool absent; /* not there: identity and canon are its deepest existing ancestor's */
	uint64_t mnt_id, ino;
	uint32_t major, minor;
	char *place; /* when first needed */
};

struct host_judge {
	const struct jpaths *list;
	struct sens *s;
	size_t n;
	bool ready, in_pin_ns; /* mount ids are per namespace: resolved again after pin_enter */
	uint32_t dev_major, dev_minor;
	bool dev_known;
	struct mounts mounts;
};

struct host_judge *host_judge_new(const struct jpaths *sensitive)
{
	struct host_judge *j = calloc(1, sizeof(*j));

	if (j)
		j->list = sensitive;
	return j;
}

static void reset(struct host_judge *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->s[i].canon);
		free(j->s[i].place);
	}
	free(j->s);
	mounts_free(&j->mounts);
	*j = (struct host_judge){ .list = j->list };
}

void host_judge_free(struct host_judge *j)
{
	if (j)
		reset(j);
	free(j);
}

#define SENS_STATX (STATX_TYPE | STATX_INO | STATX_MNT_ID | MOUNTS_STATX_UNIQUE)

static void identify(struct sens *s, const struct statx *stx)
{
	s->mnt_id = stx->stx_mnt_id;
	s->mnt_unique = stx->stx_mask & MOUNTS_STATX_UNIQUE;
	s->dir = S_ISDIR(stx->stx_mode);
	s->ino = stx->stx_ino;
	s->major = stx->stx_dev_major;
	s->minor = stx->stx_dev_minor;
}

/*
 * A sensitive path not there yet would be made inside its deepest existing
 * ancestor: a directory holding that ancestor holds it (a bind of /run
 * before containerd makes /run/containerd).
 */
static void ancestor(struct sens *s)
{
	char dir[4096], link[4096];
	struct statx stx;
	char *slash;
	ssize_t n;

	if (snprintf(dir, sizeof(dir), "%s", s->name) >= (int)sizeof(dir))
		return;
	/* a dangling link: the path is made where it leads (a few hops, as the kernel would follow) */
	for (int hop = 0; hop < 8 && (n = readlink(dir, link, sizeof(link) - 1)) > 0; hop++) {
		link[n] = '\0';
		if (link[0] == '/')
			snprintf(dir, sizeof(dir), "%s", link);
		else if ((slash = strrchr(dir, '/')) && (size_t)(slash - dir) + 1 + (size_t)n < sizeof(dir))
			memcpy(slash + 1, link, (size_t)n + 1);
		else
			return;
	}
	while ((slash = strrchr(dir, '/'))) {
		slash[slash == dir] = '\0';
		if (statx(AT_FDCWD, dir, 0, SENS_STATX, &stx) == 0 &&
		    (stx.stx_mask & (STATX_MNT_ID | MOUNTS_STATX_UNIQUE)) && S_ISDIR(stx.stx_mode) &&
		    (s->canon = realpath(dir, NULL))) {
			s->absent = true;
			identify(s, &stx);
			return;
		}
		if (slash == dir)
			return;
	}
}

/* Each sensitive path's identity and mount: one statx each (and its ancestors' when it is not there). */
static int resolve(struct host_judge *j, struct cd_error *err)
{
	struct statx stx;

	if (j->ready && j->in_pin_ns == pin_entered())
		return 0;
	reset(j);
	j->in_pin_ns = pin_entered();
	j->s = calloc(j->list->n + 1, sizeof(*j->s));
	if (!j->s)
		return cd_err(err, ENOMEM, "out of memory");
	for (; j->n < j->list->n; j->n++) {
		struct sens *s = &j->s[j->n];

		s->name = j->list->v[j->n];
		s->exists = statx(AT_FDCWD, s->name, 0, SENS_STATX, &stx) == 0 &&
			    (stx.stx_mask & (STATX_MNT_ID | MOUNTS_STATX_UNIQUE));
		if (s->exists)
			identify(s, &stx);
		else
			ancestor(s);
	}
	/* the host's /dev superblock: the profile's "/dev" entry when it has one */
	for (size_t i = 0; i < j->n && !j->dev_known; i++)
		if (j->s[i].exists && !strcmp(j->s[i].name, "/dev")) {
			j->dev_known = true;
			j->dev_major = j->s[i].major;
			j->dev_minor = j->s[i].minor;
		}
	if (!j->dev_known && statx(AT_FDCWD, "/dev", 0, STATX_INO, &stx) == 0) {
		j->dev_known = true;
		j->dev_major = stx.stx_dev_major;
		j->dev_minor = stx.stx_dev_minor;
	}
	j->ready = true;
	return 0;
}

/* Where s is without links, or its spelling when it does not exist. */
static const char *canon(struct sens *s)
{
	if (!s->canon && s->exists)
		s->canon = realpath(s->name, NULL);
	if (!s->canon)
		s->canon = strdup(s->name);
	return s->canon ? s->canon : s->name;
}

/* The place of path on mount id (see mounts.h). */
static int place_of(struct host_judge *j, uint64_t id, bool unique, const char *path, char **ret, struct cd_error *err)
{
	struct mnt_list l;
	int r = mounts_get(&j->mounts, id, unique, &l, err);

	if (r < 0)
		return r;
	r = mnt_place_of(&l.v[0], path, ret);
	mnt_list_free(&l);
	return r < 0 ? cd_err(err, ENOENT, "%s: not below the mount point of its mount", path) : 0;
}

/* The path part of a place ("8:1:/etc" -> "/etc"). */
static const char *place_path(const char *place)
{
	const char *p = strchr(place, ':');

	return p ? strchr(p + 1, ':') + 1 : place;
}

/* "is", "lies under" or "holds", comparing paths; NULL when unrelated. */
static const char *relation(const char *path, const char *s)
{
	if (!strcmp(path, s))
		return "is";
	if (strcmp(s, "/") && path_is_under(path, s))
		return "lies under";
	if (path_is_under(s, path))
		return "holds";
	return NULL;
}

/* "is", "lies under" or "holds" between two places on one filesystem; "/" as itself only. */
static const char *place_relation(const struct sens *s, const char *place, const char *splace)
{
	if (!strcmp(s->canon, "/") && strcmp(place_path(place), place_path(splace)))
		return NULL;
	return relation(place_path(place), place_path(splace));
}

/* The same by places: o is reached through another mount of s's filesystem. */
static int by_place(struct host_judge *j, struct sens *s, const struct host_obj *o, const char **ret_rel,
		    struct cd_error *err)
{
	char *op = NULL;
	int r = 0;

	*ret_rel = NULL;
	canon(s);
	if (!s->place)
		r = place_of(j, s->mnt_id, s->mnt_unique, s->canon, &s->place, err);
	if (r >= 0)
		r = place_of(j, o->mnt_id, o->mnt_unique, o->path, &op, err);
	if (r >= 0)
		*ret_rel = place_relation(s, op, s->place);
	free(op);
	return r;
}

static const struct sens *same_inode(const struct host_judge *j, const struct statx *stx, bool root_too)
{
	for (size_t i = 0; i < j->n; i++) {
		const struct sens *s = &j->s[i];

		if (s->exists && s->ino == stx->stx_ino && s->major == stx->stx_dev_major &&
		    s->minor == stx->stx_dev_minor && (root_too || strcmp(s->name, "/")))
			return s;
	}
	return NULL;
}

/*
 * One walk down o's path, "/" to o: is o, or a directory above it, a
 * sensitive path (by inode, so a link or an alias among them is seen for
 * what it is; "/" only as o itself), and can anyone but root change what
 * the path leads to.
 */
static void walk(const struct host_judge *j, const struct host_obj *o, unsigned flags, struct host_verdict *v)
{
	size_t len = strlen(o->path);
	bool sticky = false;
	char dir[4096];

	if (len >= sizeof(dir)) {
		v->bad = true;
		snprintf(v->why, sizeof(v->why), "has a path too long to judge");
		return;
	}
	v->trusted = true;
	for (size_t i = 0; i <= len && !v->bad; i++) {
		struct statx stx = { .stx_ino = o->ino, .stx_dev_major = o->major, .stx_dev_minor = o->minor };
		const struct sens *s;

		if (i < len && o->path[i] != '/')
			continue;
		memcpy(dir, o->path, i ? i : 1);
		dir[i ? i : 1] = '\0';
		if (i < len &&
		    statx(AT_FDCWD, dir, AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_UID | STATX_MODE, &stx) < 0) {
			v->bad = true;
			snprintf(v->why, sizeof(v->why), "cannot be judged: %s: %s", dir, strerror(errno));
			return;
		}
		if (i < len && v->trusted && !host_dir_safe(stx.stx_uid, stx.stx_mode, &sticky)) {
			v->trusted = false;
			snprintf(v->untrusted, sizeof(v->untrusted), "%s", dir);
		}
		s = same_inode(j, &stx, i == len);
		/* a filesystem of its own mounted below a sensitive path is not the path's (an engine's rootfs) */
		if (s && i < len && (flags & HOST_JUDGE_OWN_FS) && o->mount_root &&
		    (o->major != s->major || o->minor != s->minor))
			s = NULL;
		v->bad = s != NULL;
		if (s && i == len)
			snprintf(v->why, sizeof(v->why), "is %s%s", s->name,
				 strcmp(dir, s->name) ? " (the same inode)" : "");
		else if (s && !strcmp(dir, s->name))
			snprintf(v->why, sizeof(v->why), "lies under %s", s->name);
		else if (s)
			snprintf(v->why, sizeof(v->why), "lies under %s (%s is the same inode)", s->name, dir);
	}
	/* in a sticky directory others may not rename or replace an entry that is root's */
	if (v->trusted && sticky && o->uid != 0) {
		v->trusted = false;
		snprintf(v->untrusted, sizeof(v->untrusted), "%s", o->path);
	}
}

static bool same_dev(const struct sens *s, const struct host_obj *o)
{
	return s->major == o->major && s->minor == o->minor;
}

/*
 * Sensitive paths on o's own filesystem: held by o (a directory), by path
 * within its mount; through another mount of that filesystem (a bind of a
 * subdirectory or of a single file), by place, whatever o is.
 */
static int holds(struct host_judge *j, const struct host_obj *o, struct host_verdict *v, struct cd_error *err)
{
	for (size_t i = 0; i < j->n; i++) {
		struct sens *s = &j->s[i];
		const char *rel = NULL;
		int r;

		if (!(s->exists || s->absent) || !same_dev(s, o) || (s->absent && !S_ISDIR(o->mode)))
			continue;
		if (s->mnt_id == o->mnt_id) {
			if (!S_ISDIR(o->mode))
				continue;
			v->bad = path_is_under(canon(s), o->path);
			if (v->bad)
				return snprintf(v->why, sizeof(v->why), "holds %s%s", s->name,
						s->absent ? " (not there yet: it would be made inside)" : ""),
				       0;
			continue;
		}
		r = by_place(j, s, o, &rel, err);
		if (r < 0)
			return r;
		/* below the ancestor of a path not there is not inside that path */
		if (s->absent && rel)
			rel = strcmp(rel, "lies under") ? "holds" : NULL;
		v->bad = rel != NULL;
		if (rel)
			return snprintf(v->why, sizeof(v->why), "%s %s (through another mount of its filesystem)", rel,
					s->name),
			       0;
	}
	return 0;
}

/* A file with other links on a sensitive directory's filesystem: any of them could be inside it. */
static bool linked_elsewhere(struct host_judge *j, const struct host_obj *o, struct host_verdict *v)
{
	for (size_t i = 0; i < j->n && !S_ISDIR(o->mode) && o->nlink > 1; i++) {
		const struct sens *s = &j->s[i];

		if (s->exists && s->dir && s->major == o->major && s->minor == o->minor && strcmp(s->name, "/"))
			return snprintf(v->why, sizeof(v->why),
					"has %u hard links on the filesystem of %s: any of them could be inside it",
					o->nlink, s->name),
			       true;
	}
	return false;
}

int host_judge_object(struct host_judge *j, const struct host_obj *o, unsigned flags, struct host_verdict *v,
		      struct cd_error *err)
{
	const char *kfs = host_kernel_fs(o->fstype);
	int r = resolve(j, err);

	*v = (struct host_verdict){ .bad = true };
	if (r < 0)
		return r;
	if (kfs)
		return snprintf(v->why, sizeof(v->why), "is on the host's %s, a kernel filesystem", kfs), 0;
	if (j->dev_known && o->major == j->dev_major && o->minor == j->dev_minor)
		return snprintf(v->why, sizeof(v->why), "is on the host's /dev filesystem"), 0;
	if (!o->path && o->elsewhere)
		return snprintf(v->why, sizeof(v->why),
				"is not where its path leads here (a path in another mount namespace, or covered by a "
				"mount since)"),
		       0;
	if (!o->path)
		return snprintf(v->why, sizeof(v->why), "is reachable by no path (deleted, or a kernel object)"), 0;
	v->bad = false;
	walk(j, o, flags, v);
	if (!v->bad)
		v->bad = linked_elsewhere(j, o, v);
	return v->bad ? 0 : holds(j, o, v, err);
}

bool host_judge_spelled(struct host_judge *j, const char *path, char *why, size_t cap)
{
	struct cd_error ignored;

	if (resolve(j, &ignored) < 0)
		return snprintf(why, cap, "cannot be judged: %s", ignored.msg), true;
	for (size_t i = 0; i < j->n; i++) {
		struct sens *s = &j->s[i];
		const char *rel = relation(path, s->absent ? s->name : canon(s));

		if (rel)
			return snprintf(why, cap, "%s %s", rel, j->s[i].name), true;
	}
	return false;
}

/* One mount below a recursive bind, judged by what the mount table says (nothing on it is touched). */
static int judge_mount(struct host_judge *j, const struct mnt_ent *e, char *why, size_t cap, struct cd_error *err)
{
	char *place = NULL;

	if (host_kernel_fs_named(e->fstype))
		return snprintf(why, cap, "a %s mount below it at %s is a kernel filesystem", e->fstype, e->point), 1;
	if (j->dev_known && e->major == j->dev_major && e->minor == j->dev_minor)
		return snprintf(why, cap, "the mount below it at %s is of the host's /dev", e->point), 1;
	if (mnt_place_of(e, e->point, &place) < 0)
		return cd_err(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < j->n; i++) {
		struct sens *s = &j->s[i];
		const char *rel;
		int r = 0;

		if (!(s->exists || s->absent) || s->major != e->major || s->minor != e->minor)
			continue;
		canon(s);
		if (!s->place)
			r = place_of(j, s->mnt_id, s->mnt_unique, s->canon, &s->place, err);
		if (r < 0)
			return free(place), r;
		rel = place_relation(s, place, s->place);
		/* below the ancestor of a path not there is not inside that path */
		if (s->absent && rel)
			rel = strcmp(rel, "lies under") ? "holds" : NULL;
		if (rel) {
			snprintf(why, cap, "the mount below it at %s %s %s", e->point, rel, s->name);
			return free(place), 1;
		}
	}
	free(place);
	return 0;
}

int host_judge_below(struct host_judge *j, const struct host_obj *o, size_t *ret_n, bool *ret_bad, char *why,
		     size_t cap, struct cd_error *err)
{
	struct mnt_list below = { 0 };
	int r = resolve(j, err);

	*ret_n = 0;
	*ret_bad = false;
	if (r >= 0)
		r = mounts_below(&j->mounts, o->mnt_id, o->mnt_unique, o->mount_root, o->path, &below, err);
	for (size_t i = 0; r >= 0 && !*ret_bad && i < below.n; i++) {
		r = judge_mount(j, &below.v[i], why, cap, err);
		*ret_bad = r > 0;
	}
	*ret_n = below.n;
	mnt_list_free(&below);
	return r < 0 ? r : 0;
}
