/* Unit tests of the binary stored records (proto/store.proto): every kind
 * with a binary body (VPC, peering connection), one kept as JSON inside the
 * envelope (subnet) and the meta record round-trip with all their fields;
 * the JSON view of each record (vs_model_doc_json) is exactly the document
 * older versions stored; those documents still load (a data dir written
 * before schema version 2). */
#define _GNU_SOURCE     /* memmem */
#include <string.h>

#include "check_model_fixture.h"
#include "model_priv.h"
#include "store.pb-c.h"
#include "pcx_model.h"

/* The document the model stored before binary records (the old flush's
 * s_obj_doc / s_meta_doc), rebuilt from the live object. */
static const char *old_json(vs_model_t *m, const char *id)
{
    vs_json_t *doc = vs_json_object();
    if (!strcmp(id, VS_META_ID)) {
        vs_json_set_str(doc, "Kind", "Meta");
        vs_json_set_int(doc, "NextSeq", (int64_t)m->next_seq);
        vs_json_set_int(doc, "NextMsgId", (int64_t)m->next_msg_id);
        vs_json_set_int(doc, "NextTimerSeq", (int64_t)m->next_timer_seq);
    } else {
        vs_obj_t *o = vs_model__get(m, id);
        ck_assert_ptr_nonnull(o);
        vs_json_set_str(doc, "Kind", o->kind->name);
        vs_json_set_str(doc, "Id", o->id);
        vs_json_set_int(doc, "Seq", (int64_t)o->seq);
        if (o->tags.n)
            vs_json_set(doc, "Tags", vs_tags_to_json(&o->tags));
        vs_json_t *timers = vs_model__timers_doc(m, o->id);
        if (timers)
            vs_json_set(doc, "Timers", timers);
        ck_assert_int_eq(o->kind->to_doc(m, o, doc), 0);
    }
    char *s = vs_json_dump(doc, 0);
    vs_json_free(&doc);
    return fx_skeep(s);
}

static const char *mkpcx(const char *vpc, const char *peer)
{
    vs_json_t *o = OK("CreateVpcPeeringConnection", J("{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\"}", vpc, peer));
    return S(o, "VpcPeeringConnection.VpcPeeringConnectionId");
}

static void advance(uint64_t ms)
{
    g_mc.now += ms;
    vs_model_tick(g_m);
}

static int find(const store_t *st, const char *id)
{
    for (int i = 0; i < st->n; i++)
        if (!strcmp(st->id[i], id))
            return i;
    ck_abort_msg("no record %s", id);
    return -1;
}

/* A VPC with every field set, a subnet, an active connection with tags,
 * options and timers, and a rejected one. */
static void build_state(const char **v1, const char **sub, const char **pcx, const char **rej)
{
    vs_json_t *o = OK("CreateVpc", "{\"CidrBlock\":\"10.1.0.0/16\",\"AmazonProvidedIpv6CidrBlock\":true,"
                                   "\"InstanceTenancy\":\"dedicated\",\"TagSpecifications\":[{\"ResourceType\":"
                                   "\"vpc\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"a\"},{\"Key\":\"e\","
                                   "\"Value\":\"\"}]}]}");
    *v1 = fx_skeep(strdup(S(o, "Vpc.VpcId")));
    OK("AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.5.0.0/16\"}", *v1));
    OK("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":true}}", *v1));
    const char *v2 = mkvpc("10.2.0.0/16"), *v3 = mkvpc("10.3.0.0/16");
    OK("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":true}}", v2));
    OK("ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsSupport\":{\"Value\":false}}", v3));
    *sub = mksubnet(*v1, "10.1.7.0/24");
    *pcx = fx_skeep(strdup(mkpcx(*v1, v2)));
    advance(10);
    OK("AcceptVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", *pcx));
    advance(2000);
    OK("ModifyVpcPeeringConnectionOptions",
       J("{\"VpcPeeringConnectionId\":\"%s\",\"RequesterPeeringConnectionOptions\":"
         "{\"AllowDnsResolutionFromRemoteVpc\":true}}", *pcx));
    OK("CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}", *pcx));
    *rej = fx_skeep(strdup(mkpcx(v3, *v1)));
    advance(10);
    OK("RejectVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", *rej));
}

