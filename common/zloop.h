/* zloop: a ZeroMQ socket inside a libuv loop, done right for ZMQ_FD's
 * edge-triggered semantics (see the idioms reference, 3a): a uv_poll on
 * ZMQ_FD only wakes the loop; a prepare/check/idle trio re-reads ZMQ_EVENTS
 * every turn, so a send anywhere in the program can never strand a message.
 *
 * The callback is called from the check phase whenever the socket has
 * ZMQ_POLLIN; it must receive with ZMQ_DONTWAIT and may stop after a
 * bounded batch (what is left is seen again next turn).
 */
#ifndef VS_ZLOOP_H
#define VS_ZLOOP_H

#include <uv.h>

typedef struct vs_zloop_sock vs_zloop_sock_t;
typedef void (*vs_zloop_cb)(vs_zloop_sock_t *s, void *zsock, void *data);
typedef void (*vs_zloop_closed_cb)(void *data);

/* Watches zsock (borrowed: the caller closes it, after closed_cb).
 * Returns NULL on failure (cannot read ZMQ_FD, uv errors). */
vs_zloop_sock_t *vs_zloop_sock_new(uv_loop_t *loop, void *zsock, vs_zloop_cb cb, void *data);

/* Stops watching: closes the libuv handles and calls closed_cb (may be
 * NULL) once they are all closed; frees the watcher then. Sets *s NULL. */
void vs_zloop_sock_close(vs_zloop_sock_t **s, vs_zloop_closed_cb closed_cb);

#endif
