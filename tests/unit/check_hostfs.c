/*
 * Host objects judged by what they are: mountinfo and places, kernel
 * filesystems, trusted paths, and host_mounts on aliases, kernel
 * filesystems, mounts below a recursive bind, options, root.path and
 * pinning. Each test that mounts runs in a mount namespace of its own
 * (Check forks per test), private, so nothing reaches the host's.
 */
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>

#include "host_judge.h"
#include "hostfs.h"
#include "mounts.h"
#include "ruletest.h"

static char *T; /* the test's directory */

static void private_ns(void)
{
	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
}

static void setup(void)
{
	T = unit_tmpdir();
}

/* Every mount below T detached before anything is removed: rm would follow a bind of / */
static void detach_below_t(void)
{
	for (int round = 0; round < 16; round++) {
		struct mnt_table t;
		struct cd_error err;
		size_t n = 0;

		ck_assert_int_eq(mnt_table_read(&t, &err), 0);
		for (size_t i = t.n; i-- > 0;) {
			size_t len = strlen(T);

			if (!strncmp(t.v[i].point, T, len) && t.v[i].point[len] == '/') {
				umount2(t.v[i].point, MNT_DETACH);
				n++;
			}
		}
		mnt_table_free(&t);
		if (n == 0)
			return;
	}
	ck_abort_msg("mounts below %s would not go", T);
}

static void teardown(void)
{
	detach_below_t();
	unit_rmtree(T);
	free(T);
}

static char *at_t(const char *rel)
{
	static char buf[8][4200];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", T, rel);
	return buf[k];
}

static void mkdirs(const char *rel)
{
	char cmd[4400];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", T, rel);
	ck_assert_int_eq(system(cmd), 0);
}

/* A bind made by the test, read-only so that nothing can go through it by mistake. */
static void bind_at(const char *src, const char *rel_dest)
{
	ck_assert_msg(mount(src, at_t(rel_dest), NULL, MS_BIND, NULL) == 0, "bind %s: %s", src, strerror(errno));
	ck_assert_int_eq(mount(NULL, at_t(rel_dest), NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0);
}

/* A profile with host_mounts in mode, extra sensitive paths appended (each starting with a comma). */
static void profile_of(char *buf, size_t cap, const char *mode, const char *extra)
{
	snprintf(buf, cap,
		 P("\"host_mounts\":{\"mode\":\"%s\",\"sensitive\":[\"/\",\"/etc\",\"/proc\",\"/sys\",\"/dev\","
		   "\"/usr\"%s],\"writable\":[\"/w\"]}"),
		 mode, extra ? extra : "");
}

/* One bind mount of src at /h with options, in a container with a mount namespace of its own. */
static void spec_of(char *buf, size_t cap, const char *src, const char *opts)
{
	snprintf(buf, cap,
		 "{\"process\":{},\"root\":{\"path\":\"%s\"},\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]},"
		 "\"mounts\":[{\"destination\":\"/h\",\"type\":\"bind\",\"source\":\"%s\",\"options\":%s}]}",
		 at_t("rootfs"), src, opts);
}

static void bind_case(const char *mode, const char *extra, const char *src, const char *opts, struct result *r)
{
	char profile[1400], spec[9000];

	mkdirs("rootfs");
	profile_of(profile, sizeof(profile), mode, extra);
	spec_of(spec, sizeof(spec), src, opts);
	apply(profile, spec, r);
}

static const char *reason0(const struct result *r)
{
	json_t *f;
	size_t i;

	json_array_foreach(r->findings, i, f)
		if (json_object_get(f, "reason"))
			return json_string_value(json_object_get(f, "reason"));
	return "";
}

static bool has_reason(const struct result *r, const char *text)
{
	json_t *f;
	size_t i;

	json_array_foreach(r->findings, i, f)
		if (strstr(json_string_value(json_object_get(f, "reason")) ?: "", text))
			return true;
	return false;
}

static size_t nmounts(const struct result *r)
{
	return json_array_size(json_object_get(r->spec, "mounts"));
}

static const char *opts0(const struct result *r)
{
	static char buf[1024];
	char *s = json_dumps(at(json_array_get(json_object_get(r->spec, "mounts"), 0), "options"), JSON_COMPACT);

	snprintf(buf, sizeof(buf), "%s", s ? s : "");
	free(s);
	return buf;
}

/* Dropped in enforce, refused in deny, recorded in audit, each with the reason. */
static void refused_everywhere(const char *extra, const char *src, const char *opts, const char *why)
{
	struct result r;

	bind_case("enforce", extra, src, opts, &r);
	ck_assert_msg(r.rc == 0, "%s: %s", src, r.err.msg);
	ck_assert_msg(nmounts(&r) == 0, "%s: the bind stayed", src);
	ck_assert_msg(strstr(reason0(&r), why), "%s: reason \"%s\" lacks \"%s\"", src, reason0(&r), why);
	done(&r);
	bind_case("deny", extra, src, opts, &r);
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, why), "%s: deny: %s", src, r.deny);
	done(&r);
	bind_case("audit", extra, src, opts, &r);
	ck_assert_msg(r.rc == 0 && !r.denied && !r.changed && nmounts(&r) == 1, "%s: audit", src);
	done(&r);
}

