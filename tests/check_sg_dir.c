/* Security group references across accounts checked as EC2 checks them
 * (reference aws-vpc-peering.md 7.3), through a whole simulated cluster:
 * the referenced group must exist in a peer VPC joined by an active
 * same-Region connection; a rule goes stale when the peer deletes the
 * group, and DescribeStaleSecurityGroups names it; the owner of a group
 * learns with DescribeSecurityGroupReferences which peer VPCs reference
 * it. The other account's groups are known from the directory its agent
 * sends over the connection (sg_dir.h). */
#include "check_peering_fixture.h"
#include "sg_dir.h"
#include "sg_wire.h"

static const char *mksg(int a, const char *vpc, const char *name)
{
    return S(OK(a, "CreateSecurityGroup",
                J("{\"GroupName\":\"%s\",\"Description\":\"d\",\"VpcId\":\"%s\"}", name, vpc)),
             "GroupId");
}

static const char *ingress(const char *g, const char *user, const char *ref, int port)
{
    return J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":%d,"
             "\"ToPort\":%d,\"UserIdGroupPairs\":[{\"UserId\":\"%s\",\"GroupId\":\"%s\"}]}]}",
             g, port, port, user, ref);
}

static bool allows(int a, const char *g, int port, const char *acct, const char *peer_sg)
{
    const char *peers[1] = { peer_sg };
    return vs_sg__allows(pf_model(a), &g, 1, false, VS_SG_TCP, port, NULL, acct, peers, 1, NULL,
                         NULL, 0);
}

static const vs_json_t *refs(int a, const char *g)
{
    return P(OK(a, "DescribeSecurityGroupReferences", J("{\"GroupId\":[\"%s\"]}", g)),
             "SecurityGroupReferenceSet");
}

/* The group must exist, in a VPC peered with ours (7.3). */
START_TEST(referenced_group_must_exist)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *vb2 = mkvpc(b, "10.3.0.0/16");
    const char *ga = mksg(a, va, "a"), *gb = mksg(b, vb, "b"), *gb2 = mksg(b, vb2, "b2");
    active_pcx(a, va, b, vb);
    /* No such group in B's peered VPC. */
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, "sg-0123456789abcdef0", 22),
        "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist");
    /* A group of B's other VPC, which is not peered with ours. */
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb2, 22), "InvalidGroup.NotFound",
        J("The security group '%s' does not exist", gb2));
    /* The right account matters. */
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, A3, gb, 22), "InvalidGroup.NotFound", NULL);
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb, 22));
    /* A group B creates later is known once its directory arrives. */
    const char *gb3 = mksg(b, vb, "b3");
    pf_settle();
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb3, 23));
    /* A forged directory from an agent that is not the pcx's other end is
     * refused. */
    const vs_sgdir_t *d = NULL;
    for (vs_obj_t *o = vs_model__first(pf_model(a), &vs_kind_sgdir); o;
         o = vs_model__next(o, &vs_kind_sgdir))
        d = (const vs_sgdir_t *)o;
    ck_assert_ptr_nonnull(d);
    const char *forged = J("{\"T\":\"SgDir\",\"Pcx\":\"%s\",\"Vpc\":\"%s\",\"Ver\":99999999999999,"
                           "\"Groups\":[{\"Id\":\"sg-0123456789abcdef0\",\"Name\":\"x\"}],"
                           "\"Refs\":[]}", d->pcx_id, vb);
    ck_assert_int_eq(vs_model_on_peer(pf_model(a), A3, R1, (const uint8_t *)forged, strlen(forged)),
                     -1);
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, "sg-0123456789abcdef0", 24),
        "InvalidGroup.NotFound", NULL);
}
END_TEST

/* "If ... the owner of the peer VPC deletes the referenced security group,
 * the security group rule becomes stale" (7.3). */
