/* keys_server: the broker's side of keys.h: the ZAP handler thread that
 * maps a client's public key to its principal, making a socket a CURVE
 * server, and watching a client socket's handshakes. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zmq.h>

#include "keys.h"
#include "keys_priv.h"
#include "log.h"

#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93   /* draft in 4.3.4's zmq.h; libzmq accepts it */
#endif

#define S_ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define S_ZAP_DOMAIN   "vpcsim"
#define S_USER_ID_MAX  64

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
        if (vs_keys__principal_of_stem(stem, &p) < 0) {
            VS_WARN("keyring %s: ignoring %s (not a principal's key file)", dir, de->d_name);
            continue;
        }
        char z85[VS_KEYS_Z85_LEN + 1];
        if (vs_keys__read(dir, de->d_name, z85, err, errlen) < 0) {
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
    if (vs_keys__read(dir, "broker.key", sec, err, errlen) < 0 ||
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
