/* What the host's Linux security modules offer: AppArmor and SELinux, read from sysfs and securityfs. */
#ifndef CLAMPDOWN_LSM_H
#define CLAMPDOWN_LSM_H

#include <stdbool.h>

/* Prefix of every path read ("" on a node; the unit tests point it at a fake tree). */
extern const char *lsm_root;

/* AppArmor is enabled: /sys/module/apparmor/parameters/enabled says Y. */
bool lsm_apparmor_enabled(void);

/* name is a loaded AppArmor profile (a line "name (mode)" of securityfs' apparmor/profiles). */
bool lsm_apparmor_loaded(const char *name) __attribute__((nonnull));

/* SELinux is enabled: selinuxfs is mounted at /sys/fs/selinux. */
bool lsm_selinux_enabled(void);

#endif