START_TEST(peer_deletes_group)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *ga = mksg(a, va, "a"), *gb = mksg(b, vb, "Prod1");
    const char *pcx = active_pcx(a, va, b, vb);
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb, 22));
    ck_assert(allows(a, ga, 22, A2, gb));
    OK(b, "DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", gb));
    pf_settle();
    ck_assert(!allows(a, ga, 22, A2, gb));
    const vs_json_t *set = P(OK(a, "DescribeStaleSecurityGroups", J("{\"VpcId\":\"%s\"}", va)),
                             "StaleSecurityGroupSet");
    ck_assert_int_eq(N(set, ""), 1);
    const vs_json_t *p = P(set, "0.StaleIpPermissions.0.UserIdGroupPairs.0");
    ck_assert_str_eq(pf_keys(p), "UserId,GroupName,GroupId,VpcId,VpcPeeringConnectionId,PeeringStatus");
    ck_assert_str_eq(S(p, "GroupName"), "Prod1");
    ck_assert_str_eq(S(p, "GroupId"), gb);
    ck_assert_str_eq(S(p, "VpcPeeringConnectionId"), pcx);
    ck_assert_str_eq(S(p, "PeeringStatus"), "active");
    /* A new reference to it is refused. */
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb, 80), "InvalidGroup.NotFound", NULL);
    /* What A knows survives a crash. */
    vs_simnet_crash(g_net, a);
    ck_assert_int_eq(N(P(OK(a, "DescribeStaleSecurityGroups", J("{\"VpcId\":\"%s\"}", va)),
                         "StaleSecurityGroupSet"), ""), 1);
}
END_TEST

/* DescribeSecurityGroupReferences: which peer VPCs reference our group. */
START_TEST(security_group_references)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *va2 = mkvpc(a, "10.5.0.0/16");
    const char *ga = mksg(a, va, "a"), *gb = mksg(b, vb, "b"), *ga2 = mksg(a, va2, "a2");
    const char *pcx = active_pcx(a, va, b, vb);
    ck_assert_int_eq(N(refs(b, gb), ""), 0);
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb, 22));
    pf_settle();
    const vs_json_t *r = refs(b, gb);
    ck_assert_int_eq(N(r, ""), 1);
    ck_assert_str_eq(pf_keys(P(r, "0")), "GroupId,ReferencingVpcId,VpcPeeringConnectionId");
    ck_assert_str_eq(S(r, "0.GroupId"), gb);
    ck_assert_str_eq(S(r, "0.ReferencingVpcId"), va);
    ck_assert_str_eq(S(r, "0.VpcPeeringConnectionId"), pcx);
    /* Our own peer VPC (same account, held here) counts too. */
    const char *pcx2 = active_pcx(a, va2, a, va);
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga2, A1, ga, 22));
    r = refs(a, ga);
    ck_assert_int_eq(N(r, ""), 1);
    ck_assert_str_eq(S(r, "0.ReferencingVpcId"), va2);
    ck_assert_str_eq(S(r, "0.VpcPeeringConnectionId"), pcx2);
    /* Revoked: no longer referenced. */
    OK(a, "RevokeSecurityGroupIngress", ingress(ga, A2, gb, 22));
    pf_settle();
    ck_assert_int_eq(N(refs(b, gb), ""), 0);
    ERR(b, "DescribeSecurityGroupReferences", "{\"GroupId\":[\"sg-0123456789abcdef0\"]}",
        "InvalidGroup.NotFound", NULL);
    ERR(b, "DescribeSecurityGroupReferences", "{\"GroupId\":[\"sg-zz\"]}",
        "InvalidGroupId.Malformed", NULL);
    ERR(b, "DescribeSecurityGroupReferences", "{}", "MissingParameter", NULL);
}
END_TEST

/* The directory A holds of B's VPC (the only one in these tests). */
static const vs_sgdir_t *s_dir(int a)
{
    vs_obj_t *o = vs_model__first(pf_model(a), &vs_kind_sgdir);
    ck_assert_ptr_nonnull(o);
    return (const vs_sgdir_t *)o;
}

/* A typed snapshot of vpc over pcx, version ver, naming one group. */
static uint8_t *s_typed(const char *pcx, const char *vpc, uint64_t ver, const char *group,
                        size_t *len)
{
    vs_sgdir_msg_t m = { .ver = ver };
    snprintf(m.pcx_id, sizeof m.pcx_id, "%s", pcx);
    snprintf(m.vpc_id, sizeof m.vpc_id, "%s", vpc);
    vs_sgdir_group_t g = { .present = true };
    snprintf(g.id, sizeof g.id, "%s", group);
    snprintf(g.name, sizeof g.name, "n-%s", group);
    ck_assert_int_eq(VS_APPEND(m.groups, m.ngroups, &g), 0);
    long n = vs_sgdir_wire_encode(&m, NULL, 0);
    ck_assert_int_gt(n, 0);
    uint8_t *buf = malloc((size_t)n);
    ck_assert_int_eq(vs_sgdir_wire_encode(&m, buf, (size_t)n), n);
    vs_sgdir_msg_clear(&m);
    *len = (size_t)n;
    return buf;
}

