/* log: one line per event on stderr, "2026-11-27T16:00:00.123Z agent[111111111111/ap-northeast-1] INFO: text".
 * Wall-clock timestamps are for people reading logs only; domain code never
 * sees them. The component tag is set once per process. */
#ifndef VS_LOG_H
#define VS_LOG_H

typedef enum { VS_LOG_DEBUG, VS_LOG_INFO, VS_LOG_WARN, VS_LOG_ERROR } vs_log_level_t;

void vs_log_init(const char *component, vs_log_level_t min_level);
void vs_log(vs_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define VS_DEBUG(...) vs_log(VS_LOG_DEBUG, __VA_ARGS__)
#define VS_INFO(...)  vs_log(VS_LOG_INFO, __VA_ARGS__)
#define VS_WARN(...)  vs_log(VS_LOG_WARN, __VA_ARGS__)
#define VS_ERROR(...) vs_log(VS_LOG_ERROR, __VA_ARGS__)

#endif
