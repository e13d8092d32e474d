/* libFuzzer target: the CLI's shorthand parser (Name=x,Values=a,b and
 * Tags=[{Key=k,Value=v}]). It must answer every input with a tree or an
 * error message, never both and never neither. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shorthand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';   /* arguments are C strings: an embedded NUL ends them */
    char *err = NULL;
    vs_json_t *j = cli_shorthand_parse(s, NULL, NULL, &err);
    if ((j == NULL) == (err == NULL))
        abort();
    vs_json_free(&j);
    free(err);
    free(s);
    return 0;
}
