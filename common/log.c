#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* The component tag and level are process-wide settings written once at
 * start-up, before any thread exists; they are configuration, not state. */
static char s_component[96] = "vpcsim";
static vs_log_level_t s_min = VS_LOG_INFO;

static const char *const s_level_name[] = { "DEBUG", "INFO", "WARN", "ERROR" };

void vs_log_init(const char *component, vs_log_level_t min_level)
{
    snprintf(s_component, sizeof s_component, "%s", component ? component : "vpcsim");
    s_min = min_level;
}

void vs_log(vs_log_level_t level, const char *fmt, ...)
{
    if (level < s_min)
        return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char line[2048];
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s %s: ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, (int)(tv.tv_usec / 1000), s_component, s_level_name[level]);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof line)
        vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", line);
}
