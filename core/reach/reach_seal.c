/* reach_seal: sealing of inter-agent analysis messages (see reach_seal.h). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reach_seal.h"

#define S_AD_PREFIX "vpcsim-reach-1|"

int vs_seal_keygen(vs_seal_keys_t *k)
{
    if (sodium_init() < 0)
        return -1;
    return crypto_kx_keypair(k->pk, k->sk) == 0 ? 0 : -1;
}

void vs_seal_key_hex(const uint8_t *k, char out[VS_SEAL_HEX_LEN])
{
    sodium_bin2hex(out, VS_SEAL_HEX_LEN, k, VS_SEAL_KEY_LEN);
}

int vs_seal_key_from_hex(const char *hex, uint8_t out[VS_SEAL_KEY_LEN])
{
    size_t n = 0;
    if (!hex || strlen(hex) != 2 * VS_SEAL_KEY_LEN ||
        sodium_hex2bin(out, VS_SEAL_KEY_LEN, hex, strlen(hex), NULL, &n, NULL) != 0 ||
        n != VS_SEAL_KEY_LEN)
        return -1;
    return 0;
}

/* rx: the key of messages from the peer to me; tx: from me to the peer. */
static int s_session(const vs_seal_keys_t *me, const char *me_name, const uint8_t *peer_pk,
                     const char *peer_name, uint8_t *rx, uint8_t *tx)
{
    if (sodium_init() < 0)
        return -1;
    int c = strcmp(me_name, peer_name);
    if (c == 0)
        return -1;
    if (c < 0)
        return crypto_kx_client_session_keys(rx, tx, me->pk, me->sk, peer_pk) == 0 ? 0 : -1;
    return crypto_kx_server_session_keys(rx, tx, me->pk, me->sk, peer_pk) == 0 ? 0 : -1;
}

/* "vpcsim-reach-1|SENDER|RECEIVER": its length, -1 if the names do not fit. */
static int s_ad(char *buf, size_t len, const char *from, const char *to)
{
    int n = snprintf(buf, len, S_AD_PREFIX "%s|%s", from, to);
    return n > 0 && (size_t)n < len ? n : -1;
}

