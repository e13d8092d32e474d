/* Unit tests of core/pcx and core/pcx_doc: the record, its persistence
 * document (round trip, rejection of malformed documents) and the API
 * output object (field presence per state, key order, the seed's output). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_pcx_fixture.h"
#include "pcx_doc.h"

START_TEST(test_state_names)
{
    static const char *const codes[VS_PCX_STATE_COUNT] = {
        "initiating-request", "pending-acceptance", "provisioning", "active", "deleting",
        "deleted", "rejected", "failed", "expired",
    };
    for (int i = 0; i < VS_PCX_STATE_COUNT; i++) {
        vs_pcx_state_t s = (vs_pcx_state_t)99;
        ck_assert_str_eq(vs_pcx_state_name(i), codes[i]);
        ck_assert_int_eq(vs_pcx_state_parse(codes[i], &s), 0);
        ck_assert_int_eq(s, i);
    }
    ck_assert_str_eq(vs_pcx_state_name((vs_pcx_state_t)VS_PCX_STATE_COUNT), "?");
    ck_assert_int_eq(vs_pcx_state_parse("Active", NULL), -1);
    ck_assert_int_eq(vs_pcx_state_parse("", NULL), -1);
    ck_assert_int_eq(vs_pcx_state_parse(NULL, NULL), -1);
    int terminal = 0;
    for (int i = 0; i < VS_PCX_STATE_COUNT; i++)
        terminal += vs_pcx_state_is_terminal(i);
    ck_assert_int_eq(terminal, 4);
    ck_assert(vs_pcx_state_is_terminal(VS_PCX_FAILED) && !vs_pcx_state_is_terminal(VS_PCX_DELETING));

    vs_pcx_side_t side;
    ck_assert_str_eq(vs_pcx_side_name(VS_PCX_SIDE_ACCEPTER), "accepter");
    ck_assert_int_eq(vs_pcx_side_parse("requester", &side), 0);
    ck_assert_int_eq(side, VS_PCX_SIDE_REQUESTER);
    ck_assert_int_eq(vs_pcx_side_parse("Requester", &side), -1);
}
END_TEST

START_TEST(test_status_messages)
{
    vs_pcx_t p = fx_pcx("111111111111", "us-east-1", "222222222222", "eu-west-1");
    static const struct {
        vs_pcx_state_t s;
        vs_pcx_side_t by;
        const char *msg;
    } cases[] = {
        { VS_PCX_INITIATING_REQUEST, VS_PCX_SIDE_NONE, "Initiating Request to 222222222222" },
        { VS_PCX_PENDING_ACCEPTANCE, VS_PCX_SIDE_NONE, "Pending Acceptance by 222222222222" },
        { VS_PCX_PROVISIONING, VS_PCX_SIDE_NONE, "Provisioning" },
        { VS_PCX_ACTIVE, VS_PCX_SIDE_NONE, "Active" },
        { VS_PCX_FAILED, VS_PCX_SIDE_NONE,
          "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range" },
        { VS_PCX_REJECTED, VS_PCX_SIDE_NONE, "Rejected by 222222222222" },
        { VS_PCX_EXPIRED, VS_PCX_SIDE_NONE, "Expired" },
        { VS_PCX_DELETING, VS_PCX_SIDE_REQUESTER, "Deleting" },
        { VS_PCX_DELETED, VS_PCX_SIDE_REQUESTER, "Deleted by 111111111111" },
        { VS_PCX_DELETED, VS_PCX_SIDE_ACCEPTER, "Deleted by 222222222222" },
        { VS_PCX_DELETED, VS_PCX_SIDE_NONE, "Deleted" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[VS_PCX_MSG_LEN];
        int n = vs_pcx_status_message(&p, cases[i].s, cases[i].by, buf, sizeof buf);
        ck_assert_str_eq(buf, cases[i].msg);
        ck_assert_int_eq(n, (int)strlen(cases[i].msg));
    }
    char small[8];
    ck_assert_int_eq(vs_pcx_status_message(&p, VS_PCX_ACTIVE, VS_PCX_SIDE_NONE, small, 6), -1);
    ck_assert_int_eq(vs_pcx_status_message(&p, (vs_pcx_state_t)77, 0, small, sizeof small), -1);
}
END_TEST

START_TEST(test_building)
{
    vs_pcx_vpc_t v;
    ck_assert_int_eq(vs_pcx_vpc_set(&v, "12345678901", "us-east-1", "vpc-12345678"), -1);
    ck_assert_int_eq(vs_pcx_vpc_set(&v, "123456789012", "us-east-9", "vpc-12345678"), -1);
    ck_assert_int_eq(vs_pcx_vpc_set(&v, "123456789012", "us-east-1", "subnet-12345678"), -1);
    ck_assert_int_eq(vs_pcx_vpc_set(&v, NULL, "us-east-1", "vpc-12345678"), -1);
    ck_assert_int_eq(vs_pcx_vpc_set(&v, "123456789012", "us-east-1", "vpc-0123456789abcdef0"), 0);
    ck_assert_uint_eq(v.n_ipv4 + v.n_ipv6, 0);
    ck_assert(!v.options.allow_dns_resolution_from_remote_vpc);

    vs_cidr_t c = fx_cidr("10.0.0.0/16"), c6 = fx_cidr("2600:1f18::/56");
    ck_assert_int_eq(vs_pcx_vpc_add_cidr(&v, &c), 0);
    ck_assert_int_eq(vs_pcx_vpc_add_cidr(&v, &c), -1);   /* duplicate */
    ck_assert_int_eq(vs_pcx_vpc_add_cidr(&v, &c6), 0);
    ck_assert_uint_eq(v.n_ipv4, 1);
    ck_assert_uint_eq(v.n_ipv6, 1);
    for (int i = 1; i < VS_PCX_MAX_IPV4; i++) {
        char s[32];
        snprintf(s, sizeof s, "10.%d.0.0/16", i);
        vs_cidr_t x = fx_cidr(s);
        ck_assert_int_eq(vs_pcx_vpc_add_cidr(&v, &x), 0);
    }
    vs_cidr_t more = fx_cidr("192.168.0.0/16");
    ck_assert_int_eq(vs_pcx_vpc_add_cidr(&v, &more), -1);   /* full */
    vs_cidr_t bad = c;
    bad.addr.family = 5;
    ck_assert_int_eq(vs_pcx_vpc_add_cidr(&v, &bad), -1);

    /* init refuses what validate refuses. */
    vs_pcx_vpc_t r = fx_vpc("111111111111", "us-east-1", "vpc-11111111", "10.1.0.0/16", NULL);
    vs_pcx_vpc_t a = fx_vpc("222222222222", "us-east-1", "vpc-22222222", NULL);
    vs_pcx_vpc_t r0 = fx_vpc("111111111111", "us-east-1", "vpc-11111111", NULL);
    vs_pcx_t p;
    char why[128];
    ck_assert_int_eq(vs_pcx_init(&p, "pcx-1234567", &r, &a, FX_T0, why, sizeof why), -1);
    ck_assert_int_eq(vs_pcx_init(&p, "pcx-12345678", &r, &r, FX_T0, why, sizeof why), -1);
    ck_assert_str_eq(why, "requester and accepter are the same VPC");
    ck_assert_int_eq(vs_pcx_init(&p, "pcx-12345678", &r0, &a, FX_T0, why, sizeof why), -1);
    ck_assert_int_eq(vs_pcx_init(&p, "pcx-12345678", &r, &a, FX_T0, NULL, 0), 0);
    ck_assert_int_eq(p.state, VS_PCX_INITIATING_REQUEST);
    ck_assert_uint_eq(p.version, 1);
    ck_assert_uint_eq(p.created_ms, FX_T0);
    ck_assert_uint_eq(p.state_entered_ms, FX_T0);
    ck_assert_uint_eq(p.expiration_ms, FX_T0 + VS_PCX_EXPIRY_MS);
    ck_assert_uint_eq(VS_PCX_EXPIRY_MS, 604800000ull);
    ck_assert(!p.inter_region);
    ck_assert_ptr_eq(vs_pcx_vpc(&p, VS_PCX_SIDE_ACCEPTER), &p.accepter);
    ck_assert_ptr_eq(vs_pcx_vpc(&p, VS_PCX_SIDE_REQUESTER), &p.requester);
    ck_assert_ptr_null(vs_pcx_vpc(&p, VS_PCX_SIDE_BOTH));
}
END_TEST

