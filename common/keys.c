/* keys: the keyring and CURVE + ZAP (see keys.h). */
#include "keys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "ids.h"
#include "log.h"

#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93   /* draft in 4.3.4's zmq.h; libzmq accepts it */
#endif

#define S_ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define S_ZAP_DOMAIN   "vpcsim"
#define S_USER_ID_MAX  64

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
static int s_from_stem(const char *stem, vs_principal_t *out)
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
static int s_read_key(const char *dir, const char *name, char z85[VS_KEYS_Z85_LEN + 1],
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
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
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
    if (s_read_key(dir, "broker.pub", server, err, errlen) < 0 ||
        s_read_key(dir, name, sec, err, errlen) < 0)
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

/* ---- server side: the ZAP handler ------------------------------------------- */

typedef struct {
    uint8_t key[32];
    char user_id[S_USER_ID_MAX];
} s_entry_t;

struct vs_keys_server {
    void *zctx;               /* borrowed */
    void *zap;                /* REP, owned by the thread once it runs */
    pthread_t thread;
    bool running;
    s_entry_t *entries;       /* sorted by key; only the ZAP thread touches them once it runs */
    size_t n;
    size_t n_at_start;        /* for the caller (n belongs to the thread) */
    char *dir;                /* the keyring, re-read when an unknown key shows up */
    struct timespec last_scan;
    struct timespec dir_mtime;  /* of the last scan: a new key file changes it */
};

static int s_cmp_entry(const void *a, const void *b)
{
    return memcmp(((const s_entry_t *)a)->key, ((const s_entry_t *)b)->key, 32);
}

static int s_load_pubs(vs_keys_server_t *s, const char *dir, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "cannot read the keyring %s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *de;
    size_t cap = 0;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".pub") != 0)
            continue;
        char stem[256];
        snprintf(stem, sizeof stem, "%.*s", (int)(len - 4), de->d_name);
        vs_principal_t p;
        if (strcmp(stem, "broker") == 0)
            continue;
        if (s_from_stem(stem, &p) < 0) {
            VS_WARN("keyring %s: ignoring %s (not a principal's key file)", dir, de->d_name);
            continue;
        }
        char z85[VS_KEYS_Z85_LEN + 1];
        if (s_read_key(dir, de->d_name, z85, err, errlen) < 0) {
            rc = -1;
            break;
        }
        if (s->n == VS_KEYS_MAX_PRINCIPALS) {
            snprintf(err, errlen, "keyring %s has more than %d principals", dir,
                     VS_KEYS_MAX_PRINCIPALS);
            rc = -1;
            break;
        }
        if (s->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            s_entry_t *e = realloc(s->entries, ncap * sizeof *e);
            if (!e) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            s->entries = e;
            cap = ncap;
        }
        s_entry_t *e = &s->entries[s->n++];
        zmq_z85_decode(e->key, z85);
        vs_principal_format(&p, e->user_id, sizeof e->user_id);
    }
    closedir(d);
    if (rc == 0 && s->n > 0)
        qsort(s->entries, s->n, sizeof *s->entries, s_cmp_entry);
    return rc;
}

static struct timespec s_mtime(const char *dir)
{
    struct stat st;
    struct timespec none = { 0, 0 };
    return stat(dir, &st) == 0 ? st.st_mtim : none;
}

/* Re-reads the keyring when it changed (a file was added) or, failing
 * that, at most once a second, so principals added with `vpcsim keys
 * init` after the broker started are let in at their first try. */
static void s_rescan(vs_keys_server_t *s)
{
    struct timespec now, mt = s_mtime(s->dir);
    clock_gettime(CLOCK_MONOTONIC, &now);
    bool changed = mt.tv_sec != s->dir_mtime.tv_sec || mt.tv_nsec != s->dir_mtime.tv_nsec;
    if (!changed && now.tv_sec - s->last_scan.tv_sec < 1)
        return;
    s->last_scan = now;
    s->dir_mtime = mt;
    vs_keys_server_t fresh = { .zctx = s->zctx };
    char err[512];
    if (s_load_pubs(&fresh, s->dir, err, sizeof err) < 0) {
        VS_WARN("keyring %s not re-read: %s", s->dir, err);
        free(fresh.entries);
        return;
    }
    if (fresh.n != s->n)
        VS_INFO("keyring %s re-read: %zu principals", s->dir, fresh.n);
    free(s->entries);
    s->entries = fresh.entries;
    s->n = fresh.n;
}

