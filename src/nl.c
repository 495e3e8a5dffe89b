#include "nl.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

#define NL_MAX_ENTRIES 4096

struct opener {
	int nsfd;
	struct mnl_socket *sock;
	int error;
	const char *step;
};

/* A thread's network namespace is its own: it enters, opens, and ends; the socket stays there. */
static void *open_in_netns(void *p)
{
	struct opener *o = p;

	o->step = "enter the network namespace";
	if (o->nsfd >= 0 && setns(o->nsfd, CLONE_NEWNET) < 0) {
		o->error = errno;
		return NULL;
	}
	o->step = "open a netlink socket";
	o->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!o->sock)
		o->error = errno;
	return NULL;
}

static int nl_socket(int nsfd, struct mnl_socket **ret, struct cd_error *err)
{
	struct opener o = { .nsfd = nsfd };
	pthread_t t;
	int r;

	if (nsfd < 0) {
		open_in_netns(&o);
	} else {
		r = pthread_create(&t, NULL, open_in_netns, &o);
		if (r)
			return cd_err(err, r, "cannot start a thread to enter the network namespace: %s", strerror(r));
		pthread_join(t, NULL);
	}
	if (!o.sock)
		return cd_err(err, o.error, "cannot %s: %s", o.step, strerror(o.error));
	*ret = o.sock;
	return 0;
}

int nl_open(int nsfd, struct nl *ret, struct cd_error *err)
{
	int one = 1, r;

	memset(ret, 0, sizeof(*ret));
	ret->buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	if (!ret->buf)
		return cd_err(err, ENOMEM, "out of memory");
	r = nl_socket(nsfd, &ret->sock, err);
	if (r < 0)
		return r;
	/* the kernel's own words on a refusal, and no copy of the request in the ACK */
	mnl_socket_setsockopt(ret->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(ret->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(ret->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return cd_err_sys(err, "netlink bind");
	ret->portid = mnl_socket_get_portid(ret->sock);
	ret->seq = 1;
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	nl->sock = NULL;
	nl->buf = NULL;
}

static int extack_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
		*(const char **)data = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

/* The errno an NLMSG_ERROR carries (0: an ACK) and the extended-ACK text, if any. */
static int ack_of(const struct nlmsghdr *nlh, const char **ret_msg)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	*ret_msg = NULL;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && mnl_nlmsg_size(off) <= nlh->nlmsg_len)
		mnl_attr_parse(nlh, (unsigned)off, extack_cb, ret_msg);
	return e->error;
}

int nl_request(struct nl *nl, struct nlmsghdr *nlh, const char *what, struct cd_error *err)
{
	uint32_t seq = nlh->nlmsg_seq = nl->seq++;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return cd_err_sys(err, "%s: netlink send", what);
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, MNL_SOCKET_BUFFER_SIZE);
		const struct nlmsghdr *h = (const struct nlmsghdr *)nl->buf;
		int len = (int)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cd_err_sys(err, "%s: netlink receive", what);
		for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			const char *msg = NULL;
			int r;

			if (h->nlmsg_seq != seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			r = ack_of(h, &msg);
			if (r == 0)
				return 0;
			return cd_err(err, -r, "%s: %s%s%s", what, strerror(-r), msg ? ": " : "", msg ? msg : "");
		}
	}
}

/* Send a dump request and hand every reply to cb until NLMSG_DONE. */
static int nl_dump(struct nl *nl, uint16_t type, size_t hdrlen, mnl_cb_t cb, void *data, const char *what,
		   struct cd_error *err)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	uint32_t seq = nl->seq++;
	int r = MNL_CB_OK;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	/* ifinfomsg and tcmsg both start with a family byte: zero is AF_UNSPEC */
	mnl_nlmsg_put_extra_header(nlh, hdrlen);
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return cd_err_sys(err, "%s: netlink send", what);
	while (r > MNL_CB_STOP) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, MNL_SOCKET_BUFFER_SIZE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cd_err_sys(err, "%s: netlink receive", what);
		r = mnl_cb_run(nl->buf, (size_t)n, seq, nl->portid, cb, data);
		if (r < 0)
			return cd_err_sys(err, "%s", what);
	}
	return 0;
}

/* A growing array of fixed-size entries, as the dump callbacks fill it. */
struct grow {
	void *items;
	size_t n, size;
	int error;
};

