/* gw_sigv4: SigV4 verification on libsodium (see gw_sigv4.h). */
#include "gw_sigv4.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_buf.h"
#include "gw_form.h"

/* Copies the field that starts at p and ends at one of `stops` (or the end)
 * into out; returns the pointer past it, NULL if it does not fit or is empty. */
static const char *s_field(const char *p, const char *stops, char *out, size_t cap)
{
    size_t n = strcspn(p, stops);
    if (n == 0 || n >= cap)
        return NULL;
    memcpy(out, p, n);
    out[n] = '\0';
    return p + n;
}

int gw_sigv4_parse(const char *auth, gw_sigv4_auth_t *a, gw_err_t *err)
{
    memset(a, 0, sizeof *a);
    static const char alg[] = "AWS4-HMAC-SHA256 ";
    const char *p = auth;
    bool have_cred = false, have_signed = false, have_sig = false;
    if (!auth || strncmp(auth, alg, sizeof alg - 1) != 0)
        goto bad;
    p += sizeof alg - 1;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        if (strncmp(p, "Credential=", 11) == 0) {
            char scope5[32];
            p += 11;
            if (!(p = s_field(p, "/", a->akid, sizeof a->akid)) || *p++ != '/' ||
                !(p = s_field(p, "/", a->date, sizeof a->date)) || *p++ != '/' ||
                !(p = s_field(p, "/", a->region, sizeof a->region)) || *p++ != '/' ||
                !(p = s_field(p, "/", a->service, sizeof a->service)) || *p++ != '/' ||
                !(p = s_field(p, ", ", scope5, sizeof scope5)) || strcmp(scope5, "aws4_request") != 0 ||
                strlen(a->date) != 8)
                goto bad;
            have_cred = true;
        } else if (strncmp(p, "SignedHeaders=", 14) == 0) {
            if (!(p = s_field(p + 14, ", ", a->signed_headers, sizeof a->signed_headers)))
                goto bad;
            have_signed = true;
        } else if (strncmp(p, "Signature=", 10) == 0) {
            if (!(p = s_field(p + 10, ", ", a->signature, sizeof a->signature)) ||
                strlen(a->signature) != 64)
                goto bad;
            for (const char *c = a->signature; *c; c++)
                if (!isxdigit((unsigned char)*c))
                    goto bad;
            have_sig = true;
        } else {
            goto bad;
        }
    }
    if (have_cred && have_signed && have_sig)
        return 0;
bad:
    return gw_err_set(err, 400, "IncompleteSignature",
                      "The request signature does not conform to AWS standards.");
}

const char *gw_sigv4_header(const gw_header_t *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].name, name) == 0)
            return h[i].value;
    return NULL;
}

static void s_hmac(unsigned char out[32], const void *key, size_t klen, const char *msg, size_t mlen)
{
    crypto_auth_hmacsha256_state st;   /* any key length ("AWS4" + secret) */
    crypto_auth_hmacsha256_init(&st, key, klen);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, mlen);
    crypto_auth_hmacsha256_final(&st, out);
}

static void s_sha256_hex(char out[65], const void *data, size_t len)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* RFC 3986 encoding as SigV4 wants it: unreserved characters kept, '/'
 * kept when keep_slash, everything else %XX in upper case. */
static void s_uri_encode(gw_buf_t *b, const char *s, bool keep_slash)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~' ||
            (keep_slash && *p == '/'))
            gw_buf_addc(b, (char)*p);
        else
            gw_buf_printf(b, "%%%02X", *p);
    }
}

static int s_cmp_pair(const void *x, const void *y)
{
    const char *const *a = x, *const *b = y;
    return strcmp(*a, *b);
}

/* The canonical query string: each k=v encoded, sorted. */
static int s_canonical_query(gw_buf_t *b, const char *query, gw_err_t *err)
{
    if (!query || !*query)
        return 0;
    gw_form_t *f = gw_form_parse(query, strlen(query), err);
    if (!f)
        return -1;
    char **items = calloc(f->n ? f->n : 1, sizeof *items);
    int rc = items ? 0 : gw_err_set(err, 500, "InternalError", "out of memory");
    for (size_t i = 0; rc == 0 && i < f->n; i++) {
        gw_buf_t one;
        gw_buf_init(&one);
        s_uri_encode(&one, f->pairs[i].key, false);
        gw_buf_addc(&one, '=');
        s_uri_encode(&one, f->pairs[i].value, false);
        items[i] = gw_buf_take(&one, NULL);
        if (!items[i])
            rc = gw_err_set(err, 500, "InternalError", "out of memory");
    }
    if (rc == 0) {
        qsort(items, f->n, sizeof *items, s_cmp_pair);
        for (size_t i = 0; i < f->n; i++) {
            if (i)
                gw_buf_addc(b, '&');
            gw_buf_adds(b, items[i]);
        }
    }
    for (size_t i = 0; items && i < f->n; i++)
        free(items[i]);
    free(items);
    gw_form_free(&f);
    return rc;
}

/* A header value trimmed, inner runs of spaces collapsed to one. */
static void s_header_value(gw_buf_t *b, const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    bool space = false;
    for (; *v; v++) {
        if (*v == ' ' || *v == '\t') {
            space = true;
            continue;
        }
        if (space)
            gw_buf_addc(b, ' ');
        space = false;
        gw_buf_addc(b, *v);
    }
}

