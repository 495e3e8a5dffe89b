/*
 * clampctl: the operator's tool. Checks the node config and profiles,
 * shows what clampdown would do to a config.json and why, and summarises
 * the decision log. Exit status: 0 nothing found, 1 found, 2 trouble.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static const struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} verbs[] = {
	{ "check", ctl_check, "[--config PATH]                validate the node config and every profile" },
	{ "diff", ctl_diff, "[--profile NAME] [--json] TARGET what clampdown would change, rule by rule" },
	{ "explain", ctl_explain, "[--profile NAME] [--json] TARGET findings with CIS and PSS controls" },
	{ "log", ctl_log, "[--since WHEN] [--top N] [--json]  summarise the decision log" },
};

static int usage(FILE *f, int status)
{
	fprintf(f, "usage: clampctl COMMAND [OPTIONS]\n\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].help);
	fprintf(f, "\nTARGET is a bundle directory or a config.json. Every command takes --config PATH\n"
		   "(default $CLAMPDOWN_CONFIG, then /etc/clampdown/config.json). See clampctl(8).\n");
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr, CTL_TROUBLE);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout, CTL_OK);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	ctl_fail("unknown command \"%s\"", argv[1]);
	return usage(stderr, CTL_TROUBLE);
}