START_TEST(mountinfo_parsed_with_escapes_and_places)
{
	char text[] = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
		      "30 22 8:1 /etc/ssl /srv/my\\040certs rw master:2 shared:3 - ext4 /dev/sda1 rw\n"
		      "31 22 0:5 / /proc rw - proc proc rw\n";
	struct mnt_table t;
	struct cd_error err;
	char *place = NULL;

	ck_assert_int_eq(mnt_table_parse(strdup(text), &t, &err), 0);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_str_eq(t.v[1].point, "/srv/my certs");
	ck_assert_str_eq(t.v[1].root, "/etc/ssl");
	ck_assert_str_eq(t.v[1].fstype, "ext4");
	ck_assert_uint_eq(t.v[1].parent, 22);
	ck_assert_str_eq(t.v[2].fstype, "proc");
	ck_assert_ptr_eq(mnt_table_find(&t, 31), &t.v[2]);
	ck_assert_ptr_null(mnt_table_find(&t, 99));
	ck_assert_int_eq(mnt_place_of(&t.v[1], "/srv/my certs/x", &place), 0);
	ck_assert_str_eq(place, "8:1:/etc/ssl/x");
	free(place);
	ck_assert_int_eq(mnt_place_of(&t.v[1], "/srv/my certs", &place), 0);
	ck_assert_str_eq(place, "8:1:/etc/ssl");
	free(place);
	ck_assert_int_eq(mnt_place_of(&t.v[0], "/", &place), 0);
	ck_assert_str_eq(place, "8:1:/");
	free(place);
	ck_assert_int_eq(mnt_place_of(&t.v[0], "/etc", &place), 0);
	ck_assert_str_eq(place, "8:1:/etc");
	free(place);
	ck_assert_int_eq(mnt_place_of(&t.v[1], "/srv/my certsx", &place), -ENOENT);
	mnt_table_free(&t);
	/* a line without the separator is refused, not half-read */
	ck_assert_int_lt(mnt_table_parse(strdup("22 1 8:1 / / rw\n"), &t, &err), 0);
	ck_assert_int_lt(mnt_table_parse(strdup("x y 8:1 / / rw - ext4 a rw\n"), &t, &err), 0);
}
END_TEST

START_TEST(kernel_filesystems_named)
{
	ck_assert_str_eq(host_kernel_fs(0x9fa0), "proc");
	ck_assert_str_eq(host_kernel_fs(0x62656572), "sysfs");
	ck_assert_str_eq(host_kernel_fs(0x6e736673), "nsfs");
	ck_assert_ptr_null(host_kernel_fs(0x01021994)); /* tmpfs */
	ck_assert_ptr_null(host_kernel_fs(0xef53));	/* ext4 */
	ck_assert(host_kernel_fs_named("devtmpfs"));
	ck_assert(host_kernel_fs_named("cgroup2"));
	ck_assert(!host_kernel_fs_named("tmpfs"));
	ck_assert(!host_kernel_fs_named("overlay"));
}
END_TEST

START_TEST(trusted_paths)
{
	char why[4200];

	mkdirs("a/b");
	ck_assert(host_path_trusted(at_t("a/b"), 0, why, sizeof(why)));
	ck_assert(host_path_trusted("/", 0, why, sizeof(why)));
	/* /tmp is sticky: an entry there is safe while it is root's */
	ck_assert(host_path_trusted(T, 0, why, sizeof(why)));
	ck_assert(!host_path_trusted(T, 65534, why, sizeof(why)));
	ck_assert_int_eq(chmod(at_t("a"), 0777), 0);
	ck_assert(!host_path_trusted(at_t("a/b"), 0, why, sizeof(why)));
	ck_assert_str_eq(why, at_t("a"));
	ck_assert_int_eq(chmod(at_t("a"), 0755), 0);
	ck_assert_int_eq(chown(at_t("a"), 65534, 65534), 0);
	ck_assert(!host_path_trusted(at_t("a/b"), 0, why, sizeof(why)));
	/* the object itself may be anyone's: only what leads to it counts */
	ck_assert_int_eq(chown(at_t("a"), 0, 0), 0);
	ck_assert_int_eq(chown(at_t("a/b"), 65534, 65534), 0);
	ck_assert(host_path_trusted(at_t("a/b"), 65534, why, sizeof(why)));
	ck_assert(!host_path_trusted(at_t("a/b/c"), 0, why, sizeof(why)));
}
END_TEST

