/* ids: EC2 resource IDs, account IDs, Regions, partitions and ARNs.
 * See ids.h. All functions are pure; randomness comes from the caller's
 * vs_rng_t so that a seeded simulation produces the same IDs every run.
 */
#include "ids.h"

#include <stdio.h>
#include <string.h>

/* Longest prefix vs_id_new accepts: "<prefix>-" + 17 hex + NUL must fit
 * in VS_ID_LEN. */
#define S_PREFIX_MAX (VS_ID_LEN - 1 - 17 - 1)

static const char *const s_regions[] = {
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-7",
    "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2",
    "eu-north-1",
    "eu-south-1", "eu-south-2",
    "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1",
    "me-central-1", "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1", "us-east-2",
    "us-west-1", "us-west-2",
    "cn-north-1", "cn-northwest-1",
    "us-gov-east-1", "us-gov-west-1",
    NULL
};

/* Resource types whose ID prefix is fixed, so that an ARN such as
 * "...:vpc/subnet-0123..." is refused. Types not listed accept any ID. */
static const struct {
    const char *type, *prefix;
} s_type_prefix[] = {
    { "vpc", "vpc" },
    { "subnet", "subnet" },
    { "route-table", "rtb" },
    { "vpc-peering-connection", "pcx" },
    { "security-group", "sg" },
    { "internet-gateway", "igw" },
    { "network-acl", "acl" },
    { "network-interface", "eni" },
    { "instance", "i" },
    { "dhcp-options", "dopt" },
    { "elastic-ip", "eipalloc" },
    { "natgateway", "nat" },
    { "transit-gateway", "tgw" },
};

static bool s_is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
static bool s_is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool s_is_digit(char c) { return c >= '0' && c <= '9'; }

/* A prefix is lowercase words joined by single hyphens ("vpc",
 * "tgw-attach"), starting with a letter; digits are allowed after it. */
static bool s_prefix_ok(const char *p, size_t n)
{
    if (n == 0 || !s_is_lower(p[0]) || p[n - 1] == '-')
        return false;
    for (size_t i = 1; i < n; i++) {
        if (p[i] == '-' ? p[i - 1] == '-' : !(s_is_lower(p[i]) || s_is_digit(p[i])))
            return false;
    }
    return true;
}

void vs_id_new(vs_rng_t *rng, const char *prefix, char out[VS_ID_LEN])
{
    /* Prefixes are compile-time constants in vpcsim; a bad one is a
     * programmer error, but an empty result is safer than an overflow. */
    size_t n = prefix ? strnlen(prefix, S_PREFIX_MAX + 1) : 0;
    if (!rng || !s_prefix_ok(prefix ? prefix : "", n) || n > S_PREFIX_MAX) {
        out[0] = '\0';
        return;
    }
    /* Real 17-digit IDs are 64-bit values printed with a leading zero
     * ("vpc-0a1b2c3d4e5f67890"), so one draw gives the 16 digits after
     * the "0". */
    /* By hand rather than snprintf: IDs are minted on every create, and the
     * format machinery costs more than the draw. */
    static const char hex[] = "0123456789abcdef";
    uint64_t v = vs_rng_next(rng);
    memcpy(out, prefix, n);
    out[n] = '-';
    out[n + 1] = '0';
    for (int i = 15; i >= 0; i--, v >>= 4)
        out[n + 2 + i] = hex[v & 15];
    out[n + 18] = '\0';
}

/* vs_id_valid with the prefix known: one pass over s (the general form
 * below takes three, and IDs are checked in every message and call). The
 * same answers: s is prefix, '-', then 8 or 17 hex digits and its end, so
 * its last hyphen is the one after prefix. */
static bool s_id_valid_as(const char *s, const char *prefix)
{
    size_t plen = strlen(prefix);
    if (!s_prefix_ok(prefix, plen) || strncmp(s, prefix, plen) != 0 || s[plen] != '-')
        return false;
    const char *hex = s + plen + 1;
    size_t h = 0;
    while (h < 17 && s_is_hex(hex[h]))
        h++;
    return hex[h] == '\0' && (h == 8 || h == 17) && plen + 1 + h < VS_ID_LEN;
}

