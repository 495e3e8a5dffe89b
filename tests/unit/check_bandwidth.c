/* Rates, the traffic-control messages, and what the kernel makes of them (in a private network namespace). */
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <net/if.h>
#include <sched.h>

#include "nl.h"
#include "ruletest.h"
#include "tc.h"
#include "unit.h"
#include "units.h"

static const struct {
	const char *s;
	int r;
	uint64_t bytes;
} rates[] = {
	{ "100mbit", 0, 12500000 },
	{ "1gbit", 0, 125000000 },
	{ "1.5gbit", 0, 187500000 },
	{ "100MBit", 0, 12500000 },
	{ "8bit", 0, 1 },
	{ "512kibit", 0, 65536 },
	{ "10mbps", 0, 10000000 },
	{ "1mibps", 0, 1048576 },
	{ "40gbit", 0, 5000000000 },
	{ "1tibps", 0, 1099511627776 },
	{ "0.001kbit", 0, 0 }, /* below one byte per second: refused (r set below) */
	{ "7bit", -EINVAL, 0 },
	{ "0mbit", -EINVAL, 0 },
	{ "100", -EINVAL, 0 },
	{ "mbit", -EINVAL, 0 },
	{ "1.mbit", -EINVAL, 0 },
	{ ".5mbit", -EINVAL, 0 },
	{ "1..5mbit", -EINVAL, 0 },
	{ "-1mbit", -EINVAL, 0 },
	{ "+1mbit", -EINVAL, 0 },
	{ " 1mbit", -EINVAL, 0 },
	{ "1 mbit", -EINVAL, 0 },
	{ "1mbit ", -EINVAL, 0 },
	{ "1mb", -EINVAL, 0 },
	{ "1e6bit", -EINVAL, 0 },
	{ "99999999999999999999bit", -ERANGE, 0 },
	{ "9999999999999999999tbps", -ERANGE, 0 },
};

START_TEST(rate_units)
{
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t v = 0;
		int want = rates[i].bytes || rates[i].r ? rates[i].r : -EINVAL;

		ck_assert_msg(units_parse_rate(rates[i].s, &v) == want, "%s", rates[i].s);
		if (!want)
			ck_assert_msg(v == rates[i].bytes, "%s: %llu", rates[i].s, (unsigned long long)v);
	}
}
END_TEST

