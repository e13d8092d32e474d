/* yaml: an output document as the AWS CLI prints it with --output yaml
 * and --output yaml-stream (awscli/formatter.py YAMLDumper: ruamel.yaml
 * typ='safe', block style). The AWS CLI's dumper is ruamel's safe dumper
 * on libyaml's emitter, so this follows both:
 *  - mapping keys sorted (the safe representer sorts them), nested
 *    mappings indented by 2, sequences under a key not indented ("Key:\n-
 *    item"), empty collections as {} and [];
 *  - a string is plain unless YAML 1.2 would read it as something else
 *    (true, null, 12, 1.5, 2019-06-22, ~, <<, =: then 'single-quoted') or
 *    libyaml's scalar analysis forbids it (indicators such as "- x" or
 *    "a: b", leading or trailing spaces, line breaks; then single-quoted,
 *    or "double-quoted" with escapes for characters it cannot print);
 *  - long plain and quoted scalars fold at the first space past column 80.
 * yaml-stream prints the response as a one-element list ("- Key: ..."),
 * as the AWS CLI does for each page it streams; vpcsim merges the pages
 * of a paginated call first, so it prints one element.
 * An empty response prints nothing with yaml (as with json).
 */
#ifndef CLI_YAML_H
#define CLI_YAML_H

#include <stdbool.h>

#include "json.h"

/* Returns malloc'd text (possibly ""), NULL on OOM. */
char *cli_output_yaml(const vs_json_t *doc, bool stream);

#endif