/* --- document ---------------------------------------------------------------- */

static char *s_doc_text(const vs_pcx_t *p)
{
    vs_json_t *d = vs_pcx_to_doc(p);
    ck_assert_ptr_nonnull(d);
    char *t = vs_json_dump(d, 0);
    vs_json_free(&d);
    return t;
}

START_TEST(test_doc_round_trip)
{
    vs_pcx_t p = fx_pcx("111111111111", "us-east-1", "222222222222", "eu-west-1");
    vs_pcx_set_state(&p, VS_PCX_DELETING, VS_PCX_SIDE_ACCEPTER, FX_T0 + 42);
    p.requester.options.allow_dns_resolution_from_remote_vpc = true;
    p.accepter.options.allow_egress_from_local_vpc_to_remote_classic_link = true;

    char *text = s_doc_text(&p);
    vs_json_t *j = fx_json(text);
    vs_pcx_t q;
    char why[128] = "";
    ck_assert_msg(vs_pcx_from_doc(j, &q, why, sizeof why) == 0, "from_doc: %s", why);
    char *again = s_doc_text(&q);
    ck_assert_str_eq(again, text);
    ck_assert_str_eq(q.id, FX_PCX);
    ck_assert_int_eq(q.state, VS_PCX_DELETING);
    ck_assert_int_eq(q.deleted_by, VS_PCX_SIDE_ACCEPTER);
    ck_assert_str_eq(q.status_message, "Deleting");
    ck_assert_uint_eq(q.version, 2);
    ck_assert_uint_eq(q.state_entered_ms, FX_T0 + 42);
    ck_assert_uint_eq(q.expiration_ms, FX_T0 + VS_PCX_EXPIRY_MS);
    ck_assert(q.inter_region);
    ck_assert_uint_eq(q.requester.n_ipv4, 2);
    ck_assert(vs_cidr_equal(&q.requester.ipv4[1], &p.requester.ipv4[1]));
    ck_assert_uint_eq(q.accepter.n_ipv6, 1);
    ck_assert(q.requester.options.allow_dns_resolution_from_remote_vpc);
    ck_assert(q.accepter.options.allow_egress_from_local_vpc_to_remote_classic_link);
    ck_assert(!q.accepter.options.allow_dns_resolution_from_remote_vpc);
    /* The stored form names its kind and schema. */
    ck_assert_str_eq(vs_json_get_str(j, "Kind"), "pcx");
    ck_assert_int_eq(vs_json_get_int(j, "Schema", 0), 1);
    ck_assert_str_eq(vs_json_get_str(j, "DeletedBy"), "accepter");

    /* Unknown members are ignored; an accepter with unknown CIDRs is fine. */
    vs_json_set((vs_json_t *)vs_json_get(j, "Accepter"), "Ipv4", vs_json_array());
    vs_json_set(j, "FutureField", vs_json_str("x"));
    ck_assert_int_eq(vs_pcx_from_doc(j, &q, why, sizeof why), 0);
    ck_assert_uint_eq(q.accepter.n_ipv4, 0);
    vs_json_free(&j);
    free(text);
    free(again);
}
END_TEST

