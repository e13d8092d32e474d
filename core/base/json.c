/* json: the value tree (constructors, objects, arrays, accessors, clone,
 * equality). The parser lives in json_parse.c and uses only the public
 * API in json.h; the printer, json_dump.c, also reads the nodes directly
 * (json_priv.h), as it visits every one of every document written.
 */
#include "json.h"
#include "json_priv.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Objects keep their members in insertion order in two parallel arrays.
 * Small objects are searched linearly; once an object grows past
 * S_INDEX_MIN members it also keeps an open-addressing hash index, so that
 * parsing an adversarial document with a million keys stays linear rather
 * than quadratic (every member goes through the duplicate-key lookup). */
#define S_INDEX_MIN 16

/* A scalar (null, bool, number): only the type and the value are ever
 * read, so they are all that is set (calloc's clearing of the whole node
 * cost more than the allocation). */
static vs_json_t *s_new(vs_json_type_t type)
{
    vs_json_t *v = malloc(sizeof *v);
    if (v) {
        v->type = type;
        v->is_int = false;
        v->u.i = 0;
    }
    return v;
}

/* A container is allocated together with room for its first members (and,
 * for an object, their keys): most objects and arrays of a document are
 * small and are built, printed and freed at once, so one allocation
 * instead of four (node, values, key offsets, keys) is what they cost.
 * Past the inline room the arrays move to the heap; a pointer equal to
 * the inline area means "not separately allocated". */
#define S_INLINE_N 8
#define S_INLINE_K 128

typedef struct {
    vs_json_t node;
    vs_json_t *vals[S_INLINE_N];
} s_arr_block_t;

typedef struct {
    vs_json_t node;
    vs_json_t *vals[S_INLINE_N];
    uint32_t koff[S_INLINE_N];
    char kbuf[S_INLINE_K];
} s_obj_block_t;

static vs_json_t *s_new_container(vs_json_type_t type)
{
    if (type == VS_JSON_ARRAY) {
        s_arr_block_t *b = malloc(sizeof *b);
        if (!b)
            return NULL;
        memset(&b->node, 0, sizeof b->node);
        b->node.type = type;
        b->node.u.c.vals = b->vals;
        b->node.u.c.cap = S_INLINE_N;
        return &b->node;
    }
    s_obj_block_t *b = malloc(sizeof *b);
    if (!b)
        return NULL;
    memset(&b->node, 0, sizeof b->node);
    b->node.type = type;
    b->node.u.c.vals = b->vals;
    b->node.u.c.koff = b->koff;
    b->node.u.c.kbuf = b->kbuf;
    b->node.u.c.cap = S_INLINE_N;
    b->node.u.c.kcap = S_INLINE_K;
    return &b->node;
}

/* (vals sits at the same offset in both blocks.) */
static bool s_inline_vals(const vs_json_t *c)
{
    return c->u.c.vals == ((const s_arr_block_t *)(const void *)c)->vals;
}

static bool s_inline_keys(const vs_json_t *o)
{
    return o->u.c.kbuf == ((const s_obj_block_t *)(const void *)o)->kbuf;
}

/* realloc() for a buffer that may still be the inline area (of `used`
 * bytes), which must be copied out rather than reallocated. */
static void *s_regrow(void *p, bool inl, size_t used, size_t size)
{
    if (!inl)
        return realloc(p, size);
    void *q = malloc(size);
    if (q && used)
        memcpy(q, p, used);
    return q;
}

void vs_json_free(vs_json_t **vp)
{
    if (!vp || !*vp)
        return;
    vs_json_t *v = *vp;
    if (v->type == VS_JSON_STRING) {
        /* The bytes live in the node's own allocation (vs_json_strn). */
    } else if (v->type == VS_JSON_ARRAY || v->type == VS_JSON_OBJECT) {
        for (size_t i = 0; i < v->u.c.n; i++)
            vs_json_free(&v->u.c.vals[i]);
        if (!s_inline_vals(v)) {
            free(v->u.c.vals);
            free(v->u.c.koff);
        }
        if (v->type == VS_JSON_OBJECT && !s_inline_keys(v))
            free(v->u.c.kbuf);
        free(v->u.c.index);
    }
    free(v);
    *vp = NULL;
}

