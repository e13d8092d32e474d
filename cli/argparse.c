/* argparse: ec2 options to the operation's input document (see
 * argparse.h). Phase 1 splits argv into options and values as Python's
 * argparse does; phase 2 checks required and unknown options as awscli's
 * clidriver does; phase 3 unpacks each option in table order; phase 4
 * validates the document as botocore does. */
#include "argparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "custom.h"
#include "globals.h"
#include "params.h"
#include "ranges.h"
#include "schema.h"
#include "unpack.h"

#define S_CLI_INPUT_JSON "--cli-input-json"

typedef enum {
    K_ONE,          /* exactly one value */
    K_LIST,         /* nargs='*': every following non-option argument */
    K_FLAG,         /* boolean: --x / --no-x */
    K_VALUE_BOOL    /* {Value: boolean}: --x [VALUE] / --no-x */
} s_kind_t;

typedef struct {
    const cli_opt_t *opt;   /* NULL for --cli-input-json */
    bool given;
    bool positive;          /* K_VALUE_BOOL: --x given (with or without value) */
    bool negative;          /* K_FLAG / K_VALUE_BOOL: --no-x given */
    int first, n;           /* values: argv[first .. first+n-1] unless inline */
    const char *inline_val; /* --opt=value */
} s_seen_t;

void cli_call_clear(cli_call_t *call)
{
    vs_json_free(&call->input);
    free(call->paging.starting_token);
    memset(call, 0, sizeof *call);
}

static s_kind_t s_kind(const cli_opt_t *o)
{
    if (!o || cli_opt_custom(o))
        return K_ONE;
    switch (cli_schema_kind(o->type)) {
    case CLI_T_BOOL:
        return K_FLAG;
    case CLI_T_LIST:
        return K_LIST;
    case CLI_T_STRUCT: {
        const char *v = cli_schema_member(o->type, "Value");
        return cli_schema_nmembers(o->type) == 1 && v && cli_schema_kind(v) == CLI_T_BOOL ? K_VALUE_BOOL
                                                                                            : K_ONE;
    }
    default:
        return K_ONE;
    }
}

/* argparse's _negative_number_matcher: ^-\d+$|^-\d*\.\d+$ */
static bool s_negative_number(const char *a)
{
    if (a[0] != '-')
        return false;
    const char *p = a + 1;
    const char *dot = strchr(p, '.');
    size_t digits = strspn(p, "0123456789");
    if (!dot)
        return digits > 0 && p[digits] == '\0';
    return p + digits == dot && dot[1] && strspn(dot + 1, "0123456789") == strlen(dot + 1);
}

/* Would argparse take this argument for an option (an 'O')? */
static bool s_looks_like_option(const char *a)
{
    return a[0] == '-' && a[1] && !s_negative_number(a) && !strchr(a, ' ');
}

/* Every option string the command accepts, for exact and prefix matching:
 * index i < nopts is opts[i] (positive), i + nopts its "--no-" form, and
 * 2 * nopts is --cli-input-json. */
static bool s_optstring(const cli_opt_t *opts, size_t nopts, size_t i, char *out, size_t outlen)
{
    if (i == 2 * nopts) {
        snprintf(out, outlen, "%s", S_CLI_INPUT_JSON);
        return true;
    }
    const cli_opt_t *o = &opts[i % nopts];
    if (cli_opt_hidden(o))
        return false;
    if (i < nopts) {
        snprintf(out, outlen, "%s", cli_opt_flag(o));
        return true;
    }
    s_kind_t k = s_kind(o);
    if (k != K_FLAG && k != K_VALUE_BOOL)
        return false;
    snprintf(out, outlen, "--no-%s", cli_opt_flag(o) + 2);
    return true;
}

/* Resolves an option word (without "=value") to an index as above;
 * -1 unknown, -2 ambiguous (message in amb). */
static long s_resolve(const cli_opt_t *opts, size_t nopts, const char *word, size_t wlen, vs_buf_t *amb)
{
    char s[160];
    long found = -1;
    int matches = 0;
    for (size_t i = 0; i <= 2 * nopts; i++)
        if (s_optstring(opts, nopts, i, s, sizeof s) && strlen(s) == wlen && !strncmp(s, word, wlen))
            return (long)i;
    for (size_t i = 0; i <= 2 * nopts; i++) {
        if (s_optstring(opts, nopts, i, s, sizeof s) && !strncmp(s, word, wlen)) {
            vs_buf_printf(amb, "%s%s", matches ? ", " : "", s);
            found = (long)i;
            matches++;
        }
    }
    if (matches > 1)
        return -2;
    return found;
}

