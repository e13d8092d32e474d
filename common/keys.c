/* keys: principals, the keyring files and the client side (see keys.h);
 * the server side (ZAP) is in keys_server.c. */
#include "keys.h"
#include "keys_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "ids.h"
#include "log.h"

/* ---- principals ---------------------------------------------------------- */

int vs_principal_agent(const char *account, const char *region, vs_principal_t *out)
{
    memset(out, 0, sizeof *out);
    if (!account || !region || !vs_account_valid(account) || !vs_region_known(region) ||
        strlen(region) >= sizeof out->region)
        return -1;
    out->kind = VS_PRINCIPAL_AGENT;
    memcpy(out->account, account, 13);
    snprintf(out->region, sizeof out->region, "%s", region);
    return 0;
}

int vs_principal_client(const char *account, vs_principal_t *out)
{
    memset(out, 0, sizeof *out);
    if (!account || !vs_account_valid(account))
        return -1;
    out->kind = VS_PRINCIPAL_CLIENT;
    memcpy(out->account, account, 13);
    return 0;
}

/* "ACCOUNT<sep>REGION" as an agent principal. */
static int s_agent_from(const char *s, char sep, vs_principal_t *out)
{
    if (strlen(s) < 14 || s[12] != sep)
        return -1;
    char account[13];
    memcpy(account, s, 12);
    account[12] = '\0';
    return vs_principal_agent(account, s + 13, out);
}

int vs_principal_parse(const char *user_id, vs_principal_t *out)
{
    memset(out, 0, sizeof *out);
    if (!user_id || !*user_id)
        return 0;
    if (strcmp(user_id, "admin") == 0) {
        out->kind = VS_PRINCIPAL_ADMIN;
        return 0;
    }
    if (strncmp(user_id, "agent:", 6) == 0)
        return s_agent_from(user_id + 6, ':', out);
    if (strncmp(user_id, "client:", 7) == 0)
        return vs_principal_client(user_id + 7, out);
    return -1;
}

void vs_principal_format(const vs_principal_t *p, char *buf, size_t buflen)
{
    switch (p->kind) {
    case VS_PRINCIPAL_AGENT: snprintf(buf, buflen, "agent:%s:%s", p->account, p->region); break;
    case VS_PRINCIPAL_CLIENT: snprintf(buf, buflen, "client:%s", p->account); break;
    case VS_PRINCIPAL_ADMIN: snprintf(buf, buflen, "admin"); break;
    case VS_PRINCIPAL_BROKER: snprintf(buf, buflen, "broker"); break;
    default: snprintf(buf, buflen, "anonymous"); break;
    }
}

/* The file stem of a principal ("agent-111111111111-us-east-1"). */
static void s_stem(const vs_principal_t *p, char *buf, size_t buflen)
{
    switch (p->kind) {
    case VS_PRINCIPAL_AGENT: snprintf(buf, buflen, "agent-%s-%s", p->account, p->region); break;
    case VS_PRINCIPAL_CLIENT: snprintf(buf, buflen, "client-%s", p->account); break;
    case VS_PRINCIPAL_ADMIN: snprintf(buf, buflen, "admin"); break;
    default: snprintf(buf, buflen, "broker"); break;
    }
}

/* The principal a file stem names; -1 for anything else. */
int vs_keys__principal_of_stem(const char *stem, vs_principal_t *out)
{
    memset(out, 0, sizeof *out);
    if (strcmp(stem, "admin") == 0) {
        out->kind = VS_PRINCIPAL_ADMIN;
        return 0;
    }
    if (strncmp(stem, "agent-", 6) == 0)
        return s_agent_from(stem + 6, '-', out);
    if (strncmp(stem, "client-", 7) == 0)
        return vs_principal_client(stem + 7, out);
    return -1;
}

/* ---- key files ------------------------------------------------------------- */

/* Reads a Z85 key from dir/name into z85 (41 bytes), checking that it
 * decodes. */
int vs_keys__read(const char *dir, const char *name, char z85[VS_KEYS_Z85_LEN + 1],
                  char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read key %s: %s", path, strerror(errno));
        return -1;
    }
    char buf[128];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        n--;
    buf[n] = '\0';
    uint8_t bin[32];
    if (n != VS_KEYS_Z85_LEN || !zmq_z85_decode(bin, buf)) {
        snprintf(err, errlen, "key %s is not a 40-character Z85 CURVE key", path);
        return -1;
    }
    memcpy(z85, buf, VS_KEYS_Z85_LEN + 1);
    return 0;
}

