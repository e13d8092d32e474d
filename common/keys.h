/* keys: the cluster keyring (CURVE key pairs in a directory) and securing
 * ZeroMQ sockets with it. Shared by the broker (server side and the ZAP
 * handler that maps a public key to a principal), the agent, the CLI and
 * the gateway (client side: one key per principal).
 *
 * A keyring directory holds, per principal, STEM.key (the Z85 secret key,
 * mode 0600) and STEM.pub (the Z85 public key):
 *
 *   principal              user id (ZAP)              file stem
 *   the broker             -                          broker
 *   the administrator      admin                      admin
 *   an agent               agent:ACCOUNT:REGION       agent-ACCOUNT-REGION
 *   a client account       client:ACCOUNT             client-ACCOUNT
 *
 * The broker needs broker.key and the other principals' .pub files; a
 * process acting as a principal needs broker.pub and its own .key. So a
 * container can be given only the files it needs.
 *
 * Fail closed: vs_keys_server_start binds the ZAP handler (a thread with
 * its own REP socket in the caller's context) before it configures the
 * server socket, and sets ZMQ_ZAP_ENFORCE_DOMAIN, so no handshake is ever
 * accepted without the handler's say.
 */
#ifndef VS_KEYS_H
#define VS_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define VS_KEYS_Z85_LEN 40          /* a CURVE key as Z85 text, without NUL */
#define VS_KEYS_MAX_PRINCIPALS 4096 /* public keys the broker loads */

typedef enum {
    VS_PRINCIPAL_NONE = 0,   /* unauthenticated (an open broker) */
    VS_PRINCIPAL_AGENT,
    VS_PRINCIPAL_CLIENT,
    VS_PRINCIPAL_ADMIN,
    VS_PRINCIPAL_BROKER
} vs_principal_kind_t;

typedef struct vs_principal {
    vs_principal_kind_t kind;
    char account[13];         /* agent, client */
    char region[32];          /* agent */
} vs_principal_t;

/* Parses a ZAP user id ("agent:111111111111:us-east-1", "client:1111...",
 * "admin"). NULL or "" gives VS_PRINCIPAL_NONE and 0; anything malformed
 * gives -1. */
int vs_principal_parse(const char *user_id, vs_principal_t *out);
/* The user id form of p, for logs and ZAP. */
void vs_principal_format(const vs_principal_t *p, char *buf, size_t buflen);
/* Builders (account and region are checked: 12 digits, a known Region).
 * 0 or -1. */
int vs_principal_agent(const char *account, const char *region, vs_principal_t *out);
int vs_principal_client(const char *account, vs_principal_t *out);

/* Creates dir (0700) if needed and writes a key pair for the broker, the
 * admin, each agent "ACCOUNT:REGION" and each client "ACCOUNT". Existing
 * key pairs are kept, so the command can add principals to a keyring.
 * *created counts the new pairs (may be NULL). 0, or -1 with err. */
int vs_keys_init(const char *dir, const char *const *agents, size_t n_agents,
                 const char *const *clients, size_t n_clients, size_t *created, char *err,
                 size_t errlen);

/* Client side: sets CURVE options on sock (before zmq_connect) so it
 * authenticates as `who` to the broker of the keyring in dir. 0, or -1
 * with err naming the missing or bad file. */
int vs_keys_secure_client(void *sock, const char *dir, const vs_principal_t *who, char *err,
                          size_t errlen);

/* Server side. Starts the ZAP handler in zctx with every principal whose
 * .pub is in dir, then makes sock (not yet bound) a CURVE server with the
 * broker's secret key. After this, every message on sock carries the
 * authenticated principal's user id as its "User-Id" property. NULL with
 * err on failure. The caller stops it with vs_keys_server_stop after
 * closing sock and before zmq_ctx_term. */
typedef struct vs_keys_server vs_keys_server_t;
vs_keys_server_t *vs_keys_server_start(void *zctx, void *sock, const char *dir, char *err,
                                       size_t errlen);
/* How many principals the handler knew at start (it re-reads the keyring
 * when an unknown key connects, at most once a second). */
size_t vs_keys_server_count(const vs_keys_server_t *s);
/* Shuts zctx down (blocking calls in every thread return ETERM), joins the
 * ZAP thread and frees. Accepts NULL; nulls the pointer. */
void vs_keys_server_stop(vs_keys_server_t **s);

/* Watches sock's CURVE handshakes through a PAIR socket in zctx, which the
 * caller closes (zmq_close) before zmq_ctx_term. NULL on failure. */
void *vs_keys_monitor(void *zctx, void *sock);
/* Reads the monitor's pending events without blocking: 1 if the broker
 * refused the key (ZAP said no; the reason in err), else 0. */
int vs_keys_monitor_refused(void *mon, char *err, size_t errlen);

/* The User-Id of a received message as a principal (VS_PRINCIPAL_NONE if
 * the socket is not secured). msg is a zmq_msg_t *. */
int vs_keys_msg_principal(void *msg, vs_principal_t *out);

#endif