START_TEST(host_open_follows_links_and_names_the_object)
{
	struct host_obj o;
	struct cd_error err;

	mkdirs("real");
	ck_assert_int_eq(symlink(at_t("real"), at_t("link")), 0);
	ck_assert_int_eq(host_open(AT_FDCWD, at_t("link"), &o, &err), 0);
	ck_assert_str_eq(o.path, at_t("real"));
	ck_assert(S_ISDIR(o.mode));
	ck_assert_int_ge(o.fd, 0);
	ck_assert_int_eq(fcntl(o.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	host_close(&o);
	ck_assert_int_eq(o.fd, -1);
	ck_assert_int_eq(host_open(AT_FDCWD, at_t("missing"), &o, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "missing: cannot open"));
}
END_TEST

START_TEST(alias_of_root_is_root)
{
	private_ns();
	mkdirs("alias");
	bind_at("/", "alias");
	refused_everywhere(NULL, at_t("alias"), "[\"rbind\"]", "is / (the same inode)");
}
END_TEST

START_TEST(alias_below_a_sensitive_path)
{
	char extra[4300];

	private_ns();
	mkdirs("secret/sub/x");
	mkdirs("alias");
	bind_at(at_t("secret/sub"), "alias");
	snprintf(extra, sizeof(extra), ",\"%s\"", at_t("secret"));
	refused_everywhere(extra, at_t("alias/x"), "[\"bind\"]", "lies under");
	refused_everywhere(extra, at_t("alias/x"), "[\"bind\"]", "through another mount of its filesystem");
}
END_TEST

/* a file is judged by its place too: bound alone elsewhere, or reached through an alias of a subdirectory */
START_TEST(a_file_through_another_mount)
{
	char extra[4300];

	private_ns();
	mkdirs("secret/sub");
	unit_write(T, "secret/shadow", "x");
	unit_write(T, "secret/sub/key", "x");
	unit_write(T, "file-alias", "");
	mkdirs("dir-alias");
	bind_at(at_t("secret/shadow"), "file-alias");
	bind_at(at_t("secret/sub"), "dir-alias");
	snprintf(extra, sizeof(extra), ",\"%s\"", at_t("secret"));
	refused_everywhere(extra, at_t("file-alias"), "[\"bind\"]", "lies under");
	refused_everywhere(extra, at_t("dir-alias/key"), "[\"bind\"]", "through another mount of its filesystem");
}
END_TEST

START_TEST(alias_holding_a_sensitive_path)
{
	char extra[4300];

	private_ns();
	mkdirs("d/secret");
	mkdirs("alias");
	bind_at(at_t("d"), "alias");
	snprintf(extra, sizeof(extra), ",\"%s\"", at_t("d/secret"));
	refused_everywhere(extra, at_t("alias"), "[\"bind\"]", "holds");
}
END_TEST

/* A sensitive path not there yet is held by whatever holds its deepest existing ancestor, directly or by alias. */
START_TEST(a_sensitive_path_not_there_yet)
{
	char extra[4300];
	struct result r;

	private_ns();
	mkdirs("run/other");
	mkdirs("alias");
	bind_at(at_t("run"), "alias");
	snprintf(extra, sizeof(extra), ",\"%s\"", at_t("run/engine/sock"));
	refused_everywhere(extra, at_t("run"), "[\"bind\"]", "not there yet");
	refused_everywhere(extra, at_t("alias"), "[\"bind\"]", "holds");
	/* a sibling below the ancestor holds nothing sensitive */
	bind_case("enforce", extra, at_t("run/other"), "[\"bind\"]", &r);
	ck_assert_msg(r.rc == 0 && nmounts(&r) == 1, "%s", reason0(&r));
	done(&r);
	bind_case("enforce", extra, at_t("alias/other"), "[\"bind\"]", &r);
	ck_assert_msg(r.rc == 0 && nmounts(&r) == 1, "%s", reason0(&r));
	done(&r);
	/* clampctl, judging by spelling: the path itself, not its ancestor */
	ruletest_predicting = true;
	bind_case("enforce", extra, at_t("run/engine/sock"), "[\"bind\"]", &r);
	ck_assert_msg(r.rc == 0 && nmounts(&r) == 0 && strstr(reason0(&r), "is "), "%s", reason0(&r));
	done(&r);
	bind_case("enforce", extra, at_t("run/other/missing"), "[\"bind\"]", &r);
	ruletest_predicting = false;
	ck_assert_msg(r.rc == 0 && nmounts(&r) == 1, "%s", reason0(&r));
	done(&r);
	/* a recursive bind with the ancestor's filesystem mounted below it */
	mkdirs("outer/inner");
	bind_at(at_t("run"), "outer/inner");
	bind_case("enforce", extra, at_t("outer"), "[\"rbind\"]", &r);
	ck_assert_msg(r.rc == 0 && strstr(reason0(&r), "holds"), "%s", reason0(&r));
	ck_assert_msg(!strstr(opts0(&r), "rbind"), "%s", opts0(&r));
	done(&r);
}
END_TEST

START_TEST(hard_link_of_a_sensitive_file)
{
	char extra[4300];

	unit_write(T, "sock", "");
	ck_assert_int_eq(link(at_t("sock"), at_t("other")), 0);
	snprintf(extra, sizeof(extra), ",\"%s\"", at_t("sock"));
	refused_everywhere(extra, at_t("other"), "[\"bind\"]", "(the same inode)");
	/* a link of a file inside a sensitive directory: its other names are unknown */
	mkdirs("sdir");
	unit_write(T, "sdir/secret", "");
	ck_assert_int_eq(link(at_t("sdir/secret"), at_t("pub")), 0);
	snprintf(extra, sizeof(extra), ",\"%s\"", at_t("sdir"));
	refused_everywhere(extra, at_t("pub"), "[\"bind\"]", "has 2 hard links on the filesystem of");
}
END_TEST

START_TEST(a_socket_listed_as_sensitive)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char extra[4300];

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", at_t("docker.sock"));
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(symlink(T, at_t("run")), 0);
	snprintf(extra, sizeof(extra), ",\"%s\"", at_t("run/docker.sock"));
	refused_everywhere(extra, at_t("docker.sock"), "[\"rbind\"]", "is");
	close(fd);
}
END_TEST

START_TEST(kernel_filesystems_as_sources)
{
	private_ns();
	mkdirs("p");
	mkdirs("s");
	mkdirs("d");
	ck_assert_int_eq(mount("proc", at_t("p"), "proc", 0, NULL), 0);
	ck_assert_int_eq(mount("sysfs", at_t("s"), "sysfs", 0, NULL), 0);
	refused_everywhere(NULL, at_t("p"), "[\"rbind\"]", "proc, a kernel filesystem");
	refused_everywhere(NULL, at_t("p/sys/kernel"), "[\"bind\"]", "proc, a kernel filesystem");
	refused_everywhere(NULL, at_t("s"), "[\"bind\"]", "sysfs, a kernel filesystem");
	refused_everywhere(NULL, "/proc/self/ns/net", "[\"bind\"]", "kernel filesystem");
	/* devtmpfs has tmpfs's magic: it is the host's /dev by its superblock */
	if (mount("devtmpfs", at_t("d"), "devtmpfs", 0, NULL) == 0)
		refused_everywhere(",\"/nothing-sensitive\"", at_t("d/null"), "[\"bind\"]", "/dev filesystem");
}
END_TEST

START_TEST(mounts_below_a_recursive_bind)
{
	struct result r;

	private_ns();
	mkdirs("h/sub");
	mkdirs("h/t");
	mkdirs("h2/t");
	bind_at("/", "h/sub");
	/* the sensitive mount below: bound without the mounts below it */
	bind_case("enforce", NULL, at_t("h"), "[\"rbind\",\"rprivate\"]", &r);
	ck_assert_msg(r.rc == 0 && nmounts(&r) == 1, "%s", r.err.msg);
	ck_assert_str_eq(opts0(&r), "[\"bind\",\"private\",\"nosuid\",\"nodev\",\"ro\"]");
	ck_assert_ptr_nonnull(strstr(reason0(&r), "bound without the mounts below it"));
	done(&r);
	bind_case("deny", NULL, at_t("h"), "[\"rbind\"]", &r);
	ck_assert(r.rc == 0 && r.denied);
	done(&r);
	/* crun binds recursively for rprivate alone */
	ruletest_crun = true;
	bind_case("enforce", NULL, at_t("h"), "[\"bind\",\"rprivate\"]", &r);
	ruletest_crun = false;
	ck_assert_str_eq(opts0(&r), "[\"bind\",\"private\",\"nosuid\",\"nodev\",\"ro\"]");
	done(&r);
	bind_case("enforce", NULL, at_t("h"), "[\"bind\",\"rprivate\"]", &r);
	ck_assert_str_eq(opts0(&r), "[\"bind\",\"rprivate\",\"nosuid\",\"nodev\",\"ro\"]");
	done(&r);
	/* a harmless mount below: the recursive flags reach it too */
	ck_assert_int_eq(mount("tmpfs", at_t("h2/t"), "tmpfs", 0, NULL), 0);
	bind_case("enforce", NULL, at_t("h2"), "[\"rbind\"]", &r);
	ck_assert_str_eq(opts0(&r), "[\"rbind\",\"nosuid\",\"nodev\",\"ro\",\"rnosuid\",\"rnodev\",\"rro\"]");
	done(&r);
	bind_case("enforce", NULL, at_t("h2/t"), "[\"rbind\"]", &r);
	ck_assert_str_eq(opts0(&r), "[\"rbind\",\"nosuid\",\"nodev\",\"ro\"]");
	done(&r);
	/* a mount of a kernel filesystem below */
	ck_assert_int_eq(mount("proc", at_t("h2/t"), "proc", 0, NULL), 0);
	bind_case("enforce", NULL, at_t("h2"), "[\"rbind\"]", &r);
	ck_assert_ptr_nonnull(strstr(reason0(&r), "below it at"));
	ck_assert_ptr_nonnull(strstr(reason0(&r), "a proc mount below it at"));
	ck_assert_ptr_nonnull(strstr(reason0(&r), "is a kernel filesystem"));
	ck_assert_str_eq(opts0(&r), "[\"bind\",\"nosuid\",\"nodev\",\"ro\"]");
	done(&r);
}
END_TEST

START_TEST(options_that_undo_the_safe_ones)
{
	static const char *const cases[][2] = {
		{ "[\"rbind\",\"rrw\"]", "[\"rbind\",\"nosuid\",\"nodev\",\"ro\"]" },
		{ "[\"bind\",\"rsuid\",\"rdev\",\"suid\",\"dev\"]", "[\"bind\",\"nosuid\",\"nodev\",\"ro\"]" },
		{ "[\"bind\",\"shared\"]", "[\"bind\",\"private\",\"nosuid\",\"nodev\",\"ro\"]" },
		{ "[\"rbind\",\"rshared\"]", "[\"rbind\",\"rprivate\",\"nosuid\",\"nodev\",\"ro\"]" },
		{ "[\"rbind\",\"ro\",\"rw\"]", "[\"rbind\",\"ro\",\"nosuid\",\"nodev\"]" },
		{ "[\"bind\",\"idmap\"]", "[\"bind\",\"nosuid\",\"nodev\",\"ro\"]" },
		{ "[\"bind\",\"idmap=uids=0-0-1;gids=0-0-1\",\"ridmap\"]", "[\"bind\",\"nosuid\",\"nodev\",\"ro\"]" },
	};
	struct result r;

	mkdirs("src");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bind_case("enforce", NULL, at_t("src"), cases[i][0], &r);
		ck_assert_msg(r.rc == 0, "%s", r.err.msg);
		ck_assert_msg(!strcmp(opts0(&r), cases[i][1]), "%s became %s", cases[i][0], opts0(&r));
		done(&r);
		bind_case("deny", NULL, at_t("src"), cases[i][0], &r);
		ck_assert_msg(r.rc == 0 && r.denied, "%s: not refused", cases[i][0]);
		done(&r);
	}
}
END_TEST

