/*
 * The passthrough fast path (fastpath.h). Freestanding: compiled without the
 * stack protector or builtins, and the Makefile refuses an object that
 * references any symbol, since nothing is relocated when it runs.
 */
#include "fastpath.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "node_config.h"

#if defined(__x86_64__)
static long sys(long n, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return r;
}
#define FASTPATH_SYSCALLS 1
#endif

static size_t len_of(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static bool eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* the value of NAME in envp, or NULL */
static const char *env_get(char **envp, const char *name)
{
	size_t n = len_of(name);

	for (; envp && *envp; envp++)
		if (eq(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* runc 1.1's global flags: the first FLAG_VALUES take a value, the rest are booleans */
static const char flags[][17] = { "log",      "log-format",	  "root",  "criu",
				  "rootless", "clampdown-config", "debug", "systemd-cgroup" };
enum { FLAG_CLAMPDOWN_CONFIG = 5, FLAG_VALUES = 6 };
/* what clampdown passes through untouched: every command but create, run, restore, exec, update */
static const char commands[][17] = { "state",  "start", "kill",	  "delete", "ps",	"pause",
				     "resume", "list",	"events", "spec",   "features", "checkpoint" };

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static int find(const char (*t)[17], size_t count, const char *name, size_t n)
{
	for (size_t i = 0; i < count; i++)
		if (len_of(t[i]) == n && eq(t[i], name, n))
			return (int)i;
	return -1;
}

/*
 * Go's flag package over runc's global flags, as runc_args_parse reads them,
 * for the spellings it takes without question: "-x v", "--x v", "-x=v", bare
 * booleans. Returns the command's index, or -1 for anything else.
 */
static int global_flags(int argc, char **argv, uint64_t *drop, const char **config)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		const char *name = argv[i] + 1 + (argv[i][1] == '-');
		size_t n = 0;
		bool inline_value;
		int f;

		while (name[n] && name[n] != '=')
			n++;
		inline_value = name[n] == '=';
		f = find(flags, COUNT(flags), name, n);
		if (f < 0 || (f >= FLAG_VALUES && inline_value) || (f < FLAG_VALUES && !inline_value && i + 1 >= argc))
			return -1;
		if (f == FLAG_CLAMPDOWN_CONFIG) {
			*config = inline_value ? name + n + 1 : argv[i + 1];
			*drop |= UINT64_C(1) << i | (inline_value ? 0 : UINT64_C(1) << (i + 1));
		}
		i += f < FLAG_VALUES && !inline_value ? 2 : 1;
	}
	return i < argc ? i : -1;
}

int fastpath_argv(int argc, char **argv, char **envp, const char *runtime, char **out, const char **config)
{
	uint64_t drop = 0;
	int cmd, n = 1;

	*config = NULL;
	if (argc < 2 || argc > FASTPATH_ARGC_MAX)
		return -1;
	cmd = global_flags(argc, argv, &drop, config);
	if (cmd < 0 || find(commands, COUNT(commands), argv[cmd], len_of(argv[cmd])) < 0)
		return -1;
	/* node_config_path: the flag (an empty one is refused there), $CLAMPDOWN_CONFIG, the default */
	if (*config && !**config)
		return -1;
	if (!*config)
		*config = env_get(envp, "CLAMPDOWN_CONFIG");
	if (!*config || !**config)
		*config = NODE_CONFIG_DEFAULT;
	out[0] = (char *)runtime;
	for (int i = 1; i < argc; i++)
		if (!(drop & UINT64_C(1) << i))
			out[n++] = argv[i];
	out[n] = NULL;
	return n;
}

const char *fastpath_run_dir(char **envp)
{
	const char *dir = env_get(envp, "CLAMPDOWN_RUN_DIR");

	return dir && *dir ? dir : FASTPATH_RUN_DIR;
}

void fastpath_record_name(const char *config, char name[16])
{
	static const char prefix[] = "passthrough-", hex[] = "0123456789abcdef";
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	for (const char *p = config; *p; p++)
		h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
	for (i = 0; prefix[i]; i++)
		name[i] = prefix[i];
	h ^= h >> 32;
	name[i++] = hex[h >> 4 & 15];
	name[i++] = hex[h & 15];
	name[i] = '\0';
}

/* decimal, zero-padded to width */
static size_t put_num(char *buf, size_t at, unsigned long long v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || n < width);
	while (n)
		buf[at++] = tmp[--n];
	return at;
}

static size_t put_time(char *buf, size_t at, const struct timespec *ts)
{
	at = put_num(buf, at, (unsigned long long)ts->tv_sec, 1);
	buf[at++] = '.';
	return put_num(buf, at, (unsigned long long)ts->tv_nsec, 9);
}

size_t fastpath_id(const struct stat *st, char buf[FASTPATH_ID_MAX])
{
	size_t at = 0;

	at = put_num(buf, at, st->st_dev, 1);
	buf[at++] = ' ';
	at = put_num(buf, at, st->st_ino, 1);
	buf[at++] = ' ';
	at = put_num(buf, at, st->st_mode, 1);
	buf[at++] = ' ';
	at = put_num(buf, at, (unsigned long long)st->st_size, 1);
	buf[at++] = ' ';
	at = put_time(buf, at, &st->st_mtim);
	buf[at++] = ' ';
	at = put_time(buf, at, &st->st_ctim);
	buf[at++] = '\n';
	buf[at] = '\0';
	return at;
}

bool fastpath_trusted(const struct stat *st, unsigned int euid)
{
	return st->st_uid == euid && !(st->st_mode & 022);
}

#ifdef FASTPATH_SYSCALLS
/* The record's bytes, if the file is trusted and fits; 0 otherwise. */
static size_t read_record(const char *config, char **envp, char *rec, size_t size)
{
	unsigned int euid = (unsigned int)sys(SYS_geteuid, 0, 0, 0, 0);
	long dfd, fd = -1, r;
	struct stat st;
	size_t len = 0;
	char name[16];

	dfd = sys(SYS_openat, AT_FDCWD, (long)fastpath_run_dir(envp), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (dfd < 0)
		return 0;
	fastpath_record_name(config, name);
	if (!sys(SYS_fstat, dfd, (long)&st, 0, 0) && fastpath_trusted(&st, euid))
		fd = sys(SYS_openat, dfd, (long)name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
	sys(SYS_close, dfd, 0, 0, 0);
	if (fd < 0)
		return 0;
	if (!sys(SYS_fstat, fd, (long)&st, 0, 0) && S_ISREG(st.st_mode) && fastpath_trusted(&st, euid))
		while (len < size && (r = sys(SYS_read, fd, (long)(rec + len), (long)(size - len), 0)) > 0)
			len += (size_t)r;
	sys(SYS_close, fd, 0, 0, 0);
	return len < size ? len : 0;
}

/* Consume want from rec at *at; false when it differs. */
static bool take(const char *rec, size_t len, size_t *at, const char *want, size_t n)
{
	if (len - *at < n || !eq(rec + *at, want, n))
		return false;
	*at += n;
	return true;
}

/* The identity line of path, as it is now, consumed from rec. */
static bool take_id(const char *rec, size_t len, size_t *at, const char *path)
{
	char id[FASTPATH_ID_MAX];
	struct stat st;

	if (sys(SYS_newfstatat, AT_FDCWD, (long)path, (long)&st, 0))
		return false;
	return take(rec, len, at, id, fastpath_id(&st, id));
}
#endif

void fastpath_try(int argc, char **argv, char **envp)
{
#ifdef FASTPATH_SYSCALLS
	char *args[FASTPATH_ARGC_MAX + 1], rec[FASTPATH_RECORD_MAX];
	const char *config;
	size_t len, at = 0, nl;

	if (fastpath_argv(argc, argv, envp, "", args, &config) < 0)
		return;
	len = read_record(config, envp, rec, sizeof(rec));
	if (!take(rec, len, &at, FASTPATH_MAGIC, sizeof(FASTPATH_MAGIC) - 1) ||
	    !take(rec, len, &at, config, len_of(config)) || !take(rec, len, &at, "\n", 1) ||
	    !take_id(rec, len, &at, config))
		return;
	for (nl = at; nl < len && rec[nl] != '\n'; nl++)
		;
	if (nl == len || rec[at] != '/')
		return;
	rec[nl] = '\0';
	args[0] = rec + at;
	at = nl + 1;
	/* the runtime as the full path checked it: not clampdown, not replaced since */
	if (!take_id(rec, len, &at, args[0]) || at != len)
		return;
	sys(SYS_execve, (long)args[0], (long)args, (long)envp, 0);
#else
	(void)argc, (void)argv, (void)envp;
#endif
}

bool fastpath_supported(void)
{
#ifdef FASTPATH_SYSCALLS
	return true;
#else
	return false;
#endif
}

static bool tried;

bool fastpath_tried(void)
{
	return tried;
}

#if defined(__x86_64__)
/*
 * clampdown's entry point (-e clampdown_start): the kernel's stack holds
 * argc, argv, envp. Tries the fast path, then starts glibc as if it had not
 * run: the stack untouched, %rdx (the finaliser) zero as the kernel left it.
 */
void fastpath_early(long *sp);

void fastpath_early(long *sp)
{
	char **argv = (char **)(sp + 1);

	tried = true;
	fastpath_try((int)sp[0], argv, argv + sp[0] + 1);
}

__asm__(".text\n"
	".globl clampdown_start\n"
	".type clampdown_start, @function\n"
	"clampdown_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	call fastpath_early\n"
	"	xor %edx, %edx\n"
	"	jmp _start\n"
	".size clampdown_start, .-clampdown_start\n");
#endif