static const char *const s_describes[] = { "DescribeVpcs", "DescribeSubnets",
                                           "DescribeVpcPeeringConnections", "DescribeRouteTables" };

static void same_as_g_m(vs_model_t *m)
{
    for (size_t i = 0; i < sizeof s_describes / sizeof s_describes[0]; i++)
        ck_assert_str_eq(dump_on(m, s_describes[i], NULL), dump_on(g_m, s_describes[i], NULL));
    ck_assert_uint_eq(vs_model_next_deadline(m), vs_model_next_deadline(g_m));
}

START_TEST(every_kind_round_trips)
{
    const char *v1, *sub, *pcx, *rej;
    build_state(&v1, &sub, &pcx, &rej);
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    ck_assert_int_ge(st.n, 8);
    for (int i = 0; i < st.n; i++) {
        /* Binary (never the JSON form), and its view is the old document. */
        ck_assert_msg(st.len[i] > 0 && st.doc[i][0] != '{', "%s stored as JSON", st.id[i]);
        ck_assert_str_eq(st_json_at(&st, i), old_json(g_m, st.id[i]));
    }
    /* The hot kinds have binary bodies; the others JSON inside the envelope. */
    int ip = find(&st, pcx), iv = find(&st, v1), is = find(&st, sub);
    ck_assert_ptr_null(memmem(st.doc[ip], st.len[ip], "\"Record\"", 8));
    ck_assert_ptr_null(memmem(st.doc[iv], st.len[iv], "\"Cidrs\"", 7));
    ck_assert_ptr_nonnull(memmem(st.doc[is], st.len[is], "\"CidrBlock\"", 11));
    /* A quarter of the JSON's size or less for a connection. */
    size_t pcx_json = strlen(old_json(g_m, pcx));
    ck_assert_msg(st.len[ip] * 3 < pcx_json, "pcx record %zu bytes, JSON %zu", st.len[ip], pcx_json);
    /* The state the flush reports, for the event log. */
    ck_assert_str_eq(st.state[ip], "active");
    ck_assert_str_eq(st.state[find(&st, rej)], "rejected");
    ck_assert_ptr_null(st.state[iv]);
    ck_assert_ptr_null(st.state[find(&st, VS_META_ID)]);

    /* Reloaded from the records: the same answers, the same timers. */
    vs_model_t *m2 = st_reload(&st);
    same_as_g_m(m2);
    vs_pcx_obj_t *a = vs_pcx__get(g_m, pcx), *b = vs_pcx__get(m2, pcx);
    vs_json_t *ja = vs_pcx_to_doc(&a->rec), *jb = vs_pcx_to_doc(&b->rec);
    ck_assert(vs_json_equal(ja, jb));
    vs_json_free(&ja);
    vs_json_free(&jb);
    ck_assert_uint_eq(a->rec.version, b->rec.version);
    ck_assert_uint_eq(a->rec.state_entered_ms, b->rec.state_entered_ms);
    ck_assert_int_eq(a->side, b->side);
    ck_assert_int_eq(a->hidden, b->hidden);
    ck_assert_uint_eq(a->cidrs_seq, b->cidrs_seq);
    ck_assert_uint_eq(a->request_msg_id, b->request_msg_id);
    ck_assert(b->rec.requester.options.allow_dns_resolution_from_remote_vpc);
    /* ... and it writes the same bytes back. */
    ck_assert(fx_call_on(m2, ACCT, "CreateTags", J("{\"Resources\":[\"%s\",\"%s\"],\"Tags\":[{\"Key\":\"k\","
                                                   "\"Value\":\"v\"}]}", pcx, v1))->ok);
    ck_assert(fx_call_on(m2, ACCT, "DeleteTags", J("{\"Resources\":[\"%s\"],\"Tags\":[{\"Key\":\"k\"}]}", v1))->ok);
    store_t st2 = { 0 };
    vs_model_flush(m2, st_put, &st2);
    int jp = find(&st2, pcx), jv = find(&st2, v1);
    ck_assert_uint_eq(st2.len[jp], st.len[ip]);
    ck_assert(memcmp(st2.doc[jp], st.doc[ip], st.len[ip]) == 0);
    ck_assert_uint_eq(st2.len[jv], st.len[iv]);
    ck_assert(memcmp(st2.doc[jv], st.doc[iv], st.len[iv]) == 0);
    st_free(&st2);
    vs_model_destroy(&m2);

    /* A data dir of an older version: the same state as JSON documents. */
    vs_model_t *m3 = fx_model_new();
    for (int i = st.n - 1; i >= 0; i--)
        ck_assert_int_eq(load_json(m3, st.id[i], st_json_at(&st, i)), 0);
    same_as_g_m(m3);
    vs_model_destroy(&m3);
    st_free(&st);
}
END_TEST

