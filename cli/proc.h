/* proc: what the commands that run local clusters (`cluster up/down`,
 * `chaos run`) need from the operating system: find the vpcsim binaries,
 * start them detached with their output in a log, make folders, write
 * files atomically, and a monotonic clock for their timeouts. */
#ifndef CLI_PROC_H
#define CLI_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Monotonic seconds, for timeouts and progress (never domain time). */
double cli_proc_now(void);
void cli_proc_sleep_ms(long ms);

/* `name` next to /proc/self/exe, else the first PATH entry that has it,
 * into out. 0 found, -1 not. */
int cli_proc_find_exe(const char *name, char *out, size_t n);

/* mkdir -p. 0 or -1 with errno. */
int cli_proc_mkdirs(const char *path);

/* Writes text to path through a temporary file and a rename, so readers
 * never see half a file. 0 or -1. */
int cli_proc_write_file(const char *path, const char *text);

/* Starts argv (argv[0] a path) in its own session, stdin from /dev/null,
 * stdout and stderr appended to log. die_with_parent: the child is killed
 * if this process dies (chaos runs must leave nothing behind); otherwise it
 * lives on (cluster up). `who` names the command in the child's error
 * message if exec fails. Returns the pid, or -1 if fork failed. */
pid_t cli_proc_spawn(char *const argv[], const char *log, bool die_with_parent,
                     const char *who);

/* A free TCP port on 127.0.0.1 (bound then released: another process may
 * take it first, which callers tolerate by failing clearly). -1 on error. */
int cli_proc_free_port(void);
/* Is child *pid still running? A child that exited is reaped and *pid set
 * to 0. */
bool cli_proc_alive(pid_t *pid);
/* SIGKILL to child *pid, reaped; *pid set to 0. -1 if it was not running. */
int cli_proc_kill9(pid_t *pid);

/* Stops a cluster's children: SIGTERM to the agents and the broker, up to
 * timeout_s for clean exits (so leak checkers report), then SIGKILL. Every
 * pid ends as 0. */
void cli_proc_stop_all(pid_t *broker, pid_t *agents, size_t n, double timeout_s);

#endif
