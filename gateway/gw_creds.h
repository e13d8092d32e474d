/* gw_creds: the access keys the gateway accepts with --credentials FILE.
 * One key a line, `ACCESS_KEY_ID SECRET ACCOUNT_ID` separated by blanks;
 * blank lines and lines starting with '#' are ignored. Account ids are 12
 * digits. Ownership: the table owns its strings; lookups return borrowed
 * pointers valid until gw_creds_destroy.
 */
#ifndef GW_CREDS_H
#define GW_CREDS_H

#include <stddef.h>

typedef struct gw_creds gw_creds_t;

typedef struct {
    const char *akid;
    const char *secret;
    const char *account;
} gw_cred_t;

#define GW_CREDS_MAX 10000

/* Parses the file's text. NULL with "line N: reason" in err on a malformed
 * line, a bad account id, a duplicate key or more than GW_CREDS_MAX keys. */
gw_creds_t *gw_creds_parse(const char *text, size_t len, char *err, size_t errlen);
/* Reads and parses a file (at most 16 MiB). */
gw_creds_t *gw_creds_load(const char *path, char *err, size_t errlen);
void gw_creds_destroy(gw_creds_t **c);
const gw_cred_t *gw_creds_find(const gw_creds_t *c, const char *akid);
size_t gw_creds_count(const gw_creds_t *c);

#endif