static const s_entry_t *s_lookup(const vs_keys_server_t *s, const uint8_t *key, size_t len)
{
    if (len != 32 || s->n == 0)
        return NULL;
    s_entry_t probe;
    memcpy(probe.key, key, 32);
    return bsearch(&probe, s->entries, s->n, sizeof *s->entries, s_cmp_entry);
}

#define S_ZAP_FRAMES 8   /* a CURVE request has 7; more is malformed */

/* Answers one ZAP request (RFC 27). Returns -1 when the context is gone. */
static int s_zap_once(vs_keys_server_t *s)
{
    zmq_msg_t f[S_ZAP_FRAMES];
    int n = 0;
    bool more = true;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, s->zap, 0) < 0) {
            int e = zmq_errno();
            zmq_msg_close(&m);
            for (int i = 0; i < n; i++)
                zmq_msg_close(&f[i]);
            return e == ETERM ? -1 : 0;
        }
        more = zmq_msg_more(&m);
        if (n < S_ZAP_FRAMES) {
            zmq_msg_init(&f[n]);
            zmq_msg_move(&f[n++], &m);   /* zmq_msg_t must not be copied by value */
        }
        zmq_msg_close(&m);
    }
    /* version, request id, domain, address, routing id, mechanism, key */
    const char *status = "400", *text = "unknown key";
    const char *user = "";
    if (n == 7 && zmq_msg_size(&f[5]) == 5 && memcmp(zmq_msg_data(&f[5]), "CURVE", 5) == 0) {
        const s_entry_t *e = s_lookup(s, zmq_msg_data(&f[6]), zmq_msg_size(&f[6]));
        if (!e) {
            s_rescan(s);
            e = s_lookup(s, zmq_msg_data(&f[6]), zmq_msg_size(&f[6]));
        }
        if (e) {
            status = "200";
            text = "OK";
            user = e->user_id;
        }
    } else {
        status = "500";
        text = "not a CURVE ZAP request";
    }
    /* The reply: version, the same request id, status, text, user id,
     * metadata (empty). A request too short to have an id gets "" back. */
    const char *ver = "1.0";
    zmq_send(s->zap, ver, 3, ZMQ_SNDMORE);
    if (n >= 2)
        zmq_send(s->zap, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), ZMQ_SNDMORE);
    else
        zmq_send(s->zap, "", 0, ZMQ_SNDMORE);
    zmq_send(s->zap, status, 3, ZMQ_SNDMORE);
    zmq_send(s->zap, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(s->zap, user, strlen(user), ZMQ_SNDMORE);
    zmq_send(s->zap, "", 0, 0);
    if (status[0] != '2') {
        char addr[64] = "?";
        if (n >= 4)
            snprintf(addr, sizeof addr, "%.*s", (int)zmq_msg_size(&f[3]),
                     (const char *)zmq_msg_data(&f[3]));
        VS_WARN("refused a connection from %s: %s", addr, text);
    }
    for (int i = 0; i < n; i++)
        zmq_msg_close(&f[i]);
    return 0;
}

static void *s_zap_thread(void *arg)
{
    vs_keys_server_t *s = arg;
    while (s_zap_once(s) == 0)
        ;
    zmq_close(s->zap);
    s->zap = NULL;
    return NULL;
}

static int s_setint(void *sock, int opt, int v)
{
    return zmq_setsockopt(sock, opt, &v, sizeof v);
}