bool vs_id_valid(const char *s, const char *prefix)
{
    if (!s)
        return false;
    if (prefix)
        return s_id_valid_as(s, prefix);
    size_t len = strnlen(s, VS_ID_LEN);
    if (len >= VS_ID_LEN)
        return false;
    const char *dash = strrchr(s, '-');
    if (!dash)
        return false;
    size_t plen = (size_t)(dash - s);
    if (!s_prefix_ok(s, plen) ||
        (prefix && (strlen(prefix) != plen || memcmp(s, prefix, plen) != 0)))
        return false;
    const char *hex = dash + 1;
    size_t hlen = len - plen - 1;
    if (hlen != 8 && hlen != 17)
        return false;
    for (size_t i = 0; i < hlen; i++)
        if (!s_is_hex(hex[i]))
            return false;
    return true;
}

bool vs_id_prefix(const char *s, char *out, size_t outlen)
{
    if (!s || !out || !outlen)
        return false;
    if (strnlen(s, VS_ID_LEN) >= VS_ID_LEN)
        return false;
    /* The last hyphen, so "tgw-attach-0123..." gives "tgw-attach". */
    const char *dash = strrchr(s, '-');
    if (!dash || (size_t)(dash - s) >= outlen)
        return false;
    memcpy(out, s, (size_t)(dash - s));
    out[dash - s] = '\0';
    return true;
}

bool vs_account_valid(const char *s)
{
    if (!s)
        return false;
    for (int i = 0; i < 12; i++)
        if (!s_is_digit(s[i]))
            return false;
    return s[12] == '\0';
}

/* Every peer message names Regions (its ARNs, its records' ends), so a
 * Region is found by hashing it to a slot rather than by scanning
 * s_regions: s_region_slot[slot] is 1 + its index there, 0 for no Region.
 * The multiplier was searched for (any odd one with no two Regions in one
 * slot will do); a Region added to s_regions needs its slot here, which
 * check_ids.c's test of vs_region_all() catches when it is missing. */
#define S_REGION_MUL 0x48beab13u
#define S_REGION_SLOTS 128

static const uint8_t s_region_slot[S_REGION_SLOTS] = {
     0,  0,  0, 23,  0,  0,  0, 19,  0,  0,  0,  0,  0,  0, 27,  2,
     0,  0,  0,  0,  0,  0,  0,  0, 24, 29,  0,  0,  0,  0,  0,  0,
    10,  0,  0,  0,  5,  0, 31,  0, 16,  0,  0,  0, 20,  0,  0, 33,
     0, 13,  0,  0,  0,  0,  0,  0,  0,  0, 21,  0,  0, 30,  0,  0,
     0,  0,  0, 35, 11,  0,  0,  0,  0,  0, 32, 25, 17,  0,  0,  0,
     0, 36,  0, 14,  0,  0,  0,  8, 34,  6,  0,  3,  0,  0,  0, 22,
     0,  0, 18,  0,  0,  0,  0,  0, 12,  0,  0,  0, 26,  0, 15,  1,
     0, 28,  0,  0,  0,  0,  0,  0,  0,  0,  0,  9,  0,  7,  0,  4,
};

static unsigned s_region_hash(const char *region)
{
    uint32_t x = 0;
    for (const unsigned char *p = (const unsigned char *)region; *p; p++)
        x = x * 31 + *p;
    return (uint32_t)(x * S_REGION_MUL) >> 25;     /* the top 7 bits: 128 slots */
}

bool vs_region_known(const char *region)
{
    if (!region)
        return false;
    unsigned i = s_region_slot[s_region_hash(region)];
    return i != 0 && strcmp(s_regions[i - 1], region) == 0;
}