/* Snapshots travel typed (peer.proto SgDirMessage); the older JSON form
 * from an agent of the previous release is still believed; either form is
 * believed only from the other end of the connection, and a typed one that
 * fails a check is refused whole. */
START_TEST(typed_and_json_snapshots)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *ga = mksg(a, va, "a"), *gb = mksg(b, vb, "b");
    const char *pcx = active_pcx(a, va, b, vb);
    pf_settle();
    const vs_sgdir_t *d = s_dir(a);
    ck_assert_ptr_nonnull(vs_sgdir__group(d, gb));
    uint64_t ver = d->version;
    /* The older JSON form, from B. */
    const char *json = J("{\"T\":\"SgDir\",\"Pcx\":\"%s\",\"Vpc\":\"%s\",\"Ver\":%llu,"
                         "\"Groups\":[{\"Id\":\"sg-0000000000000000a\",\"Name\":\"old\"}],"
                         "\"Refs\":[]}", pcx, vb, (unsigned long long)ver + 1);
    ck_assert_int_eq(vs_model_on_peer(pf_model(a), A2, R1, (const uint8_t *)json, strlen(json)), 0);
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, "sg-0000000000000000a", 22));
    /* The typed form, newer: the group JSON named went away (kept, absent). */
    size_t len;
    uint8_t *t = s_typed(pcx, vb, ver + 2, "sg-0000000000000000b", &len);
    ck_assert_int_eq(vs_model_on_peer(pf_model(a), A2, R1, t, len), 0);
    d = s_dir(a);
    ck_assert_uint_eq(d->version, ver + 2);
    ck_assert_ptr_nonnull(vs_sgdir__group(d, "sg-0000000000000000b"));
    ck_assert(vs_sgdir__group(d, "sg-0000000000000000b")->present);
    ck_assert_ptr_nonnull(vs_sgdir__group(d, "sg-0000000000000000a"));
    ck_assert(!vs_sgdir__group(d, "sg-0000000000000000a")->present);
    ck_assert_str_eq(vs_sgdir__name(pf_model(a), vb, "sg-0000000000000000a"), "old");
    free(t);
    /* An older one arriving late changes nothing. */
    t = s_typed(pcx, vb, ver + 1, "sg-0000000000000000c", &len);
    ck_assert_int_eq(vs_model_on_peer(pf_model(a), A2, R1, t, len), 0);
    ck_assert_ptr_null(vs_sgdir__group(s_dir(a), "sg-0000000000000000c"));
    free(t);
    /* Forged: typed, from an agent that is not the other end. */
    t = s_typed(pcx, vb, ver + 9, "sg-0000000000000000d", &len);
    ck_assert_int_eq(vs_model_on_peer(pf_model(a), A3, R1, t, len), -1);
    ck_assert_int_eq(vs_model_on_peer(pf_model(a), A2, R2, t, len), -1);
    ck_assert_ptr_null(vs_sgdir__group(s_dir(a), "sg-0000000000000000d"));
    /* Malformed: cut short, or a bad group ID; nothing of it is kept. */
    ck_assert_int_eq(vs_model_on_peer(pf_model(a), A2, R1, t, len - 3), -1);
    free(t);
    t = s_typed(pcx, vb, ver + 9, "vpc-0000000000000000e", &len);
    ck_assert_int_eq(vs_model_on_peer(pf_model(a), A2, R1, t, len), -1);
    ck_assert_uint_eq(s_dir(a)->version, ver + 2);
    free(t);
    /* Still the snapshot that wins after a crash, once a turn of A's has
     * written it (these messages went straight into the model). */
    OK(a, "DescribeSecurityGroups", "{}");
    vs_simnet_crash(g_net, a);
    ck_assert_ptr_nonnull(vs_sgdir__group(s_dir(a), "sg-0000000000000000b"));
    ck_assert(vs_sgdir__group(s_dir(a), "sg-0000000000000000b")->present);
}
END_TEST

/* The directory is stored in its binary form (store.proto StoredSgDir):
 * every field comes back, groups the peer deleted stay absent with their
 * names, a record cut short is refused, the older JSON form still loads,
 * and after a crash the agent holds the same directory. */