vs_json_t *vs_json_null(void) { return s_new(VS_JSON_NULL); }
vs_json_t *vs_json_array(void) { return s_new_container(VS_JSON_ARRAY); }
vs_json_t *vs_json_object(void) { return s_new_container(VS_JSON_OBJECT); }

vs_json_t *vs_json_bool(bool b)
{
    vs_json_t *v = s_new(VS_JSON_BOOL);
    if (v)
        v->u.b = b;
    return v;
}

vs_json_t *vs_json_int(int64_t n)
{
    vs_json_t *v = s_new(VS_JSON_NUMBER);
    if (v) {
        v->is_int = true;
        v->u.i = n;
    }
    return v;
}

vs_json_t *vs_json_num(double d)
{
    vs_json_t *v = s_new(VS_JSON_NUMBER);
    if (v)
        v->u.d = d;
    return v;
}

vs_json_t *vs_json_strn(const char *s, size_t n)
{
    if (!s && n)
        return NULL;
    /* One allocation for the node and its bytes: strings are immutable,
     * and half the nodes of a document are strings. */
    if (n > SIZE_MAX - sizeof(vs_json_t) - 1)
        return NULL;
    vs_json_t *v = malloc(sizeof *v + n + 1);
    if (!v)
        return NULL;
    v->type = VS_JSON_STRING;       /* (only type and u.s are read) */
    v->is_int = false;
    v->u.s.p = (char *)(v + 1);
    if (n)
        memcpy(v->u.s.p, s, n);
    v->u.s.p[n] = '\0';
    v->u.s.len = n;
    return v;
}

vs_json_t *vs_json_str(const char *s)
{
    return s ? vs_json_strn(s, strlen(s)) : NULL;
}

/* --- containers ---------------------------------------------------------- */

static int s_grow(vs_json_t *c)
{
    if (c->u.c.n < c->u.c.cap)
        return 0;
    size_t cap = c->u.c.cap * 2;
    bool inl = s_inline_vals(c);
    vs_json_t **vals = s_regrow(c->u.c.vals, inl, c->u.c.n * sizeof *vals, cap * sizeof *vals);
    if (!vals)
        return -1;
    if (c->type == VS_JSON_OBJECT) {
        uint32_t *koff = s_regrow(c->u.c.koff, inl, c->u.c.n * sizeof *koff, cap * sizeof *koff);
        if (!koff) {
            /* Both arrays leave the inline area together or not at all
             * (vs_json_free tells them apart by vals alone). */
            if (inl)
                free(vals);
            else
                c->u.c.vals = vals;     /* realloc moved it; still valid */
            return -1;
        }
        c->u.c.koff = koff;
    }
    c->u.c.vals = vals;
    c->u.c.cap = cap;
    return 0;
}

/* Member i's key. An object keeps its keys in one buffer rather than one
 * allocation each: most documents are built, printed and freed at once. */
static const char *s_key(const vs_json_t *o, size_t i)
{
    return o->u.c.kbuf + o->u.c.koff[i];
}

/* Appends key to o's key buffer; its offset, or -1 on OOM or overflow. */
static int64_t s_key_add(vs_json_t *o, const char *key)
{
    size_t n = strlen(key) + 1;
    if (n > UINT32_MAX - o->u.c.klen)
        return -1;
    if (o->u.c.kcap - o->u.c.klen < n) {
        size_t cap = o->u.c.kcap ? o->u.c.kcap : 64;
        while (cap - o->u.c.klen < n)
            cap *= 2;
        char *b = s_regrow(o->u.c.kbuf, s_inline_keys(o), o->u.c.klen, cap);
        if (!b)
            return -1;
        o->u.c.kbuf = b;
        o->u.c.kcap = cap;
    }
    memcpy(o->u.c.kbuf + o->u.c.klen, key, n);
    o->u.c.klen += n;
    return (int64_t)(o->u.c.klen - n);
}

