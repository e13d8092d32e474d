/* reach_seal: end-to-end encryption of the messages two agents exchange
 * about a reachability analysis, so that the broker that relays them sees
 * only ciphertext (inter-Region hops; the seed: "리전간 트래픽의 경우 AEAD
 * 알고리즘을 사용하여 암호화된다").
 *
 * Keys: every agent has one X25519 key pair (libsodium crypto_kx). Two
 * agents derive a pair of session keys with crypto_kx, the roles fixed by
 * the order of their names ("ACCOUNT/REGION"; the smaller one is the
 * client), so each direction has its own key and both ends compute the
 * same two keys without another round trip.
 *
 * Messages: XChaCha20-Poly1305 (IETF) with a fresh random 192-bit nonce per
 * message, which random nonces are safe with. The associated data names
 * the sender and the receiver, so a sealed message cannot be passed off as
 * coming from, or addressed to, another agent. The envelope is JSON:
 *   {"T":"Sealed","Pk":<sender public key, hex>,"N":<nonce, hex>,
 *    "C":<ciphertext + tag, base64>}
 * The public key in clear lets a receiver that has not met the sender yet
 * derive the keys (trust on first use, bound to the broker-stamped sender).
 *
 * Randomness comes from libsodium (randombytes), not from the model's
 * seeded vs_rng_t: key material must not be predictable. Only ciphertext
 * bytes differ between otherwise identical simulation runs.
 */
#ifndef VS_REACH_SEAL_H
#define VS_REACH_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define VS_SEAL_KEY_LEN 32
#define VS_SEAL_HEX_LEN (2 * VS_SEAL_KEY_LEN + 1)
/* Largest plaintext sealed or opened (probe results are a few KiB). */
#define VS_SEAL_MAX_PLAIN (256u * 1024u)
#define VS_SEAL_NONCE_LEN 24   /* XChaCha20-Poly1305 */
#define VS_SEAL_TAG_LEN   16   /* what sealing adds to the plaintext */

typedef struct vs_seal_keys {
    uint8_t pk[VS_SEAL_KEY_LEN];
    uint8_t sk[VS_SEAL_KEY_LEN];
} vs_seal_keys_t;

/* A fresh key pair. 0 ok, -1 if libsodium cannot start. */
int vs_seal_keygen(vs_seal_keys_t *k);

/* Seals pt[0..len) from me (named me_name) to the agent peer_name whose
 * public key is peer_pk. Returns the envelope (caller owns) or NULL (bad
 * key, equal names, too long, OOM). */
vs_json_t *vs_seal(const vs_seal_keys_t *me, const char *me_name, const uint8_t *peer_pk,
                   const char *peer_name, const uint8_t *pt, size_t len);

/* The same sealing without the JSON envelope, for the typed message
 * (reach_wire.h): fills nonce and sets *c to a malloc'd ciphertext of
 * len + VS_SEAL_TAG_LEN bytes (caller frees). 0, or -1 as vs_seal's NULL. */
int vs_seal_raw(const vs_seal_keys_t *me, const char *me_name, const uint8_t *peer_pk,
                const char *peer_name, const uint8_t *pt, size_t len,
                uint8_t nonce[VS_SEAL_NONCE_LEN], uint8_t **c, size_t *clen);

/* Opens a ciphertext sealed by vs_seal_raw (the caller has checked that the
 * announced sender key is peer_pk); *pt as for vs_seal_open. -1 if altered,
 * sealed under another key or for another pair, or over the bounds. */
int vs_seal_open_raw(const vs_seal_keys_t *me, const char *me_name, const uint8_t *peer_pk,
                     const char *peer_name, const uint8_t nonce[VS_SEAL_NONCE_LEN],
                     const uint8_t *c, size_t clen, uint8_t **pt, size_t *len);

/* Opens an envelope (borrowed) that peer_name sent to me, trusting peer_pk
 * as that agent's key. On success *pt is a malloc'd NUL-terminated copy of
 * the plaintext (caller frees) and *len its length. -1 if the envelope is
 * malformed, was sealed under another key, for another pair of agents, or
 * was altered in any way. */
int vs_seal_open(const vs_seal_keys_t *me, const char *me_name, const uint8_t *peer_pk,
                 const char *peer_name, const vs_json_t *env, uint8_t **pt, size_t *len);

/* The sender key an envelope announces. 0 ok, -1 malformed. */
int vs_seal_sender_pk(const vs_json_t *env, uint8_t pk[VS_SEAL_KEY_LEN]);

/* Hex forms of a key, for documents and messages. from_hex: 0 / -1. */
void vs_seal_key_hex(const uint8_t *k, char out[VS_SEAL_HEX_LEN]);
int vs_seal_key_from_hex(const char *hex, uint8_t out[VS_SEAL_KEY_LEN]);

#endif