static void s_same_dir(const vs_sgdir_t *x, const vs_sgdir_t *y)
{
    ck_assert_str_eq(x->pcx_id, y->pcx_id);
    ck_assert_str_eq(x->vpc_id, y->vpc_id);
    ck_assert_str_eq(x->peer_vpc, y->peer_vpc);
    ck_assert_str_eq(x->peer_account, y->peer_account);
    ck_assert_uint_eq(x->version, y->version);
    ck_assert_uint_eq(x->ngroups, y->ngroups);
    for (size_t i = 0; i < x->ngroups; i++) {
        ck_assert_str_eq(x->groups[i].id, y->groups[i].id);
        ck_assert_str_eq(x->groups[i].name, y->groups[i].name);
        ck_assert_int_eq(x->groups[i].present, y->groups[i].present);
    }
    ck_assert_uint_eq(x->nrefs, y->nrefs);
    for (size_t i = 0; i < x->nrefs; i++)
        ck_assert_str_eq(x->refs[i], y->refs[i]);
}

/* The record flushed for one ID. */
typedef struct {
    const char *id;
    uint8_t *doc;
    size_t len;
} s_rec_t;

static void s_capture(void *ctx, const char *id, const uint8_t *doc, size_t len, const char *state)
{
    (void)state;
    s_rec_t *r = ctx;
    if (doc && !strcmp(id, r->id)) {
        free(r->doc);
        r->doc = malloc(len);
        memcpy(r->doc, doc, len);
        r->len = len;
    }
}

START_TEST(directory_stored_binary)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *ga = mksg(a, va, "web"), *gb = mksg(b, vb, "db"), *gone = mksg(b, vb, "old");
    active_pcx(a, va, b, vb);
    OK(b, "AuthorizeSecurityGroupIngress", ingress(gb, A1, ga, 5432));
    OK(b, "DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", gone));
    pf_settle();
    vs_model_t *m = pf_model(a);
    const vs_sgdir_t *d = s_dir(a);
    ck_assert_uint_eq(d->ngroups, 3);              /* default, db, old (absent) */
    ck_assert(!vs_sgdir__group(d, gone)->present);
    ck_assert_str_eq(vs_sgdir__group(d, gone)->name, "old");
    ck_assert_uint_eq(d->nrefs, 1);
    ck_assert_str_eq(d->refs[0], ga);

    long n = vs_kind_sgdir.to_bin(m, &d->base, NULL, 0);
    ck_assert_int_gt(n, 0);
    uint8_t *buf = malloc((size_t)n);
    ck_assert_int_eq(vs_kind_sgdir.to_bin(m, &d->base, buf, (size_t)n), n);
    ck_assert_int_ne(buf[0], '{');
    vs_obj_t *o = vs_kind_sgdir.from_bin(m, buf, (size_t)n);
    ck_assert_ptr_nonnull(o);
    s_same_dir(d, (const vs_sgdir_t *)o);
    vs_kind_sgdir.destroy(o);
    free(buf);

    /* The record the store gets (the envelope around that body): in JSON
     * it is the to_doc document, and cut short anywhere it is refused. */
    vs_model__touch(m, (vs_obj_t *)&d->base);
    s_rec_t rec = { .id = d->base.id };
    vs_model_flush(m, s_capture, &rec);
    ck_assert_ptr_nonnull(rec.doc);
    ck_assert_int_ne(rec.doc[0], '{');
    char *json = vs_model_doc_json(m, rec.id, rec.doc, rec.len);
    ck_assert_ptr_nonnull(json);
    ck_assert_ptr_nonnull(strstr(json, "\"Present\":false"));
    ck_assert_ptr_nonnull(strstr(json, ga));
    free(json);
    for (size_t cut = 1; cut < rec.len; cut++)
        ck_assert_msg(!vs_model_doc_json(m, rec.id, rec.doc, rec.len - cut),
                      "a record cut by %zu read", cut);
    free(rec.doc);

    /* The older JSON form of the same directory. */
    vs_json_t *doc = vs_json_object();
    ck_assert_int_eq(vs_kind_sgdir.to_doc(m, &d->base, doc), 0);
    o = vs_kind_sgdir.from_doc(m, doc);
    ck_assert_ptr_nonnull(o);
    s_same_dir(d, (const vs_sgdir_t *)o);
    vs_kind_sgdir.destroy(o);
    vs_json_free(&doc);

    /* Through the agent's store: the same after a crash. */
    vs_sgdir_t before = *d;
    vs_sgdir_group_t groups[3];
    memcpy(groups, d->groups, sizeof groups);
    char refs[1][VS_ID_LEN];
    memcpy(refs, d->refs, sizeof refs);
    before.groups = groups;
    before.refs = refs;
    vs_simnet_crash(g_net, a);
    s_same_dir(&before, s_dir(a));
}
END_TEST