/* A record whose body is damaged in a way the envelope does not show is
 * refused as a whole; nothing of it stays in the model. */
START_TEST(damaged_body_refused_whole)
{
    const char *v1, *sub, *pcx, *rej;
    build_state(&v1, &sub, &pcx, &rej);
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    int ip = find(&st, pcx);
    vs_model_t *m = fx_model_new();
    /* Every single-byte truncation from the end of the record. */
    for (size_t cut = 1; cut < st.len[ip]; cut++)
        ck_assert_int_eq(vs_model_load(m, pcx, st.doc[ip], st.len[ip] - cut), -1);
    /* A pcx body under a VPC id, and the reverse. */
    int iv = find(&st, v1);
    ck_assert_int_eq(vs_model_load(m, v1, st.doc[ip], st.len[ip]), -1);
    ck_assert_int_eq(vs_model_load(m, pcx, st.doc[iv], st.len[iv]), -1);
    ck_assert_ptr_null(vs_model_doc_json(m, pcx, st.doc[iv], st.len[iv]));
    ck_assert_uint_eq(vs_model_next_deadline(m), UINT64_MAX);
    ck_assert_int_eq(N(fx_call_on(m, ACCT, "DescribeVpcPeeringConnections", NULL)->out,
                       "VpcPeeringConnections"), 0);
    ck_assert_int_eq(vs_model_load(m, pcx, st.doc[ip], st.len[ip]), 0);
    vs_model_destroy(&m);
    st_free(&st);
}
END_TEST

/* The envelopes are written by hand (model_store.c): exactly the bytes
 * protobuf-c's own pack makes of the same message, for every kind, with
 * tags (an empty value among them), timers, binary and JSON bodies. */
