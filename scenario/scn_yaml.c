/* scn_yaml: libyaml events into a line-numbered tree (see scn_yaml.h). */
#include "scn_yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct {
    char *key;               /* mapping key; NULL in sequences */
    int key_line;
    scn_ynode_t *node;
} s_entry_t;

struct scn_ynode {
    scn_ytype_t type;
    int line;
    char *str;               /* scalars */
    bool quoted;
    s_entry_t *items;        /* maps and sequences */
    size_t n, cap;
};

typedef struct {
    yaml_parser_t p;
    size_t nodes;
    char *err;
    size_t errlen;
} s_reader_t;

static void s_node_free(scn_ynode_t *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        free(n->items[i].key);
        s_node_free(n->items[i].node);
    }
    free(n->items);
    free(n->str);
    free(n);
}

void scn_yaml_free(scn_ynode_t **root)
{
    if (root && *root) {
        s_node_free(*root);
        *root = NULL;
    }
}

static int s_fail(s_reader_t *r, int line, const char *what)
{
    snprintf(r->err, r->errlen, "line %d: %s", line, what);
    return -1;
}

static int s_next(s_reader_t *r, yaml_event_t *ev)
{
    if (yaml_parser_parse(&r->p, ev))
        return 0;
    int line = (int)(r->p.problem_mark.line + 1);
    char what[200];
    snprintf(what, sizeof what, "%s%s%s", r->p.problem ? r->p.problem : "invalid YAML",
             r->p.context ? " " : "", r->p.context ? r->p.context : "");
    return s_fail(r, line, what);
}

static scn_ynode_t *s_new(s_reader_t *r, scn_ytype_t t, int line)
{
    if (++r->nodes > SCN_YAML_MAX_NODES) {
        s_fail(r, line, "too many nodes for a scenario file");
        return NULL;
    }
    scn_ynode_t *n = calloc(1, sizeof *n);
    if (!n) {
        s_fail(r, line, "out of memory");
        return NULL;
    }
    n->type = t;
    n->line = line;
    return n;
}

static int s_append(s_reader_t *r, scn_ynode_t *parent, char *key, int key_line, scn_ynode_t *child)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        s_entry_t *items = realloc(parent->items, cap * sizeof *items);
        if (!items) {
            free(key);
            s_node_free(child);
            return s_fail(r, child ? child->line : 0, "out of memory");
        }
        parent->items = items;
        parent->cap = cap;
    }
    parent->items[parent->n++] = (s_entry_t){ key, key_line, child };
    return 0;
}

/* Reads the node that starts with ev (consumed), recursively. */
static scn_ynode_t *s_node(s_reader_t *r, yaml_event_t *ev, int depth)
{
    int line = (int)ev->start_mark.line + 1;
    if (depth > SCN_YAML_MAX_DEPTH) {
        s_fail(r, line, "nested too deeply");
        return NULL;
    }
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        s_fail(r, line, "aliases (*name) are not supported in scenario files");
        return NULL;
    case YAML_SCALAR_EVENT: {
        scn_ynode_t *n = s_new(r, SCN_Y_SCALAR, line);
        if (!n)
            return NULL;
        n->str = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        n->quoted = !ev->data.scalar.plain_implicit;
        if (!n->str) {
            s_node_free(n);
            s_fail(r, line, "out of memory");
            return NULL;
        }
        return n;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool map = ev->type == YAML_MAPPING_START_EVENT;
        scn_ynode_t *n = s_new(r, map ? SCN_Y_MAP : SCN_Y_SEQ, line);
        if (!n)
            return NULL;
        for (;;) {
            yaml_event_t e;
            if (s_next(r, &e) < 0) {
                s_node_free(n);
                return NULL;
            }
            if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT) {
                yaml_event_delete(&e);
                return n;
            }
            char *key = NULL;
            int key_line = (int)e.start_mark.line + 1;
            if (map) {
                if (e.type != YAML_SCALAR_EVENT) {
                    yaml_event_delete(&e);
                    s_node_free(n);
                    s_fail(r, key_line, "mapping keys must be plain words");
                    return NULL;
                }
                key = strndup((const char *)e.data.scalar.value, e.data.scalar.length);
                yaml_event_delete(&e);
                for (size_t i = 0; key && i < n->n; i++) {
                    if (!strcmp(n->items[i].key, key)) {
                        char what[160];
                        snprintf(what, sizeof what, "duplicate key '%.100s'", key);
                        free(key);
                        s_node_free(n);
                        s_fail(r, key_line, what);
                        return NULL;
                    }
                }
                if (!key || s_next(r, &e) < 0) {
                    free(key);
                    s_node_free(n);
                    return NULL;
                }
            }
            scn_ynode_t *child = s_node(r, &e, depth + 1);
            yaml_event_delete(&e);
            if (!child || s_append(r, n, key, key_line, child) < 0) {
                if (!child)
                    free(key);
                s_node_free(n);
                return NULL;
            }
        }
    }
    default:
        s_fail(r, line, "unexpected YAML event");
        return NULL;
    }
}