static int s_usage_fail(char **err, char *msg)
{
    *err = msg;
    return CLI_EXIT_USAGE;
}

/* Phase 1. Fills seen[] (nopts + 1 entries, the last for --cli-input-json)
 * and the unknown arguments (options first, then stray values, as
 * argparse's parse_known_args returns them). */
static int s_scan(const cli_opt_t *opts, size_t nopts, int argc, char *const *argv, s_seen_t *seen,
                  vs_buf_t *unknown, char **err)
{
    vs_buf_t strays = VS_BUF_INIT;
    int nunknown = 0, nstrays = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!s_looks_like_option(a)) {
            vs_buf_printf(&strays, "%s%s", nstrays++ ? ", " : "", a);
            continue;
        }
        const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
        size_t wlen = eq ? (size_t)(eq - a) : strlen(a);
        vs_buf_t amb = VS_BUF_INIT;
        long idx = s_resolve(opts, nopts, a, wlen, &amb);
        if (idx == -2) {
            char *m = cli_usage_error("ambiguous option: %.*s could match %s", (int)wlen, a, vs_buf_str(&amb));
            vs_buf_release(&amb);
            vs_buf_release(&strays);
            return s_usage_fail(err, m);
        }
        vs_buf_release(&amb);
        if (idx < 0) {
            vs_buf_printf(unknown, "%s%s", nunknown++ ? ", " : "", a);
            continue;
        }
        bool negative = (size_t)idx >= nopts && (size_t)idx < 2 * nopts;
        size_t slot = (size_t)idx == 2 * nopts ? nopts : (size_t)idx % nopts;
        const cli_opt_t *o = slot < nopts ? &opts[slot] : NULL;
        s_seen_t *s = &seen[slot];
        s_kind_t k = s_kind(o);
        char name[160];
        s_optstring(opts, nopts, (size_t)idx, name, sizeof name);
        s->given = true;
        if (negative || k == K_FLAG) {
            if (eq) {
                vs_buf_release(&strays);
                return s_usage_fail(err, cli_usage_error("argument %s: ignored explicit argument '%s'",
                                                         name, eq + 1));
            }
            if (negative)
                s->negative = true;
            else
                s->positive = true;
            continue;
        }
        s->positive = true;
        s->inline_val = eq ? eq + 1 : NULL;
        s->first = i + 1;
        s->n = 0;
        if (eq)
            continue;
        if (k == K_LIST) {
            while (i + 1 < argc && !s_looks_like_option(argv[i + 1])) {
                i++;
                s->n++;
            }
        } else if (i + 1 < argc && !s_looks_like_option(argv[i + 1])) {
            i++;
            s->n = 1;
        } else if (k == K_ONE) {
            vs_buf_release(&strays);
            return s_usage_fail(err, cli_usage_error("argument %s: expected one argument", name));
        }
    }
    if (nstrays)
        vs_buf_printf(unknown, "%s%s", nunknown ? ", " : "", vs_buf_str(&strays));
    vs_buf_release(&strays);
    return 0;
}