vs_keys_server_t *vs_keys_server_start(void *zctx, void *sock, const char *dir, char *err,
                                       size_t errlen)
{
    if (!zmq_has("curve")) {
        snprintf(err, errlen, "this libzmq has no CURVE support");
        return NULL;
    }
    vs_keys_server_t *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->zctx = zctx;
    clock_gettime(CLOCK_MONOTONIC, &s->last_scan);
    s->dir_mtime = s_mtime(dir);
    s->dir = strdup(dir);
    if (!s->dir) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    char sec[VS_KEYS_Z85_LEN + 1];
    if (s_read_key(dir, "broker.key", sec, err, errlen) < 0 ||
        s_load_pubs(s, dir, err, errlen) < 0)
        goto fail;
    if (s->n == 0) {
        snprintf(err, errlen, "keyring %s has no principals' .pub files", dir);
        goto fail;
    }
    s->n_at_start = s->n;
    s->zap = zmq_socket(zctx, ZMQ_REP);
    if (!s->zap || s_setint(s->zap, ZMQ_LINGER, 0) != 0 ||
        zmq_bind(s->zap, S_ZAP_ENDPOINT) != 0) {
        snprintf(err, errlen, "cannot bind the ZAP handler: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    if (pthread_create(&s->thread, NULL, s_zap_thread, s) != 0) {
        snprintf(err, errlen, "cannot start the ZAP handler thread");
        goto fail;
    }
    s->running = true;
    /* Only now, with the handler bound, does the socket become a server. */
    if (s_setint(sock, ZMQ_CURVE_SERVER, 1) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, sec, VS_KEYS_Z85_LEN) != 0 ||
        zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, S_ZAP_DOMAIN, strlen(S_ZAP_DOMAIN)) != 0 ||
        s_setint(sock, ZMQ_ZAP_ENFORCE_DOMAIN, 1) != 0) {
        snprintf(err, errlen, "cannot make the socket a CURVE server: %s",
                 zmq_strerror(zmq_errno()));
        vs_keys_server_stop(&s);
        return NULL;
    }
    return s;
fail:
    if (s->zap)
        zmq_close(s->zap);
    free(s->entries);
    free(s->dir);
    free(s);
    return NULL;
}

size_t vs_keys_server_count(const vs_keys_server_t *s)
{
    return s ? s->n_at_start : 0;
}

void vs_keys_server_stop(vs_keys_server_t **sp)
{
    if (!sp || !*sp)
        return;
    vs_keys_server_t *s = *sp;
    *sp = NULL;
    if (s->running) {
        zmq_ctx_shutdown(s->zctx);
        pthread_join(s->thread, NULL);
    }
    free(s->entries);
    free(s->dir);
    free(s);
}

int vs_keys_msg_principal(void *msg, vs_principal_t *out)
{
    const char *uid = zmq_msg_gets((zmq_msg_t *)msg, "User-Id");
    return vs_principal_parse(uid, out);
}

/* ---- watching a client's handshakes ------------------------------------------ */

void *vs_keys_monitor(void *zctx, void *sock)
{
    char ep[64];
    snprintf(ep, sizeof ep, "inproc://vpcsim-keys-mon-%p", sock);
    if (zmq_socket_monitor(sock, ep, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0)
        return NULL;
    void *mon = zmq_socket(zctx, ZMQ_PAIR);
    if (!mon)
        return NULL;
    if (s_setint(mon, ZMQ_LINGER, 0) != 0 || zmq_connect(mon, ep) != 0) {
        zmq_close(mon);
        return NULL;
    }
    return mon;
}

int vs_keys_monitor_refused(void *mon, char *err, size_t errlen)
{
    int refused = 0;
    for (;;) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, mon, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return refused;
        }
        uint16_t event = 0;
        uint32_t value = 0;
        if (zmq_msg_size(&m) >= 6) {
            memcpy(&event, zmq_msg_data(&m), 2);
            memcpy(&value, (uint8_t *)zmq_msg_data(&m) + 2, 4);
        }
        bool more = zmq_msg_more(&m);
        zmq_msg_close(&m);
        while (more) {   /* the endpoint frame */
            zmq_msg_init(&m);
            more = zmq_msg_recv(&m, mon, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&m);
            zmq_msg_close(&m);
        }
        if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
            snprintf(err, errlen, "the broker refused our key (ZAP status %u)", (unsigned)value);
            refused = 1;
        }
    }
}
