#include "event.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

static const char *const s_kind_names[VS_EV__COUNT] = {
    [VS_EV_API_CALL] = "api-call",       [VS_EV_API_REPLY] = "api-reply",
    [VS_EV_PEER_SEND] = "peer-send",     [VS_EV_PEER_RESEND] = "peer-resend",
    [VS_EV_PEER_RECV] = "peer-recv",     [VS_EV_PEER_DUP] = "peer-duplicate",
    [VS_EV_UNDELIVERABLE] = "undeliverable", [VS_EV_STATE] = "state",
};

const char *vs_event_kind_name(vs_event_kind_t k)
{
    return (unsigned)k < VS_EV__COUNT ? s_kind_names[k] : NULL;
}

int vs_event_kind_parse(const char *s)
{
    for (int k = 0; s && k < VS_EV__COUNT; k++)
        if (strcmp(s, s_kind_names[k]) == 0)
            return k;
    return -1;
}

bool vs_event_is_peer(vs_event_kind_t k)
{
    return k == VS_EV_PEER_SEND || k == VS_EV_PEER_RESEND || k == VS_EV_PEER_RECV ||
           k == VS_EV_PEER_DUP || k == VS_EV_UNDELIVERABLE;
}

void vs_event_set(char *field, size_t size, const char *s)
{
    if (!size)
        return;
    /* Cut to fit, as snprintf's "%s" would, without its cost: several
     * fields of every event (one per message sent or received). */
    size_t n = s ? strnlen(s, size - 1) : 0;
    if (n)
        memcpy(field, s, n);
    field[n] = '\0';
}

static void s_hex(vs_json_t *j, const char *key, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%016" PRIx64, v);
    vs_json_set_str(j, key, buf);
}

vs_json_t *vs_event_to_json(const vs_event_t *e)
{
    vs_json_t *j = vs_json_object();
    if (!j)
        return NULL;
    char ts[40] = "";
    vs_time_format(e->sim_ms, VS_TS_ZULU, ts, sizeof ts);
    vs_json_set_int(j, "Seq", e->seq);
    vs_json_set_str(j, "SimTime", ts);
    vs_json_set_int(j, "SimTimeMs", (int64_t)e->sim_ms);
    vs_json_set_int(j, "WallTimeMs", (int64_t)e->wall_ms);
    vs_json_set_str(j, "Kind", vs_event_kind_name(e->kind));
    vs_json_set_str(j, "ObjectId", e->object);
    s_hex(j, "CauseId", e->cause);
    s_hex(j, "MessageId", e->msg_id);
    vs_json_set_str(j, "PeerAccount", e->peer_account);
    vs_json_set_str(j, "PeerRegion", e->peer_region);
    vs_json_set_str(j, "Caller", e->caller);
    vs_json_set_str(j, "Action", e->action);
    vs_json_set_str(j, "Detail", e->detail);
    if (vs_json_len(j) != 13)   /* a setter failed: out of memory */
        vs_json_free(&j);
    return j;
}

static int s_get_str(const vs_json_t *j, const char *key, char *out, size_t size, char *err,
                     size_t errlen)
{
    const vs_json_t *v = vs_json_get(j, key);
    const char *s = vs_json_as_str(v);
    if (!s || vs_json_str_len(v) >= size) {
        snprintf(err, errlen, "event field %s: %s", key, s ? "too long" : "missing or not a string");
        return -1;
    }
    memcpy(out, s, vs_json_str_len(v) + 1);
    return 0;
}

static int s_get_hex(const vs_json_t *j, const char *key, uint64_t *out, char *err, size_t errlen)
{
    char buf[20];
    if (s_get_str(j, key, buf, sizeof buf, err, errlen) != 0)
        return -1;
    char *end = NULL;
    *out = strtoull(buf, &end, 16);
    if (!*buf || *end) {
        snprintf(err, errlen, "event field %s: not hexadecimal", key);
        return -1;
    }
    return 0;
}

static int s_get_int(const vs_json_t *j, const char *key, int64_t *out, char *err, size_t errlen)
{
    const vs_json_t *v = vs_json_get(j, key);
    if (!v || !vs_json_is_int(v) || vs_json_as_int(v, -1) < 0) {
        snprintf(err, errlen, "event field %s: missing or not a non-negative integer", key);
        return -1;
    }
    *out = vs_json_as_int(v, 0);
    return 0;
}

