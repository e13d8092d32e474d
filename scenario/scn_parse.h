/* scn_parse: a scenario file (scn_model.h) from its YAML text, checked
 * whole before anything runs: the structure, every field's type and range,
 * the agents' accounts and Regions, each ec2 step's subcommand and options
 * (parsed as `vpcsim ec2` would parse them), the aliases steps refer to,
 * and every ${NAME.PATH} (NAME must be an earlier step's name). A problem
 * is reported as "FILE:LINE: step N, field 'F': what is wrong". Pure apart
 * from scn_parse_file reading the file.
 */
#ifndef SCN_PARSE_H
#define SCN_PARSE_H

#include <stddef.h>

#include "scn_model.h"

/* Returns the scenario, or NULL with *err (malloc'd, one line). path is
 * used in messages and as the default title. */
scn_scenario_t *scn_parse(const char *path, const char *text, size_t len, char **err);
scn_scenario_t *scn_parse_file(const char *path, char **err);

/* Splits a command line the way a POSIX shell splits words: blanks
 * separate, '...' and "..." quote, a backslash escapes the next character.
 * Returns the number of words (words[] malloc'd strings), or -1 with err
 * on an unterminated quote or more than max words. */
int scn_split_words(const char *s, char **words, size_t max, char *err, size_t errlen);

#endif