/* A mutation of a good document: set `path` (dotted) to the JSON `value`,
 * or delete it when value is NULL. Every one must be refused. */
static const struct {
    const char *path, *value;
} s_bad[] = {
    { "Kind", "\"vpc\"" }, { "Kind", NULL }, { "Schema", "2" }, { "Schema", "\"1\"" },
    { "Id", "\"pcx-xyz\"" }, { "Id", "\"vpc-01bfaf57ab86dad52\"" }, { "Id", NULL }, { "Id", "5" },
    { "Id", "\"pcx-01bfaf57ab86dad52-and-a-much-longer-tail\"" },
    { "State", "\"pending\"" }, { "State", "\"Active\"" }, { "State", "null" },
    { "StatusMessage", "\"a\\u0000b\"" }, { "StatusMessage", "[]" },
    { "StatusMessage", "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"" },
    { "Version", "-1" }, { "Version", "1.5" }, { "Version", "\"3\"" },
    { "Version", "1152921504606846976" }, { "Version", NULL },
    { "CreatedMs", NULL }, { "ExpirationMs", "0" }, { "StateEnteredMs", "0" },
    { "DeletedBy", "\"someone\"" }, { "DeletedBy", "\"requester\"" }, { "DeletedBy", "\"both\"" },
    { "DeletedBy", NULL },
    { "InterRegion", "true" }, { "InterRegion", "\"false\"" }, { "InterRegion", "0" },
    { "Requester", NULL }, { "Requester", "[]" }, { "Accepter", "\"x\"" },
    { "Requester.Account", "\"12345\"" }, { "Requester.Account", "\"12345678901a\"" },
    { "Requester.Region", "\"mars-1\"" }, { "Requester.Region", NULL },
    { "Requester.VpcId", "\"subnet-12345678\"" }, { "Requester.VpcId", "\"vpc-07d753c8aa4f6f51a\"" },
    { "Requester.Ipv4", "[]" }, { "Requester.Ipv4", "[\"10.1.0.1/16\"]" },
    { "Requester.Ipv4", "[\"2600::/56\"]" }, { "Requester.Ipv4", "[\"10.1.0.0/16\",\"10.1.0.0/16\"]" },
    { "Requester.Ipv4", "\"10.1.0.0/16\"" }, { "Requester.Ipv4", "[5]" },
    { "Requester.Ipv4", "[\"10.1.0.0/33\"]" }, { "Requester.Ipv4", "[\" 10.1.0.0/16\"]" },
    { "Requester.Ipv6", "[\"10.0.0.0/8\"]" }, { "Requester.Ipv6", NULL },
    { "Accepter.Options", NULL }, { "Accepter.Options", "true" },
    { "Accepter.Options.AllowDnsResolutionFromRemoteVpc", "0" },
    { "Accepter.Options.AllowEgressFromLocalVpcToRemoteClassicLink", NULL },
    { "Requester.Options.AllowEgressFromLocalClassicLinkToRemoteVpc", "\"false\"" },
};

static vs_json_t *s_parent(vs_json_t *root, const char *path, const char **leaf)
{
    vs_json_t *cur = root;
    const char *dot;
    char part[64];
    while ((dot = strchr(path, '.'))) {
        snprintf(part, sizeof part, "%.*s", (int)(dot - path), path);
        cur = (vs_json_t *)vs_json_get(cur, part);
        ck_assert_ptr_nonnull(cur);
        path = dot + 1;
    }
    *leaf = path;
    return cur;
}

START_TEST(test_doc_rejects_malformed)
{
    vs_pcx_t p = fx_pcx("111111111111", "us-east-1", "222222222222", "us-east-1");
    char *good = s_doc_text(&p);
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad[0]; i++) {
        vs_json_t *j = fx_json(good);
        const char *leaf;
        vs_json_t *parent = s_parent(j, s_bad[i].path, &leaf);
        if (s_bad[i].value)
            ck_assert_ptr_nonnull(vs_json_set(parent, leaf, fx_json(s_bad[i].value)));
        else
            ck_assert(vs_json_remove(parent, leaf));
        vs_pcx_t out = p;
        out.version = 777;
        char why[128] = "";
        ck_assert_msg(vs_pcx_from_doc(j, &out, why, sizeof why) == -1, "accepted %s = %s",
                      s_bad[i].path, s_bad[i].value ? s_bad[i].value : "(deleted)");
        ck_assert_msg(why[0] != '\0', "no reason for %s", s_bad[i].path);
        ck_assert_uint_eq(out.version, 777);   /* untouched */
        vs_json_free(&j);
    }

    /* Too many CIDR blocks. */
    vs_json_t *j = fx_json(good);
    vs_json_t *list = vs_json_array();
    for (int k = 0; k <= VS_PCX_MAX_IPV4; k++) {
        char s[32];
        snprintf(s, sizeof s, "10.%d.0.0/16", k);
        vs_json_push(list, vs_json_str(s));
    }
    vs_json_set((vs_json_t *)vs_json_get(j, "Requester"), "Ipv4", list);
    vs_pcx_t out;
    ck_assert_int_eq(vs_pcx_from_doc(j, &out, NULL, 0), -1);
    vs_json_free(&j);

    /* Not an object at all. */
    vs_json_t *arr = fx_json("[]");
    ck_assert_int_eq(vs_pcx_from_doc(arr, &out, NULL, 0), -1);
    ck_assert_int_eq(vs_pcx_from_doc(NULL, &out, NULL, 0), -1);
    vs_json_free(&arr);
    free(good);
}
END_TEST