int vs_event_from_json(const vs_json_t *j, vs_event_t *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    if (!j || vs_json_type(j) != VS_JSON_OBJECT) {
        snprintf(err, errlen, "an event is not a JSON object");
        return -1;
    }
    char kind[24];
    int64_t sim = 0, wall = 0;
    if (s_get_int(j, "Seq", &e->seq, err, errlen) || s_get_int(j, "SimTimeMs", &sim, err, errlen) ||
        s_get_int(j, "WallTimeMs", &wall, err, errlen) ||
        s_get_str(j, "Kind", kind, sizeof kind, err, errlen) ||
        s_get_str(j, "ObjectId", e->object, sizeof e->object, err, errlen) ||
        s_get_hex(j, "CauseId", &e->cause, err, errlen) ||
        s_get_hex(j, "MessageId", &e->msg_id, err, errlen) ||
        s_get_str(j, "PeerAccount", e->peer_account, sizeof e->peer_account, err, errlen) ||
        s_get_str(j, "PeerRegion", e->peer_region, sizeof e->peer_region, err, errlen) ||
        s_get_str(j, "Caller", e->caller, sizeof e->caller, err, errlen) ||
        s_get_str(j, "Action", e->action, sizeof e->action, err, errlen) ||
        s_get_str(j, "Detail", e->detail, sizeof e->detail, err, errlen))
        return -1;
    int k = vs_event_kind_parse(kind);
    if (k < 0) {
        snprintf(err, errlen, "unknown event kind '%s'", kind);
        return -1;
    }
    e->kind = (vs_event_kind_t)k;
    e->sim_ms = (uint64_t)sim;
    e->wall_ms = (uint64_t)wall;
    return 0;
}

/* A scan of a JSON text for the string value of `key` in an object at
 * nesting depth 1..max_depth, without building a tree: the agent runs it
 * on every message and stored document, so it allocates nothing. Escaped
 * values are not unescaped (ids and states have no escapes); a value that
 * does not fit is refused. Returns 0 and copies the value, or -1. */
static int s_scan(const char *j, size_t len, const char *key, int max_depth, char *out,
                  size_t outlen)
{
    size_t klen = strlen(key);
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        char c = j[i];
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        } else if (c == '"') {
            size_t start = ++i;
            while (i < len && j[i] != '"')
                i += j[i] == '\\' ? 2 : 1;
            if (i >= len)
                return -1;
            size_t slen = i - start;
            /* A key is a string followed by ':'; is it ours, at a depth we look at? */
            size_t k = i + 1;
            while (k < len && (j[k] == ' ' || j[k] == '\n' || j[k] == '\t' || j[k] == '\r'))
                k++;
            if (k >= len || j[k] != ':' || depth < 1 || depth > max_depth || slen != klen ||
                memcmp(j + start, key, klen) != 0)
                continue;
            k++;
            while (k < len && (j[k] == ' ' || j[k] == '\n' || j[k] == '\t' || j[k] == '\r'))
                k++;
            if (k >= len || j[k] != '"')
                continue;   /* not a string value: keep looking */
            size_t vs = ++k;
            while (k < len && j[k] != '"')
                k += j[k] == '\\' ? 2 : 1;
            if (k >= len || k - vs >= outlen)
                return -1;
            memcpy(out, j + vs, k - vs);
            out[k - vs] = 0;
            return 0;
        }
    }
    return -1;
}

int vs_event_peer_payload(const uint8_t *payload, size_t len, char *type, size_t typelen,
                          char *id, size_t idlen)
{
    vs_event_set(type, typelen, "");
    vs_event_set(id, idlen, "");
    /* Peering payloads are small; anything large or not an object is not one. */
    if (!payload || len < 2 || len > (64u << 10) || payload[0] != '{')
        return -1;
    const char *j = (const char *)payload;
    if (s_scan(j, len, "T", 1, type, typelen) != 0) {
        vs_event_set(type, typelen, "");
        return -1;
    }
    if (s_scan(j, len, "Id", 1, id, idlen) != 0)
        vs_event_set(id, idlen, "");
    return 0;
}

/* The id keys in the order that says best what a call is about: a call
 * naming a peering connection and a VPC is about the connection. Each
 * ends in "Id": s_id_key refuses any other key on its last two bytes. */
