/* store_ident: see store_ident.h. */
#include "store_ident.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"

#define S_FILE "identity.json"
#define S_MAX  4096      /* an identity is ~120 bytes */

static int s_read(const char *path, char *buf, size_t cap, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n = 0;
    ssize_t r;
    while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
        n += (size_t)r;
    close(fd);
    *len = n;
    return n < cap ? 0 : -2;
}

int store_ident_check(const char *dir, const char *account, const char *region,
                      store_ident_t *id, bool *have, char *err, size_t errlen)
{
    memset(id, 0, sizeof *id);
    *have = false;
    char path[4096], buf[S_MAX];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/%s", dir, S_FILE);
    int rc = s_read(path, buf, sizeof buf, &len);
    if (rc == -1 && errno == ENOENT)
        return 0;
    if (rc != 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, rc == -2 ? "too large" : strerror(errno));
        return -1;
    }
    char why[160];
    vs_json_t *doc = vs_json_parse(buf, len, why, sizeof why);
    const char *a = doc ? vs_json_get_str(doc, "AccountId") : NULL;
    const char *r = doc ? vs_json_get_str(doc, "Region") : NULL;
    const char *s = doc ? vs_json_get_str(doc, "StoreId") : NULL;
    if (!a || !r || !s || strlen(a) >= sizeof id->account || strlen(r) >= sizeof id->region ||
        strlen(s) >= sizeof id->store_id) {
        snprintf(err, errlen, "%s is damaged: %s", path,
                 doc ? "AccountId, Region or StoreId missing or too long" : why);
        vs_json_free(&doc);
        return -1;
    }
    snprintf(id->account, sizeof id->account, "%s", a);
    snprintf(id->region, sizeof id->region, "%s", r);
    snprintf(id->store_id, sizeof id->store_id, "%s", s);
    vs_json_free(&doc);
    *have = true;
    if (strcmp(id->account, account) != 0 || strcmp(id->region, region) != 0) {
        snprintf(err, errlen, "data dir %s belongs to account %s in %s, not %s in %s", dir,
                 id->account, id->region, account, region);
        return -1;
    }
    struct stat sb;
    snprintf(path, sizeof path, "%s/agent.db", dir);
    if (stat(path, &sb) != 0 || sb.st_size == 0) {
        bool missing = stat(path, &sb) != 0;
        snprintf(err, errlen,
                 "data dir %s belongs to account %s in %s (store %s), but its store %s is %s; "
                 "refusing to start as an agent that never had any state (restore the file, or "
                 "remove %s/%s to start afresh)",
                 dir, id->account, id->region, id->store_id, path,
                 missing ? "missing" : "empty (0 bytes)", dir, S_FILE);
        return -1;
    }
    return 0;
}

int store_ident_write(const char *dir, const store_ident_t *id, char *err, size_t errlen)
{
    char path[4096], tmp[4200], text[512];
    snprintf(path, sizeof path, "%s/%s", dir, S_FILE);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int n = snprintf(text, sizeof text,
                     "{\"AccountId\": \"%s\", \"Region\": \"%s\", \"StoreId\": \"%s\"}\n",
                     id->account, id->region, id->store_id);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, text, (size_t)n) != n || fsync(fd) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        return -1;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

void store_ident_new_id(char out[STORE_IDENT_ID_LEN])
{
    uint8_t b[16];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, STORE_IDENT_ID_LEN, b, sizeof b);
}
