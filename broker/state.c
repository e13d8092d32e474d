/* state: the broker's soft state on disk (see state.h). */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "log.h"

#define S_FILE "broker-state.json"
#define S_JOURNAL "broker-agents.journal"
#define S_LOCK "broker.lock"
#define S_MAX_FILE (8u << 20)   /* far above any real agent list */

struct bk_state {
    char *dir;
    int lock_fd;
    int journal_fd;     /* S_JOURNAL, O_APPEND */
};

static char *s_path(const bk_state_t *st, const char *name)
{
    size_t n = strlen(st->dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", st->dir, name);
    return p;
}

/* mkdir -p: the data dir may be a fresh path in a temporary directory. */
static int s_mkdirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = (mkdir(p, 0755) < 0 && errno != EEXIST) ? -1 : 0;
    free(p);
    return rc;
}

static int s_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Writes name atomically: readers see the old file or the new one, never
 * a torn one, also across a crash. */
static int s_write_atomic(bk_state_t *st, const char *name, const char *text, char *err,
                          size_t errlen)
{
    char tmpname[64];
    snprintf(tmpname, sizeof tmpname, "%s.tmp", name);
    char *tmp = s_path(st, tmpname), *dst = s_path(st, name);
    int rc = -1, fd = -1;
    if (!tmp || !dst) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || s_write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, dst) < 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, dst, strerror(errno));
        goto out;
    }
    /* The rename itself is durable only once the directory is synced. */
    int dfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    rc = 0;
out:
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    free(tmp);
    free(dst);
    return rc;
}

