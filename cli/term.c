/* term: stdout and terminal width (see term.h). */
#include "term.h"

#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

void cli_print_stdout(const char *text)
{
    if (text && *text) {
        fputs(text, stdout);
        fflush(stdout);
    }
}

int cli_term_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}
