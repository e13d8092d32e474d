#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cluster_config.h"

double cli_proc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_proc_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

int cli_proc_find_exe(const char *name, char *out, size_t n)
{
    char self[CLI_PATH_MAX];
    ssize_t l = readlink("/proc/self/exe", self, sizeof self - 1);
    if (l > 0) {
        self[l] = '\0';
        snprintf(out, n, "%s/%s", dirname(self), name);
        if (access(out, X_OK) == 0)
            return 0;
    }
    const char *path = getenv("PATH");
    while (path && *path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(out, n, "%.*s/%s", (int)len, len ? path : ".", name);
        if (access(out, X_OK) == 0)
            return 0;
        path = colon ? colon + 1 : NULL;
    }
    return -1;
}

int cli_proc_mkdirs(const char *path)
{
    char tmp[CLI_PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

int cli_proc_write_file(const char *path, const char *text)
{
    char tmp[CLI_PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    bool ok = fputs(text, f) >= 0;
    ok &= fclose(f) == 0;
    return ok && rename(tmp, path) == 0 ? 0 : -1;
}

pid_t cli_proc_spawn(char *const argv[], const char *log, bool die_with_parent,
                     const char *who)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    setsid();
    if (die_with_parent) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)     /* the parent died before prctl */
            _exit(127);
    }
    int in = open("/dev/null", O_RDONLY);
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in >= 0)
        dup2(in, STDIN_FILENO);
    if (out >= 0) {
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
    }
    execv(argv[0], argv);
    fprintf(stderr, "%s: cannot run %s: %s\n", who, argv[0], strerror(errno));
    _exit(127);
}

int cli_proc_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

bool cli_proc_alive(pid_t *pid)
{
    if (*pid <= 0)
        return false;
    pid_t r;
    while ((r = waitpid(*pid, NULL, WNOHANG)) < 0 && errno == EINTR)
        ;
    if (r == *pid || (r < 0 && errno == ECHILD)) {
        *pid = 0;
        return false;
    }
    return true;
}

int cli_proc_kill9(pid_t *pid)
{
    if (!cli_proc_alive(pid))
        return -1;
    kill(*pid, SIGKILL);
    while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
        ;
    *pid = 0;
    return 0;
}

void cli_proc_stop_all(pid_t *broker, pid_t *agents, size_t n, double timeout_s)
{
    for (size_t i = 0; i < n; i++)
        if (cli_proc_alive(&agents[i]))
            kill(agents[i], SIGTERM);
    if (cli_proc_alive(broker))
        kill(*broker, SIGTERM);
    double deadline = cli_proc_now() + timeout_s;
    for (;;) {
        bool any = cli_proc_alive(broker);
        for (size_t i = 0; i < n; i++)
            any |= cli_proc_alive(&agents[i]);
        if (!any)
            return;
        if (cli_proc_now() >= deadline)
            break;
        cli_proc_sleep_ms(20);
    }
    cli_proc_kill9(broker);
    for (size_t i = 0; i < n; i++)
        cli_proc_kill9(&agents[i]);
}