#define S_ID_KEYS(X)                                                                   \
    X("VpcPeeringConnectionId") X("RouteTableId") X("SubnetId") X("InternetGatewayId")      \
    X("GroupId") X("NetworkInsightsPathId") X("NetworkInsightsAnalysisId") X("InstanceId")  \
    X("VpcId")
#define S_KEY_STR(s) s,
#define S_KEY_LEN(s) sizeof(s) - 1,
static const char *const s_id_keys[] = { S_ID_KEYS(S_KEY_STR) };
static const uint8_t s_id_key_lens[] = { S_ID_KEYS(S_KEY_LEN) };

static const char *s_find(const vs_json_t *j, const char *key, int depth)
{
    if (!j || depth > 8)
        return NULL;
    if (vs_json_type(j) == VS_JSON_OBJECT) {
        const char *s = vs_json_get_str(j, key);
        if (s)
            return s;
    }
    if (vs_json_type(j) != VS_JSON_OBJECT && vs_json_type(j) != VS_JSON_ARRAY)
        return NULL;
    for (size_t i = 0; i < vs_json_len(j); i++) {
        const char *s = s_find(vs_json_at(j, i), key, depth + 1);
        if (s)
            return s;
    }
    return NULL;
}

void vs_event_api_object(const vs_json_t *input, const vs_json_t *output, char *out, size_t outlen)
{
    vs_event_set(out, outlen, "");
    size_t n = sizeof s_id_keys / sizeof s_id_keys[0];
    for (size_t k = 0; input && vs_json_type(input) == VS_JSON_OBJECT && k < n; k++) {
        const char *s = vs_json_get_str(input, s_id_keys[k]);
        if (s) {
            vs_event_set(out, outlen, s);
            return;
        }
    }
    for (size_t k = 0; output && k < n; k++) {
        const char *s = s_find(output, s_id_keys[k], 0);
        if (s) {
            vs_event_set(out, outlen, s);
            return;
        }
    }
}

/* Containers the scan below follows; deeper text is left to the parser. */
#define S_SCAN_NEST 32
#define S_NKEYS (sizeof s_id_keys / sizeof s_id_keys[0])

static size_t s_skip_ws(const char *j, size_t len, size_t i)
{
    while (i < len && (j[i] == ' ' || j[i] == '\n' || j[i] == '\t' || j[i] == '\r'))
        i++;
    return i;
}

/* The key index of j[start, start + n) in s_id_keys, or -1. Every key of
 * an API output is looked up (~40 in a created connection's) on every API
 * reply's path; most do not end in "Id" and are refused before any
 * compare. */
static int s_id_key(const char *j, size_t start, size_t n)
{
    if (n < 2 || j[start + n - 2] != 'I' || j[start + n - 1] != 'd')
        return -1;
    for (size_t k = 0; k < S_NKEYS; k++)
        if (s_id_key_lens[k] == n && memcmp(j + start, s_id_keys[k], n) == 0)
            return (int)k;
    return -1;
}

/* vs_event_api_object's answer for the output document in text, without
 * building its tree. s_find visits objects in the order of their opening
 * braces (an object's own members before its children), so for each key
 * the answer is its string value in the earliest-opened object at depth
 * <= 8 that has it. 0 with out set ("" if none), or -1 when the text holds
 * something the scan would not judge as the parser does (an escape, an id
 * key twice in one object, unbalanced or deep nesting, a value too long):
 * the caller then parses. */