static uint32_t s_hash(const char *k)
{
    uint32_t h = 2166136261u;              /* FNV-1a */
    for (; *k; k++)
        h = (h ^ (uint8_t)*k) * 16777619u;
    return h;
}

/* Rebuilds the hash index for all members at twice the member count
 * rounded up to a power of two (load factor <= 1/2). On OOM the index is
 * dropped and lookups fall back to the linear scan, which stays correct. */
static void s_reindex(vs_json_t *o)
{
    free(o->u.c.index);
    o->u.c.index = NULL;
    o->u.c.icap = 0;
    if (o->u.c.n < S_INDEX_MIN || o->u.c.n > UINT32_MAX / 4)
        return;
    size_t icap = 64;
    while (icap < o->u.c.n * 2)
        icap *= 2;
    uint32_t *idx = calloc(icap, sizeof *idx);
    if (!idx)
        return;
    for (size_t i = 0; i < o->u.c.n; i++) {
        size_t slot = s_hash(s_key(o, i)) & (icap - 1);
        while (idx[slot])
            slot = (slot + 1) & (icap - 1);
        idx[slot] = (uint32_t)(i + 1);
    }
    o->u.c.index = idx;
    o->u.c.icap = icap;
}

/* Position of key in obj, or -1. */
static ptrdiff_t s_find(const vs_json_t *o, const char *key)
{
    if (o->u.c.index) {
        size_t mask = o->u.c.icap - 1;
        for (size_t slot = s_hash(key) & mask; o->u.c.index[slot]; slot = (slot + 1) & mask) {
            size_t i = o->u.c.index[slot] - 1;
            if (strcmp(s_key(o, i), key) == 0)
                return (ptrdiff_t)i;
        }
        return -1;
    }
    /* Most keys differ in their first byte: test it before calling strcmp. */
    for (size_t i = 0; i < o->u.c.n; i++)
        if (s_key(o, i)[0] == key[0] && strcmp(s_key(o, i), key) == 0)
            return (ptrdiff_t)i;
    return -1;
}

vs_json_t *vs_json_set(vs_json_t *obj, const char *key, vs_json_t *val)
{
    if (!obj || obj->type != VS_JSON_OBJECT || !key || !val) {
        vs_json_free(&val);
        return NULL;
    }
    ptrdiff_t at = s_find(obj, key);
    if (at >= 0) {
        vs_json_free(&obj->u.c.vals[at]);
        obj->u.c.vals[at] = val;
        return val;
    }
    /* (A key of this object itself was found above, so the key buffer
     * growing below never moves the key being added.) */
    int64_t off = s_grow(obj) < 0 ? -1 : s_key_add(obj, key);
    if (off < 0) {
        vs_json_free(&val);
        return NULL;
    }
    size_t i = obj->u.c.n++;
    obj->u.c.koff[i] = (uint32_t)off;
    obj->u.c.vals[i] = val;
    if (obj->u.c.index && obj->u.c.n * 2 <= obj->u.c.icap) {
        size_t mask = obj->u.c.icap - 1;
        size_t slot = s_hash(key) & mask;
        while (obj->u.c.index[slot])
            slot = (slot + 1) & mask;
        obj->u.c.index[slot] = (uint32_t)(i + 1);
    } else if (obj->u.c.n >= S_INDEX_MIN) {
        s_reindex(obj);
    }
    return val;
}

void vs_json_set_str(vs_json_t *obj, const char *key, const char *s)
{
    vs_json_set(obj, key, vs_json_str(s));
}