/* The per-VPC index of groups (vs_sg__of_vpc) lists a VPC's groups in
 * creation order, follows creations and deletions, and is rebuilt after a
 * restart; a snapshot carries exactly those groups. */
START_TEST(groups_indexed_by_vpc)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *vb2 = mkvpc(b, "10.3.0.0/16");
    const char *g1 = mksg(b, vb, "one"), *other = mksg(b, vb2, "other");
    const char *g2 = mksg(b, vb, "two");
    vs_sg_t *const *gs;
    ck_assert_uint_eq(vs_sg__of_vpc(pf_model(b), vb, &gs), 3);    /* with the default */
    ck_assert_str_eq(gs[1]->base.id, g1);
    ck_assert_str_eq(gs[2]->base.id, g2);
    ck_assert_uint_eq(vs_sg__of_vpc(pf_model(b), vb2, &gs), 2);
    ck_assert_str_eq(gs[1]->base.id, other);
    ck_assert_uint_eq(vs_sg__of_vpc(pf_model(b), "vpc-0123456789abcdef0", &gs), 0);
    OK(b, "DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", g1));
    ck_assert_uint_eq(vs_sg__of_vpc(pf_model(b), vb, &gs), 2);
    ck_assert_str_eq(gs[1]->base.id, g2);
    /* Duplicate names are still found through the index. */
    ERR(b, "CreateSecurityGroup",
        J("{\"GroupName\":\"two\",\"Description\":\"d\",\"VpcId\":\"%s\"}", vb),
        "InvalidGroup.Duplicate", NULL);
    vs_simnet_crash(g_net, b);
    ck_assert_uint_eq(vs_sg__of_vpc(pf_model(b), vb, &gs), 2);
    const char *g3 = mksg(b, vb, "three");
    ck_assert_uint_eq(vs_sg__of_vpc(pf_model(b), vb, &gs), 3);
    ck_assert_str_eq(gs[2]->base.id, g3);
    /* A's directory of vb: vb's three groups, not vb2's. */
    active_pcx(a, va, b, vb);
    pf_settle();
    const vs_sgdir_t *d = s_dir(a);
    ck_assert_uint_eq(d->ngroups, 3);
    ck_assert_ptr_nonnull(vs_sgdir__group(d, g2));
    ck_assert_ptr_nonnull(vs_sgdir__group(d, g3));
    ck_assert_ptr_null(vs_sgdir__group(d, other));
    ck_assert_ptr_null(vs_sgdir__group(d, g1));
}
END_TEST

/* The trace lines of the simulated network (simnet.c), kept for a test. */
static char g_trace[256][480];
static int g_ntrace;

static void s_trace(void *ctx, const char *line)
{
    (void)ctx;
    if (g_ntrace < 256)
        snprintf(g_trace[g_ntrace++], sizeof g_trace[0], "%s", line);
}

/* The sends of agent `from` to agent `to` since the trace began. */
static int s_sends(int from, int to, const char *what, char *last, size_t lastlen)
{
    char head[48];
    snprintf(head, sizeof head, "a%d -> a%d send ", from, to);
    int n = 0;
    for (int i = 0; i < g_ntrace; i++) {
        const char *h = strstr(g_trace[i], head);
        if (h && (!what || strstr(h, what))) {
            n++;
            snprintf(last, lastlen, "%s", h);
        }
    }
    return n;
}

/* The accepter's directory goes with its accept, in the Op's message (a
 * bundle, peer_bundle.h); once the home makes the connection active, its
 * State and its directory go to the accepter's agent as one message, and
 * the accepter, whose groups have not changed, sends nothing more. Each
 * side ends with the other's directory, as when they came apart. */