/* Phase 4: botocore's validation of the whole input. */
static int s_validate(const cli_cmd_t *cmd, const vs_json_t *input, int64_t page_size, char **err)
{
    vs_buf_t errs = VS_BUF_INIT;
    int n = 0;
    for (const cli_opt_t *o = cmd->opts; o->name; o++) {
        if (cli_opt_required(o) && o->member && !vs_json_get(input, o->member)) {
            vs_buf_printf(&errs, "Missing required parameter in input: \"%s\"\n", o->member);
            n++;
        }
    }
    for (size_t i = 0; i < vs_json_len(input); i++) {
        const char *k = vs_json_key_at(input, i);
        bool known = false;
        for (const cli_opt_t *o = cmd->opts; o->name && !known; o++)
            known = o->member && !strcmp(o->member, k);
        if (known)
            continue;
        vs_buf_printf(&errs, "Unknown parameter in input: \"%s\", must be one of: ", k);
        bool first = true;
        for (const cli_opt_t *o = cmd->opts; o->name; o++) {
            if (o->member) {
                vs_buf_printf(&errs, "%s%s", first ? "" : ", ", o->member);
                first = false;
            }
        }
        vs_buf_putc(&errs, '\n');
        n++;
    }
    for (size_t i = 0; i < vs_json_len(input); i++) {
        const char *k = vs_json_key_at(input, i);
        for (const cli_opt_t *o = cmd->opts; o->name; o++)
            if (o->member && !cli_opt_custom(o) && !strcmp(o->member, k))
                n += cli_params_validate(o->type, vs_json_at(input, i), k, &errs);
    }
    if (n == 0)
        n += cli_ranges_check(cmd->action, input, page_size, &errs);
    if (n == 0) {
        vs_buf_release(&errs);
        return 0;
    }
    /* The lines end in '\n'; the message is "\nParameter validation
     * failed:\n<lines>" as the AWS CLI prints it. */
    vs_buf_t msg = VS_BUF_INIT;
    vs_buf_printf(&msg, "\nParameter validation failed:\n%s", vs_buf_str(&errs));
    vs_buf_release(&errs);
    *err = vs_buf_take(&msg);
    return CLI_EXIT_USAGE;
}

/* Phase 3 for one option. */
static int s_unpack_one(const cli_opt_t *o, const s_seen_t *s, char *const *argv, vs_json_t *input,
                        cli_paging_t *paging, cli_paramfile_fn pf, void *pf_ctx, char **err)
{
    const char *flag = cli_opt_flag(o);
    s_kind_t k = s_kind(o);
    const char *one = s->inline_val;
    const char *const *vals = s->inline_val ? &one : (const char *const *)argv + s->first;
    int n = s->inline_val ? 1 : s->n;
    if (k == K_FLAG) {
        if (s->positive && s->negative) {
            *err = cli_error_text("Cannot specify both the \"%s\" option and the \"--no-%s\" option.",
                                  flag, flag + 2);
            return CLI_EXIT_USAGE;
        }
        vs_json_set_bool(input, o->member, s->positive);
        return 0;
    }
    if (k == K_VALUE_BOOL && (s->negative || (s->positive && n == 0))) {
        if (s->positive && s->negative) {
            *err = cli_error_text("Cannot specify both the \"%s\" option and the \"--no-%s\" option.",
                                  flag, flag + 2);
            return CLI_EXIT_USAGE;
        }
        vs_json_t *v = vs_json_object();
        vs_json_set_bool(v, "Value", s->positive);
        vs_json_set(input, o->member, v);
        return 0;
    }
    if (cli_opt_custom(o))
        return cli_custom_apply(o->type + 1, n > 0 ? vals[0] : "", input, paging, err);
    vs_json_t *v = cli_unpack(flag, o->type, vals, n, pf, pf_ctx, err);
    if (!v)
        return CLI_EXIT_USAGE;
    vs_json_set(input, o->member, v);
    return 0;
}

