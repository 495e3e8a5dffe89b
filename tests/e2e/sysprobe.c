/*
 * sysprobe CALL [ARG]: make one syscall inside a container and print "ok" or
 * the errno's name, so the e2e tests can see what seccomp let through.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *errname(int e)
{
	static char buf[16];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOSYS: return "ENOSYS";
	case EINVAL: return "EINVAL";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case ENOENT: return "ENOENT";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	default: snprintf(buf, sizeof(buf), "E%d", e); return buf;
	}
}

/* A TCP connection over 127.0.0.1 and one byte across it. */
static long loopback(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s;
	char ch = 0;

	if (l < 0 || c < 0 || bind(l, (void *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (void *)&a, &len) < 0 || connect(c, (void *)&a, sizeof(a)) < 0)
		return -1;
	s = accept(l, NULL, NULL);
	if (s < 0 || write(c, "x", 1) != 1 || read(s, &ch, 1) != 1 || ch != 'x')
		return -1;
	return 0;
}

static long unixpair(void)
{
	int sv[2];
	char ch = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || write(sv[0], "x", 1) != 1 || read(sv[1], &ch, 1) != 1)
		return -1;
	return 0;
}

#ifdef __x86_64__
/* getpid through the i386 ABI (int 0x80: audit arch I386) and the x32 one (the x32 bit set) */
static long abi_getpid(bool i386)
{
	long r;

	if (i386)
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	else
		__asm__ volatile("syscall" : "=a"(r) : "a"(39L | 0x40000000L) : "rcx", "r11", "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}
#endif

int main(int argc, char **argv)
{
	unsigned long arg = argc > 2 ? strtoul(argv[2], NULL, 0) : 0;
	const char *c = argc > 1 ? argv[1] : "";
	long r;

	if (!strcmp(c, "unshare"))
		r = syscall(SYS_unshare, arg);
	else if (!strcmp(c, "mount"))
		r = syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL);
	else if (!strcmp(c, "keyctl"))
		r = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
	else if (!strcmp(c, "add_key"))
		r = syscall(SYS_add_key, "user", "k", "v", 1, -3);
	else if (!strcmp(c, "chroot"))
		r = syscall(SYS_chroot, "/");
	else if (!strcmp(c, "socket"))
		r = syscall(SYS_socket, arg, SOCK_STREAM, 0);
	else if (!strcmp(c, "personality"))
		r = syscall(SYS_personality, arg);
	else if (!strcmp(c, "get_mempolicy"))
		r = syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0);
	else if (!strcmp(c, "ptrace"))
		r = syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
	else if (!strcmp(c, "bpf"))
		r = syscall(SYS_bpf, 0, NULL, 0);
	else if (!strcmp(c, "io_uring_setup"))
		r = syscall(SYS_io_uring_setup, 1, NULL);
	else if (!strcmp(c, "loopback"))
		r = loopback();
	else if (!strcmp(c, "unixpair"))
		r = unixpair();
#ifdef __x86_64__
	else if (!strcmp(c, "i386_getpid"))
		r = abi_getpid(true);
	else if (!strcmp(c, "x32_getpid"))
		r = abi_getpid(false);
#endif
	else {
		fprintf(stderr, "sysprobe: unknown call %s\n", c);
		return 2;
	}
	puts(r < 0 ? errname(errno) : "ok");
	return 0;
}
