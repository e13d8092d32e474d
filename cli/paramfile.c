/* paramfile: file:// values (see paramfile.h). */
#include "paramfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Parameters are small documents; refuse anything that is clearly not. */
#define S_MAX_PARAMFILE (16u << 20)

char *cli_paramfile_load(void *ctx, const char *value, char **err)
{
    (void)ctx;
    *err = NULL;
    const char *path;
    if (!strncmp(value, "file://", 7))
        path = value + 7;
    else if (!strncmp(value, "fileb://", 8))
        path = value + 8;
    else
        return NULL;
    char full[4096];
    const char *home = getenv("HOME");
    if (path[0] == '~' && (path[1] == '/' || !path[1]) && home)
        snprintf(full, sizeof full, "%s%s", home, path + 1);
    else
        snprintf(full, sizeof full, "%s", path);
    vs_buf_t b = VS_BUF_INIT;
    FILE *f = fopen(full, "rb");
    int e = f ? 0 : errno;
    if (f) {
        char chunk[8192];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= S_MAX_PARAMFILE)
            vs_buf_putn(&b, chunk, n);
        if (ferror(f))
            e = errno ? errno : EIO;
        else if (b.len > S_MAX_PARAMFILE)
            e = EFBIG;
        fclose(f);
    }
    if (e) {
        vs_buf_release(&b);
        vs_buf_printf(&b, "Unable to load paramfile %s: [Errno %d] %s: '%s'", value, e, strerror(e), full);
        *err = vs_buf_take(&b);
        return NULL;
    }
    char *s = vs_buf_take(&b);
    if (!s)
        *err = strdup("Unable to load paramfile: out of memory");
    return s;
}
