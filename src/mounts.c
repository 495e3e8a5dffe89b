#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "pathutil.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw" */
static int parse_line(char *line, struct mnt_ent *m)
{
	char *f[7], *save = NULL, *sep;
	unsigned long long id, parent;
	unsigned maj, min;
	int i = 0;

	sep = strstr(line, " - ");
	if (!sep)
		return -EINVAL;
	*sep = '\0';
	for (char *t = strtok_r(line, " ", &save); t && i < 5; t = strtok_r(NULL, " ", &save))
		f[i++] = t;
	if (i < 5 || sscanf(f[0], "%llu", &id) != 1 || sscanf(f[1], "%llu", &parent) != 1 ||
	    sscanf(f[2], "%u:%u", &maj, &min) != 2)
		return -EINVAL;
	save = NULL;
	f[5] = strtok_r(sep + 3, " ", &save);
	if (!f[5])
		return -EINVAL;
	unescape(f[3]);
	unescape(f[4]);
	*m = (struct mnt_ent){
		.id = id, .parent = parent, .major = maj, .minor = min, .root = f[3], .point = f[4], .fstype = f[5]
	};
	return 0;
}

int mnt_table_parse(char *text, struct mnt_table *ret, struct cd_error *err)
{
	size_t lines = 0, n = 0;
	char *save = NULL;

	*ret = (struct mnt_table){ .buf = text };
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	ret->v = calloc(lines + 1, sizeof(*ret->v));
	if (!ret->v)
		return mnt_table_free(ret), cd_err(err, ENOMEM, "out of memory");
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (n > lines || parse_line(l, &ret->v[n]) < 0)
			return mnt_table_free(ret),
			       cd_err(err, EINVAL, "/proc/self/mountinfo: line %zu unreadable", n + 1);
		n++;
	}
	ret->n = n;
	return 0;
}

int mnt_table_read(struct mnt_table *ret, struct cd_error *err)
{
	cleanup_close int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	char *text = NULL;
	size_t len = 0;
	int r;

	*ret = (struct mnt_table){ 0 };
	if (fd < 0)
		return cd_err_sys(err, "/proc/self/mountinfo: cannot open");
	r = fs_read_fd(fd, "/proc/self/mountinfo", 16u << 20, &text, &len, err);
	return r < 0 ? r : mnt_table_parse(text, ret, err);
}

void mnt_table_free(struct mnt_table *t)
{
	free(t->v);
	free(t->buf);
	*t = (struct mnt_table){ 0 };
}

const struct mnt_ent *mnt_table_find(const struct mnt_table *t, uint64_t id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].id == id)
			return &t->v[i];
	return NULL;
}

int mnt_place_of(const struct mnt_ent *m, const char *path, char **ret_place)
{
	size_t pl = strcmp(m->point, "/") ? strlen(m->point) : 0;
	const char *rest = path + pl;
	const char *root = strcmp(m->root, "/") ? m->root : "";

	*ret_place = NULL;
	if (strncmp(path, m->point, pl) || (*rest != '/' && *rest != '\0'))
		return -ENOENT;
	/* "maj:min:" and the path from the filesystem's root: the mount's root, then the rest */
	if (asprintf(ret_place, "%u:%u:%s%s", m->major, m->minor, root, *root || *rest ? rest : "/") < 0)
		return *ret_place = NULL, -ENOMEM;
	return 0;
}

/* statmount(2) and listmount(2), Linux 6.8; the headers here predate them. */
#ifndef __NR_statmount
#define __NR_statmount 457
#define __NR_listmount 458
#endif
#define SM_SB_BASIC  0x01u
#define SM_MNT_BASIC 0x02u
#define SM_MNT_ROOT  0x08u
#define SM_MNT_POINT 0x10u
#define SM_FS_TYPE   0x20u
#define SM_WANT	     (SM_SB_BASIC | SM_MNT_BASIC | SM_MNT_ROOT | SM_MNT_POINT | SM_FS_TYPE)
#define SM_BUF	     8192

struct id_req {
	uint32_t size, spare;
	uint64_t mnt_id, param;
};

struct sm {
	uint32_t size, spare1;
	uint64_t mask;
	uint32_t sb_dev_major, sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags, fs_type;
	uint64_t mnt_id, mnt_parent_id;
	uint32_t mnt_id_old, mnt_parent_id_old;
	uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master, propagate_from;
	uint32_t mnt_root, mnt_point;
	uint64_t spare2[50];
	char str[];
};

static int list_add(struct mnt_list *l, const struct mnt_ent *e, void *buf)
{
	struct mnt_ent *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	void **b = buf ? realloc(l->bufs, (l->nbufs + 1) * sizeof(*b)) : l->bufs;

	if (v)
		l->v = v;
	if (b)
		l->bufs = b;
	if (!v || (buf && !b))
		return free(buf), -ENOMEM;
	l->v[l->n++] = *e;
	if (buf)
		l->bufs[l->nbufs++] = buf;
	return 0;
}

