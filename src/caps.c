#include "caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#define MAX_CAPS 64

static char spec_names[MAX_CAPS][32];
static int ncaps = -1;

/* Built once from libcap's own table, so new kernels' caps come with it. */
static void init_names(void)
{
	if (ncaps >= 0)
		return;
	ncaps = 0;
	for (int c = 0; c < MAX_CAPS; c++) {
		char *n = cap_to_name((cap_value_t)c);
		size_t k;

		/* libcap prints unknown capabilities as bare numbers */
		if (!n || strncmp(n, "cap_", 4)) {
			cap_free(n);
			break;
		}
		/* "cap_chown" → "CAP_CHOWN" (not snprintf: this runs for every capability on every start) */
		for (k = 0; n[k] && k < sizeof(spec_names[c]) - 1; k++)
			spec_names[c][k] = (char)toupper((unsigned char)n[k]);
		spec_names[c][k] = '\0';
		cap_free(n);
		ncaps = c + 1;
	}
}

int caps_last(void)
{
	init_names();
	return ncaps - 1;
}

const char *caps_spec_name(int cap)
{
	init_names();
	return cap >= 0 && cap < ncaps ? spec_names[cap] : NULL;
}

int caps_from_spec_name(const char *name)
{
	init_names();
	for (int c = 0; c < ncaps; c++)
		if (!strcmp(spec_names[c], name))
			return c;
	return -1;
}

int caps_from_name(const char *name)
{
	char buf[32];
	size_t n = 0;

	if (strncasecmp(name, "CAP_", 4) != 0)
		n = (size_t)snprintf(buf, sizeof(buf), "CAP_");
	if (n + strlen(name) >= sizeof(buf))
		return -EINVAL;
	for (const char *p = name; *p; p++)
		buf[n++] = (char)toupper((unsigned char)*p);
	buf[n] = '\0';
	return caps_from_spec_name(buf) >= 0 ? caps_from_spec_name(buf) : -EINVAL;
}