START_TEST(bit_quantities)
{
	static const struct {
		const char *s;
		int r;
		uint64_t bytes;
	} q[] = {
		{ "10M", 0, 1250000 },	  { "1G", 0, 125000000 }, { "512Ki", 0, 65536 },    { "1.5M", 0, 187500 },
		{ "100k", 0, 12500 },	  { "8", 0, 1 },	  { "1Ei", 0, 1ULL << 57 }, { "10m", -EINVAL, 0 },
		{ "10Mbit", -EINVAL, 0 }, { "1K", -EINVAL, 0 },	  { "1ki", -EINVAL, 0 },    { "", -EINVAL, 0 },
		{ "4", -EINVAL, 0 },	  { "-1M", -EINVAL, 0 },  { "1M ", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		uint64_t v = 0;

		ck_assert_msg(units_parse_bit_quantity(q[i].s, &v) == q[i].r, "%s", q[i].s);
		if (!q[i].r)
			ck_assert_msg(v == q[i].bytes, "%s: %llu", q[i].s, (unsigned long long)v);
	}
}
END_TEST

START_TEST(bucket_defaults)
{
	struct tc_tbf t;

	tc_tbf_for(1250000, 0, &t); /* 10mbit: 10 ms is 12500 bytes, below the 16 KiB floor */
	ck_assert_uint_eq(t.burst, 16384);
	ck_assert_uint_eq(t.limit, 16384 + 62500);
	tc_tbf_for(125000000, 0, &t); /* 1gbit */
	ck_assert_uint_eq(t.burst, 1250000);
	tc_tbf_for(125000000, 4000, &t);
	ck_assert_uint_eq(t.burst, 4000);
	tc_tbf_for(UINT64_MAX / 2, 0, &t);
	ck_assert_uint_eq(t.burst, UINT32_MAX);
	ck_assert_uint_eq(t.limit, UINT32_MAX);
}
END_TEST

/* Every attribute of a message, by type, at one nesting level. */
struct seen {
	const struct nlattr *a[32];
};

static int seen_cb(const struct nlattr *a, void *data)
{
	struct seen *s = data;

	ck_assert_int_lt(mnl_attr_get_type(a), 32);
	ck_assert_ptr_null(s->a[mnl_attr_get_type(a)]); /* no attribute twice */
	s->a[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void parse_tc(const struct nlmsghdr *nlh, struct seen *top, struct seen *opts)
{
	memset(top, 0, sizeof(*top));
	memset(opts, 0, sizeof(*opts));
	ck_assert_int_eq(mnl_attr_parse(nlh, sizeof(struct tcmsg), seen_cb, top), MNL_CB_OK);
	ck_assert_ptr_nonnull(top->a[TCA_KIND]);
	if (top->a[TCA_OPTIONS])
		ck_assert_int_eq(mnl_attr_parse_nested(top->a[TCA_OPTIONS], seen_cb, opts), MNL_CB_OK);
}

START_TEST(tbf_message)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct seen top, opts;
	struct tc_tbf t;
	const struct tcmsg *tcm;
	const struct tc_tbf_qopt *q;
	struct nlmsghdr *nlh;

	tc_tbf_for(1250000, 0, &t);
	nlh = tc_msg_tbf(buf, 7, 3, &t);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWQDISC);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);
	tcm = mnl_nlmsg_get_payload(nlh);
	ck_assert_int_eq(tcm->tcm_ifindex, 3);
	ck_assert_uint_eq(tcm->tcm_parent, TC_H_ROOT);
	parse_tc(nlh, &top, &opts);
	ck_assert_str_eq(mnl_attr_get_str(top.a[TCA_KIND]), "tbf");
	ck_assert_uint_eq(mnl_attr_get_payload_len(opts.a[TCA_TBF_PARMS]), sizeof(struct tc_tbf_qopt));
	q = mnl_attr_get_payload(opts.a[TCA_TBF_PARMS]);
	ck_assert_uint_eq(q->rate.rate, 1250000);
	ck_assert_uint_eq(q->rate.linklayer, TC_LINKLAYER_ETHERNET);
	ck_assert_uint_eq(q->limit, t.limit);
	/* 16384 bytes at 1.25 MB/s is 13.1072 ms, in 64 ns ticks */
	ck_assert_uint_eq(q->buffer, 13107200 / 64);
	ck_assert_uint_eq(mnl_attr_get_u32(opts.a[TCA_TBF_BURST]), 16384);
	ck_assert_ptr_null(opts.a[TCA_TBF_RATE64]);
	/* header 16 + tcmsg 20 + kind 8 + options 4 + parms 40 + burst 8 */
	ck_assert_uint_eq(nlh->nlmsg_len, 16 + 20 + 8 + 4 + 4 + sizeof(struct tc_tbf_qopt) + 8);

	tc_tbf_for(5000000000ULL, 0, &t); /* 40gbit: over 2^32 bytes/s */
	nlh = tc_msg_tbf(buf, 8, 3, &t);
	parse_tc(nlh, &top, &opts);
	q = mnl_attr_get_payload(opts.a[TCA_TBF_PARMS]);
	ck_assert_uint_eq(q->rate.rate, UINT32_MAX);
	ck_assert_uint_eq(mnl_attr_get_payload_len(opts.a[TCA_TBF_RATE64]), 8);
	ck_assert_uint_eq(mnl_attr_get_u64(opts.a[TCA_TBF_RATE64]), 5000000000ULL);
}
END_TEST