void vs_json_set_int(vs_json_t *obj, const char *key, int64_t n)
{
    vs_json_set(obj, key, vs_json_int(n));
}

void vs_json_set_bool(vs_json_t *obj, const char *key, bool b)
{
    vs_json_set(obj, key, vs_json_bool(b));
}

bool vs_json_remove(vs_json_t *obj, const char *key)
{
    if (!obj || obj->type != VS_JSON_OBJECT || !key)
        return false;
    ptrdiff_t at = s_find(obj, key);
    if (at < 0)
        return false;
    vs_json_free(&obj->u.c.vals[at]);
    /* The key's bytes stay in the buffer, unused, until the object is freed. */
    size_t tail = obj->u.c.n - (size_t)at - 1;
    memmove(&obj->u.c.vals[at], &obj->u.c.vals[at + 1], tail * sizeof(vs_json_t *));
    memmove(&obj->u.c.koff[at], &obj->u.c.koff[at + 1], tail * sizeof *obj->u.c.koff);
    obj->u.c.n--;
    /* Positions after `at` moved, so the index is stale; removal is rare. */
    if (obj->u.c.index)
        s_reindex(obj);
    return true;
}

vs_json_t *vs_json_push(vs_json_t *arr, vs_json_t *val)
{
    if (!arr || arr->type != VS_JSON_ARRAY || !val || s_grow(arr) < 0) {
        vs_json_free(&val);
        return NULL;
    }
    arr->u.c.vals[arr->u.c.n++] = val;
    return val;
}

vs_json_t *vs_json_clone(const vs_json_t *v)
{
    if (!v)
        return NULL;
    switch (v->type) {
    case VS_JSON_NULL:   return vs_json_null();
    case VS_JSON_BOOL:   return vs_json_bool(v->u.b);
    case VS_JSON_NUMBER: return v->is_int ? vs_json_int(v->u.i) : vs_json_num(v->u.d);
    case VS_JSON_STRING: return vs_json_strn(v->u.s.p, v->u.s.len);
    case VS_JSON_ARRAY:
    case VS_JSON_OBJECT: break;
    }
    vs_json_t *c = s_new_container(v->type);
    if (!c)
        return NULL;
    for (size_t i = 0; i < v->u.c.n; i++) {
        vs_json_t *e = vs_json_clone(v->u.c.vals[i]);
        vs_json_t *ok = v->type == VS_JSON_ARRAY ? vs_json_push(c, e)
                                                 : vs_json_set(c, s_key(v, i), e);
        if (!ok) {
            vs_json_free(&c);
            return NULL;
        }
    }
    return c;
}

/* --- accessors ----------------------------------------------------------- */

vs_json_type_t vs_json_type(const vs_json_t *v)
{
    return v ? v->type : VS_JSON_NULL;
}

const vs_json_t *vs_json_get(const vs_json_t *obj, const char *key)
{
    if (!obj || obj->type != VS_JSON_OBJECT || !key)
        return NULL;
    ptrdiff_t at = s_find(obj, key);
    return at < 0 ? NULL : obj->u.c.vals[at];
}

size_t vs_json_len(const vs_json_t *v)
{
    if (!v || (v->type != VS_JSON_ARRAY && v->type != VS_JSON_OBJECT))
        return 0;
    return v->u.c.n;
}

const vs_json_t *vs_json_at(const vs_json_t *v, size_t i)
{
    if (!v || (v->type != VS_JSON_ARRAY && v->type != VS_JSON_OBJECT) || i >= v->u.c.n)
        return NULL;
    return v->u.c.vals[i];
}

const char *vs_json_key_at(const vs_json_t *obj, size_t i)
{
    if (!obj || obj->type != VS_JSON_OBJECT || i >= obj->u.c.n)
        return NULL;
    return s_key(obj, i);
}

