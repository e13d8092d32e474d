/* console_assets: the console's static files (console/www), compiled into
 * the program at build time by console/embed.cmake, so the page works
 * offline and needs no files at run time. */
#ifndef VS_CONSOLE_ASSETS_H
#define VS_CONSOLE_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *name;          /* "index.html"; NULL ends the table */
    const char *content_type;
    const unsigned char *data;
    size_t len;
} vs_console_asset_t;

extern const vs_console_asset_t vs_console_assets[];

#endif
