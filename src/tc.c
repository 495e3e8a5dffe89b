#include "tc.h"

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <string.h>

/* the kernel's scheduler clock: PSCHED_TICKS2NS(x) is x << 6 */
#define PSCHED_SHIFT 6

void tc_tbf_for(uint64_t rate, uint32_t burst, struct tc_tbf *ret)
{
	uint64_t b = burst ? burst : rate / 100 > 16384 ? rate / 100 : 16384;
	uint64_t limit = b + rate / 20;

	ret->rate = rate;
	ret->burst = b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
	ret->limit = limit > UINT32_MAX ? UINT32_MAX : (uint32_t)limit;
}

static struct nlmsghdr *tc_header(void *buf, uint16_t type, uint16_t flags, uint32_t seq, int ifindex, uint32_t parent,
				  uint32_t handle, uint32_t info)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	tcm->tcm_handle = handle;
	tcm->tcm_info = info;
	return nlh;
}

struct nlmsghdr *tc_msg_tbf(void *buf, uint32_t seq, int ifindex, const struct tc_tbf *t)
{
	struct nlmsghdr *nlh =
	    tc_header(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, seq, ifindex, TC_H_ROOT, 0x10000, 0);
	struct tc_tbf_qopt q = { 0 };
	struct nlattr *opts;
	/* the bucket as time, for kernels older than TCA_TBF_BURST (3.13) */
	unsigned __int128 ns = (unsigned __int128)t->burst * 1000000000u / t->rate;

	/* an Ethernet link layer: no rate table needed */
	q.rate.linklayer = TC_LINKLAYER_ETHERNET;
	q.rate.rate = t->rate >= (1ULL << 32) ? UINT32_MAX : (uint32_t)t->rate;
	q.limit = t->limit;
	q.buffer = (ns >> PSCHED_SHIFT) > UINT32_MAX ? UINT32_MAX : (uint32_t)(ns >> PSCHED_SHIFT);
	mnl_attr_put_strz(nlh, TCA_KIND, "tbf");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(q), &q);
	/* 2^32 bytes/s and above do not fit tc_ratespec */
	if (t->rate >= (1ULL << 32))
		mnl_attr_put_u64(nlh, TCA_TBF_RATE64, t->rate);
	mnl_attr_put_u32(nlh, TCA_TBF_BURST, t->burst);
	mnl_attr_nest_end(nlh, opts);
	return nlh;
}

struct nlmsghdr *tc_msg_ingress(void *buf, uint32_t seq, int ifindex)
{
	struct nlmsghdr *nlh = tc_header(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, seq, ifindex, TC_H_INGRESS,
					 TC_INGRESS_HANDLE, 0);

	mnl_attr_put_strz(nlh, TCA_KIND, "ingress");
	return nlh;
}

struct nlmsghdr *tc_msg_redirect(void *buf, uint32_t seq, int ifindex, int to_ifindex)
{
	/* priority 1, every protocol */
	struct nlmsghdr *nlh = tc_header(buf, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_REPLACE, seq, ifindex,
					 TC_INGRESS_HANDLE, TC_U32_HANDLE, TC_H_MAKE(1u << 16, htons(ETH_P_ALL)));
	/* one key, mask 0 at offset 0: every packet; the selector's key array is a flexible member */
	const struct tc_u32_sel sel = { .flags = TC_U32_TERMINAL, .nkeys = 1 };
	const struct tc_u32_key key = { 0 };
	char match[sizeof(sel) + sizeof(key)];
	struct tc_mirred m = { .action = TC_ACT_STOLEN, .eaction = TCA_EGRESS_REDIR, .ifindex = (uint32_t)to_ifindex };
	struct nlattr *opts, *acts, *act, *aopts;

	mnl_attr_put_strz(nlh, TCA_KIND, "u32");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	memcpy(match, &sel, sizeof(sel));
	memcpy(match + sizeof(sel), &key, sizeof(key));
	mnl_attr_put(nlh, TCA_U32_SEL, sizeof(match), match);
	acts = mnl_attr_nest_start(nlh, TCA_U32_ACT);
	act = mnl_attr_nest_start(nlh, 1); /* the first action of the list */
	mnl_attr_put_strz(nlh, TCA_ACT_KIND, "mirred");
	aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
	mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof(m), &m);
	mnl_attr_nest_end(nlh, aopts);
	mnl_attr_nest_end(nlh, act);
	mnl_attr_nest_end(nlh, acts);
	mnl_attr_nest_end(nlh, opts);
	return nlh;
}

struct nlmsghdr *tc_msg_ifb(void *buf, uint32_t seq, const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr *info;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "ifb");
	mnl_attr_nest_end(nlh, info);
	return nlh;
}