bk_state_t *bk_state_open(const char *dir, char *err, size_t errlen)
{
    if (!dir || !*dir) {
        snprintf(err, errlen, "empty data dir");
        return NULL;
    }
    if (s_mkdirs(dir) < 0) {
        snprintf(err, errlen, "cannot create data dir %s: %s", dir, strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "data dir %s is not a directory", dir);
        return NULL;
    }
    bk_state_t *st = calloc(1, sizeof *st);
    if (!st || !(st->dir = strdup(dir))) {
        free(st);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    st->lock_fd = -1;
    st->journal_fd = -1;
    char *lock = s_path(st, S_LOCK);
    if (lock)
        st->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (st->lock_fd < 0) {
        snprintf(err, errlen, "data dir %s is not writable: %s", dir, strerror(errno));
        free(lock);
        bk_state_close(&st);
        return NULL;
    }
    free(lock);
    if (flock(st->lock_fd, LOCK_EX | LOCK_NB) < 0) {
        snprintf(err, errlen, "data dir %s is in use by another broker", dir);
        bk_state_close(&st);
        return NULL;
    }
    /* Prove now that the atomic write works, rather than at the first
     * registration when nobody is looking. */
    char why[256];
    if (s_write_atomic(st, "broker-probe", "{}\n", why, sizeof why) < 0) {
        snprintf(err, errlen, "data dir %s is not usable: %s", dir, why);
        bk_state_close(&st);
        return NULL;
    }
    char *probe = s_path(st, "broker-probe");
    if (probe)
        unlink(probe);
    free(probe);
    char *journal = s_path(st, S_JOURNAL);
    if (journal)
        st->journal_fd = open(journal, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    free(journal);
    if (st->journal_fd < 0) {
        snprintf(err, errlen, "data dir %s is not usable: cannot open %s: %s", dir, S_JOURNAL,
                 strerror(errno));
        bk_state_close(&st);
        return NULL;
    }
    return st;
}

void bk_state_close(bk_state_t **stp)
{
    if (!stp || !*stp)
        return;
    bk_state_t *st = *stp;
    if (st->journal_fd >= 0)
        close(st->journal_fd);
    if (st->lock_fd >= 0)
        close(st->lock_fd); /* releases the flock */
    free(st->dir);
    free(st);
    *stp = NULL;
}

static char *s_read_file(const char *path, size_t *len, bool *missing)
{
    *missing = false;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *missing = errno == ENOENT;
        return NULL;
    }
    char *buf = malloc(S_MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, S_MAX_FILE + 1, f) : 0;
    fclose(f);
    if (!buf || n > S_MAX_FILE) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* One saved agent into reg (offline), checked like any input: a
 * hand-edited or half-migrated entry must not become a routable agent.
 * Counts it in *bad (invalid) or *expired (not seen for ttl_ms). */
static void s_add_saved(bk_registry_t *reg, const char *acct, const char *region,
                        uint64_t seen_ms, uint64_t now_wall_ms, uint64_t ttl_ms, size_t *bad,
                        size_t *expired)
{
    if (!acct || !region || !vs_account_valid(acct) || !vs_region_known(region)) {
        (*bad)++;
        return;
    }
    if (now_wall_ms > seen_ms && now_wall_ms - seen_ms > ttl_ms) {
        (*expired)++;
        return;
    }
    bool created;
    bk_agent_t *ag = bk_registry_add(reg, acct, region, vs_region_partition(region), &created);
    if (!ag)
        (*bad)++;
    else if (created || seen_ms > ag->seen_wall_ms)
        ag->seen_wall_ms = seen_ms;
}

/* Reads DIR/name: 1 with *path and *text (NUL-terminated, *len bytes)
 * the caller's to free, 0 when there is no such file, -1 with err. */
static int s_read_saved(bk_state_t *st, const char *name, char **path, char **text, size_t *len,
                        char *err, size_t errlen)
{
    bool missing = false;
    *path = s_path(st, name);
    *text = *path ? s_read_file(*path, len, &missing) : NULL;
    if (*text)
        return 1;
    if (!missing)
        snprintf(err, errlen, "cannot read %s", *path ? *path : name);
    free(*path);
    *path = NULL;
    return missing ? 0 : -1;
}

/* The end of a load of path: -1 with err if it skipped bad entries. Frees
 * path. */
static int s_loaded(char *path, size_t bad, const char *what, char *err, size_t errlen)
{
    if (bad)
        snprintf(err, errlen, "%s: skipped %zu invalid %s", path, bad, what);
    free(path);
    return bad ? -1 : 0;
}

/* The JSON file. 0 (also when missing), or -1 with err. */
static int s_load_file(bk_state_t *st, bk_registry_t *reg, uint64_t *sim_ms,
                       uint64_t now_wall_ms, uint64_t ttl_ms, size_t *expired, char *err,
                       size_t errlen)
{
    char *path, *text;
    size_t len = 0;
    int rc = s_read_saved(st, S_FILE, &path, &text, &len, err, errlen);
    if (rc <= 0)
        return rc;
    char why[160];
    vs_json_t *doc = vs_json_parse(text, len, why, sizeof why);
    free(text);
    if (!doc || vs_json_type(doc) != VS_JSON_OBJECT) {
        snprintf(err, errlen, "%s: %s", path, doc ? "not a JSON object" : why);
        vs_json_free(&doc);
        free(path);
        return -1;
    }
    int64_t t = vs_json_get_int(doc, "SimulatedTimeMs", 0);
    *sim_ms = t > 0 ? (uint64_t)t : 0;
    const vs_json_t *agents = vs_json_get(doc, "Agents");
    size_t bad = 0;
    for (size_t i = 0; i < vs_json_len(agents); i++) {
        const vs_json_t *a = vs_json_at(agents, i);
        /* Entries written before registrations expired carry no time:
         * they count as seen now. */
        int64_t seen = vs_json_get_int(a, "LastHelloMs", (int64_t)now_wall_ms);
        s_add_saved(reg, vs_json_get_str(a, "AccountId"), vs_json_get_str(a, "Region"),
                    seen > 0 ? (uint64_t)seen : now_wall_ms, now_wall_ms, ttl_ms, &bad, expired);
    }
    vs_json_free(&doc);
    return s_loaded(path, bad, "agent entries", err, errlen);
}

/* The journal: agents first welcomed since the file was last written, one
 * line each ("ACCOUNT REGION LAST_HELLO_MS"). A last line without its
 * newline is a write the broker was killed in: ignored. 0, or -1 with err. */
static int s_load_journal(bk_state_t *st, bk_registry_t *reg, uint64_t now_wall_ms,
                          uint64_t ttl_ms, size_t *expired, char *err, size_t errlen)
{
    char *path, *text;
    size_t len = 0;
    int rc = s_read_saved(st, S_JOURNAL, &path, &text, &len, err, errlen);
    if (rc <= 0)
        return rc;
    size_t bad = 0;
    char *line = text;
    for (char *nl; (nl = memchr(line, '\n', len - (size_t)(line - text))) != NULL; line = nl + 1) {
        *nl = '\0';
        char acct[16], region[32], rest[2];
        unsigned long long seen = 0;
        if (sscanf(line, "%15s %31s %llu %1s", acct, region, &seen, rest) == 3)
            s_add_saved(reg, acct, region, seen, now_wall_ms, ttl_ms, &bad, expired);
        else
            bad++;
    }
    free(text);
    return s_loaded(path, bad, "lines", err, errlen);
}

int bk_state_load(bk_state_t *st, bk_registry_t *reg, uint64_t *sim_ms, uint64_t now_wall_ms,
                  uint64_t ttl_ms, size_t *expired, char *err, size_t errlen)
{
    *sim_ms = 0;
    *expired = 0;
    char why[300] = "";
    int rc = s_load_file(st, reg, sim_ms, now_wall_ms, ttl_ms, expired, err, errlen);
    if (s_load_journal(st, reg, now_wall_ms, ttl_ms, expired, why, sizeof why) < 0) {
        if (rc == 0)
            snprintf(err, errlen, "%s", why);
        rc = -1;
    }
    return rc;
}

int bk_state_note_agent(bk_state_t *st, const bk_agent_t *a, char *err, size_t errlen)
{
    char line[96];
    int n = snprintf(line, sizeof line, "%s %s %llu\n", a->account, a->region,
                     (unsigned long long)a->seen_wall_ms);
    if (n <= 0 || (size_t)n >= sizeof line) {
        snprintf(err, errlen, "agent entry too long");
        return -1;
    }
    /* One write of a short line to an O_APPEND file: whole or not at all
     * as far as another process (the next broker) reads it. */
    if (s_write_all(st->journal_fd, line, (size_t)n) < 0) {
        snprintf(err, errlen, "cannot write %s/%s: %s", st->dir, S_JOURNAL, strerror(errno));
        return -1;
    }
    return 0;
}

int bk_state_save(bk_state_t *st, const bk_registry_t *reg, uint64_t sim_ms, char *err,
                  size_t errlen)
{
    size_t n = 0;
    bk_agent_t **agents = bk_registry_list(reg, &n);
    vs_json_t *doc = vs_json_object(), *arr = NULL;
    char *text = NULL;
    int rc = -1;

    if (doc) {
        vs_json_set_int(doc, "Version", 1);
        vs_json_set_int(doc, "SimulatedTimeMs", (int64_t)sim_ms);
        arr = vs_json_set(doc, "Agents", vs_json_array());
    }
    bool ok = arr != NULL && (n == 0 || agents != NULL);
    for (size_t i = 0; ok && i < n; i++) {
        vs_json_t *o = vs_json_push(arr, vs_json_object());
        if (!o) {
            ok = false;
            break;
        }
        vs_json_set_str(o, "AccountId", agents[i]->account);
        vs_json_set_str(o, "Region", agents[i]->region);
        vs_json_set_str(o, "Partition", agents[i]->partition);
        vs_json_set_int(o, "LastHelloMs", (int64_t)agents[i]->seen_wall_ms);
    }
    if (ok)
        text = vs_json_dump(doc, 4);
    if (text) {
        /* A final newline, so that the file reads well with cat. */
        size_t tl = strlen(text);
        char *line = realloc(text, tl + 2);
        if (line) {
            memcpy(line + tl, "\n", 2);
            text = line;
            rc = s_write_atomic(st, S_FILE, text, err, errlen);
            /* The file now holds every agent the journal named (killed
             * before this, a restarted broker reads them twice: harmless). */
            if (rc == 0 && ftruncate(st->journal_fd, 0) < 0)
                VS_DEBUG("cannot empty %s/%s: %s", st->dir, S_JOURNAL, strerror(errno));
        } else {
            snprintf(err, errlen, "out of memory");
        }
    } else {
        snprintf(err, errlen, "out of memory");
    }
    free(text);
    free(agents);
    vs_json_free(&doc);
    return rc;
}