int gw_sigv4_sign(const gw_sigv4_auth_t *a, const char *secret, const char *method,
                  const char *target, const gw_header_t *h, size_t n, const uint8_t *body,
                  size_t body_len, char out[65], gw_err_t *err)
{
    const char *amz_date = gw_sigv4_header(h, n, "x-amz-date");
    if (!amz_date)
        return gw_err_set(err, 400, "IncompleteSignature",
                          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    gw_buf_t creq, path;
    gw_buf_init(&creq);
    gw_buf_init(&path);
    /* Method and canonical URI (the path decoded, then encoded once). */
    const char *q = strchr(target, '?');
    size_t plen = q ? (size_t)(q - target) : strlen(target);
    gw_buf_add(&path, target, plen);
    gw_err_t ignore;
    gw_form_t *decoded = NULL;
    gw_buf_adds(&creq, method);
    gw_buf_addc(&creq, '\n');
    if (plen == 0) {
        gw_buf_addc(&creq, '/');
    } else {
        /* gw_form_parse decodes %XX (and '+', which paths do not use). */
        gw_buf_t key;
        gw_buf_init(&key);
        gw_buf_adds(&key, "p=");
        gw_buf_adds(&key, path.data);
        decoded = gw_form_parse(key.data, key.len, &ignore);
        s_uri_encode(&creq, decoded && decoded->n == 1 ? decoded->pairs[0].value : path.data, true);
        gw_form_free(&decoded);
        gw_buf_free(&key);
    }
    gw_buf_addc(&creq, '\n');
    if (s_canonical_query(&creq, q ? q + 1 : NULL, err) != 0) {
        gw_buf_free(&creq);
        gw_buf_free(&path);
        return -1;
    }
    gw_buf_addc(&creq, '\n');
    /* Canonical headers, in SignedHeaders order (sorted by the client). */
    const char *sh = a->signed_headers;
    while (*sh) {
        size_t len = strcspn(sh, ";");
        char name[128];
        if (len == 0 || len >= sizeof name) {
            gw_buf_free(&creq);
            gw_buf_free(&path);
            return gw_err_set(err, 400, "IncompleteSignature",
                              "The request signature does not conform to AWS standards.");
        }
        memcpy(name, sh, len);
        name[len] = '\0';
        gw_buf_adds(&creq, name);
        gw_buf_addc(&creq, ':');
        bool found = false;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(h[i].name, name) != 0)
                continue;
            if (found)
                gw_buf_addc(&creq, ',');
            s_header_value(&creq, h[i].value);
            found = true;
        }
        if (!found) {
            gw_buf_free(&creq);
            gw_buf_free(&path);
            return gw_err_set(err, 401, "AuthFailure",
                              "AWS was not able to validate the provided access credentials");
        }
        gw_buf_addc(&creq, '\n');
        sh += len;
        if (*sh == ';')
            sh++;
    }
    gw_buf_addc(&creq, '\n');
    gw_buf_adds(&creq, a->signed_headers);
    gw_buf_addc(&creq, '\n');
    char body_hex[65];
    s_sha256_hex(body_hex, body ? (const void *)body : "", body_len);
    gw_buf_adds(&creq, body_hex);
    gw_buf_free(&path);
    if (creq.oom) {
        gw_buf_free(&creq);
        return gw_err_set(err, 500, "InternalError", "out of memory");
    }
    char creq_hex[65];
    s_sha256_hex(creq_hex, creq.data, creq.len);
    gw_buf_free(&creq);

    char sts[512];
    int sn = snprintf(sts, sizeof sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", amz_date,
                      a->date, a->region, a->service, creq_hex);
    if (sn < 0 || (size_t)sn >= sizeof sts)
        return gw_err_set(err, 400, "IncompleteSignature",
                          "The request signature does not conform to AWS standards.");
    size_t slen = strlen(secret);
    unsigned char *k0 = malloc(slen + 4);
    if (!k0)
        return gw_err_set(err, 500, "InternalError", "out of memory");
    memcpy(k0, "AWS4", 4);
    memcpy(k0 + 4, secret, slen);
    unsigned char kd[32], kr[32], ks[32], kk[32], sig[32];
    s_hmac(kd, k0, slen + 4, a->date, strlen(a->date));
    sodium_memzero(k0, slen + 4);
    free(k0);
    s_hmac(kr, kd, 32, a->region, strlen(a->region));
    s_hmac(ks, kr, 32, a->service, strlen(a->service));
    s_hmac(kk, ks, 32, "aws4_request", 12);
    s_hmac(sig, kk, 32, sts, (size_t)sn);
    sodium_bin2hex(out, 65, sig, sizeof sig);
    return 0;
}

/* "20261127T153431Z" -> seconds since the epoch; -1 if malformed. */
static time_t s_amz_time(const char *s)
{
    struct tm tm = { 0 };
    if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return -1;
    for (int i = 0; i < 15; i++)
        if (i != 8 && !isdigit((unsigned char)s[i]))
            return -1;
    if (sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

int gw_sigv4_verify(const gw_sigv4_auth_t *a, const char *secret, const char *method,
                    const char *target, const gw_header_t *h, size_t n, const uint8_t *body,
                    size_t body_len, time_t now, gw_err_t *err)
{
    const char *amz_date = gw_sigv4_header(h, n, "x-amz-date");
    if (!amz_date)
        return gw_err_set(err, 400, "IncompleteSignature",
                          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    time_t t = s_amz_time(amz_date);
    if (t < 0 || strncmp(amz_date, a->date, 8) != 0)
        return gw_err_set(err, 401, "AuthFailure",
                          "AWS was not able to validate the provided access credentials");
    if (t < now - GW_SIGV4_MAX_SKEW_S || t > now + GW_SIGV4_MAX_SKEW_S)
        return gw_err_set(err, 400, "RequestExpired", "Request has expired.");
    char want[65];
    if (gw_sigv4_sign(a, secret, method, target, h, n, body, body_len, want, err) != 0)
        return -1;
    if (sodium_memcmp(want, a->signature, 64) != 0)
        return gw_err_set(err, 401, "AuthFailure",
                          "AWS was not able to validate the provided access credentials");
    return 0;
}