void mnt_list_free(struct mnt_list *l)
{
	for (size_t i = 0; i < l->nbufs; i++)
		free(l->bufs[i]);
	free(l->bufs);
	free(l->v);
	*l = (struct mnt_list){ 0 };
}

/* One mount as statmount tells it, appended to l. */
static int sm_one(uint64_t id, struct mnt_list *l)
{
	struct id_req req = { .size = sizeof(req), .mnt_id = id, .param = SM_WANT };
	struct sm *sm = malloc(SM_BUF);

	if (!sm)
		return -ENOMEM;
	if (syscall(__NR_statmount, &req, sm, SM_BUF, 0) < 0)
		return free(sm), -errno;
	if ((sm->mask & SM_WANT) != SM_WANT)
		return free(sm), -ENOSYS;
	return list_add(l,
			&(struct mnt_ent){ .id = sm->mnt_id,
					   .parent = sm->mnt_parent_id,
					   .major = sm->sb_dev_major,
					   .minor = sm->sb_dev_minor,
					   .root = sm->str + sm->mnt_root,
					   .point = sm->str + sm->mnt_point,
					   .fstype = sm->str + sm->fs_type },
			sm);
}

static int info(struct mounts *m, struct cd_error *err)
{
	int r;

	if (m->info_read)
		return 0;
	r = mnt_table_read(&m->info, err);
	m->info_read = r >= 0;
	return r;
}

int mounts_get(struct mounts *m, uint64_t id, bool unique, struct mnt_list *ret, struct cd_error *err)
{
	const struct mnt_ent *e;
	int r;

	*ret = (struct mnt_list){ 0 };
	if (unique) {
		r = sm_one(id, ret);
		if (r < 0)
			return mnt_list_free(ret),
			       cd_err(err, -r, "mount %llu: statmount: %s", (unsigned long long)id, strerror(-r));
		return 0;
	}
	r = info(m, err);
	e = r < 0 ? NULL : mnt_table_find(&m->info, id);
	if (r >= 0 && !e)
		return cd_err(err, ENOENT, "mount %llu: not in /proc/self/mountinfo", (unsigned long long)id);
	return r < 0 ? r : list_add(ret, e, NULL) < 0 ? cd_err(err, ENOMEM, "out of memory") : 0;
}

static bool strictly_below(const char *point, const char *path)
{
	return path_is_under(point, path) && strcmp(point, path);
}

static bool listed(const struct mnt_list *l, uint64_t id)
{
	for (size_t k = 0; k < l->n; k++)
		if (l->v[k].id == id)
			return true;
	return false;
}

/*
 * listmount's mounts under id whose mount point is below path, and theirs:
 * each once, whether the kernel lists direct children (6.8) or more.
 */
static int sm_below(uint64_t id, const char *path, struct mnt_list *l, int depth)
{
	struct id_req req = { .size = sizeof(req), .mnt_id = id };
	uint64_t ids[128];
	long n;

	if (depth > 32)
		return -ELOOP;
	n = syscall(__NR_listmount, &req, ids, sizeof(ids) / sizeof(ids[0]), 0);
	if (n < 0)
		return -errno;
	if (n == (long)(sizeof(ids) / sizeof(ids[0])))
		return -E2BIG; /* a crowded mount: mountinfo is read instead */
	for (long i = 0; i < n; i++) {
		int r;

		if (listed(l, ids[i]))
			continue;
		r = sm_one(ids[i], l);
		if (r < 0)
			return r;
		if (!strictly_below(l->v[l->n - 1].point, path)) {
			l->n--; /* its buffer goes with the list */
			continue;
		}
		r = sm_below(ids[i], l->v[l->n - 1].point, l, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

int mounts_below(struct mounts *m, uint64_t id, bool unique, bool mount_root, const char *path, struct mnt_list *ret,
		 struct cd_error *err)
{
	int r;

	*ret = (struct mnt_list){ 0 };
	/*
	 * below the root of a mount is what listmount gives for it (a few calls);
	 * below a directory inside one, mountinfo once beats a statmount per mount
	 */
	if (unique && mount_root) {
		r = sm_below(id, path, ret, 0);
		if (r >= 0)
			return 0;
		mnt_list_free(ret);
	}
	r = info(m, err);
	for (size_t i = 0; r >= 0 && i < m->info.n; i++)
		if (strictly_below(m->info.v[i].point, path) && list_add(ret, &m->info.v[i], NULL) < 0)
			r = cd_err(err, ENOMEM, "out of memory");
	if (r < 0)
		mnt_list_free(ret);
	return r;
}

void mounts_free(struct mounts *m)
{
	mnt_table_free(&m->info);
	*m = (struct mounts){ 0 };
}