int vs_seal_raw(const vs_seal_keys_t *me, const char *me_name, const uint8_t *peer_pk,
                const char *peer_name, const uint8_t *pt, size_t len,
                uint8_t nonce[VS_SEAL_NONCE_LEN], uint8_t **c, size_t *clen)
{
    uint8_t rx[crypto_kx_SESSIONKEYBYTES], tx[crypto_kx_SESSIONKEYBYTES];
    char ad[160];
    int adlen = s_ad(ad, sizeof ad, me_name, peer_name);
    *c = NULL;
    *clen = 0;
    if (len > VS_SEAL_MAX_PLAIN || adlen < 0 ||
        s_session(me, me_name, peer_pk, peer_name, rx, tx) != 0)
        return -1;
    uint8_t *out = malloc(len + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long n = 0;
    randombytes_buf(nonce, VS_SEAL_NONCE_LEN);
    int rc = out && crypto_aead_xchacha20poly1305_ietf_encrypt(out, &n, pt, len,
                                                               (const uint8_t *)ad, (size_t)adlen,
                                                               NULL, nonce, tx) == 0 ? 0 : -1;
    sodium_memzero(rx, sizeof rx);
    sodium_memzero(tx, sizeof tx);
    if (rc != 0) {
        free(out);
        return -1;
    }
    *c = out;
    *clen = (size_t)n;
    return 0;
}

vs_json_t *vs_seal(const vs_seal_keys_t *me, const char *me_name, const uint8_t *peer_pk,
                   const char *peer_name, const uint8_t *pt, size_t len)
{
    uint8_t nonce[VS_SEAL_NONCE_LEN], *c = NULL;
    size_t clen = 0;
    if (vs_seal_raw(me, me_name, peer_pk, peer_name, pt, len, nonce, &c, &clen) != 0)
        return NULL;
    size_t b64cap = sodium_base64_ENCODED_LEN(clen, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64cap);
    vs_json_t *env = NULL;
    if (b64) {
        char pkhex[VS_SEAL_HEX_LEN], nhex[2 * sizeof nonce + 1];
        vs_seal_key_hex(me->pk, pkhex);
        sodium_bin2hex(nhex, sizeof nhex, nonce, sizeof nonce);
        sodium_bin2base64(b64, b64cap, c, clen, sodium_base64_VARIANT_ORIGINAL);
        env = vs_json_object();
        vs_json_set_str(env, "T", "Sealed");
        vs_json_set_str(env, "Pk", pkhex);
        vs_json_set_str(env, "N", nhex);
        vs_json_set_str(env, "C", b64);
    }
    free(c);
    free(b64);
    return env;
}

int vs_seal_sender_pk(const vs_json_t *env, uint8_t pk[VS_SEAL_KEY_LEN])
{
    return vs_seal_key_from_hex(vs_json_get_str(env, "Pk"), pk);
}

int vs_seal_open_raw(const vs_seal_keys_t *me, const char *me_name, const uint8_t *peer_pk,
                     const char *peer_name, const uint8_t nonce[VS_SEAL_NONCE_LEN],
                     const uint8_t *c, size_t clen, uint8_t **pt, size_t *len)
{
    uint8_t rx[crypto_kx_SESSIONKEYBYTES], tx[crypto_kx_SESSIONKEYBYTES];
    char ad[160];
    int adlen = s_ad(ad, sizeof ad, peer_name, me_name);
    *pt = NULL;
    *len = 0;
    if (adlen < 0 || !c || clen < crypto_aead_xchacha20poly1305_ietf_ABYTES ||
        clen > VS_SEAL_MAX_PLAIN + crypto_aead_xchacha20poly1305_ietf_ABYTES ||
        s_session(me, me_name, peer_pk, peer_name, rx, tx) != 0)
        return -1;
    uint8_t *m = malloc(clen + 1);
    unsigned long long mlen = 0;
    int rc = m && crypto_aead_xchacha20poly1305_ietf_decrypt(m, &mlen, NULL, c, clen,
                                                             (const uint8_t *)ad, (size_t)adlen,
                                                             nonce, rx) == 0 ? 0 : -1;
    sodium_memzero(rx, sizeof rx);
    sodium_memzero(tx, sizeof tx);
    if (rc != 0) {
        free(m);
        return -1;
    }
    m[mlen] = '\0';
    *pt = m;
    *len = (size_t)mlen;
    return 0;
}

int vs_seal_open(const vs_seal_keys_t *me, const char *me_name, const uint8_t *peer_pk,
                 const char *peer_name, const vs_json_t *env, uint8_t **pt, size_t *len)
{
    uint8_t nonce[VS_SEAL_NONCE_LEN], announced[VS_SEAL_KEY_LEN];
    const char *nhex = vs_json_get_str(env, "N"), *b64 = vs_json_get_str(env, "C");
    const char *type = vs_json_get_str(env, "T");
    size_t nlen = 0;
    *pt = NULL;
    *len = 0;
    /* The announced key must be the one we trust for this sender. */
    if (!type || strcmp(type, "Sealed") || !nhex || !b64 ||
        vs_seal_sender_pk(env, announced) != 0 ||
        sodium_memcmp(announced, peer_pk, VS_SEAL_KEY_LEN) != 0 ||
        strlen(nhex) != 2 * sizeof nonce ||
        sodium_hex2bin(nonce, sizeof nonce, nhex, strlen(nhex), NULL, &nlen, NULL) != 0 ||
        nlen != sizeof nonce || strlen(b64) > 2 * VS_SEAL_MAX_PLAIN)
        return -1;
    size_t cap = strlen(b64) * 3 / 4 + 3, clen = 0;
    uint8_t *c = malloc(cap);
    int rc = c && sodium_base642bin(c, cap, b64, strlen(b64), NULL, &clen, NULL,
                                    sodium_base64_VARIANT_ORIGINAL) == 0
                 ? vs_seal_open_raw(me, me_name, peer_pk, peer_name, nonce, c, clen, pt, len)
                 : -1;
    free(c);
    return rc;
}
