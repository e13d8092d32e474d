/* help: generated help (see help.h). */
#include "help.h"

#include <string.h>

#include "schema.h"

/* ParamShorthandDocGen._shorthand_docs; depth is len(stack). Returns
 * false when the shape is too deep to document (TooComplexError). */
static bool s_shorthand_docs(vs_buf_t *b, const char *t, int depth)
{
    if (depth > 3)
        return false;
    switch (cli_schema_kind(t)) {
    case CLI_T_STRUCT: {
        if (depth)
            vs_buf_putc(b, '{');
        const char *cur = t;
        cli_member_t m;
        bool first = true;
        while (cli_schema_next_member(&cur, &m)) {
            vs_buf_printf(b, "%s%.*s=", first ? "" : ",", (int)m.name_len, m.name);
            first = false;
            if (!s_shorthand_docs(b, m.type, depth + 1))
                return false;
        }
        if (depth)
            vs_buf_putc(b, '}');
        return true;
    }
    case CLI_T_LIST: {
        const char *e = cli_schema_elem(t);
        vs_buf_t el = VS_BUF_INIT;
        bool ok = s_shorthand_docs(&el, e, depth + 1);
        if (ok) {
            if (!cli_schema_is_scalar(e) || depth > 1)
                vs_buf_printf(b, "[%s,%s]", vs_buf_str(&el), vs_buf_str(&el));
            else
                vs_buf_printf(b, "%s,%s", vs_buf_str(&el), vs_buf_str(&el));
        }
        vs_buf_release(&el);
        return ok;
    }
    default:
        vs_buf_puts(b, cli_schema_type_name(t));
        return true;
    }
}

void cli_help_shorthand(vs_buf_t *b, const char *t)
{
    bool complex_type = cli_schema_kind(t) == CLI_T_STRUCT ||
                        (cli_schema_kind(t) == CLI_T_LIST && !cli_schema_is_scalar(cli_schema_elem(t)));
    if (!complex_type)
        return;
    const char *v = cli_schema_member(t, "Value");
    if (cli_schema_kind(t) == CLI_T_STRUCT && cli_schema_nmembers(t) == 1 && v &&
        cli_schema_kind(v) == CLI_T_STRING)
        return;
    vs_buf_t tmp = VS_BUF_INIT;
    bool ok = cli_schema_kind(t) == CLI_T_LIST ? s_shorthand_docs(&tmp, cli_schema_elem(t), 0)
                                               : s_shorthand_docs(&tmp, t, 0);
    if (ok) {
        vs_buf_puts(b, vs_buf_str(&tmp));
        if (cli_schema_kind(t) == CLI_T_LIST)
            vs_buf_puts(b, " ...");
    }
    vs_buf_release(&tmp);
}

static void s_indent(vs_buf_t *b, int n)
{
    vs_buf_repeat(b, ' ', (size_t)n);
}

/* The "JSON Syntax" skeleton, laid out as the AWS CLI's help does. */
static void s_json_example(vs_buf_t *b, const char *t, int indent)
{
    switch (cli_schema_kind(t)) {
    case CLI_T_STRUCT: {
        vs_buf_puts(b, "{\n");
        const char *cur = t;
        cli_member_t m;
        bool first = true;
        while (cli_schema_next_member(&cur, &m)) {
            if (!first)
                vs_buf_puts(b, ",\n");
            first = false;
            s_indent(b, indent + 2);
            vs_buf_printf(b, "\"%.*s\": ", (int)m.name_len, m.name);
            s_json_example(b, m.type, indent + 2);
        }
        vs_buf_putc(b, '\n');
        s_indent(b, indent);
        vs_buf_putc(b, '}');
        break;
    }
    case CLI_T_LIST: {
        const char *e = cli_schema_elem(t);
        if (cli_schema_is_scalar(e)) {
            vs_buf_puts(b, "[");
            s_json_example(b, e, indent);
            vs_buf_puts(b, ", ...]");
            break;
        }
        vs_buf_puts(b, "[\n");
        s_indent(b, indent + 2);
        s_json_example(b, e, indent + 2);
        vs_buf_putc(b, '\n');
        s_indent(b, indent + 2);
        vs_buf_puts(b, "...\n");
        s_indent(b, indent);
        vs_buf_putc(b, ']');
        break;
    }
    case CLI_T_STRING:
    case CLI_T_TIME:
    case CLI_T_BLOB:
        vs_buf_printf(b, "\"%s\"", cli_schema_type_name(t));
        break;
    case CLI_T_BOOL:
        vs_buf_puts(b, "true|false");
        break;
    default:
        vs_buf_puts(b, cli_schema_type_name(t));
        break;
    }
}

static void s_block(vs_buf_t *b, const char *text, int indent)
{
    s_indent(b, indent);
    for (const char *p = text; *p; p++) {
        vs_buf_putc(b, *p);
        if (*p == '\n' && p[1])
            s_indent(b, indent);
    }
    vs_buf_putc(b, '\n');
}