START_TEST(redirect_message)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct seen top, opts, acts, act, aopts;
	const struct tc_u32_sel *sel;
	const struct tc_mirred *m;
	const struct tcmsg *tcm;
	struct nlmsghdr *nlh = tc_msg_redirect(buf, 1, 4, 9);

	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWTFILTER);
	tcm = mnl_nlmsg_get_payload(nlh);
	ck_assert_uint_eq(tcm->tcm_parent, TC_INGRESS_HANDLE);
	ck_assert_uint_eq(tcm->tcm_handle, TC_U32_HANDLE);
	ck_assert_uint_eq(TC_H_MIN(tcm->tcm_info), htons(0x0003)); /* ETH_P_ALL */
	ck_assert_uint_eq(TC_H_MAJ(tcm->tcm_info) >> 16, 1);	   /* priority */
	parse_tc(nlh, &top, &opts);
	ck_assert_str_eq(mnl_attr_get_str(top.a[TCA_KIND]), "u32");
	ck_assert_uint_eq(mnl_attr_get_payload_len(opts.a[TCA_U32_SEL]),
			  sizeof(struct tc_u32_sel) + sizeof(struct tc_u32_key));
	sel = mnl_attr_get_payload(opts.a[TCA_U32_SEL]);
	ck_assert_uint_eq(sel->nkeys, 1);
	ck_assert_uint_eq(sel->flags, TC_U32_TERMINAL);
	ck_assert_uint_eq(sel->keys[0].mask, 0);
	memset(&acts, 0, sizeof(acts));
	ck_assert_int_eq(mnl_attr_parse_nested(opts.a[TCA_U32_ACT], seen_cb, &acts), MNL_CB_OK);
	memset(&act, 0, sizeof(act));
	ck_assert_int_eq(mnl_attr_parse_nested(acts.a[1], seen_cb, &act), MNL_CB_OK);
	ck_assert_str_eq(mnl_attr_get_str(act.a[TCA_ACT_KIND]), "mirred");
	memset(&aopts, 0, sizeof(aopts));
	ck_assert_int_eq(mnl_attr_parse_nested(act.a[TCA_ACT_OPTIONS], seen_cb, &aopts), MNL_CB_OK);
	ck_assert_uint_eq(mnl_attr_get_payload_len(aopts.a[TCA_MIRRED_PARMS]), sizeof(struct tc_mirred));
	m = mnl_attr_get_payload(aopts.a[TCA_MIRRED_PARMS]);
	ck_assert_int_eq(m->eaction, TCA_EGRESS_REDIR);
	ck_assert_int_eq(m->action, TC_ACT_STOLEN);
	ck_assert_uint_eq(m->ifindex, 9);
}
END_TEST

START_TEST(ifb_message)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct seen top, info;
	const struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = tc_msg_ifb(buf, 1, "cdifb4");

	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWLINK);
	/* no NLM_F_EXCL: a second run keeps the device */
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE);
	ifi = mnl_nlmsg_get_payload(nlh);
	ck_assert_uint_eq(ifi->ifi_flags & IFF_UP, IFF_UP);
	ck_assert_uint_eq(ifi->ifi_change, IFF_UP);
	memset(&top, 0, sizeof(top));
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(mnl_attr_parse(nlh, sizeof(*ifi), seen_cb, &top), MNL_CB_OK);
	ck_assert_str_eq(mnl_attr_get_str(top.a[IFLA_IFNAME]), "cdifb4");
	ck_assert_int_eq(mnl_attr_parse_nested(top.a[IFLA_LINKINFO], seen_cb, &info), MNL_CB_OK);
	ck_assert_str_eq(mnl_attr_get_str(info.a[IFLA_INFO_KIND]), "ifb");
}
END_TEST

static int link_index(struct nl *nl, const char *name, char *kind)
{
	struct cd_error err = { 0 };
	struct nl_link *links = NULL;
	size_t n = 0;
	int idx = -1;

	ck_assert_msg(nl_links(nl, &links, &n, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(links[i].name, name)) {
			idx = links[i].ifindex;
			strcpy(kind, links[i].kind);
		}
	}
	free(links);
	return idx;
}

static void request(struct nl *nl, struct nlmsghdr *nlh)
{
	struct cd_error err = { 0 };

	ck_assert_msg(nl_request(nl, nlh, "test", &err) == 0, "%s", err.msg);
}

