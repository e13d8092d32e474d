/* paramfile: the AWS CLI's `file://path` and `fileb://path` parameter
 * values, read from disk. This is the IO half of a cli_paramfile_fn; the
 * parsers only see the callback.
 */
#ifndef CLI_PARAMFILE_H
#define CLI_PARAMFILE_H

/* A cli_paramfile_fn (ctx unused): returns the file's contents (malloc'd)
 * if value starts with file:// or fileb://, NULL with *err unset if not,
 * NULL with *err = "Unable to load paramfile file://x: [Errno 2] No such
 * file or directory: 'x'" (malloc'd) on failure. */
char *cli_paramfile_load(void *ctx, const char *value, char **err);

#endif