int cli_argparse(const cli_cmd_t *cmd, int argc, char *const *argv, bool no_paginate,
                 cli_paramfile_fn pf, void *pf_ctx, cli_call_t *call, char **err)
{
    memset(call, 0, sizeof *call);
    *err = NULL;
    if (argc == 1 && !strcmp(argv[0], "help")) {
        call->help = true;
        return 0;
    }
    size_t nopts = 0;
    while (cmd->opts[nopts].name)
        nopts++;
    s_seen_t *seen = calloc(nopts + 1, sizeof *seen);
    const char **given = calloc(nopts + 1, sizeof *given);
    vs_buf_t unknown = VS_BUF_INIT;
    int ngiven = 0, rc;
    if (!seen || !given) {
        rc = s_usage_fail(err, cli_error_text("out of memory"));
        goto out;
    }
    for (size_t i = 0; i < nopts; i++)
        seen[i].opt = &cmd->opts[i];
    rc = s_scan(cmd->opts, nopts, argc, argv, seen, &unknown, err);
    if (rc)
        goto out;

    /* Phase 2: required options (not enforced with --cli-input-json, which
     * may carry them), then unknown ones. */
    if (!seen[nopts].given) {
        vs_buf_t missing = VS_BUF_INIT;
        int nmissing = 0;
        for (size_t i = 0; i < nopts; i++)
            /* A required boolean (--egress / --no-egress) is left to
             * botocore's check, as the AWS CLI's argparse does not
             * require either form. */
            if (cli_opt_required(&cmd->opts[i]) && !seen[i].given && s_kind(&cmd->opts[i]) != K_FLAG)
                vs_buf_printf(&missing, "%s%s", nmissing++ ? ", " : "", cli_opt_flag(&cmd->opts[i]));
        if (nmissing) {
            rc = s_usage_fail(err, cli_usage_error("the following arguments are required: %s",
                                                   vs_buf_str(&missing)));
            vs_buf_release(&missing);
            goto out;
        }
        vs_buf_release(&missing);
    }
    if (unknown.len) {
        vs_buf_t m = VS_BUF_INIT;
        vs_buf_printf(&m, "\n%s\nUnknown options: %s\n", cli_usage_text(), vs_buf_str(&unknown));
        rc = s_usage_fail(err, vs_buf_take(&m));
        goto out;
    }

    /* Phase 3: options in table order, then --cli-input-json for the keys
     * the command line did not set, then defaults. */
    call->input = vs_json_object();
    for (size_t i = 0; i < nopts && call->input; i++) {
        if (!seen[i].given)
            continue;
        given[ngiven++] = cli_opt_flag(&cmd->opts[i]);
        rc = s_unpack_one(&cmd->opts[i], &seen[i], argv, call->input, &call->paging, pf, pf_ctx, err);
        if (rc)
            goto out;
    }
    rc = cli_custom_finish(given, ngiven, call->input, err);
    if (rc)
        goto out;
    if (seen[nopts].given) {
        const s_seen_t *s = &seen[nopts];
        const char *one = s->inline_val;
        const char *const *vals = one ? &one : (const char *const *)argv + s->first;
        vs_json_t *doc = cli_unpack(S_CLI_INPUT_JSON, "s", vals, one ? 1 : s->n, pf, pf_ctx, err);
        vs_json_t *in = NULL;
        if (doc) {
            in = cli_unpack_json(S_CLI_INPUT_JSON, vs_json_as_str(doc), err);
            vs_json_free(&doc);
        }
        if (!in) {
            rc = CLI_EXIT_USAGE;
            goto out;
        }
        if (vs_json_type(in) != VS_JSON_OBJECT) {
            vs_json_free(&in);
            rc = s_usage_fail(err, cli_error_text("Error parsing parameter '%s': Invalid JSON: "
                                                  "expected a JSON object", S_CLI_INPUT_JSON));
            goto out;
        }
        for (size_t i = 0; i < vs_json_len(in); i++)
            if (!vs_json_get(call->input, vs_json_key_at(in, i)))
                vs_json_set(call->input, vs_json_key_at(in, i), vs_json_clone(vs_json_at(in, i)));
        vs_json_free(&in);
    }
    if (cli_cmd_find_opt(cmd, "--count")) {
        if (!vs_json_get(call->input, "MaxCount"))
            vs_json_set_int(call->input, "MaxCount", 1);
        if (!vs_json_get(call->input, "MinCount"))
            vs_json_set_int(call->input, "MinCount", 1);
    }

    /* Pagination: a manual NextToken/MaxResults (or --no-paginate) means
     * one call, and then the CLI's own paging options make no sense. */
    if (cmd->result_key) {
        call->paging.manual = vs_json_get(call->input, "NextToken") || vs_json_get(call->input, "MaxResults");
        if (call->paging.manual || no_paginate) {
            vs_buf_t used = VS_BUF_INIT;
            int nused = 0;
            if (call->paging.starting_token)
                vs_buf_printf(&used, "%s--starting-token", nused++ ? ", " : "");
            if (call->paging.page_size)
                vs_buf_printf(&used, "%s--page-size", nused++ ? ", " : "");
            if (call->paging.max_items)
                vs_buf_printf(&used, "%s--max-items", nused++ ? ", " : "");
            if (nused) {
                rc = s_usage_fail(err, cli_error_text("Cannot specify --no-paginate along with pagination "
                                                      "arguments: %s", vs_buf_str(&used)));
                vs_buf_release(&used);
                goto out;
            }
            vs_buf_release(&used);
            call->paging.manual = true;
        }
    }
    rc = s_validate(cmd, call->input, call->paging.manual ? 0 : call->paging.page_size, err);
out:
    if (rc)
        cli_call_clear(call);
    vs_buf_release(&unknown);
    free(seen);
    free(given);
    return rc;
}