START_TEST(activation_and_directory_in_one_message)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *ga = mksg(a, va, "a"), *gb = mksg(b, vb, "b");
    const char *pcx = pending_pcx(a, va, b, vb);
    char last[480] = "";
    g_ntrace = 0;
    vs_simnet_set_trace(g_net, s_trace, NULL);
    OK(b, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    pf_settle();
    ck_assert_int_eq(s_sends(b, a, NULL, last, sizeof last), 1);
    ck_assert_msg(strstr(last, J("Bundle[Op %s", pcx)) && strstr(last, J("; SgDir %s", pcx)),
                  "accepter's send: %s", last);
    g_ntrace = 0;
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    vs_simnet_set_trace(g_net, NULL, NULL);
    ck_assert_str_eq(state_of(a, pcx), "active");
    same_views(a, b, pcx);

    ck_assert_int_eq(s_sends(a, b, NULL, last, sizeof last), 1);
    ck_assert_msg(strstr(last, J("Bundle[State %s active", pcx)) && strstr(last, J("; SgDir %s", pcx)),
                  "home's send: %s", last);
    ck_assert_int_eq(s_sends(b, a, "SgDir", last, sizeof last), 0);
    ck_assert_ptr_nonnull(vs_sgdir__for_pcx(pf_model(a), pcx));
    ck_assert_ptr_nonnull(vs_sgdir__for_pcx(pf_model(b), pcx));
    /* Each side can reference the other's group. */
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb, 22));
    OK(b, "AuthorizeSecurityGroupIngress", ingress(gb, A1, ga, 22));
}
END_TEST

/* The accepter's groups change between its accept and the activation (a
 * group created, another deleted), or its agent restarts meanwhile (and
 * forgets what it sent): it sends its directory again when the connection
 * becomes active, and the home checks references against the new one. */
START_TEST(directory_sent_again_when_stale_at_activation)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *ga = mksg(a, va, "a"), *gb = mksg(b, vb, "b"), *gold = mksg(b, vb, "old");
    const char *pcx = pending_pcx(a, va, b, vb);
    OK(b, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    pf_settle();
    const char *gnew = mksg(b, vb, "new");
    OK(b, "DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", gold));
    char last[480] = "";
    g_ntrace = 0;
    vs_simnet_set_trace(g_net, s_trace, NULL);
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    vs_simnet_set_trace(g_net, NULL, NULL);
    ck_assert_int_eq(s_sends(b, a, "SgDir", last, sizeof last), 1);
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gnew, 22));
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb, 23));
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gold, 24), "InvalidGroup.NotFound",
        NULL);

    /* A restart between the accept and the activation. */
    const char *vb2 = mkvpc(b, "10.3.0.0/16"), *va2 = mkvpc(a, "10.4.0.0/16");
    const char *gb2 = mksg(b, vb2, "b2"), *ga2 = mksg(a, va2, "a2");
    const char *pcx2 = pending_pcx(a, va2, b, vb2);
    OK(b, "AcceptVpcPeeringConnection", pcx_id_input(pcx2));
    pf_settle();
    vs_simnet_crash(g_net, b);
    g_ntrace = 0;
    vs_simnet_set_trace(g_net, s_trace, NULL);
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    vs_simnet_set_trace(g_net, NULL, NULL);
    ck_assert_str_eq(state_of(b, pcx2), "active");
    ck_assert_int_eq(s_sends(b, a, J("SgDir %s", pcx2), last, sizeof last), 1);
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga2, A2, gb2, 22));
}
END_TEST

/* A directory is kept for a connection accepted (provisioning) or active:
 * one that arrives for a connection still pending - as with an accept the
 * home refuses - is taken (from the right sender) and dropped. */
START_TEST(directory_of_an_unaccepted_connection_is_dropped)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *pcx = pending_pcx(a, va, b, vb);
    size_t len;
    uint8_t *snap = s_typed(pcx, vb, 1, "sg-0123456789abcdef0", &len);
    ck_assert_int_eq(vs_model_on_peer(pf_model(a), A2, R1, snap, len), 0);
    ck_assert_ptr_null(vs_sgdir__for_pcx(pf_model(a), pcx));
    /* From another agent it is refused, as ever. */
    ck_assert_int_eq(vs_model_on_peer(pf_model(a), A3, R1, snap, len), -1);
    free(snap);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("sg_dir");
    TCase *tc = tcase_create("dir");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, referenced_group_must_exist);
    tcase_add_test(tc, peer_deletes_group);
    tcase_add_test(tc, security_group_references);
    tcase_add_test(tc, typed_and_json_snapshots);
    tcase_add_test(tc, groups_indexed_by_vpc);
    tcase_add_test(tc, directory_stored_binary);
    tcase_add_test(tc, activation_and_directory_in_one_message);
    tcase_add_test(tc, directory_sent_again_when_stale_at_activation);
    tcase_add_test(tc, directory_of_an_unaccepted_connection_is_dropped);
    suite_add_tcase(s, tc);
    return s;
}