scn_ynode_t *scn_yaml_load(const char *text, size_t len, char *err, size_t errlen)
{
    s_reader_t r = { .err = err, .errlen = errlen };
    if (len > SCN_YAML_MAX_INPUT) {
        snprintf(err, errlen, "the file is larger than %u bytes", SCN_YAML_MAX_INPUT);
        return NULL;
    }
    if (!yaml_parser_initialize(&r.p)) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&r.p, (const unsigned char *)text, len);
    scn_ynode_t *root = NULL;
    yaml_event_t ev;
    /* STREAM-START, DOCUMENT-START, the root node, DOCUMENT-END. */
    while (!root) {
        if (s_next(&r, &ev) < 0)
            break;
        if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        if (ev.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            s_fail(&r, 1, "the file is empty");
            break;
        }
        root = s_node(&r, &ev, 0);
        yaml_event_delete(&ev);
        if (!root)
            break;
        if (s_next(&r, &ev) < 0) {
            scn_yaml_free(&root);
            break;
        }
        bool end = ev.type == YAML_DOCUMENT_END_EVENT;
        yaml_event_delete(&ev);
        if (end && s_next(&r, &ev) == 0) {
            if (ev.type != YAML_STREAM_END_EVENT) {
                s_fail(&r, (int)ev.start_mark.line + 1, "only one YAML document per scenario file");
                scn_yaml_free(&root);
            }
            yaml_event_delete(&ev);
        } else {
            scn_yaml_free(&root);
        }
        break;
    }
    yaml_parser_delete(&r.p);
    return root;
}

scn_ytype_t scn_ynode_type(const scn_ynode_t *n) { return n->type; }
int scn_ynode_line(const scn_ynode_t *n) { return n->line; }
const char *scn_ynode_str(const scn_ynode_t *n) { return n && n->type == SCN_Y_SCALAR ? n->str : NULL; }
bool scn_ynode_quoted(const scn_ynode_t *n) { return n && n->quoted; }

bool scn_ynode_is_null(const scn_ynode_t *n)
{
    return n && n->type == SCN_Y_SCALAR && !n->quoted &&
           (!*n->str || !strcmp(n->str, "~") || !strcmp(n->str, "null"));
}

size_t scn_ynode_len(const scn_ynode_t *n) { return n && n->type != SCN_Y_SCALAR ? n->n : 0; }

const scn_ynode_t *scn_ynode_at(const scn_ynode_t *n, size_t i)
{
    return n && n->type != SCN_Y_SCALAR && i < n->n ? n->items[i].node : NULL;
}

const char *scn_ynode_key_at(const scn_ynode_t *n, size_t i)
{
    return n && n->type == SCN_Y_MAP && i < n->n ? n->items[i].key : NULL;
}

int scn_ynode_key_line(const scn_ynode_t *n, size_t i)
{
    return n && i < n->n ? n->items[i].key_line : 0;
}

const scn_ynode_t *scn_ynode_get(const scn_ynode_t *n, const char *key)
{
    for (size_t i = 0; n && n->type == SCN_Y_MAP && i < n->n; i++)
        if (!strcmp(n->items[i].key, key))
            return n->items[i].node;
    return NULL;
}
