/* keys_priv: what keys.c and keys_server.c share (not for other modules). */
#ifndef VS_KEYS_PRIV_H
#define VS_KEYS_PRIV_H

#include "keys.h"

/* Reads the Z85 key in dir/name into z85, checking that it decodes. 0, or
 * -1 with err naming the file. */
int vs_keys__read(const char *dir, const char *name, char z85[VS_KEYS_Z85_LEN + 1], char *err,
                  size_t errlen);
/* The principal a key file's stem names ("agent-ACCOUNT-REGION", "client-
 * ACCOUNT", "admin"); -1 for anything else (including "broker"). */
int vs_keys__principal_of_stem(const char *stem, vs_principal_t *out);

#endif
