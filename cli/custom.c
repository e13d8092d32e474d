/* custom: the AWS CLI's ec2 customizations (see custom.h). */
#include "custom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "globals.h"
#include "params.h"

/* secgroupsimplify._build_ip_permissions: everything goes into the first
 * IpPermission, group ids/names/owners into its first UserIdGroupPair. */
static void s_build_ip_permissions(vs_json_t *params, const char *key, vs_json_t *value)
{
    vs_json_t *perms = (vs_json_t *)vs_json_get(params, "IpPermissions");
    if (!perms) {
        perms = vs_json_set(params, "IpPermissions", vs_json_array());
        vs_json_push(perms, vs_json_object());
    }
    vs_json_t *perm = (vs_json_t *)vs_json_at(perms, 0);
    if (!perm) {
        vs_json_free(&value);
        return;
    }
    if (!strcmp(key, "GroupId") || !strcmp(key, "GroupName") || !strcmp(key, "UserId")) {
        vs_json_t *pairs = (vs_json_t *)vs_json_get(perm, "UserIdGroupPairs");
        if (!pairs) {
            pairs = vs_json_set(perm, "UserIdGroupPairs", vs_json_array());
            vs_json_push(pairs, vs_json_object());
        }
        vs_json_t *pair = (vs_json_t *)vs_json_at(pairs, 0);
        if (pair)
            vs_json_set(pair, key, value);
        else
            vs_json_free(&value);
        return;
    }
    vs_json_set(perm, key, value);
}

static int s_fail(char **err, const char *msg)
{
    *err = cli_error_text("%s", msg);
    return CLI_EXIT_USAGE;
}

static int s_count(const char *value, vs_json_t *input, char **err)
{
    const char *colon = strchr(value, ':');
    char lo[32], hi[32];
    size_t n = colon ? (size_t)(colon - value) : strlen(value);
    int64_t min, max;
    if (n >= sizeof lo || (colon && strlen(colon + 1) >= sizeof hi) || (colon && strchr(colon + 1, ':')))
        return s_fail(err, "count parameter should be of form min[:max] (e.g. 1 or 1:10)");
    memcpy(lo, value, n);
    lo[n] = '\0';
    snprintf(hi, sizeof hi, "%s", colon ? colon + 1 : lo);
    if (!cli_py_int(lo, &min) || !cli_py_int(hi, &max))
        return s_fail(err, "count parameter should be of form min[:max] (e.g. 1 or 1:10)");
    vs_json_set_int(input, "MinCount", min);
    vs_json_set_int(input, "MaxCount", max);
    return 0;
}

static int s_protocol(const char *value, vs_json_t *input, char **err)
{
    int64_t n;
    const char *v = value;
    if (cli_py_int(value, &n)) {
        if ((n < 0 || n > 255) && n != -1)
            return s_fail(err, "protocol numbers must be in the range 0-255 or -1 to specify all protocols");
    } else if (!strcmp(value, "all")) {
        v = "-1";
    } else if (strcmp(value, "tcp") && strcmp(value, "udp") && strcmp(value, "icmp")) {
        return s_fail(err, "protocol parameter should be one of: tcp|udp|icmp|all or any valid protocol number.");
    }
    s_build_ip_permissions(input, "IpProtocol", vs_json_str(v));
    return 0;
}

static int s_port(const char *value, vs_json_t *input, char **err)
{
    static const char *const msg = "port parameter should be of the form <from[-to]> (e.g. 22 or 22-25)";
    char from[32], to[32];
    if (!strcmp(value, "-1") || !strcmp(value, "all")) {
        strcpy(from, "-1");
        strcpy(to, "-1");
    } else {
        const char *dash = strchr(value, '-');
        size_t n = dash ? (size_t)(dash - value) : strlen(value);
        if (n >= sizeof from || (dash && strlen(dash + 1) >= sizeof to))
            return s_fail(err, msg);
        memcpy(from, value, n);
        from[n] = '\0';
        snprintf(to, sizeof to, "%s", dash ? dash + 1 : from);
    }
    int64_t f, t;
    if (!cli_py_int(from, &f) || !cli_py_int(to, &t))
        return s_fail(err, msg);
    s_build_ip_permissions(input, "FromPort", vs_json_int(f));
    s_build_ip_permissions(input, "ToPort", vs_json_int(t));
    return 0;
}

int cli_custom_apply(const char *name, const char *value, vs_json_t *input, cli_paging_t *paging,
                     char **err)
{
    *err = NULL;
    if (!strcmp(name, "count"))
        return s_count(value, input, err);
    if (!value[0])
        return 0;    /* the secgroup arguments ignore empty values ("if value:") */
    if (!strcmp(name, "protocol"))
        return s_protocol(value, input, err);
    if (!strcmp(name, "port"))
        return s_port(value, input, err);
    if (!strcmp(name, "cidr")) {
        vs_json_t *ranges = vs_json_array();
        vs_json_t *r = vs_json_push(ranges, vs_json_object());
        vs_json_set_str(r, "CidrIp", value);
        s_build_ip_permissions(input, "IpRanges", ranges);
        return 0;
    }
    if (!strcmp(name, "source-group")) {
        s_build_ip_permissions(input, strncmp(value, "sg-", 3) == 0 ? "GroupId" : "GroupName",
                               vs_json_str(value));
        return 0;
    }
    if (!strcmp(name, "group-owner")) {
        s_build_ip_permissions(input, "UserId", vs_json_str(value));
        return 0;
    }
    if (!strcmp(name, "starting-token")) {
        free(paging->starting_token);
        paging->starting_token = strdup(value);
        return 0;
    }
    if (!strcmp(name, "page-size") || !strcmp(name, "max-items")) {
        int64_t n;
        if (!cli_py_int(value, &n)) {
            *err = cli_error_text("Error parsing parameter '--%s': invalid literal for int() with base 10: '%s'",
                                  name, value);
            return CLI_EXIT_USAGE;
        }
        if (name[0] == 'p')
            paging->page_size = n;
        else
            paging->max_items = n;
        return 0;
    }
    *err = cli_error_text("internal error: unknown customization @%s", name);
    return CLI_EXIT_FAILED;
}

int cli_custom_finish(const char *const *given, int ngiven, vs_json_t *input, char **err)
{
    *err = NULL;
    bool ip_permissions = false;
    for (int i = 0; i < ngiven; i++)
        if (!strcmp(given[i], "--ip-permissions"))
            ip_permissions = true;
    if (ip_permissions) {
        static const char *const simple[] = { "--protocol", "--port", "--cidr", "--source-group",
                                              "--group-owner" };
        for (size_t k = 0; k < sizeof simple / sizeof simple[0]; k++)
            for (int i = 0; i < ngiven; i++)
                if (!strcmp(given[i], simple[k])) {
                    *err = cli_error_text("The %s option is not compatible with the --ip-permissions option ",
                                          simple[k]);
                    return CLI_EXIT_USAGE;
                }
    }
    return 0;
}