static const char *s_custom_help(const char *name)
{
    static const struct { const char *name, *type, *help; } h[] = {
        { "count", "string", "Number of instances to launch: N, or MIN:MAX (default 1)." },
        { "protocol", "string", "The IP protocol: tcp | udp | icmp | all, or a protocol number." },
        { "port", "string", "For TCP or UDP: a port or a range FROM-TO; all or -1 for every port." },
        { "cidr", "string", "The IPv4 address range, in CIDR format." },
        { "source-group", "string", "The ID or name of the source security group." },
        { "group-owner", "string", "The account ID that owns the source security group." },
        { "starting-token", "string", "A token to specify where to start paginating (a NextToken "
                                      "from a previously truncated response)." },
        { "page-size", "integer", "The size of each page to get in the service call." },
        { "max-items", "integer", "The total number of items to return; a NextToken is printed "
                                  "when more are available." },
    };
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
        if (!strcmp(h[i].name, name))
            return h[i].help;
    return "";
}

void cli_help_ec2(vs_buf_t *b)
{
    vs_buf_puts(b, "NAME\n       ec2 -\n\nDESCRIPTION\n"
                    "       The Amazon EC2 API of the simulated accounts: VPCs, VPC peering,\n"
                    "       subnets, route tables, security groups, instances and the\n"
                    "       Reachability Analyzer. Each call acts as the account and in the\n"
                    "       Region given by --account/--region (or VPCSIM_ACCOUNT, AWS_REGION).\n\n"
                    "SYNOPSIS\n       vpcsim [options] ec2 <subcommand> [parameters]\n\n"
                    "AVAILABLE COMMANDS\n");
    for (size_t i = 0; cli_cmdtable_at(i); i++) {
        const cli_cmd_t *c = cli_cmdtable_at(i);
        vs_buf_printf(b, "       o %-38s %s\n", c->name, c->summary);
    }
    vs_buf_puts(b, "\n       o help\n");
}

void cli_help_cmd(vs_buf_t *b, const cli_cmd_t *cmd)
{
    vs_buf_printf(b, "NAME\n       %s -\n\nDESCRIPTION\n       %s\n\n", cmd->name, cmd->summary);
    vs_buf_printf(b, "       Calls the %s API action.\n\nSYNOPSIS\n            %s\n", cmd->action, cmd->name);
    for (const cli_opt_t *o = cmd->opts; o->name; o++) {
        if (cli_opt_hidden(o))
            continue;
        const char *f = cli_opt_flag(o);
        bool flag = !cli_opt_custom(o) && cli_schema_kind(o->type) == CLI_T_BOOL;
        const char *v = cli_opt_custom(o) ? NULL : cli_schema_member(o->type, "Value");
        /* {Value: boolean} structures are flags too (awscli toplevelbool). */
        flag |= v && cli_schema_nmembers(o->type) == 1 && cli_schema_kind(v) == CLI_T_BOOL;
        if (flag)
            vs_buf_printf(b, "          [%s | --no-%s]\n", f, f + 2);
        else if (cli_opt_required(o))
            vs_buf_printf(b, "          %s <value>\n", f);
        else
            vs_buf_printf(b, "          [%s <value>]\n", f);
    }
    vs_buf_puts(b, "          [--cli-input-json <value>]\n\nOPTIONS\n");
    for (const cli_opt_t *o = cmd->opts; o->name; o++) {
        if (cli_opt_hidden(o))
            continue;
        const char *f = cli_opt_flag(o);
        if (cli_opt_custom(o)) {
            bool is_int = !strcmp(o->type, "@page-size") || !strcmp(o->type, "@max-items");
            vs_buf_printf(b, "       %s (%s)\n          %s\n\n", f, is_int ? "integer" : "string",
                           s_custom_help(o->type + 1));
            continue;
        }
        vs_buf_printf(b, "       %s (%s)%s\n", f, cli_schema_type_name(o->type),
                       cli_opt_required(o) ? " [required]" : "");
        vs_buf_printf(b, "          The %s member of the %s request.%s\n", o->member, cmd->action,
                       cli_opt_token(o) ? " Filled with a random UUID when omitted." : "");
        vs_buf_t sh = VS_BUF_INIT;
        cli_help_shorthand(&sh, o->type);
        if (sh.len) {
            vs_buf_puts(b, "\n          Shorthand Syntax:\n\n");
            s_block(b, vs_buf_str(&sh), 14);
        }
        vs_buf_release(&sh);
        if (!cli_schema_is_scalar(o->type)) {
            vs_buf_t js = VS_BUF_INIT;
            s_json_example(&js, o->type, 0);
            vs_buf_puts(b, "\n          JSON Syntax:\n\n");
            s_block(b, vs_buf_str(&js), 14);
            vs_buf_release(&js);
        }
        vs_buf_putc(b, '\n');
    }
    vs_buf_puts(b, "       --cli-input-json (string)\n"
                    "          The operation's input as a JSON document (or file://PATH); options\n"
                    "          given on the command line take precedence over its keys.\n");
}
