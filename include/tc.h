/*
 * Traffic-control requests, built as netlink messages (libmnl) and nothing
 * else: no socket here, so the unit tests can read every attribute. The
 * bandwidth hook sends them through nl.h.
 */
#ifndef CLAMPDOWN_TC_H
#define CLAMPDOWN_TC_H

#include <libmnl/libmnl.h>
#include <stdint.h>

/* A token bucket: rate in bytes per second, bucket in bytes, queue in bytes. */
struct tc_tbf {
	uint64_t rate;
	uint32_t burst;
	uint32_t limit;
};

/* The ingress qdisc's handle (ffff:) and the u32 filter's (800::800), fixed so a re-run replaces. */
#define TC_INGRESS_HANDLE 0xffff0000u
#define TC_U32_HANDLE	  0x80000800u

/* The bucket for a rate: burst 0 picks 10 ms of traffic, at least 16 KiB; the queue holds 50 ms more. */
void tc_tbf_for(uint64_t rate, uint32_t burst, struct tc_tbf *ret) __attribute__((nonnull));

/* Each builder fills buf (MNL_SOCKET_BUFFER_SIZE bytes) with one request asking for an ACK. */

/* Root TBF qdisc on ifindex, created or replaced. */
struct nlmsghdr *tc_msg_tbf(void *buf, uint32_t seq, int ifindex, const struct tc_tbf *t) __attribute__((nonnull));

/* The ingress qdisc on ifindex, created or kept. */
struct nlmsghdr *tc_msg_ingress(void *buf, uint32_t seq, int ifindex) __attribute__((nonnull));

/* A u32 match-all filter on ifindex's ingress with a mirred egress redirect to to_ifindex. */
struct nlmsghdr *tc_msg_redirect(void *buf, uint32_t seq, int ifindex, int to_ifindex) __attribute__((nonnull));

/* An ifb device named name, up; an existing one is kept. */
struct nlmsghdr *tc_msg_ifb(void *buf, uint32_t seq, const char *name) __attribute__((nonnull));

#endif
