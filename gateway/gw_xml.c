/* gw_xml: EC2 / query protocol response bodies (see gw_xml.h). */
#include "gw_xml.h"

#include <stdio.h>
#include <string.h>

void gw_xml_escape(gw_buf_t *b, const char *s)
{
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&apos;"; break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                rep = "";
            break;
        }
        if (!rep)
            continue;
        gw_buf_add(b, run, (size_t)(p - run));
        gw_buf_adds(b, rep);
        run = p + 1;
    }
    gw_buf_adds(b, run);
}

static void s_open(gw_buf_t *b, const char *name)
{
    gw_buf_addc(b, '<');
    gw_buf_adds(b, name);
    gw_buf_addc(b, '>');
}

static void s_close(gw_buf_t *b, const char *name)
{
    gw_buf_adds(b, "</");
    gw_buf_adds(b, name);
    gw_buf_addc(b, '>');
}

/* "2019-06-22T08:55:29+00:00" (the CLI's form) -> "2019-06-22T08:55:29.000Z"
 * (what EC2 sends); anything else is passed through. */
static void s_timestamp(gw_buf_t *b, const char *s)
{
    size_t n = strlen(s);
    if (n == 25 && strcmp(s + 19, "+00:00") == 0) {
        gw_buf_add(b, s, 19);
        gw_buf_adds(b, ".000Z");
        return;
    }
    gw_xml_escape(b, s);
}

static void s_scalar(gw_buf_t *b, const gw_shape_t *sh, const vs_json_t *v)
{
    switch (vs_json_type(v)) {
    case VS_JSON_BOOL:
        gw_buf_adds(b, vs_json_as_bool(v, false) ? "true" : "false");
        break;
    case VS_JSON_NUMBER:
        if (vs_json_is_int(v))
            gw_buf_printf(b, "%lld", (long long)vs_json_as_int(v, 0));
        else
            gw_buf_printf(b, "%.17g", vs_json_as_num(v, 0));
        break;
    case VS_JSON_STRING:
        if (sh->kind == GW_K_TIMESTAMP)
            s_timestamp(b, vs_json_as_str(v));
        else
            gw_xml_escape(b, vs_json_as_str(v));
        break;
    default:
        break;
    }
}

static void s_members(gw_buf_t *b, const gw_service_t *svc, const gw_shape_t *sh,
                      const vs_json_t *obj, int depth);

/* The content of one value of shape sh (its wrapper element is the caller's). */
static void s_value(gw_buf_t *b, const gw_service_t *svc, const gw_shape_t *sh,
                    const vs_json_t *v, int depth)
{
    if (depth > 32)
        return;
    switch ((gw_kind_t)sh->kind) {
    case GW_K_STRUCT:
        if (vs_json_type(v) == VS_JSON_OBJECT)
            s_members(b, svc, sh, v, depth + 1);
        break;
    case GW_K_LIST: {
        const gw_shape_t *el = gw_model_shape(svc, sh->elem);
        if (!el || vs_json_type(v) != VS_JSON_ARRAY)
            break;
        for (size_t i = 0; i < vs_json_len(v); i++) {
            s_open(b, sh->elem_xml);
            s_value(b, svc, el, vs_json_at(v, i), depth + 1);
            s_close(b, sh->elem_xml);
        }
        break;
    }
    case GW_K_MAP: {
        /* Rare in EC2 outputs: written as <entry><key/><value/></entry>. */
        const gw_shape_t *el = gw_model_shape(svc, sh->elem);
        if (!el || vs_json_type(v) != VS_JSON_OBJECT)
            break;
        for (size_t i = 0; i < vs_json_len(v); i++) {
            gw_buf_adds(b, "<entry><key>");
            gw_xml_escape(b, vs_json_key_at(v, i));
            gw_buf_adds(b, "</key><value>");
            s_value(b, svc, el, vs_json_at(v, i), depth + 1);
            gw_buf_adds(b, "</value></entry>");
        }
        break;
    }
    default:
        s_scalar(b, sh, v);
        break;
    }
}

static void s_members(gw_buf_t *b, const gw_service_t *svc, const gw_shape_t *sh,
                      const vs_json_t *obj, int depth)
{
    for (size_t i = 0; i < sh->nmembers; i++) {
        const gw_member_t *m = gw_model_member(svc, sh, i);
        const vs_json_t *v = vs_json_get(obj, m->name);
        const gw_shape_t *ms = gw_model_shape(svc, m->shape);
        if (!v || !ms || vs_json_type(v) == VS_JSON_NULL)
            continue;
        if (ms->kind == GW_K_LIST && ms->flattened) {
            const gw_shape_t *el = gw_model_shape(svc, ms->elem);
            for (size_t j = 0; el && j < vs_json_len(v); j++) {
                s_open(b, m->xml);
                s_value(b, svc, el, vs_json_at(v, j), depth + 1);
                s_close(b, m->xml);
            }
            continue;
        }
        s_open(b, m->xml);
        s_value(b, svc, ms, v, depth);
        s_close(b, m->xml);
    }
}

void gw_xml_response(gw_buf_t *b, const gw_service_t *svc, const gw_op_t *op,
                     const vs_json_t *output, const char *request_id)
{
    bool query = strcmp(svc->protocol, "ec2") != 0;
    const gw_shape_t *out = gw_model_shape(svc, op->output);
    gw_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%sResponse xmlns=\"%s\">",
                  op->name, svc->xmlns);
    if (!query) {
        gw_buf_adds(b, "<requestId>");
        gw_xml_escape(b, request_id);
        gw_buf_adds(b, "</requestId>");
    } else if (op->result_wrapper) {
        s_open(b, op->result_wrapper);
    }
    if (out && output && vs_json_type(output) == VS_JSON_OBJECT)
        s_members(b, svc, out, output, 0);
    if (query) {
        if (op->result_wrapper)
            s_close(b, op->result_wrapper);
        gw_buf_adds(b, "<ResponseMetadata><RequestId>");
        gw_xml_escape(b, request_id);
        gw_buf_adds(b, "</RequestId></ResponseMetadata>");
    }
    gw_buf_printf(b, "</%sResponse>", op->name);
}

void gw_xml_error(gw_buf_t *b, const gw_service_t *svc, const char *code, const char *message,
                  const char *request_id)
{
    bool query = svc && strcmp(svc->protocol, "ec2") != 0;
    gw_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (query)
        gw_buf_printf(b, "<ErrorResponse xmlns=\"%s\"><Error><Type>Sender</Type><Code>", svc->xmlns);
    else
        gw_buf_adds(b, "<Response><Errors><Error><Code>");
    gw_xml_escape(b, code);
    gw_buf_adds(b, "</Code><Message>");
    gw_xml_escape(b, message);
    gw_buf_adds(b, query ? "</Message></Error><RequestId>" : "</Message></Error></Errors><RequestID>");
    gw_xml_escape(b, request_id);
    gw_buf_adds(b, query ? "</RequestId></ErrorResponse>" : "</RequestID></Response>");
}
