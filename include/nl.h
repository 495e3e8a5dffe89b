/*
 * A route-netlink socket (libmnl): requests checked by their ACK, with the
 * kernel's extended-ACK message in the error, and the dumps the bandwidth
 * hook and its tests read (links, qdiscs).
 */
#ifndef CLAMPDOWN_NL_H
#define CLAMPDOWN_NL_H

#include <libmnl/libmnl.h>
#include <stdint.h>

#include "error.h"

struct nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char *buf; /* MNL_SOCKET_BUFFER_SIZE bytes, for requests and replies */
};

struct nl_link {
	int ifindex;
	unsigned flags; /* IFF_* */
	char name[16];
	char kind[16]; /* IFLA_INFO_KIND, "" for none */
};

struct nl_qdisc {
	int ifindex;
	uint32_t handle, parent;
	char kind[16];
	uint64_t rate;	/* tbf: bytes per second */
	uint32_t burst; /* tbf: bytes, from the bucket's time (rounded) */
};

/* A socket in the network namespace nsfd refers to (-1: the caller's); the caller's own is left alone. */
int nl_open(int nsfd, struct nl *ret, struct cd_error *err) __attribute__((nonnull, warn_unused_result));

void nl_close(struct nl *nl) __attribute__((nonnull));

/* Send nlh (from nl->buf, its seq is set here) and wait for its ACK; what names the operation in errors. */
int nl_request(struct nl *nl, struct nlmsghdr *nlh, const char *what, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

/* Every link; *ret_links is malloc'ed. */
int nl_links(struct nl *nl, struct nl_link **ret_links, size_t *ret_n, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

/* Every qdisc; *ret_qdiscs is malloc'ed. */
int nl_qdiscs(struct nl *nl, struct nl_qdisc **ret_qdiscs, size_t *ret_n, struct cd_error *err)
    __attribute__((nonnull, warn_unused_result));

#endif
