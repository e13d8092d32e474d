/* cpu: see cpu.h. */
#define _GNU_SOURCE
#include "cpu.h"

#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A CPU number at *s, advancing *s past it. -1 if there is none or it is
 * past what a cpu_set_t holds. */
static long s_number(const char **s)
{
    if (!isdigit((unsigned char)**s))
        return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(*s, &end, 10);
    if (errno || v >= CPU_SETSIZE)
        return -1;
    *s = end;
    return v;
}

/* LIST into *set. 0, or -1 with why in err. */
static int s_parse(const char *list, cpu_set_t *set, char *err, size_t errlen)
{
    CPU_ZERO(set);
    const char *s = list;
    for (;;) {
        long lo = s_number(&s), hi = lo;
        if (lo >= 0 && *s == '-') {
            s++;
            hi = s_number(&s);
        }
        if (lo < 0 || hi < lo)
            break;
        for (long c = lo; c <= hi; c++)
            CPU_SET((int)c, set);
        if (!*s)
            return 0;
        if (*s++ != ',')
            break;
    }
    snprintf(err, errlen, "--cpu needs CPU numbers (below %d) such as 0 or 0,2 or 0-3, not '%s'",
             CPU_SETSIZE, list);
    return -1;
}

/* set as a list of ranges ("0-1,4") into out. */
static void s_format(const cpu_set_t *set, char *out, size_t len)
{
    size_t n = 0;
    out[0] = 0;
    for (int c = 0; c < CPU_SETSIZE && n < len; c++) {
        if (!CPU_ISSET(c, set))
            continue;
        int e = c;
        while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, set))
            e++;
        int w = e > c ? snprintf(out + n, len - n, "%s%d-%d", n ? "," : "", c, e)
                      : snprintf(out + n, len - n, "%s%d", n ? "," : "", c);
        n += w > 0 ? (size_t)w : 0;
        c = e;
    }
}

int vs_cpu_pin(const char *list, char *err, size_t errlen)
{
    cpu_set_t want, allowed;
    if (s_parse(list, &want, err, errlen) != 0)
        return -1;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
        snprintf(err, errlen, "--cpu: cannot read the CPUs this process may use: %s",
                 strerror(errno));
        return -1;
    }
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &want) && !CPU_ISSET(c, &allowed)) {
            char may[128];
            s_format(&allowed, may, sizeof may);
            snprintf(err, errlen, "--cpu %s: CPU %d is not one this process may run on (%s)",
                     list, c, may);
            return -1;
        }
    if (sched_setaffinity(0, sizeof want, &want) != 0) {
        snprintf(err, errlen, "--cpu %s: %s", list, strerror(errno));
        return -1;
    }
    return 0;
}