START_TEST(mount_level_id_mappings_removed)
{
	char spec[4600];
	struct result r;

	mkdirs("src");
	snprintf(spec, sizeof(spec),
		 "{\"process\":{},\"mounts\":[{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":\"%s\","
		 "\"options\":[\"rbind\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":65534,\"size\":1}],"
		 "\"gidMappings\":[{\"containerID\":0,\"hostID\":65534,\"size\":1}]}]}",
		 at_t("src"));
	apply(P("\"host_mounts\":{\"mode\":\"enforce\",\"sensitive\":[\"/etc\"],\"writable\":[\"/dev/shm\"]}"), spec,
	      &r);
	ck_assert_msg(r.rc == 0, "%s", r.err.msg);
	ck_assert_ptr_null(at(json_array_get(json_object_get(r.spec, "mounts"), 0), "uidMappings"));
	ck_assert_ptr_null(at(json_array_get(json_object_get(r.spec, "mounts"), 0), "gidMappings"));
	ck_assert_ptr_nonnull(strstr(reason0(&r), "id-mapped"));
	done(&r);
}
END_TEST

START_TEST(remount_entries_dropped)
{
	static const char *const entries[] = {
		"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"remount\",\"rw\"]}",
		"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"bind\","
		"\"remount\",\"rw\"]}",
		"{\"destination\":\"/h\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"remount\",\"ro\"]}",
	};
	char spec[600];
	struct result r;

	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		snprintf(spec, sizeof(spec), "{\"process\":{},\"mounts\":[%s]}", entries[i]);
		apply(P("\"host_mounts\":{\"mode\":\"enforce\",\"sensitive\":[\"/etc\"]}"), spec, &r);
		ck_assert_msg(r.rc == 0 && nmounts(&r) == 0, "%s stayed", entries[i]);
		ck_assert_ptr_nonnull(strstr(reason0(&r), "\"remount\" changes"));
		done(&r);
		apply(P("\"host_mounts\":{\"mode\":\"deny\",\"sensitive\":[\"/etc\"]}"), spec, &r);
		ck_assert(r.rc == 0 && r.denied);
		done(&r);
	}
}
END_TEST

