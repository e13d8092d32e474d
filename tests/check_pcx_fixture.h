/* Shared fixtures of the check_pcx* unit tests: build peering records in a
 * line. Header-only (static functions), included by each test file. */
#ifndef CHECK_PCX_FIXTURE_H
#define CHECK_PCX_FIXTURE_H

#include <check.h>
#include <stdarg.h>
#include <string.h>

#include "cidr.h"
#include "clock.h"
#include "json.h"
#include "pcx.h"

/* 2019-06-15T08:55:29Z: the seed's request, created 7 days before its
 * ExpirationTime 2019-06-22T08:55:29. */
#define FX_T0 1560588929000ull
#define FX_PCX "pcx-01bfaf57ab86dad52"
#define FX_REQ_VPC "vpc-0612ac63"
#define FX_ACC_VPC "vpc-07d753c8aa4f6f51a"

static inline vs_cidr_t fx_cidr(const char *s)
{
    vs_cidr_t c;
    ck_assert_msg(vs_cidr_parse(s, VS_CIDR_STRICT, &c) == 0, "bad test cidr %s", s);
    return c;
}

/* One end with the CIDRs given as a NULL-terminated list. */
static inline vs_pcx_vpc_t fx_vpc(const char *account, const char *region, const char *vpc,
                                  ...)
{
    vs_pcx_vpc_t v;
    ck_assert_int_eq(vs_pcx_vpc_set(&v, account, region, vpc), 0);
    va_list ap;
    va_start(ap, vpc);
    for (const char *c = va_arg(ap, const char *); c; c = va_arg(ap, const char *)) {
        vs_cidr_t b = fx_cidr(c);
        ck_assert_int_eq(vs_pcx_vpc_add_cidr(&v, &b), 0);
    }
    va_end(ap);
    return v;
}

/* A pcx in initiating-request created at FX_T0. The requester VPC has
 * 10.1.0.0/16 + 10.11.0.0/16 and 2600:1f18:aaaa:100::/56; the accepter
 * 10.2.0.0/16 + 2600:1f18:bbbb:200::/56. */
static inline vs_pcx_t fx_pcx(const char *req_acct, const char *req_region,
                              const char *acc_acct, const char *acc_region)
{
    vs_pcx_vpc_t r = fx_vpc(req_acct, req_region, FX_REQ_VPC, "10.1.0.0/16", "10.11.0.0/16",
                            "2600:1f18:aaaa:100::/56", NULL);
    vs_pcx_vpc_t a = fx_vpc(acc_acct, acc_region, FX_ACC_VPC, "10.2.0.0/16",
                            "2600:1f18:bbbb:200::/56", NULL);
    vs_pcx_t p;
    char why[128] = "";
    ck_assert_msg(vs_pcx_init(&p, FX_PCX, &r, &a, FX_T0, why, sizeof why) == 0, "init: %s", why);
    return p;
}

/* Parse JSON text (test data) or fail the test. */
static inline vs_json_t *fx_json(const char *text)
{
    char err[128] = "";
    vs_json_t *j = vs_json_parse(text, strlen(text), err, sizeof err);
    ck_assert_msg(j != NULL, "bad test json (%s): %s", err, text);
    return j;
}

#endif
