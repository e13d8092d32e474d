/* ids: EC2 resource IDs, account IDs, Regions, partitions and ARNs.
 *
 * IDs are "<prefix>-" followed by 17 lowercase hex digits (new IDs); 8-digit
 * legacy IDs are accepted when parsing. Regions are the real AWS Region
 * names; the partition follows from the Region (cn-* -> aws-cn,
 * us-gov-* -> aws-us-gov, else aws).
 */
#ifndef VS_IDS_H
#define VS_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#define VS_ID_LEN      32    /* buffer size for any resource ID */
#define VS_ACCOUNT_LEN 13    /* 12 digits + NUL */
#define VS_REGION_LEN  32
#define VS_ARN_LEN     160

/* Writes "<prefix>-<17 hex>" into out[VS_ID_LEN]. */
void vs_id_new(vs_rng_t *rng, const char *prefix, char out[VS_ID_LEN]);
/* s is "<prefix>-" + 8 or 17 lowercase hex digits. */
bool vs_id_valid(const char *s, const char *prefix);
/* The prefix of an ID ("vpc" for "vpc-0a1b..."), copied into out;
 * false if s has no '-' or the prefix is longer than outlen-1. */
bool vs_id_prefix(const char *s, char *out, size_t outlen);

bool vs_account_valid(const char *s);          /* exactly 12 ASCII digits */

/* Known Regions. vs_region_partition returns "aws", "aws-cn" or
 * "aws-us-gov", or NULL for an unknown Region name. */
bool vs_region_known(const char *region);
const char *vs_region_partition(const char *region);
/* NULL-terminated list of all known Regions (static storage). */
const char *const *vs_region_all(void);

typedef struct {
    char partition[16];
    char service[16];
    char region[VS_REGION_LEN];
    char account[VS_ACCOUNT_LEN];
    char resource_type[40];     /* "vpc", "vpc-peering-connection", ... */
    char resource_id[VS_ID_LEN];
} vs_arn_t;

/* "arn:PARTITION:ec2:REGION:ACCOUNT:TYPE/ID". Returns length or -1. */
int vs_arn_format(char *out, size_t len, const char *partition, const char *region,
                  const char *account, const char *type, const char *id);
/* Parses and validates an ec2 ARN; 0 ok, -1 malformed. */
int vs_arn_parse(const char *s, vs_arn_t *out);

#endif