START_TEST(kernel_filesystem_types_refused)
{
	static const char *const types[] = { "devtmpfs", "debugfs", "bpf", "securityfs", "ext4", "overlay" };
	char spec[600];
	struct result r;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(spec, sizeof(spec),
			 "{\"process\":{},\"mounts\":[{\"destination\":\"/x\",\"type\":\"%s\",\"source\":\"x\"}]}",
			 types[i]);
		apply(P("\"host_mounts\":{\"mode\":\"enforce\",\"sensitive\":[\"/etc\"]}"), spec, &r);
		ck_assert_msg(r.rc == 0 && nmounts(&r) == 0, "%s stayed", types[i]);
		ck_assert_ptr_nonnull(strstr(reason0(&r), i < 4 ? "the host's kernel" : "host storage"));
		done(&r);
	}
}
END_TEST

static void root_case(const char *mode, const char *root, struct result *r)
{
	char profile[1400], spec[4600];

	profile_of(profile, sizeof(profile), mode, NULL);
	snprintf(spec, sizeof(spec), "{\"process\":{},\"root\":{\"path\":\"%s\"}}", root);
	apply(profile, spec, r);
}

START_TEST(root_path_judged)
{
	static const char *const bad[][2] = {
		{ "/usr", "is /usr" },
		{ "/", "is /" },
		{ "/usr/lib", "lies under /usr" },
		{ "/proc/self/root", "is /" },
		{ "/proc/self", "kernel" },
		{ "/etc/hostname", "lies under /etc" },
	};
	struct result r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		root_case("enforce", bad[i][0], &r);
		ck_assert_msg(r.rc == 0 && r.denied, "root %s: not refused", bad[i][0]);
		ck_assert_msg(strstr(r.deny, bad[i][1]), "root %s: %s", bad[i][0], r.deny);
		ck_assert_ptr_nonnull(strstr(r.deny, "root.path"));
		done(&r);
		root_case("audit", bad[i][0], &r);
		ck_assert(r.rc == 0 && !r.denied && json_array_size(r.findings) == 1);
		done(&r);
	}
	unit_write(T, "file", "");
	root_case("enforce", at_t("file"), &r);
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, "is not a directory"), "%s", r.deny);
	done(&r);
	mkdirs("rootfs");
	root_case("enforce", at_t("rootfs"), &r);
	ck_assert_msg(r.rc == 0 && !r.denied && !r.changed, "%s %s", r.err.msg, r.deny);
	done(&r);
	/* relative to the bundle; through a link it is handed over without it */
	ck_assert_int_eq(symlink("rootfs", at_t("link")), 0);
	ruletest_bundle_dir = T;
	root_case("enforce", "link", &r);
	ruletest_bundle_dir = NULL;
	ck_assert_msg(r.rc == 0 && !r.denied && r.changed, "%s %s", r.err.msg, r.deny);
	ck_assert_str_eq(json_string_value(at(r.spec, "root.path")), at_t("rootfs"));
	done(&r);
	/* a directory above it that others can write */
	mkdirs("open/rootfs");
	ck_assert_int_eq(chmod(at_t("open"), 0777), 0);
	root_case("enforce", at_t("open/rootfs"), &r);
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, "can be changed by others than root"), "%s", r.deny);
	done(&r);
	root_case("enforce", at_t("missing"), &r);
	ck_assert_msg(r.rc < 0 && strstr(r.err.msg, "root.path"), "%s", r.err.msg);
	done(&r);
}
END_TEST

START_TEST(missing_source_refused_or_judged_by_spelling)
{
	struct result r;

	bind_case("enforce", NULL, "/etc/no-such-file", "[\"bind\"]", &r);
	ck_assert_msg(r.rc < 0 && strstr(r.err.msg, "cannot be opened: No such file"), "%s", r.err.msg);
	done(&r);
	/* clampctl on another machine: the spelling is all there is */
	ruletest_predicting = true;
	bind_case("enforce", NULL, "/etc/no-such-file", "[\"bind\"]", &r);
	ck_assert_msg(r.rc == 0 && nmounts(&r) == 0, "%s", r.err.msg);
	done(&r);
	bind_case("enforce", NULL, "/srv/no-such-file", "[\"bind\"]", &r);
	ruletest_predicting = false;
	ck_assert_msg(r.rc == 0 && nmounts(&r) == 1, "%s", r.err.msg);
	done(&r);
}
END_TEST

