/* schema: the type notation of the ec2 command table (see schema.h). */
#include "schema.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Nesting bound: the deepest botocore input we describe is 4 levels; this
 * only guards the recursive validator against a malformed table entry. */
#define S_MAX_DEPTH 16

cli_type_t cli_schema_kind(const char *t)
{
    if (!t)
        return CLI_T_INVALID;
    switch (*t) {
    case 's': return CLI_T_STRING;
    case 'i': return CLI_T_INT;
    case 'b': return CLI_T_BOOL;
    case 'f': return CLI_T_FLOAT;
    case 't': return CLI_T_TIME;
    case 'B': return CLI_T_BLOB;
    case '[': return CLI_T_LIST;
    case '{': return CLI_T_STRUCT;
    default:  return CLI_T_INVALID;
    }
}

bool cli_schema_is_scalar(const char *t)
{
    cli_type_t k = cli_schema_kind(t);
    return k != CLI_T_INVALID && k != CLI_T_LIST && k != CLI_T_STRUCT;
}

const char *cli_schema_elem(const char *t)
{
    return cli_schema_kind(t) == CLI_T_LIST ? t + 1 : NULL;
}

static const char *s_end(const char *t, int depth)
{
    if (depth > S_MAX_DEPTH)
        return NULL;
    switch (cli_schema_kind(t)) {
    case CLI_T_INVALID:
        return NULL;
    case CLI_T_LIST: {
        const char *e = s_end(t + 1, depth + 1);
        return e && *e == ']' ? e + 1 : NULL;
    }
    case CLI_T_STRUCT: {
        const char *p = t + 1;
        for (;;) {
            const char *n = p;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            if (p == n || *p != ':')
                return NULL;
            p = s_end(p + 1, depth + 1);
            if (!p)
                return NULL;
            if (*p == '}')
                return p + 1;
            if (*p != ',')
                return NULL;
            p++;
        }
    }
    default:
        return t + 1;
    }
}

const char *cli_schema_end(const char *t)
{
    return t ? s_end(t, 0) : NULL;
}

bool cli_schema_next_member(const char **cur, cli_member_t *m)
{
    const char *p = *cur;
    if (!p || (*p != '{' && *p != ','))
        return false;
    p++;
    const char *name = p;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    if (p == name || *p != ':')
        return false;
    m->name = name;
    m->name_len = (size_t)(p - name);
    m->type = p + 1;
    const char *e = cli_schema_end(m->type);
    if (!e)
        return false;
    *cur = *e == ',' ? e : NULL;
    return true;
}

size_t cli_schema_nmembers(const char *t)
{
    size_t n = 0;
    cli_member_t m;
    const char *cur = cli_schema_kind(t) == CLI_T_STRUCT ? t : NULL;
    while (cli_schema_next_member(&cur, &m))
        n++;
    return n;
}

const char *cli_schema_member(const char *t, const char *name)
{
    size_t len = strlen(name);
    cli_member_t m;
    const char *cur = cli_schema_kind(t) == CLI_T_STRUCT ? t : NULL;
    while (cli_schema_next_member(&cur, &m))
        if (m.name_len == len && memcmp(m.name, name, len) == 0)
            return m.type;
    return NULL;
}

bool cli_schema_valid(const char *t, char *err, size_t errlen)
{
    const char *e = cli_schema_end(t);
    if (!e) {
        snprintf(err, errlen, "malformed type notation \"%s\"", t ? t : "(null)");
        return false;
    }
    if (*e) {
        snprintf(err, errlen, "trailing characters after type in \"%s\"", t);
        return false;
    }
    return true;
}

const char *cli_schema_type_name(const char *t)
{
    switch (cli_schema_kind(t)) {
    case CLI_T_STRING: return "string";
    case CLI_T_INT:    return "integer";
    case CLI_T_BOOL:   return "boolean";
    case CLI_T_FLOAT:  return "double";
    case CLI_T_TIME:   return "timestamp";
    case CLI_T_BLOB:   return "blob";
    case CLI_T_LIST:   return "list";
    case CLI_T_STRUCT: return "structure";
    default:           return "invalid";
    }
}
