#include "host_judge.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pathutil.h"
#include "pin.h"

struct sens {
	const char *name; /* as the profile spells it */
	char *canon;	  /* where it is, without links; its spelling when it does not exist */
	bool exists;
	uint64_t mnt_id, ino;
	uint32_t major, minor;
	char *place; /* from mountinfo, when first needed */
};

struct host_judge {
	const struct jpaths *list;
	struct sens *s;
	size_t n;
	bool ready, in_pin_ns; /* mount ids are per namespace: resolved again after pin_enter */
	uint32_t dev_major, dev_minor;
	bool dev_known;
	struct mnt_table mt;
	bool mt_read;
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
	mnt_table_free(&j->mt);
	*j = (struct host_judge){ .list = j->list };
}

void host_judge_free(struct host_judge *j)
{
	if (j)
		reset(j);
	free(j);
}

static char *steal_path(struct host_obj *o)
{
	char *p = o->path;

	o->path = NULL;
	return p;
}

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
		struct host_obj o;
		struct cd_error ignored;

		s->name = j->list->v[j->n];
		s->exists = host_open(AT_FDCWD, s->name, &o, &ignored) == 0;
		if (s->exists && !o.path) {
			host_close(&o);
			s->exists = false;
		}
		if (s->exists) {
			*s = (struct sens){ .name = s->name,
					    .canon = steal_path(&o),
					    .exists = true,
					    .mnt_id = o.mnt_id,
					    .ino = o.ino,
					    .major = o.major,
					    .minor = o.minor };
			host_close(&o);
		} else {
			s->canon = strdup(s->name);
		}
		if (!s->canon)
			return cd_err(err, ENOMEM, "out of memory");
	}
	if (statx(AT_FDCWD, "/dev", 0, STATX_INO, &stx) == 0) {
		j->dev_known = true;
		j->dev_major = stx.stx_dev_major;
		j->dev_minor = stx.stx_dev_minor;
	}
	j->ready = true;
	return 0;
}

static int table(struct host_judge *j, struct cd_error *err)
{
	int r;

	if (j->mt_read)
		return 0;
	r = mnt_table_read(&j->mt, err);
	j->mt_read = r >= 0;
	return r;
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

/* The same by places: o is reached through another mount of s's filesystem. */
static int by_place(struct host_judge *j, struct sens *s, const struct host_obj *o, const char **ret_rel,
		    struct cd_error *err)
{
	struct host_obj so = { .fd = -1, .mnt_id = s->mnt_id, .path = s->canon };
	char *op = NULL;
	int r = table(j, err);

	*ret_rel = NULL;
	if (r < 0)
		return r;
	if (!s->place && mnt_place(&j->mt, &so, &s->place) < 0)
		return cd_err(err, ENOENT, "%s: its mount is not in /proc/self/mountinfo", s->canon);
	if (mnt_place(&j->mt, o, &op) < 0)
		return cd_err(err, ENOENT, "%s: its mount is not in /proc/self/mountinfo", o->path);
	/* "/" as itself only: a place under the root filesystem's root is everything on it */
	*ret_rel = strcmp(s->canon, "/") || !strcmp(place_path(op), place_path(s->place))
		       ? relation(place_path(op), place_path(s->place))
		       : NULL;
	free(op);
	return 0;
}

static bool same_dev(const struct sens *s, const struct host_obj *o)
{
	return s->major == o->major && s->minor == o->minor;
}

int host_judge_object(struct host_judge *j, const struct host_obj *o, bool *ret_bad, char *why, size_t cap,
		      struct cd_error *err)
{
	const char *kfs = host_kernel_fs(o->fstype);
	int r = resolve(j, err);

	*ret_bad = true;
	if (r < 0)
		return r;
	if (kfs)
		return snprintf(why, cap, "is on the host's %s, a kernel filesystem", kfs), 0;
	if (j->dev_known && o->major == j->dev_major && o->minor == j->dev_minor)
		return snprintf(why, cap, "is on the host's /dev filesystem"), 0;
	if (!o->path)
		return snprintf(why, cap, "is reachable by no path on the host (deleted, or a kernel object)"), 0;
	for (size_t i = 0; i < j->n; i++) {
		struct sens *s = &j->s[i];
		const char *rel = relation(o->path, s->canon);

		if (rel)
			return snprintf(why, cap, "%s %s", rel, s->name), 0;
		if (s->exists && same_dev(s, o) && s->ino == o->ino)
			return snprintf(why, cap, "is %s (the same inode)", s->name), 0;
		if (!s->exists || !same_dev(s, o) || s->mnt_id == o->mnt_id)
			continue;
		r = by_place(j, s, o, &rel, err);
		if (r < 0)
			return r;
		if (rel)
			return snprintf(why, cap, "%s %s (through another mount of its filesystem)", rel, s->name), 0;
	}
	*ret_bad = false;
	return 0;
}

bool host_judge_spelled(struct host_judge *j, const char *path, char *why, size_t cap)
{
	struct cd_error ignored;

	if (resolve(j, &ignored) < 0)
		return snprintf(why, cap, "cannot be judged: %s", ignored.msg), true;
	for (size_t i = 0; i < j->n; i++) {
		const char *rel = relation(path, j->s[i].canon);

		if (rel)
			return snprintf(why, cap, "%s %s", rel, j->s[i].name), true;
	}
	return false;
}

int host_judge_below(struct host_judge *j, const struct host_obj *o, size_t *ret_n, bool *ret_bad, char *why,
		     size_t cap, struct cd_error *err)
{
	int r = resolve(j, err);

	*ret_n = 0;
	*ret_bad = false;
	if (r >= 0)
		r = table(j, err);
	for (size_t i = 0; r >= 0 && !*ret_bad && i < j->mt.n; i++) {
		const struct mnt_ent *e = &j->mt.v[i];
		struct host_obj sub;
		char sub_why[256];

		if (!path_is_under(e->point, o->path) || !strcmp(e->point, o->path))
			continue;
		++*ret_n;
		*ret_bad = true;
		if (host_kernel_fs_named(e->fstype)) {
			snprintf(why, cap, "a %s mount below it at %s is a kernel filesystem", e->fstype, e->point);
			continue;
		}
		if (host_open(AT_FDCWD, e->point, &sub, err) < 0) {
			snprintf(why, cap, "the mount below it at %s cannot be judged: %s", e->point, err->msg);
			continue;
		}
		r = host_judge_object(j, &sub, ret_bad, sub_why, sizeof(sub_why), err);
		if (*ret_bad)
			snprintf(why, cap, "the mount below it at %s %s", e->point, sub_why);
		host_close(&sub);
	}
	return r < 0 ? r : 0;
}