START_TEST(envelopes_are_what_protobuf_c_packs)
{
    const char *v1, *sub, *pcx, *rej;
    build_state(&v1, &sub, &pcx, &rej);
    OK("CreateTags", J("{\"Resources\":[\"%s\",\"%s\"],\"Tags\":[{\"Key\":\"empty\",\"Value\":\"\"},"
                       "{\"Key\":\"k2\",\"Value\":\"v2\"}]}", sub, pcx));
    /* More tags than a writer keeps sub-message lengths for (VS_PB_SUB
     * counts the rest apart). */
    char many[2048];
    size_t k = (size_t)snprintf(many, sizeof many, "{\"Resources\":[\"%s\"],\"Tags\":[", v1);
    for (int i = 0; i < 20; i++)
        k += (size_t)snprintf(many + k, sizeof many - k, "%s{\"Key\":\"t%d\",\"Value\":\"v%d\"}",
                              i ? "," : "", i, i);
    snprintf(many + k, sizeof many - k, "]}");
    OK("CreateTags", many);
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    int timers = 0, tags = 0, json = 0, many_tags = 0;
    for (int i = 0; i < st.n; i++) {
        ProtobufCMessage *w;
        if (!strcmp(st.id[i], VS_META_ID))
            w = &vpcsim__store__stored_meta__unpack(NULL, st.len[i], st.doc[i])->base;
        else
            w = &vpcsim__store__stored_object__unpack(NULL, st.len[i], st.doc[i])->base;
        ck_assert_msg(w != NULL, "%s does not unpack", st.id[i]);
        if (strcmp(st.id[i], VS_META_ID)) {
            const Vpcsim__Store__StoredObject *o = (const void *)w;
            timers += o->n_timers > 0;
            tags += o->n_tags > 0;
            many_tags += o->n_tags > 16;
            json += o->json_body && o->json_body[0];
        }
        size_t n = protobuf_c_message_get_packed_size(w);
        uint8_t *b = malloc(n ? n : 1);
        ck_assert_uint_eq(protobuf_c_message_pack(w, b), n);
        ck_assert_msg(n == st.len[i] && !memcmp(b, st.doc[i], n), "%s: %zu bytes, protobuf-c %zu",
                      st.id[i], st.len[i], n);
        free(b);
        protobuf_c_message_free_unpacked(w, NULL);
    }
    ck_assert_int_gt(timers, 0);
    ck_assert_int_gt(tags, 1);
    ck_assert_int_eq(many_tags, 1);
    ck_assert_int_gt(json, 0);
    st_free(&st);
}
END_TEST

/* The agent flushes the objects after each message (vs_model_flush_objects)
 * and everything at the end of the turn (vs_model_flush), in one
 * transaction: the counters must be in the second, as they are when the
 * turn ends, and a reload from the records must not hand out a number
 * twice. */
START_TEST(flush_objects_leaves_the_counters_to_the_turn)
{
    const char *v1, *sub, *pcx, *rej;
    build_state(&v1, &sub, &pcx, &rej);
    store_t st = { 0 };
    vs_model_flush_objects(g_m, st_put, &st);
    ck_assert(st_get(&st, pcx) && st_get(&st, v1) && st_get(&st, sub));
    ck_assert(!st_get(&st, VS_META_ID));
    /* A message of the same turn: a new object, counters moved again. */
    const char *v4 = mkvpc("10.4.0.0/16");
    int calls = st.calls;
    vs_model_flush_objects(g_m, st_put, &st);
    ck_assert(st_get(&st, v4) && !st_get(&st, VS_META_ID));
    ck_assert_int_gt(st.calls, calls);
    /* The end of the turn: the counters once, as they are now; the objects
     * already written are not written again. */
    calls = st.calls;
    vs_model_flush(g_m, st_put, &st);
    ck_assert_int_eq(st.calls, calls + 1);
    ck_assert_str_eq(st_json_at(&st, find(&st, VS_META_ID)), old_json(g_m, VS_META_ID));
    /* Reloaded, the counters carry on past every number handed out. */
    vs_model_t *m2 = st_reload(&st);
    ck_assert_uint_ge(m2->next_seq, g_m->next_seq);
    ck_assert_uint_ge(m2->next_msg_id, g_m->next_msg_id);
    ck_assert_uint_ge(m2->next_timer_seq, g_m->next_timer_seq);
    vs_model_destroy(&m2);
    /* Nothing changed: nothing to write, counters included. */
    calls = st.calls;
    vs_model_flush(g_m, st_put, &st);
    ck_assert_int_eq(st.calls, calls);
    st_free(&st);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("model_records");
    TCase *tc = tcase_create("records");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, every_kind_round_trips);
    tcase_add_test(tc, damaged_body_refused_whole);
    tcase_add_test(tc, flush_objects_leaves_the_counters_to_the_turn);
    tcase_add_test(tc, envelopes_are_what_protobuf_c_packs);
    suite_add_tcase(s, tc);
    return s;
}