static void *grow_next(struct grow *g)
{
	void *p;

	if (g->n == NL_MAX_ENTRIES) {
		g->error = E2BIG;
		return NULL;
	}
	p = realloc(g->items, (g->n + 1) * g->size);
	if (!p) {
		g->error = ENOMEM;
		return NULL;
	}
	g->items = p;
	p = (char *)p + g->n++ * g->size;
	memset(p, 0, g->size);
	return p;
}

static void copy_str(char *dst, size_t cap, const struct nlattr *a)
{
	size_t len = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);

	len = strnlen(s, len);
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, s, len);
	dst[len] = 0;
}

struct attrs {
	const struct nlattr *tb[64];
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type < 64)
		t->tb[type] = a;
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct attrs at = { 0 }, info = { 0 };
	struct nl_link *l;

	mnl_attr_parse(nlh, sizeof(*ifi), attr_cb, &at);
	l = grow_next(data);
	if (!l)
		return MNL_CB_ERROR;
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	if (at.tb[IFLA_IFNAME])
		copy_str(l->name, sizeof(l->name), at.tb[IFLA_IFNAME]);
	if (at.tb[IFLA_LINKINFO])
		mnl_attr_parse_nested(at.tb[IFLA_LINKINFO], attr_cb, &info);
	if (info.tb[IFLA_INFO_KIND])
		copy_str(l->kind, sizeof(l->kind), info.tb[IFLA_INFO_KIND]);
	return MNL_CB_OK;
}

/* A dump collected into an array of size-byte entries, one per reply cb accepts. */
static int nl_collect(struct nl *nl, uint16_t type, size_t hdrlen, mnl_cb_t cb, size_t size, const char *what,
		      void **ret, size_t *ret_n, struct cd_error *err)
{
	struct grow g = { .size = size };
	int r = nl_dump(nl, type, hdrlen, cb, &g, what, err);

	if (r >= 0 && g.error)
		r = cd_err(err, g.error, "%s: %s", what, strerror(g.error));
	if (r < 0) {
		free(g.items);
		return r;
	}
	*ret = g.items;
	*ret_n = g.n;
	return 0;
}

int nl_links(struct nl *nl, struct nl_link **ret_links, size_t *ret_n, struct cd_error *err)
{
	return nl_collect(nl, RTM_GETLINK, sizeof(struct ifinfomsg), link_cb, sizeof(struct nl_link), "list links",
			  (void **)ret_links, ret_n, err);
}

static void tbf_of(const struct nlattr *opts, struct nl_qdisc *q)
{
	struct attrs t = { 0 };
	uint32_t ticks = 0;
	unsigned __int128 b;

	mnl_attr_parse_nested(opts, attr_cb, &t);
	if (t.tb[TCA_TBF_PARMS] && mnl_attr_get_payload_len(t.tb[TCA_TBF_PARMS]) >= sizeof(struct tc_tbf_qopt)) {
		const struct tc_tbf_qopt *p = mnl_attr_get_payload(t.tb[TCA_TBF_PARMS]);

		q->rate = p->rate.rate;
		ticks = p->buffer;
	}
	if (t.tb[TCA_TBF_RATE64] && mnl_attr_get_payload_len(t.tb[TCA_TBF_RATE64]) == 8)
		q->rate = mnl_attr_get_u64(t.tb[TCA_TBF_RATE64]);
	/* the kernel reports the bucket as time (64 ns ticks): back to bytes at the rate */
	b = (unsigned __int128)ticks * 64 * q->rate / 1000000000u;
	q->burst = b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
}

static int qdisc_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct attrs at = { 0 };
	struct nl_qdisc *q;

	mnl_attr_parse(nlh, sizeof(*tcm), attr_cb, &at);
	q = grow_next(data);
	if (!q)
		return MNL_CB_ERROR;
	q->ifindex = tcm->tcm_ifindex;
	q->handle = tcm->tcm_handle;
	q->parent = tcm->tcm_parent;
	if (at.tb[TCA_KIND])
		copy_str(q->kind, sizeof(q->kind), at.tb[TCA_KIND]);
	if (!strcmp(q->kind, "tbf") && at.tb[TCA_OPTIONS])
		tbf_of(at.tb[TCA_OPTIONS], q);
	return MNL_CB_OK;
}

int nl_qdiscs(struct nl *nl, struct nl_qdisc **ret_qdiscs, size_t *ret_n, struct cd_error *err)
{
	return nl_collect(nl, RTM_GETQDISC, sizeof(struct tcmsg), qdisc_cb, sizeof(struct nl_qdisc), "list qdiscs",
			  (void **)ret_qdiscs, ret_n, err);
}
