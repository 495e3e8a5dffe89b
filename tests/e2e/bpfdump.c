/*
 * bpfdump PID: the seccomp filters a process runs under, as the kernel holds
 * them (PTRACE_SECCOMP_GET_FILTER), one line per filter, newest first: its
 * length in instructions and the instructions as hex. The e2e tests compare
 * what a runtime loaded for two configs: the kernel's copy is the truth.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#define MAX_INSNS 4096

int main(int argc, char **argv)
{
	static struct sock_filter insns[MAX_INSNS];
	pid_t pid = argc == 2 ? (pid_t)strtol(argv[1], NULL, 10) : 0;
	int status, rc = 0;

	if (pid <= 0) {
		fprintf(stderr, "usage: bpfdump PID\n");
		return 2;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0 || ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0 ||
	    waitpid(pid, &status, __WALL) < 0) {
		fprintf(stderr, "bpfdump: %d: %s\n", pid, strerror(errno));
		return 1;
	}
	for (long i = 0;; i++) {
		long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, NULL);

		if (n < 0) {
			/* ENOENT past the last filter, EINVAL when there is none (not in filter mode) */
			rc = errno == ENOENT || (errno == EINVAL && i == 0)
				 ? 0
				 : (fprintf(stderr, "bpfdump: filter %ld: %s\n", i, strerror(errno)), 1);
			break;
		}
		if (n > MAX_INSNS || ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, insns) != n) {
			fprintf(stderr, "bpfdump: filter %ld: cannot read its %ld instructions\n", i, n);
			rc = 1;
			break;
		}
		printf("%ld ", n);
		for (long k = 0; k < n; k++)
			printf("%04x%02x%02x%08x", insns[k].code, insns[k].jt, insns[k].jf, insns[k].k);
		putchar('\n');
	}
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return rc;
}