static int s_api_object_scan(const char *j, size_t len, char *out, size_t outlen)
{
    if (memchr(j, '\\', len))
        return -1;
    struct {
        bool obj;
        uint32_t ord;          /* objects: order of the opening brace */
        uint32_t seen;         /* objects: id keys met, a bit each */
    } st[S_SCAN_NEST];
    uint32_t best[S_NKEYS];    /* ord of the object holding the answer */
    size_t vat[S_NKEYS], vlen[S_NKEYS];
    for (size_t k = 0; k < S_NKEYS; k++)
        best[k] = UINT32_MAX;
    int depth = 0;
    uint32_t nobj = 0;
    for (size_t i = 0; i < len; i++) {
        char c = j[i];
        if (c == '{' || c == '[') {
            if (depth == S_SCAN_NEST)
                return -1;
            st[depth].obj = c == '{';
            st[depth].ord = c == '{' ? nobj++ : 0;
            st[depth].seen = 0;
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0 || st[depth - 1].obj != (c == '}'))
                return -1;
            depth--;
        } else if (c == '"') {
            size_t start = i + 1;
            const char *q = memchr(j + start, '"', len - start);
            if (!q)
                return -1;
            i = (size_t)(q - j);
            size_t n = i - start;
            size_t k = s_skip_ws(j, len, i + 1);
            if (k >= len || j[k] != ':' || depth == 0 || !st[depth - 1].obj)
                continue;      /* a value, not a key */
            int key = s_id_key(j, start, n);
            if (key < 0)
                continue;
            if (st[depth - 1].seen & (1u << key))
                return -1;     /* the parser keeps one of the two: let it say which */
            st[depth - 1].seen |= 1u << key;
            k = s_skip_ws(j, len, k + 1);
            if (k >= len || j[k] != '"')
                continue;      /* not a string: s_find looks past it */
            const char *e = memchr(j + k + 1, '"', len - k - 1);
            if (!e)
                return -1;
            /* s_find's depth of this object is its nesting level. */
            if (depth - 1 <= 8 && st[depth - 1].ord < best[key]) {
                best[key] = st[depth - 1].ord;
                vat[key] = k + 1;
                vlen[key] = (size_t)(e - j) - (k + 1);
            }
            i = (size_t)(e - j);
        }
    }
    if (depth != 0)
        return -1;
    vs_event_set(out, outlen, "");
    for (size_t k = 0; k < S_NKEYS; k++) {
        if (best[k] == UINT32_MAX)
            continue;
        char v[256];
        if (vlen[k] >= sizeof v)
            return -1;
        memcpy(v, j + vat[k], vlen[k]);
        v[vlen[k]] = '\0';
        vs_event_set(out, outlen, v);
        return 0;
    }
    return 0;
}

void vs_event_api_output_object(const char *output, size_t len, char *out, size_t outlen)
{
    vs_event_set(out, outlen, "");
    if (!output || !len || s_api_object_scan(output, len, out, outlen) == 0)
        return;
    vs_json_t *j = vs_json_parse(output, len, NULL, 0);
    vs_event_api_object(NULL, j, out, outlen);
    vs_json_free(&j);
}

int vs_event_doc_state(const char *doc, char *out, size_t outlen)
{
    vs_event_set(out, outlen, "");
    if (!doc)
        return -1;
    size_t len = strlen(doc);
    /* "State" of the object itself or of the record the model wraps (a
     * pcx's "Record"), never of its parts (a route's, deeper down). */
    if (s_scan(doc, len, "State", 2, out, outlen) == 0)
        return 0;
    char code[VS_EV_DETAIL_LEN];
    const char *status = strstr(doc, "\"Status\"");
    if (status && s_scan(status, strlen(status), "Code", 1, code, sizeof code) == 0) {
        vs_event_set(out, outlen, code);
        return 0;
    }
    vs_event_set(out, outlen, "");
    return -1;
}

/* A message this agent exchanged with the caller's agents about object; a
 * sealed one names no object, and counts when the log tied it to the
 * object through its causality id (the query's job: evlog_query). */
static bool s_shared_message(const vs_event_t *e, const char *caller, const char *object)
{
    return vs_event_is_peer(e->kind) && strcmp(e->peer_account, caller) == 0 &&
           (strcmp(e->object, object) == 0 || e->object[0] == 0);
}

size_t vs_events_filter(vs_event_t *evs, size_t n, const char *owner, const char *caller,
                        const char *object)
{
    if (owner && caller && strcmp(owner, caller) == 0)
        return n;
    if (!caller || !*caller || !object || !*object)
        return 0;
    bool shared = false;
    for (size_t i = 0; i < n && !shared; i++)
        shared = s_shared_message(&evs[i], caller, object);
    size_t kept = 0;
    for (size_t i = 0; shared && i < n; i++) {
        const vs_event_t *e = &evs[i];
        if (s_shared_message(e, caller, object) ||
            (e->kind == VS_EV_STATE && strcmp(e->object, object) == 0))
            evs[kept++] = *e;
    }
    return kept;
}
