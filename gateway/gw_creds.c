/* gw_creds: the --credentials table (see gw_creds.h). */
#include "gw_creds.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gw_creds {
    gw_cred_t *keys;
    size_t n;
};

void gw_creds_destroy(gw_creds_t **cp)
{
    if (!cp || !*cp)
        return;
    gw_creds_t *c = *cp;
    for (size_t i = 0; i < c->n; i++) {
        free((char *)c->keys[i].akid);
        free((char *)c->keys[i].secret);
        free((char *)c->keys[i].account);
    }
    free(c->keys);
    free(c);
    *cp = NULL;
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

gw_creds_t *gw_creds_parse(const char *text, size_t len, char *err, size_t errlen)
{
    gw_creds_t *c = calloc(1, sizeof *c);
    char *copy = malloc(len + 1);
    size_t cap = 0;
    unsigned line = 0;
    if (!c || !copy) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    for (char *save = NULL, *ln = copy; ln; ln = save) {
        save = strchr(ln, '\n');
        if (save)
            *save++ = '\0';
        line++;
        char *f[4] = { 0 };
        int nf = 0;
        char *tsave = NULL;
        for (char *tok = strtok_r(ln, " \t\r", &tsave); tok; tok = strtok_r(NULL, " \t\r", &tsave)) {
            if (nf == 0 && tok[0] == '#')
                break;
            if (nf < 4)
                f[nf] = tok;
            nf++;
        }
        if (nf == 0)
            continue;
        if (nf != 3) {
            snprintf(err, errlen, "line %u: expected ACCESS_KEY_ID SECRET ACCOUNT_ID", line);
            goto fail;
        }
        if (!s_is_account(f[2])) {
            snprintf(err, errlen, "line %u: account id \"%.40s\" is not 12 digits", line, f[2]);
            goto fail;
        }
        if (strlen(f[0]) > 128 || strlen(f[1]) > 256) {
            snprintf(err, errlen, "line %u: access key id or secret too long", line);
            goto fail;
        }
        if (gw_creds_find(c, f[0])) {
            snprintf(err, errlen, "line %u: access key id %s given twice", line, f[0]);
            goto fail;
        }
        if (c->n >= GW_CREDS_MAX) {
            snprintf(err, errlen, "line %u: more than %d keys", line, GW_CREDS_MAX);
            goto fail;
        }
        if (c->n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            gw_cred_t *k = realloc(c->keys, ncap * sizeof *k);
            if (!k) {
                snprintf(err, errlen, "out of memory");
                goto fail;
            }
            c->keys = k;
            cap = ncap;
        }
        gw_cred_t *k = &c->keys[c->n];
        k->akid = strdup(f[0]);
        k->secret = strdup(f[1]);
        k->account = strdup(f[2]);
        c->n++;
        if (!k->akid || !k->secret || !k->account) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
    }
    free(copy);
    return c;
fail:
    free(copy);
    gw_creds_destroy(&c);
    return NULL;
}

gw_creds_t *gw_creds_load(const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap >= (16u << 20)) {
                free(buf);
                fclose(fp);
                snprintf(err, errlen, "%s: larger than 16 MiB", path);
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, fp);
        n += r;
        if (r == 0)
            break;
    }
    bool bad = ferror(fp);
    fclose(fp);
    if (!buf || bad) {
        free(buf);
        snprintf(err, errlen, "cannot read %s", path);
        return NULL;
    }
    char why[200];
    gw_creds_t *c = gw_creds_parse(buf, n, why, sizeof why);
    free(buf);
    if (!c)
        snprintf(err, errlen, "%s: %s", path, why);
    return c;
}

const gw_cred_t *gw_creds_find(const gw_creds_t *c, const char *akid)
{
    for (size_t i = 0; c && akid && i < c->n; i++)
        if (strcmp(c->keys[i].akid, akid) == 0)
            return &c->keys[i];
    return NULL;
}

size_t gw_creds_count(const gw_creds_t *c)
{
    return c ? c->n : 0;
}