const char *vs_json_as_str(const vs_json_t *v)
{
    return v && v->type == VS_JSON_STRING ? v->u.s.p : NULL;
}

size_t vs_json_str_len(const vs_json_t *v)
{
    return v && v->type == VS_JSON_STRING ? v->u.s.len : 0;
}

bool vs_json_as_bool(const vs_json_t *v, bool dflt)
{
    return v && v->type == VS_JSON_BOOL ? v->u.b : dflt;
}

double vs_json_as_num(const vs_json_t *v, double dflt)
{
    if (!v || v->type != VS_JSON_NUMBER)
        return dflt;
    return v->is_int ? (double)v->u.i : v->u.d;
}

/* A double converts to an integer only when it is integral and in range;
 * anything else (2.5, 1e300, NaN) is not an integer. */
static bool s_double_to_int(double d, int64_t *out)
{
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || d != trunc(d))
        return false;
    *out = (int64_t)d;
    return true;
}

int64_t vs_json_as_int(const vs_json_t *v, int64_t dflt)
{
    if (!v || v->type != VS_JSON_NUMBER)
        return dflt;
    if (v->is_int)
        return v->u.i;
    int64_t i;
    return s_double_to_int(v->u.d, &i) ? i : dflt;
}

/* "Integer" means the number was created by vs_json_int() or parsed from
 * text without a fraction or exponent, which is also what makes
 * vs_json_dump() print it without ".0" (as Python keeps int and float
 * apart). */
bool vs_json_is_int(const vs_json_t *v)
{
    return v && v->type == VS_JSON_NUMBER && v->is_int;
}

const char *vs_json_get_str(const vs_json_t *obj, const char *key)
{
    return vs_json_as_str(vs_json_get(obj, key));
}

int64_t vs_json_get_int(const vs_json_t *obj, const char *key, int64_t dflt)
{
    return vs_json_as_int(vs_json_get(obj, key), dflt);
}

bool vs_json_get_bool(const vs_json_t *obj, const char *key, bool dflt)
{
    return vs_json_as_bool(vs_json_get(obj, key), dflt);
}

/* --- equality ------------------------------------------------------------ */

static bool s_num_equal(const vs_json_t *a, const vs_json_t *b)
{
    if (a->is_int && b->is_int)
        return a->u.i == b->u.i;
    if (!a->is_int && !b->is_int)
        return a->u.d == b->u.d;
    /* Mixed int and double compare by value, as Python's 1 == 1.0 does;
     * comparing as doubles would round large ints, so convert the other
     * way. */
    const vs_json_t *i = a->is_int ? a : b, *d = a->is_int ? b : a;
    int64_t dv;
    return s_double_to_int(d->u.d, &dv) && dv == i->u.i;
}

bool vs_json_equal(const vs_json_t *a, const vs_json_t *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->type != b->type)
        return false;
    switch (a->type) {
    case VS_JSON_NULL:   return true;
    case VS_JSON_BOOL:   return a->u.b == b->u.b;
    case VS_JSON_NUMBER: return s_num_equal(a, b);
    case VS_JSON_STRING:
        return a->u.s.len == b->u.s.len && memcmp(a->u.s.p, b->u.s.p, a->u.s.len) == 0;
    case VS_JSON_ARRAY:
        if (a->u.c.n != b->u.c.n)
            return false;
        for (size_t i = 0; i < a->u.c.n; i++)
            if (!vs_json_equal(a->u.c.vals[i], b->u.c.vals[i]))
                return false;
        return true;
    case VS_JSON_OBJECT:
        /* Keys are unique within an object, so equal counts plus every key
         * of a found in b with an equal value means equal sets. */
        if (a->u.c.n != b->u.c.n)
            return false;
        for (size_t i = 0; i < a->u.c.n; i++)
            if (!vs_json_equal(a->u.c.vals[i], vs_json_get(b, s_key(a, i))))
                return false;
        return true;
    }
    return false;
}
