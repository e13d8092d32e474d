/* gw_api: the gateway's request handling, sans-IO (see gw_api.h). */
#include "gw_api.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_buf.h"
#include "gw_form.h"
#include "gw_query.h"
#include "gw_xml.h"
#include "json.h"

void gw_api_result_clear(gw_api_result_t *out)
{
    free(out->input_json);
    free(out->body);
    memset(out, 0, sizeof *out);
}

static void s_set_body(gw_api_result_t *out, int status, gw_buf_t *b)
{
    free(out->body);
    out->kind = GW_API_RESPOND;
    out->status = status;
    out->body = gw_buf_take(b, &out->body_len);
    if (!out->body) {           /* out of memory: an empty 500 is all we can do */
        out->status = 500;
        out->body_len = 0;
    }
}

void gw_api_fail(gw_api_result_t *out, const gw_err_t *err, const char *request_id)
{
    gw_buf_t b;
    gw_buf_init(&b);
    gw_xml_error(&b, out->svc, err->code, err->message, request_id);
    free(out->input_json);
    out->input_json = NULL;
    s_set_body(out, err->status, &b);
}

static bool s_is_account(const char *s)
{
    if (strlen(s) != 12)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static bool s_is_sts(const gw_api_result_t *out)
{
    return out->svc && strcmp(out->svc->protocol, "ec2") != 0;
}

/* Who is calling: fills out->account and out->region, or err. */
static int s_identify(const gw_creds_t *creds, const gw_http_req_t *req, time_t now,
                      const gw_sigv4_auth_t *a, gw_api_result_t *out, gw_err_t *err)
{
    bool sts = s_is_sts(out);
    if (strlen(a->region) >= sizeof out->region)
        return gw_err_set(err, 400, "IncompleteSignature", "The credential scope names no valid Region.");
    snprintf(out->region, sizeof out->region, "%s", a->region);
    if (!creds) {
        if (!s_is_account(a->akid))
            return sts ? gw_err_set(err, 403, "InvalidClientTokenId",
                                    "The security token included in the request is invalid.")
                       : gw_err_set(err, 401, "AuthFailure",
                                    "AWS was not able to validate the provided access credentials");
        snprintf(out->account, sizeof out->account, "%.12s", a->akid);
        return 0;
    }
    const gw_cred_t *c = gw_creds_find(creds, a->akid);
    if (!c)
        return sts ? gw_err_set(err, 403, "InvalidClientTokenId",
                                "The security token included in the request is invalid.")
                   : gw_err_set(err, 401, "AuthFailure",
                                "AWS was not able to validate the provided access credentials");
    if (gw_sigv4_verify(a, c->secret, req->method, req->target, req->headers, req->nheaders,
                        req->body, req->body_len, now, err) != 0) {
        if (sts && strcmp(err->code, "AuthFailure") == 0)
            gw_err_set(err, 403, "SignatureDoesNotMatch",
                       "The request signature we calculated does not match the signature you provided. "
                       "Check your AWS Secret Access Key and signing method. Consult the service "
                       "documentation for details.");
        return -1;
    }
    snprintf(out->account, sizeof out->account, "%s", c->account);
    return 0;
}

static int s_get_caller_identity(gw_api_result_t *out, const char *request_id, gw_err_t *err)
{
    vs_json_t *doc = vs_json_object();
    if (!doc)
        return gw_err_set(err, 500, "InternalError", "out of memory");
    char arn[64];
    snprintf(arn, sizeof arn, "arn:%s:iam::%s:root",
             strncmp(out->region, "cn-", 3) == 0       ? "aws-cn"
             : strncmp(out->region, "us-gov-", 7) == 0 ? "aws-us-gov"
                                                       : "aws",
             out->account);
    vs_json_set_str(doc, "UserId", out->account);
    vs_json_set_str(doc, "Account", out->account);
    vs_json_set_str(doc, "Arn", arn);
    gw_buf_t b;
    gw_buf_init(&b);
    gw_xml_response(&b, out->svc, out->op, doc, request_id);
    vs_json_free(&doc);
    s_set_body(out, 200, &b);
    return 0;
}

static int s_handle(const gw_creds_t *creds, const gw_http_req_t *req, time_t now,
                    const char *request_id, gw_api_result_t *out, gw_err_t *err)
{
    bool post = strcmp(req->method, "POST") == 0;
    if (!post && strcmp(req->method, "GET") != 0)
        return gw_err_set(err, 405, "UnsupportedProtocol",
                          "The EC2 Query API takes POST or GET requests, not %.20s.", req->method);
    const char *auth = gw_sigv4_header(req->headers, req->nheaders, "authorization");
    if (!auth)
        return gw_err_set(err, 401, "MissingAuthenticationToken",
                          "Request must contain either a valid (registered) AWS access key ID or X.509 certificate.");
    gw_sigv4_auth_t a;
    if (gw_sigv4_parse(auth, &a, err) != 0)
        return -1;
    out->svc = gw_model_service(a.service);
    if (!out->svc)
        return gw_err_set(err, 400, "InvalidAction",
                          "vpcsim serves the ec2 and sts APIs, not \"%.40s\".", a.service);
    if (s_identify(creds, req, now, &a, out, err) != 0)
        return -1;
    /* The parameters: the body of a POST, the query string of a GET. */
    const char *q = strchr(req->target, '?');
    const char *text = post ? (const char *)req->body : (q ? q + 1 : "");
    size_t len = post ? req->body_len : strlen(text);
    gw_form_t *form = gw_form_parse(text ? text : "", text ? len : 0, err);
    if (!form)
        return -1;
    const char *action = gw_form_get(form, "Action");
    int rc = 0;
    if (!action || !*action) {
        rc = gw_err_set(err, 400, "MissingAction", "The request must contain the parameter Action.");
    } else if (!(out->op = gw_model_op(out->svc, action)) ||
               (s_is_sts(out) && strcmp(action, "GetCallerIdentity") != 0)) {
        out->op = NULL;
        rc = gw_err_set(err, 400, "InvalidAction",
                        "The action %.100s is not valid for this web service.", action);
    } else if (s_is_sts(out)) {
        rc = s_get_caller_identity(out, request_id, err);
    } else {
        vs_json_t *input = gw_query_to_json(out->svc, out->op, form, err);
        if (!input) {
            rc = -1;
        } else {
            out->input_json = vs_json_dump(input, 0);
            vs_json_free(&input);
            if (!out->input_json)
                rc = gw_err_set(err, 500, "InternalError", "out of memory");
            else
                out->kind = GW_API_FORWARD;
        }
    }
    gw_form_free(&form);
    return rc;
}

void gw_api_handle(const gw_creds_t *creds, const gw_http_req_t *req, time_t now,
                   const char *request_id, gw_api_result_t *out)
{
    memset(out, 0, sizeof *out);
    gw_err_t err;
    if (s_handle(creds, req, now, request_id, out, &err) != 0)
        gw_api_fail(out, &err, request_id);
}

void gw_api_reply(gw_api_result_t *out, bool ok, const char *output_json,
                  const char *error_code, const char *error_message, const char *request_id)
{
    gw_err_t err;
    free(out->input_json);
    out->input_json = NULL;
    if (!ok) {
        gw_err_set(&err, gw_err_status_for(error_code), error_code && *error_code ? error_code : "InternalError",
                   "%s", error_message ? error_message : "");
        gw_api_fail(out, &err, request_id);
        return;
    }
    char why[160] = "";
    vs_json_t *doc = output_json && *output_json
                         ? vs_json_parse(output_json, strlen(output_json), why, sizeof why)
                         : vs_json_object();
    if (!doc) {
        gw_err_set(&err, 500, "InternalError", "The agent answered an unreadable document: %s", why);
        gw_api_fail(out, &err, request_id);
        return;
    }
    gw_buf_t b;
    gw_buf_init(&b);
    gw_xml_response(&b, out->svc, out->op, doc, request_id);
    vs_json_free(&doc);
    s_set_body(out, 200, &b);
}
