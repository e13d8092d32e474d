/* term: the two places the runners touch the terminal: writing a
 * formatted document to stdout, and the terminal width that --output table
 * fits into (80 when stdout is not a terminal, as the AWS CLI assumes).
 */
#ifndef CLI_TERM_H
#define CLI_TERM_H

/* Writes text (borrowed; nothing for NULL or "") to stdout and flushes. */
void cli_print_stdout(const char *text);
int cli_term_width(void);

#endif