const char *vs_region_partition(const char *region)
{
    if (!vs_region_known(region))
        return NULL;
    if (strncmp(region, "cn-", 3) == 0)
        return "aws-cn";
    if (strncmp(region, "us-gov-", 7) == 0)
        return "aws-us-gov";
    return "aws";
}

const char *const *vs_region_all(void)
{
    return s_regions;
}

/* Checks the parts shared by format and parse. */
static bool s_arn_parts_ok(const char *partition, const char *region, const char *account,
                           const char *type, const char *id)
{
    if (!partition || !type || !id)
        return false;
    const char *want = vs_region_partition(region);
    if (!want || strcmp(want, partition) != 0 || !vs_account_valid(account))
        return false;
    size_t tlen = strnlen(type, sizeof ((vs_arn_t *)0)->resource_type);
    if (tlen >= sizeof ((vs_arn_t *)0)->resource_type || !s_prefix_ok(type, tlen))
        return false;
    for (size_t i = 0; i < sizeof s_type_prefix / sizeof s_type_prefix[0]; i++)
        if (strcmp(s_type_prefix[i].type, type) == 0)
            return vs_id_valid(id, s_type_prefix[i].prefix);
    return vs_id_valid(id, NULL);
}

int vs_arn_format(char *out, size_t len, const char *partition, const char *region,
                  const char *account, const char *type, const char *id)
{
    if (!out || !s_arn_parts_ok(partition, region, account, type, id))
        return -1;
    /* Concatenated by hand (ARNs are built for every peer message). */
    const char *parts[] = { "arn:", partition, ":ec2:", region, ":", account, ":", type, "/", id };
    size_t n = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t k = strlen(parts[i]);
        if (n >= len || k >= len - n) {
            if (len)
                out[0] = '\0';
            return -1;
        }
        memcpy(out + n, parts[i], k);
        n += k;
    }
    out[n] = '\0';
    return (int)n;
}

/* Copies s[0..n) into dst[cap] as a C string; false if it does not fit. */
static bool s_copy(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        return false;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return true;
}

int vs_arn_parse(const char *s, vs_arn_t *out)
{
    if (!s || !out)
        return -1;
    size_t len = strnlen(s, VS_ARN_LEN);
    if (len >= VS_ARN_LEN)
        return -1;
    /* Six ':'-separated fields; the last is "TYPE/ID". */
    const char *f[6];
    size_t fl[6];
    const char *p = s;
    for (int i = 0; i < 6; i++) {
        const char *colon = i < 5 ? strchr(p, ':') : NULL;
        if (i < 5 && !colon)
            return -1;
        f[i] = p;
        fl[i] = colon ? (size_t)(colon - p) : strlen(p);
        p = colon ? colon + 1 : p + fl[i];
    }
    if (memchr(f[5], ':', fl[5]))
        return -1;
    const char *slash = memchr(f[5], '/', fl[5]);
    if (!slash || memchr(slash + 1, '/', fl[5] - (size_t)(slash + 1 - f[5])))
        return -1;
    vs_arn_t a;
    if (fl[0] != 3 || memcmp(f[0], "arn", 3) != 0 ||
        !s_copy(a.partition, sizeof a.partition, f[1], fl[1]) ||
        !s_copy(a.service, sizeof a.service, f[2], fl[2]) ||
        !s_copy(a.region, sizeof a.region, f[3], fl[3]) ||
        !s_copy(a.account, sizeof a.account, f[4], fl[4]) ||
        !s_copy(a.resource_type, sizeof a.resource_type, f[5], (size_t)(slash - f[5])) ||
        !s_copy(a.resource_id, sizeof a.resource_id, slash + 1, strlen(slash + 1)))
        return -1;
    if (strcmp(a.service, "ec2") != 0 ||
        !s_arn_parts_ok(a.partition, a.region, a.account, a.resource_type, a.resource_id))
        return -1;
    *out = a;
    return 0;
}