/* lo shaped both ways through an ifb, twice: the kernel takes every message and a re-run adds nothing. */
static size_t shape_lo(struct nl *nl, const struct tc_tbf *t)
{
	struct cd_error err = { 0 };
	struct nl_qdisc *q = NULL;
	char kind[16] = "";
	size_t n = 0, tbfs = 0;
	int ifb;

	request(nl, tc_msg_ifb(nl->buf, 0, "cdifb1"));
	ifb = link_index(nl, "cdifb1", kind);
	ck_assert_int_gt(ifb, 1);
	ck_assert_str_eq(kind, "ifb");
	request(nl, tc_msg_tbf(nl->buf, 0, 1, t));
	request(nl, tc_msg_tbf(nl->buf, 0, ifb, t));
	request(nl, tc_msg_ingress(nl->buf, 0, 1));
	request(nl, tc_msg_redirect(nl->buf, 0, 1, ifb));
	ck_assert_msg(nl_qdiscs(nl, &q, &n, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(q[i].kind, "tbf")) {
			tbfs++;
			ck_assert_uint_eq(q[i].parent, TC_H_ROOT);
			ck_assert_uint_eq(q[i].rate, t->rate);
			/* read back as time: within 1% */
			ck_assert_uint_le(q[i].burst, t->burst);
			ck_assert_uint_ge(q[i].burst, t->burst - t->burst / 100);
		} else {
			ck_assert_str_eq(q[i].kind, "ingress");
			ck_assert_int_eq(q[i].ifindex, 1);
			ck_assert_uint_eq(q[i].handle, TC_INGRESS_HANDLE);
		}
	}
	ck_assert_uint_eq(tbfs, 2);
	free(q);
	return n;
}

START_TEST(kernel_accepts)
{
	struct nl nl __attribute__((cleanup(nl_close))) = { 0 };
	struct cd_error err = { 0 };
	struct tc_tbf t;

	/* Check forks each test: this namespace is the test's own */
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	ck_assert_msg(nl_open(-1, &nl, &err) == 0, "%s", err.msg);
	tc_tbf_for(1250000, 0, &t);
	ck_assert_uint_eq(shape_lo(&nl, &t), 3);
	ck_assert_uint_eq(shape_lo(&nl, &t), 3);
	tc_tbf_for(5000000000ULL, 1 << 20, &t); /* the 64-bit rate reads back whole */
	ck_assert_uint_eq(shape_lo(&nl, &t), 3);
}
END_TEST

START_TEST(kernel_refusal_names_operation)
{
	struct nl nl __attribute__((cleanup(nl_close))) = { 0 };
	struct cd_error err = { 0 };
	struct tc_tbf t;

	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	ck_assert_msg(nl_open(-1, &nl, &err) == 0, "%s", err.msg);
	tc_tbf_for(1250000, 0, &t);
	ck_assert_int_eq(nl_request(&nl, tc_msg_tbf(nl.buf, 0, 4242, &t), "eth9: egress tbf qdisc", &err), -ENODEV);
	ck_assert_msg(!strncmp(err.msg, "eth9: egress tbf qdisc: ", 24), "%s", err.msg);
	/* a mirred redirect to a device that is not there: the kernel's extended ACK text comes along */
	request(&nl, tc_msg_ingress(nl.buf, 0, 1));
	ck_assert_int_lt(nl_request(&nl, tc_msg_redirect(nl.buf, 0, 1, 4242), "lo: u32 filter", &err), 0);
	ck_assert_msg(strstr(err.msg, "lo: u32 filter: ") == err.msg, "%s", err.msg);
}
END_TEST

START_TEST(netns_by_fd)
{
	struct nl nl __attribute__((cleanup(nl_close))) = { 0 };
	struct cd_error err = { 0 };
	char kind[16] = "", before[64], after[64];
	int fd;
	ssize_t n;

	/* the socket opens in the namespace the fd names; the caller stays where it was */
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	n = readlink("/proc/thread-self/ns/net", before, sizeof(before) - 1);
	ck_assert_int_gt(n, 0);
	before[n] = 0;
	ck_assert_msg(nl_open(fd, &nl, &err) == 0, "%s", err.msg);
	n = readlink("/proc/thread-self/ns/net", after, sizeof(after) - 1);
	ck_assert_int_gt(n, 0);
	after[n] = 0;
	ck_assert_str_eq(before, after);
	request(&nl, tc_msg_ifb(nl.buf, 0, "cdifb7"));
	ck_assert_int_gt(link_index(&nl, "cdifb7", kind), 0);
	nl_close(&nl);
	/* not in the caller's namespace */
	ck_assert_msg(nl_open(-1, &nl, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(link_index(&nl, "cdifb7", kind), -1);
	close(fd);
}
END_TEST

#define BW(mode) \
	"\"bandwidth\":{\"mode\":\"" mode "\",\"egress\":\"100mbit\",\"ingress\":\"100mbit\",\"burst\":\"64k\"}"

static const char bw_spec[] =
    "{\"process\":{\"args\":[\"sh\"],\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"]}},"
    "\"annotations\":{\"kubernetes.io/egress-bandwidth\":\"10M\",\"kubernetes.io/ingress-bandwidth\":\"1G\"},"
    "\"hooks\":{\"createRuntime\":[{\"path\":\"/usr/bin/true\"}],"
    "\"poststart\":[{\"path\":\"/usr/local/bin/clampdown\",\"args\":[\"clampdown\",\"hook\",\"bandwidth\","
    "\"--egress=99999999999\"]}]},"
    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"}]}}";