/* runc cleans a relative source before the kernel sees it; crun does not */
START_TEST(relative_sources_as_each_runtime_reads_them)
{
	struct result r;

	ck_assert_int_eq(symlink("/etc", at_t("lnk")), 0);
	mkdirs("rootfs");
	ruletest_bundle_dir = T;
	ruletest_crun = true;
	bind_case("enforce", NULL, "lnk/../etc", "[\"bind\"]", &r);
	ck_assert_msg(r.rc == 0 && nmounts(&r) == 0, "crun: %s", r.err.msg);
	done(&r);
	ruletest_crun = false;
	bind_case("enforce", NULL, "lnk/../etc", "[\"bind\"]", &r);
	ruletest_bundle_dir = NULL;
	ck_assert_msg(r.rc < 0 && strstr(r.err.msg, "/etc cannot be opened"), "runc: %s", r.err.msg);
	done(&r);
}
END_TEST

START_TEST(source_handed_over_without_links)
{
	struct result r;

	mkdirs("real");
	ck_assert_int_eq(symlink("real", at_t("link")), 0);
	bind_case("enforce", NULL, at_t("link"), "[\"bind\",\"nosuid\",\"nodev\",\"ro\"]", &r);
	ck_assert_msg(r.rc == 0 && r.changed, "%s", r.err.msg);
	ck_assert_str_eq(json_string_value(at(json_array_get(json_object_get(r.spec, "mounts"), 0), "source")),
			 at_t("real"));
	done(&r);
	bind_case("audit", NULL, at_t("link"), "[\"bind\",\"nosuid\",\"nodev\",\"ro\"]", &r);
	ck_assert(r.rc == 0 && !r.changed);
	done(&r);
}
END_TEST

static void same_object(const char *a, const char *b)
{
	struct stat sa, sb;

	ck_assert_int_eq(stat(a, &sa), 0);
	ck_assert_int_eq(stat(b, &sb), 0);
	ck_assert_msg(sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino, "%s is not %s", a, b);
}

START_TEST(untrusted_source_pinned)
{
	const char *src;
	struct result r;

	private_ns();
	mkdirs("open/data");
	mkdirs("cache");
	ck_assert_int_eq(chmod(at_t("open"), 0777), 0);
	ruletest_cache_dir = at_t("cache");
	bind_case("enforce", NULL, at_t("open/data"), "[\"rbind\"]", &r);
	ck_assert_msg(r.rc == 0 && !r.denied, "%s %s", r.err.msg, r.deny);
	src = json_string_value(at(json_array_get(json_object_get(r.spec, "mounts"), 0), "source"));
	ck_assert_str_eq(src, at_t("cache/pin/0"));
	same_object(src, at_t("open/data"));
	/* what the runtime finds there stays the judged object when the path changes */
	ck_assert_int_eq(rename(at_t("open/data"), at_t("open/old")), 0);
	ck_assert_int_eq(symlink("/etc", at_t("open/data")), 0);
	same_object(src, at_t("open/old"));
	done(&r);
	/* nothing of it on the host: the tmpfs and the pin live in clampdown's own namespace */
	ruletest_cache_dir = NULL;
}
END_TEST

START_TEST(untrusted_source_refused_when_it_cannot_be_pinned)
{
	char profile[1400], spec[4600];
	struct result r;

	mkdirs("open/data");
	mkdirs("rootfs");
	ck_assert_int_eq(chmod(at_t("open"), 0777), 0);
	/* pin: never */
	snprintf(profile, sizeof(profile),
		 P("\"host_mounts\":{\"mode\":\"enforce\",\"sensitive\":[\"/etc\"],\"pin\":\"never\"}"));
	spec_of(spec, sizeof(spec), at_t("open/data"), "[\"bind\"]");
	apply(profile, spec, &r);
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, "can be changed by others than root"), "%s", r.deny);
	done(&r);
	/* no mount namespace of its own to pin into */
	snprintf(spec, sizeof(spec),
		 "{\"process\":{},\"mounts\":[{\"destination\":\"/h\",\"type\":\"bind\",\"source\":\"%s\","
		 "\"options\":[\"bind\"]}]}",
		 at_t("open/data"));
	apply(P("\"host_mounts\":{\"mode\":\"enforce\",\"sensitive\":[\"/etc\"]}"), spec, &r);
	ck_assert_msg(r.rc == 0 && r.denied, "%s", r.deny);
	done(&r);
	apply(P("\"host_mounts\":{\"mode\":\"audit\",\"sensitive\":[\"/etc\"]}"), spec, &r);
	ck_assert(r.rc == 0 && !r.denied && !r.changed && has_reason(&r, "can be changed by others than root"));
	done(&r);
}
END_TEST

START_TEST(pin_value_checked)
{
	struct profile p;
	struct cd_error err;

	unit_write(T, "t.json",
		   P("\"host_mounts\":{\"mode\":\"enforce\",\"sensitive\":[\"/etc\"],\"pin\":\"sometimes\"}"));
	ck_assert_int_lt(profile_load(T, "t", &p, &err), 0);
	ck_assert_msg(strstr(err.msg, "rules.host_mounts.pin: \"sometimes\": must be untrusted, always or never"), "%s",
		      err.msg);
}
END_TEST