/* Writes text to dir/name atomically with the given mode. */
static int s_write_file(const char *dir, const char *name, const char *text, mode_t mode,
                        char *err, size_t errlen)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len && fchmod(fd, mode) == 0 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static bool s_exists(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* Writes a new pair for p unless its .key exists. 1 created, 0 kept. */
static int s_make_pair(const char *dir, const vs_principal_t *p, char *err, size_t errlen)
{
    char stem[96], name[128];
    s_stem(p, stem, sizeof stem);
    snprintf(name, sizeof name, "%s.key", stem);
    if (s_exists(dir, name))
        return 0;
    char pub[VS_KEYS_Z85_LEN + 1], sec[VS_KEYS_Z85_LEN + 1], line[VS_KEYS_Z85_LEN + 2];
    if (zmq_curve_keypair(pub, sec) != 0) {
        snprintf(err, errlen, "cannot make a CURVE key pair: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    snprintf(line, sizeof line, "%s\n", sec);
    if (s_write_file(dir, name, line, 0600, err, errlen) < 0)
        return -1;
    snprintf(name, sizeof name, "%s.pub", stem);
    snprintf(line, sizeof line, "%s\n", pub);
    if (s_write_file(dir, name, line, 0644, err, errlen) < 0)
        return -1;
    return 1;
}

int vs_keys_init(const char *dir, const char *const *agents, size_t n_agents,
                 const char *const *clients, size_t n_clients, size_t *created, char *err,
                 size_t errlen)
{
    size_t made = 0;
    if (created)
        *created = 0;
    if (!zmq_has("curve")) {
        snprintf(err, errlen, "this libzmq has no CURVE support");
        return -1;
    }
    /* Check every name first, so a typo writes nothing. */
    vs_principal_t p;
    for (size_t i = 0; i < n_agents; i++)
        if (s_agent_from(agents[i], ':', &p) < 0) {
            snprintf(err, errlen,
                     "'%s' is not ACCOUNT:REGION (12 digits, a known Region)", agents[i]);
            return -1;
        }
    for (size_t i = 0; i < n_clients; i++)
        if (vs_principal_client(clients[i], &p) < 0) {
            snprintf(err, errlen, "'%s' is not an account id (12 digits)", clients[i]);
            return -1;
        }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    vs_principal_t fixed[2] = { { .kind = VS_PRINCIPAL_BROKER }, { .kind = VS_PRINCIPAL_ADMIN } };
    for (size_t i = 0; i < 2 + n_agents + n_clients; i++) {
        if (i < 2)
            p = fixed[i];
        else if (i < 2 + n_agents)
            s_agent_from(agents[i - 2], ':', &p);
        else
            vs_principal_client(clients[i - 2 - n_agents], &p);
        int rc = s_make_pair(dir, &p, err, errlen);
        if (rc < 0)
            return -1;
        made += (size_t)rc;
    }
    if (created)
        *created = made;
    return 0;
}

/* ---- client side ------------------------------------------------------------ */

int vs_keys_secure_client(void *sock, const char *dir, const vs_principal_t *who, char *err,
                          size_t errlen)
{
    char stem[96], name[128];
    char server[VS_KEYS_Z85_LEN + 1], sec[VS_KEYS_Z85_LEN + 1], pub[VS_KEYS_Z85_LEN + 1];
    if (!zmq_has("curve")) {
        snprintf(err, errlen, "this libzmq has no CURVE support");
        return -1;
    }
    s_stem(who, stem, sizeof stem);
    snprintf(name, sizeof name, "%s.key", stem);
    if (vs_keys__read(dir, "broker.pub", server, err, errlen) < 0 ||
        vs_keys__read(dir, name, sec, err, errlen) < 0)
        return -1;
    /* The public key is derived, so a .key file alone is enough. */
    if (zmq_curve_public(pub, sec) != 0) {
        snprintf(err, errlen, "cannot derive the public key of %s/%s", dir, name);
        return -1;
    }
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server, VS_KEYS_Z85_LEN) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, pub, VS_KEYS_Z85_LEN) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, sec, VS_KEYS_Z85_LEN) != 0) {
        snprintf(err, errlen, "cannot set CURVE keys: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}