/* --- rendering --------------------------------------------------------------- */

/* The object's keys, comma-separated, in order. */
static void s_keys(const vs_json_t *o, char *out, size_t len)
{
    out[0] = '\0';
    for (size_t i = 0; i < vs_json_len(o); i++) {
        size_t n = strlen(out);
        snprintf(out + n, len - n, "%s%s", i ? "," : "", vs_json_key_at(o, i));
    }
}

#define BARE "OwnerId,VpcId,Region"
#define FULL "CidrBlock,Ipv6CidrBlockSet,CidrBlockSet,OwnerId,PeeringOptions,VpcId,Region"
#define TOP_EXP "AccepterVpcInfo,ExpirationTime,RequesterVpcInfo,Status,Tags,VpcPeeringConnectionId"
#define TOP "AccepterVpcInfo,RequesterVpcInfo,Status,Tags,VpcPeeringConnectionId"

START_TEST(test_render_presence)
{
    static const struct {
        vs_pcx_state_t s;
        const char *top, *acc, *req;
    } cases[] = {
        { VS_PCX_INITIATING_REQUEST, TOP_EXP, BARE, FULL },
        { VS_PCX_PENDING_ACCEPTANCE, TOP_EXP, BARE, FULL },
        { VS_PCX_PROVISIONING, TOP, FULL, FULL },
        { VS_PCX_ACTIVE, TOP, FULL, FULL },
        { VS_PCX_DELETING, TOP, FULL, FULL },
        { VS_PCX_DELETED, TOP, BARE, BARE },
        { VS_PCX_REJECTED, TOP, BARE, FULL },
        { VS_PCX_FAILED, TOP, BARE, FULL },
        { VS_PCX_EXPIRED, TOP, BARE, FULL },
    };
    ck_assert_uint_eq(sizeof cases / sizeof cases[0], VS_PCX_STATE_COUNT);
    vs_pcx_t p = fx_pcx("111111111111", "us-east-1", "222222222222", "eu-west-1");
    for (size_t i = 0; i < VS_PCX_STATE_COUNT; i++) {
        vs_pcx_set_state(&p, cases[i].s, VS_PCX_SIDE_REQUESTER, FX_T0 + i);
        vs_json_t *o = vs_pcx_render(&p, NULL);
        char keys[256];
        s_keys(o, keys, sizeof keys);
        ck_assert_msg(strcmp(keys, cases[i].top) == 0, "%s top: %s", vs_pcx_state_name(cases[i].s), keys);
        s_keys(vs_json_get(o, "AccepterVpcInfo"), keys, sizeof keys);
        ck_assert_msg(strcmp(keys, cases[i].acc) == 0, "%s acc: %s", vs_pcx_state_name(cases[i].s), keys);
        s_keys(vs_json_get(o, "RequesterVpcInfo"), keys, sizeof keys);
        ck_assert_msg(strcmp(keys, cases[i].req) == 0, "%s req: %s", vs_pcx_state_name(cases[i].s), keys);
        s_keys(vs_json_get(o, "Status"), keys, sizeof keys);
        ck_assert_str_eq(keys, "Code,Message");
        ck_assert_str_eq(vs_json_get_str(vs_json_get(o, "Status"), "Code"),
                         vs_pcx_state_name(cases[i].s));
        ck_assert_str_eq(vs_json_get_str(vs_json_get(o, "Status"), "Message"), p.status_message);
        ck_assert_uint_eq(vs_json_len(vs_json_get(o, "Tags")), 0);   /* [] not absent */
        ck_assert_int_eq(vs_json_type(vs_json_get(o, "Tags")), VS_JSON_ARRAY);
        ck_assert_str_eq(vs_json_get_str(o, "VpcPeeringConnectionId"), FX_PCX);
        if (vs_json_get(o, "ExpirationTime"))
            ck_assert_str_eq(vs_json_get_str(o, "ExpirationTime"), "2019-06-22T08:55:29+00:00");
        vs_json_free(&o);
    }
    /* An IPv4-only VPC has no Ipv6CidrBlockSet; unknown accepter CIDRs
     * leave only the identity even when active. */
    vs_pcx_t q = p;
    q.requester.n_ipv6 = 0;
    q.accepter.n_ipv4 = q.accepter.n_ipv6 = 0;
    vs_pcx_set_state(&q, VS_PCX_ACTIVE, VS_PCX_SIDE_NONE, FX_T0);
    vs_json_t *o = vs_pcx_render(&q, NULL);
    char keys[256];
    s_keys(vs_json_get(o, "RequesterVpcInfo"), keys, sizeof keys);
    ck_assert_str_eq(keys, "CidrBlock,CidrBlockSet,OwnerId,PeeringOptions,VpcId,Region");
    s_keys(vs_json_get(o, "AccepterVpcInfo"), keys, sizeof keys);
    ck_assert_str_eq(keys, "OwnerId,PeeringOptions,VpcId,Region");
    vs_json_free(&o);
}
END_TEST