START_TEST(pin_always)
{
	struct result r;
	char profile[1400], spec[4600];
	const char *src;

	private_ns();
	mkdirs("data");
	mkdirs("cache");
	mkdirs("rootfs");
	ruletest_cache_dir = at_t("cache");
	snprintf(profile, sizeof(profile),
		 P("\"host_mounts\":{\"mode\":\"enforce\",\"sensitive\":[\"/etc\"],\"pin\":\"always\"}"));
	spec_of(spec, sizeof(spec), at_t("data"), "[\"bind\"]");
	apply(profile, spec, &r);
	ruletest_cache_dir = NULL;
	ck_assert_msg(r.rc == 0 && !r.denied, "%s %s", r.err.msg, r.deny);
	src = json_string_value(at(json_array_get(json_object_get(r.spec, "mounts"), 0), "source"));
	ck_assert_str_eq(src, at_t("cache/pin/0"));
	same_object(src, at_t("data"));
	done(&r);
}
END_TEST

START_TEST(kernel_filesystems_only_at_their_own_place)
{
	static const char *const cases[][3] = {
		{ "proc", "/proc2", "0" },
		{ "proc", "/proc", "1" },
		{ "proc", "/proc/", "1" },
		{ "sysfs", "/sys2", "0" },
		{ "sysfs", "/sys", "1" },
		{ "cgroup", "/cg", "0" },
		{ "cgroup", "/sys/fs/cgroup/cpu", "1" },
		{ "cgroup2", "/sys/fs/cgroup", "1" },
		{ "tmpfs", "/proc2", "1" },
	};
	char spec[600];
	struct result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(spec, sizeof(spec),
			 "{\"process\":{},\"linux\":{},\"mounts\":[{\"destination\":\"%s\",\"type\":\"%s\",\"source\":"
			 "\"x\",\"options\":[\"ro\"]}]}",
			 cases[i][1], cases[i][0]);
		apply(P("\"masked_paths\":{\"mode\":\"enforce\"}"), spec, &r);
		ck_assert_msg(r.rc == 0, "%s", r.err.msg);
		ck_assert_msg(nmounts(&r) == (size_t)(cases[i][2][0] - '0'), "%s at %s", cases[i][0], cases[i][1]);
		done(&r);
	}
	/* crun clears read-only with mount_setattr after the mount: rrw is rw */
	apply(P("\"masked_paths\":{\"mode\":\"enforce\"}"),
	      "{\"process\":{},\"linux\":{},\"mounts\":[{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":"
	      "\"sysfs\",\"options\":[\"ro\",\"rrw\"]}]}",
	      &r);
	ck_assert_str_eq(opts0(&r), "[\"ro\"]");
	done(&r);
}
END_TEST