static bool has_finding(json_t *findings, const char *field, const char *key)
{
	json_t *f;
	size_t i;

	json_array_foreach(findings, i, f) {
		const char *v = json_string_value(json_object_get(f, key));

		if (v && strstr(v, field))
			return true;
	}
	return false;
}

/* An installation: clampdown and an executable clampdown-hook beside it. */
static char *install_dir;
static char self_exe[4096], hook_bin[4096];

static void install_setup(void)
{
	install_dir = unit_tmpdir();
	snprintf(self_exe, sizeof(self_exe), "%s/clampdown", install_dir);
	snprintf(hook_bin, sizeof(hook_bin), "%s/clampdown-hook", install_dir);
	unit_write(install_dir, "clampdown-hook", "#!/bin/sh\n");
	ck_assert_int_eq(chmod(hook_bin, 0755), 0);
	ruletest_self_exe = self_exe;
}

static void install_teardown(void)
{
	unit_rmtree(install_dir);
	free(install_dir);
	ruletest_self_exe = NULL;
}

START_TEST(rule_adds_hook_last)
{
	struct result r, again;
	json_t *cr, *ours, *args;
	char *text;

	apply(P(BW("enforce")), bw_spec, &r);
	ck_assert_msg(r.rc == 0, "%s", r.err.msg);
	ck_assert(r.changed);
	cr = at(r.spec, "hooks.createRuntime");
	ck_assert_uint_eq(json_array_size(cr), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cr, 0), "path")), "/usr/bin/true");
	ours = json_array_get(cr, 1);
	ck_assert_str_eq(json_string_value(json_object_get(ours, "path")), hook_bin);
	args = json_object_get(ours, "args");
	text = dump(args);
	/* egress: the annotation (10M) is below the ceiling; ingress: 1G is above 100mbit, the ceiling wins */
	ck_assert_str_eq(text, "[\"clampdown\",\"hook\",\"bandwidth\",\"--egress=1250000\",\"--ingress=12500000\","
			       "\"--burst=65536\"]");
	free(text);
	ck_assert_int_eq(int_at(ours, "timeout"), 30);
	/* a clampdown hook the profile did not write is gone */
	ck_assert_uint_eq(json_array_size(at(r.spec, "hooks.poststart")), 0);
	ck_assert(has_finding(r.findings, "hooks.poststart[0]", "field"));
	ck_assert(has_finding(r.findings, "annotations.kubernetes.io/ingress-bandwidth", "field"));
	ck_assert(!has_finding(r.findings, "annotations.kubernetes.io/egress-bandwidth", "field"));

	/* a second pass (restore, a re-run) keeps exactly one clampdown hook, last */
	text = dump(r.spec);
	apply(P(BW("enforce")), text, &again);
	free(text);
	ck_assert_msg(again.rc == 0, "%s", again.err.msg);
	cr = at(again.spec, "hooks.createRuntime");
	ck_assert_uint_eq(json_array_size(cr), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cr, 1), "path")), hook_bin);
	done(&again);
	done(&r);
}
END_TEST