/* The seed's describe output (same account, same Region, pending), with
 * the timestamp as the AWS CLI v2 prints it. */
static const char *s_seed_output =
    "{\n"
    "    \"AccepterVpcInfo\": {\n"
    "        \"OwnerId\": \"522373083963\",\n"
    "        \"VpcId\": \"vpc-07d753c8aa4f6f51a\",\n"
    "        \"Region\": \"ap-northeast-1\"\n"
    "    },\n"
    "    \"ExpirationTime\": \"2019-06-22T08:55:29+00:00\",\n"
    "    \"RequesterVpcInfo\": {\n"
    "        \"CidrBlock\": \"10.1.0.0/16\",\n"
    "        \"CidrBlockSet\": [\n"
    "            {\n"
    "                \"CidrBlock\": \"10.1.0.0/16\"\n"
    "            }\n"
    "        ],\n"
    "        \"OwnerId\": \"522373083963\",\n"
    "        \"PeeringOptions\": {\n"
    "            \"AllowDnsResolutionFromRemoteVpc\": false,\n"
    "            \"AllowEgressFromLocalClassicLinkToRemoteVpc\": false,\n"
    "            \"AllowEgressFromLocalVpcToRemoteClassicLink\": false\n"
    "        },\n"
    "        \"VpcId\": \"vpc-0612ac63\",\n"
    "        \"Region\": \"ap-northeast-1\"\n"
    "    },\n"
    "    \"Status\": {\n"
    "        \"Code\": \"pending-acceptance\",\n"
    "        \"Message\": \"Pending Acceptance by 522373083963\"\n"
    "    },\n"
    "    \"Tags\": [\n"
    "        {\n"
    "            \"Key\": \"Name\",\n"
    "            \"Value\": \"joinc-test\"\n"
    "        }\n"
    "    ],\n"
    "    \"VpcPeeringConnectionId\": \"pcx-01bfaf57ab86dad52\"\n"
    "}";

