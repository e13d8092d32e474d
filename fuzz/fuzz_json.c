/* libFuzzer target: the JSON parser (vs_json_parse: the CLI's
 * --cli-input-json and JSON option values, and every document on the
 * wire) and the Python-worded syntax checker the CLI quotes in errors.
 * What parses must dump and parse back to an equal tree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pyjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[256], err[256];
    cli_pyjson_check((const char *)data, size, msg, sizeof msg);
    vs_json_t *j = vs_json_parse((const char *)data, size, err, sizeof err);
    if (!j)
        return 0;
    char *text = vs_json_dump(j, 0);
    if (text) {
        vs_json_t *again = vs_json_parse(text, strlen(text), err, sizeof err);
        if (!again || !vs_json_equal(j, again))
            abort();   /* our own output does not read back the same */
        vs_json_free(&again);
        free(text);
    }
    vs_json_free(&j);
    return 0;
}
