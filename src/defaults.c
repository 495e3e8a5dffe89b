#include "defaults.h"

#include <stddef.h>

const char *const defaults_masked_paths[] = {
	"/proc/acpi",
	"/proc/asound",
	"/proc/interrupts",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/sys/devices/virtual/powercap",
	"/sys/firmware",
	NULL,
};

const char *const defaults_readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* null, zero, full, random, urandom, tty, console, ptmx, and the pty slaves devpts hands out */
const struct default_device defaults_devices[] = {
	{ "/dev/null", 'c', 1, 3 },    { "/dev/zero", 'c', 1, 5 },
	{ "/dev/full", 'c', 1, 7 },    { "/dev/random", 'c', 1, 8 },
	{ "/dev/urandom", 'c', 1, 9 }, { "/dev/tty", 'c', 5, 0 },
	{ "/dev/console", 'c', 5, 1 }, { "/dev/ptmx", 'c', 5, 2 },
	{ NULL, 'c', 136, -1 },	       { NULL, 0, 0, 0 },
};

/* Kubernetes' safe, namespaced sysctls */
const char *const defaults_safe_sysctls[] = {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
	NULL,
};

bool defaults_is_default_device(char type, int64_t major, int64_t minor)
{
	for (const struct default_device *d = defaults_devices; d->type; d++)
		if (d->type == type && d->major == major && (d->minor == -1 || d->minor == minor))
			return true;
	return false;
}