START_TEST(test_render_seed)
{
    vs_pcx_vpc_t r = fx_vpc("522373083963", "ap-northeast-1", FX_REQ_VPC, "10.1.0.0/16", NULL);
    vs_pcx_vpc_t a = fx_vpc("522373083963", "ap-northeast-1", FX_ACC_VPC, "10.2.0.0/16", NULL);
    vs_pcx_t p;
    ck_assert_int_eq(vs_pcx_init(&p, FX_PCX, &r, &a, FX_T0, NULL, 0), 0);
    vs_pcx_set_state(&p, VS_PCX_PENDING_ACCEPTANCE, VS_PCX_SIDE_NONE, FX_T0 + 900);
    /* Malformed tag entries are skipped; extra members are dropped. */
    vs_json_t *tags = fx_json("[{\"Value\": \"joinc-test\", \"Key\": \"Name\", \"X\": 1},"
                              " {\"Key\": \"no-value\"}, 7]");
    vs_json_t *o = vs_pcx_render(&p, tags);
    char *text = vs_json_dump(o, 4);
    ck_assert_str_eq(text, s_seed_output);
    free(text);
    vs_json_free(&o);

    /* Once active, the accepter's blocks appear (IPv6 included). */
    vs_cidr_t six = fx_cidr("2406:da14:abc:d00::/56");
    ck_assert_int_eq(vs_pcx_vpc_add_cidr(&p.accepter, &six), 0);
    vs_pcx_set_state(&p, VS_PCX_ACTIVE, VS_PCX_SIDE_NONE, FX_T0 + 5000);
    o = vs_pcx_render(&p, tags);
    text = vs_json_dump(vs_json_get(o, "AccepterVpcInfo"), 4);
    ck_assert_str_eq(text, "{\n"
                           "    \"CidrBlock\": \"10.2.0.0/16\",\n"
                           "    \"Ipv6CidrBlockSet\": [\n"
                           "        {\n"
                           "            \"Ipv6CidrBlock\": \"2406:da14:abc:d00::/56\"\n"
                           "        }\n"
                           "    ],\n"
                           "    \"CidrBlockSet\": [\n"
                           "        {\n"
                           "            \"CidrBlock\": \"10.2.0.0/16\"\n"
                           "        }\n"
                           "    ],\n"
                           "    \"OwnerId\": \"522373083963\",\n"
                           "    \"PeeringOptions\": {\n"
                           "        \"AllowDnsResolutionFromRemoteVpc\": false,\n"
                           "        \"AllowEgressFromLocalClassicLinkToRemoteVpc\": false,\n"
                           "        \"AllowEgressFromLocalVpcToRemoteClassicLink\": false\n"
                           "    },\n"
                           "    \"VpcId\": \"vpc-07d753c8aa4f6f51a\",\n"
                           "    \"Region\": \"ap-northeast-1\"\n"
                           "}");
    ck_assert_ptr_null(vs_json_get(o, "ExpirationTime"));
    free(text);
    vs_json_free(&o);
    vs_json_free(&tags);

    vs_json_t *t = vs_pcx_tags_render(NULL);
    ck_assert_int_eq(vs_json_type(t), VS_JSON_ARRAY);
    ck_assert_uint_eq(vs_json_len(t), 0);
    vs_json_free(&t);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("pcx");
    TCase *tc = tcase_create("record");
    tcase_add_test(tc, test_state_names);
    tcase_add_test(tc, test_status_messages);
    tcase_add_test(tc, test_building);
    suite_add_tcase(s, tc);
    tc = tcase_create("doc");
    tcase_add_test(tc, test_doc_round_trip);
    tcase_add_test(tc, test_doc_rejects_malformed);
    suite_add_tcase(s, tc);
    tc = tcase_create("render");
    tcase_add_test(tc, test_render_presence);
    tcase_add_test(tc, test_render_seed);
    suite_add_tcase(s, tc);
    return s;
}