/* A process of the test's own, in a mount namespace of its own where T/chroot is a tmpfs with proc/ in it. */
static pid_t other_ns_child(void)
{
	int p[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", at_t("chroot"), "tmpfs", 0, NULL) < 0 || mkdir(at_t("chroot/proc"), 0755) < 0)
			_exit(1);
		(void)!write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

START_TEST(a_path_that_leads_elsewhere_here)
{
	char src[4400];
	pid_t pid;

	private_ns();
	mkdirs("chroot/proc");
	ck_assert_int_eq(mount("proc", at_t("chroot/proc"), "proc", 0, NULL), 0);
	pid = other_ns_child();
	/* judged there it is an empty directory; the runtime, given its path, would bind the proc here */
	snprintf(src, sizeof(src), "/proc/%d/root%s", (int)pid, at_t("chroot/proc"));
	refused_everywhere(",\"/nothing\"", src, "[\"rbind\"]", "is not where its path leads here");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* a directory covered by a mount since a process went into it */
	mkdirs("hidden/x");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (chdir(at_t("hidden/x")) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	usleep(100000);
	bind_at("/", "hidden");
	snprintf(src, sizeof(src), "/proc/%d/cwd", (int)pid);
	refused_everywhere(",\"/nothing\"", src, "[\"rbind\"]", "is not where its path leads here");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
END_TEST

START_TEST(root_path_mounts_below_and_own_filesystems)
{
	char profile[1400], spec[4600];
	struct result r;

	private_ns();
	mkdirs("rootfs2/hp");
	ck_assert_int_eq(mount("proc", at_t("rootfs2/hp"), "proc", 0, NULL), 0);
	root_case("enforce", at_t("rootfs2"), &r);
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, "a proc mount below it"), "%s", r.deny);
	done(&r);
	/* containerd keeps bundles below /run/containerd: a rootfs mounted there is the container's own */
	mkdirs("fakerun/b/rootfs");
	mkdirs("fakerun/b/plain");
	ck_assert_int_eq(mount("tmpfs", at_t("fakerun/b/rootfs"), "tmpfs", 0, NULL), 0);
	snprintf(profile, sizeof(profile), P("\"host_mounts\":{\"mode\":\"enforce\",\"sensitive\":[\"/etc\",\"%s\"]}"),
		 at_t("fakerun"));
	snprintf(spec, sizeof(spec), "{\"process\":{},\"root\":{\"path\":\"%s\"}}", at_t("fakerun/b/rootfs"));
	apply(profile, spec, &r);
	ck_assert_msg(r.rc == 0 && !r.denied, "%s %s", r.err.msg, r.deny);
	done(&r);
	snprintf(spec, sizeof(spec), "{\"process\":{},\"root\":{\"path\":\"%s\"}}", at_t("fakerun/b/plain"));
	apply(profile, spec, &r);
	ck_assert_msg(r.rc == 0 && r.denied && strstr(r.deny, "lies under"), "%s", r.deny);
	done(&r);
}
END_TEST

START_TEST(the_pin_directory_is_no_source)
{
	mkdirs("cache/pin");
	ruletest_cache_dir = at_t("cache");
	refused_everywhere(NULL, at_t("cache/pin"), "[\"rbind\"]", "is clampdown's own");
	ruletest_cache_dir = NULL;
}
END_TEST

START_TEST(writable_destinations_for_tmpfs_and_files)
{
	char spec[4600];
	struct result r;
	const char *const prof =
	    P("\"host_mounts\":{\"mode\":\"enforce\",\"sensitive\":[\"/etc\"],\"writable\":[\"/dev/shm\"]}");

	private_ns();
	mkdirs("dir");
	mkdirs("shm");
	unit_write(T, "file", "");
	ck_assert_int_eq(mount("tmpfs", at_t("shm"), "tmpfs", 0, NULL), 0);
	for (int k = 0; k < 3; k++) {
		const char *src = at_t(k == 0 ? "dir" : k == 1 ? "shm" : "file");

		snprintf(
		    spec, sizeof(spec),
		    "{\"process\":{},\"mounts\":[{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":\"%s\","
		    "\"options\":null}]}",
		    src);
		apply(prof, spec, &r);
		ck_assert_msg(r.rc == 0, "%s", r.err.msg);
		ck_assert_msg(!strcmp(opts0(&r), k == 0 ? "[\"nosuid\",\"nodev\",\"ro\"]" : "[\"nosuid\",\"nodev\"]"),
			      "%s: %s", src, opts0(&r));
		done(&r);
	}
}
END_TEST

/* statmount/listmount and mountinfo tell the same mounts below a directory */
START_TEST(mounts_below_by_either_table)
{
	struct mounts m = { 0 };
	struct mnt_list a, b;
	struct cd_error err;
	struct host_obj o;
	struct statx stx;

	private_ns();
	mkdirs("d/x/y");
	ck_assert_int_eq(mount("tmpfs", at_t("d/x"), "tmpfs", 0, NULL), 0);
	mkdirs("d/x/y");
	ck_assert_int_eq(mount("tmpfs", at_t("d/x/y"), "tmpfs", 0, NULL), 0);
	ck_assert_int_eq(host_open(AT_FDCWD, at_t("d"), &o, &err), 0);
	ck_assert_int_eq(statx(AT_FDCWD, at_t("d"), 0, STATX_MNT_ID, &stx), 0);
	/* d is no mount root: mountinfo; d/x is one: listmount where the kernel has it */
	ck_assert_int_eq(mounts_below(&m, stx.stx_mnt_id, false, false, o.path, &b, &err), 0);
	host_close(&o);
	ck_assert_int_eq(mount(at_t("d"), at_t("d"), NULL, MS_BIND | MS_REC, NULL), 0);
	ck_assert_int_eq(host_open(AT_FDCWD, at_t("d"), &o, &err), 0);
	ck_assert(o.mount_root);
	ck_assert_int_eq(mounts_below(&m, o.mnt_id, o.mnt_unique, true, o.path, &a, &err), 0);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_uint_eq(b.n, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_str_eq(a.v[i].fstype, "tmpfs");
		ck_assert(!strcmp(a.v[i].point, at_t("d/x")) || !strcmp(a.v[i].point, at_t("d/x/y")));
		ck_assert(!strcmp(b.v[i].point, at_t("d/x")) || !strcmp(b.v[i].point, at_t("d/x/y")));
	}
	mnt_list_free(&a);
	mnt_list_free(&b);
	host_close(&o);
	mounts_free(&m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hostfs");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, mountinfo_parsed_with_escapes_and_places);
	tcase_add_test(tc, kernel_filesystems_named);
	tcase_add_test(tc, trusted_paths);
	tcase_add_test(tc, a_sensitive_path_not_there_yet);
	tcase_add_test(tc, host_open_follows_links_and_names_the_object);
	tcase_add_test(tc, alias_of_root_is_root);
	tcase_add_test(tc, alias_below_a_sensitive_path);
	tcase_add_test(tc, alias_holding_a_sensitive_path);
	tcase_add_test(tc, a_file_through_another_mount);
	tcase_add_test(tc, hard_link_of_a_sensitive_file);
	tcase_add_test(tc, a_socket_listed_as_sensitive);
	tcase_add_test(tc, kernel_filesystems_as_sources);
	tcase_add_test(tc, mounts_below_a_recursive_bind);
	tcase_add_test(tc, options_that_undo_the_safe_ones);
	tcase_add_test(tc, mount_level_id_mappings_removed);
	tcase_add_test(tc, remount_entries_dropped);
	tcase_add_test(tc, kernel_filesystem_types_refused);
	tcase_add_test(tc, root_path_judged);
	tcase_add_test(tc, missing_source_refused_or_judged_by_spelling);
	tcase_add_test(tc, relative_sources_as_each_runtime_reads_them);
	tcase_add_test(tc, source_handed_over_without_links);
	tcase_add_test(tc, untrusted_source_pinned);
	tcase_add_test(tc, untrusted_source_refused_when_it_cannot_be_pinned);
	tcase_add_test(tc, pin_value_checked);
	tcase_add_test(tc, pin_always);
	tcase_add_test(tc, kernel_filesystems_only_at_their_own_place);
	tcase_add_test(tc, a_path_that_leads_elsewhere_here);
	tcase_add_test(tc, root_path_mounts_below_and_own_filesystems);
	tcase_add_test(tc, the_pin_directory_is_no_source);
	tcase_add_test(tc, writable_destinations_for_tmpfs_and_files);
	tcase_add_test(tc, mounts_below_by_either_table);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
