/*
 * flip A B: exchange A and B (renameat2 RENAME_EXCHANGE) until killed, as an
 * attacker racing a check of a bind source against the runtime's mount.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return fprintf(stderr, "usage: flip A B\n"), 2;
	for (;;)
		if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0)
			return perror("renameat2"), 1;
}