START_TEST(rule_no_netns_of_its_own)
{
	struct result r;

	/* host networking: no network namespace entry */
	apply(P(BW("enforce")), "{\"process\":{\"args\":[\"sh\"]},\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}",
	      &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_null(at(r.spec, "hooks"));
	ck_assert(has_finding(r.findings, "no network namespace of its own", "warning"));
	done(&r);
	/* the host's namespace by path */
	apply(P(BW("enforce")),
	      "{\"process\":{\"args\":[\"sh\"]},\"linux\":{\"namespaces\":[{\"type\":\"network\","
	      "\"path\":\"/proc/self/ns/net\"}]}}",
	      &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_null(at(r.spec, "hooks"));
	ck_assert(has_finding(r.findings, "no network namespace of its own", "warning"));
	done(&r);
}
END_TEST

START_TEST(rule_audit_and_bad_input)
{
	struct result r;
	struct profile p;
	struct cd_error err = { 0 };
	char *dir = unit_tmpdir();

	apply(P(BW("audit")), bw_spec, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(!r.changed);
	ck_assert_uint_eq(json_array_size(at(r.spec, "hooks.createRuntime")), 1);
	ck_assert_uint_eq(json_array_size(at(r.spec, "hooks.poststart")), 1);
	ck_assert(has_finding(r.findings, "hooks.createRuntime", "field"));
	done(&r);

	apply(P(BW("enforce")),
	      "{\"process\":{\"args\":[\"sh\"]},\"annotations\":{\"kubernetes.io/egress-bandwidth\":\"fast\"},"
	      "\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}",
	      &r);
	ck_assert_int_lt(r.rc, 0);
	ck_assert_msg(strstr(r.err.msg, "annotations.kubernetes.io/egress-bandwidth") != NULL, "%s", r.err.msg);
	done(&r);

	unit_write(dir, "t.json", P("\"bandwidth\":{\"mode\":\"refuse\",\"egress\":\"1mbit\"}"));
	ck_assert_int_lt(profile_load(dir, "t", &p, &err), 0);
	ck_assert_msg(strstr(err.msg, "rules.bandwidth.mode") != NULL, "%s", err.msg);
	unit_write(dir, "t.json", P("\"bandwidth\":{\"mode\":\"enforce\",\"egress\":\"100\"}"));
	ck_assert_int_lt(profile_load(dir, "t", &p, &err), 0);
	ck_assert_msg(strstr(err.msg, "rules.bandwidth.egress") != NULL, "%s", err.msg);
	unit_write(dir, "t.json", P("\"bandwidth\":{\"mode\":\"enforce\",\"egress\":\"1mbit\",\"burst\":\"1k\"}"));
	ck_assert_int_lt(profile_load(dir, "t", &p, &err), 0);
	ck_assert_msg(strstr(err.msg, "rules.bandwidth.burst") != NULL, "%s", err.msg);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(rule_deny)
{
	struct result r;
	char *text;

	/* above the ceiling and a foreign clampdown hook: refused */
	apply(P(BW("deny")), bw_spec, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(r.denied);
	done(&r);
	/* within the ceiling: the hook is added, nothing refused */
	apply(P(BW("deny")),
	      "{\"process\":{\"args\":[\"sh\"]},\"annotations\":{\"kubernetes.io/egress-bandwidth\":\"10M\"},"
	      "\"hooks\":{\"prestart\":[{\"path\":\"/usr/bin/"
	      "true\"}]},\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}",
	      &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_msg(!r.denied, "%s", r.deny);
	ck_assert(r.changed);
	text = dump(json_object_get(json_array_get(at(r.spec, "hooks.createRuntime"), 0), "args"));
	ck_assert_str_eq(text, "[\"clampdown\",\"hook\",\"bandwidth\",\"--egress=1250000\",\"--ingress=12500000\","
			       "\"--burst=65536\"]");
	free(text);
	done(&r);
	/* no network namespace of its own: cannot be shaped, refused */
	apply(P(BW("deny")), "{\"process\":{\"args\":[\"sh\"]},\"linux\":{\"namespaces\":[]}}", &r);
	ck_assert(r.denied);
	ck_assert_msg(strstr(r.deny, "linux.namespaces.network") != NULL, "%s", r.deny);
	done(&r);
}
END_TEST

/*
 * A network namespace the runtime creates, with no hook before clampdown's to
 * move an interface in, has only its loopback when the hook would run: no
 * hook (the runtime's fork, exec and wait saved), in every mode.
 */
START_TEST(rule_no_hook_for_a_new_namespace_without_hooks)
{
	static const char *const modes[] = { "\"bandwidth\":{\"mode\":\"enforce\",\"egress\":\"1mbit\"}",
					     "\"bandwidth\":{\"mode\":\"deny\",\"egress\":\"1mbit\"}" };
	struct result r;

	for (size_t i = 0; i < 2; i++) {
		char profile[1024];

		snprintf(profile, sizeof(profile), P("%s"), modes[i]);
		apply(profile, "{\"process\":{\"args\":[\"sh\"]},\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}",
		      &r);
		ck_assert_int_eq(r.rc, 0);
		ck_assert(!r.denied && !r.changed);
		ck_assert_ptr_null(at(r.spec, "hooks"));
		done(&r);
		/* a createRuntime hook of the container's own may move one in: shaped */
		apply(profile,
		      "{\"process\":{\"args\":[\"sh\"]},\"hooks\":{\"createRuntime\":[{\"path\":\"/usr/bin/true\"}]},"
		      "\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}",
		      &r);
		ck_assert_uint_eq(json_array_size(at(r.spec, "hooks.createRuntime")), 2);
		done(&r);
		/* crun joins every entry with a path whatever the order: a path anywhere is not a new namespace */
		apply(profile,
		      "{\"process\":{\"args\":[\"sh\"]},\"linux\":{\"namespaces\":[{\"type\":\"network\","
		      "\"path\":\"/proc/self/ns/net\"},{\"type\":\"network\"}]}}",
		      &r);
		ck_assert_msg(r.rc == 0, "%s", r.err.msg);
		ck_assert_uint_eq(json_array_size(at(r.spec, "hooks.createRuntime")), 1);
		done(&r);
		/* a namespace of its own by path (a pod's, made by CNI): tests/e2e/bandwidth.sh */
	}
}
END_TEST

START_TEST(rule_warns_net_admin)
{
	struct result r;

	apply(P(BW("enforce")),
	      "{\"process\":{\"args\":[\"sh\"],\"capabilities\":{\"ambient\":[\"CAP_NET_ADMIN\"]}},"
	      "\"hooks\":{\"prestart\":[{\"path\":\"/usr/bin/"
	      "true\"}]},\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}",
	      &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert(has_finding(r.findings, "CAP_NET_ADMIN", "warning"));
	ck_assert_uint_eq(json_array_size(at(r.spec, "hooks.createRuntime")), 1);
	done(&r);
}
END_TEST

/* no hook beside clampdown: refused before runc would fail on it, saying what to install */
START_TEST(rule_hook_missing)
{
	struct result r;

	ck_assert_int_eq(unlink(hook_bin), 0);
	apply(P(BW("enforce")), bw_spec, &r);
	ck_assert_int_eq(r.rc, -ENOENT);
	ck_assert_msg(strstr(r.err.msg, hook_bin) && strstr(r.err.msg, "install it beside clampdown"), "%s", r.err.msg);
	done(&r);
	/* audit adds no hook: none needed */
	apply(P(BW("audit")), bw_spec, &r);
	ck_assert_msg(r.rc == 0, "%s", r.err.msg);
	done(&r);
	/* nothing to shape, nothing to run: no hook needed */
	apply(P(BW("enforce")), "{\"process\":{\"args\":[\"sh\"]},\"linux\":{\"namespaces\":[]}}", &r);
	ck_assert_msg(r.rc == 0, "%s", r.err.msg);
	done(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bandwidth");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, rate_units);
	tcase_add_test(tc, bit_quantities);
	tcase_add_test(tc, bucket_defaults);
	tcase_add_test(tc, tbf_message);
	tcase_add_test(tc, redirect_message);
	tcase_add_test(tc, ifb_message);
	tcase_add_test(tc, kernel_accepts);
	tcase_add_test(tc, kernel_refusal_names_operation);
	tcase_add_test(tc, netns_by_fd);
	tcase_add_test(tc, rule_adds_hook_last);
	tcase_add_test(tc, rule_no_netns_of_its_own);
	tcase_add_test(tc, rule_audit_and_bad_input);
	tcase_add_test(tc, rule_deny);
	tcase_add_test(tc, rule_warns_net_admin);
	tcase_add_test(tc, rule_no_hook_for_a_new_namespace_without_hooks);
	tcase_add_test(tc, rule_hook_missing);
	tcase_add_checked_fixture(tc, install_setup, install_teardown);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
