/* zloop: a ZeroMQ socket inside a libuv loop (see zloop.h and the idioms
 * reference, section 3a).
 *
 * ZMQ_FD is edge-triggered and only says "look at ZMQ_EVENTS now": any
 * zmq_send/zmq_recv anywhere in the program may consume the edge that a
 * newly arrived message raised, and the fd then never fires again for it.
 * So the fd is used only to wake the loop, and the real state is read from
 * ZMQ_EVENTS on every loop turn:
 *
 *   prepare (before blocking): work pending?  start the idle handle, which
 *                              makes libuv poll with a zero timeout;
 *   poll    (ZMQ_FD readable): nothing to do, the wake-up is the point;
 *   check   (after polling):   stop idle; work pending? call the user.
 *
 * When prepare found work, check calls the user without asking again:
 * only the user's callback receives, so the messages are still there (at
 * worst a peer's pipe ended meanwhile and took its own with it; then the
 * callback's first zmq_recv says EAGAIN, which every callback handles). That halves the ZMQ_EVENTS reads of
 * a busy loop (each one processes the socket's command mailbox, a poll()
 * system call). The edge is still safe: prepare reads ZMQ_EVENTS after
 * every zmq call of the turn, right before the loop can block.
 *
 * The four handles share ->data = the watcher, and the watcher is freed
 * only when the last of their close callbacks has run.
 */
#include "zloop.h"

#include <stdbool.h>
#include <stdlib.h>
#include <zmq.h>

#define S_HANDLES 4

struct vs_zloop_sock {
    uv_poll_t poll;
    uv_prepare_t prepare;
    uv_idle_t idle;
    uv_check_t check;
    void *zsock;              /* borrowed */
    vs_zloop_cb cb;
    void *data;
    vs_zloop_closed_cb closed_cb;
    int open_handles;         /* counts down in s_on_close */
    bool closing;
    bool ready;               /* prepare of this turn saw work; check clears */
};

/* True when the socket has a message to receive. A failed getsockopt (the
 * socket was closed under us, ETERM) reads as "nothing to do" rather than
 * a busy loop. */
static bool s_readable(vs_zloop_sock_t *s)
{
    int events = 0;
    size_t sz = sizeof events;
    if (zmq_getsockopt(s->zsock, ZMQ_EVENTS, &events, &sz) != 0)
        return false;
    return (events & ZMQ_POLLIN) != 0;
}

static void s_on_poll(uv_poll_t *h, int status, int events)
{
    /* Only here to wake the loop; check_cb does the work. */
    (void)h, (void)status, (void)events;
}

static void s_on_idle(uv_idle_t *h)
{
    /* An active idle handle keeps the poll timeout at 0; nothing to do. */
    (void)h;
}

static void s_on_prepare(uv_prepare_t *h)
{
    vs_zloop_sock_t *s = h->data;
    if (s->closing)
        return;
    s->ready = s_readable(s);
    if (s->ready)
        uv_idle_start(&s->idle, s_on_idle);
}

static void s_on_check(uv_check_t *h)
{
    vs_zloop_sock_t *s = h->data;
    if (s->closing)
        return;
    uv_idle_stop(&s->idle);
    /* Not ready: the loop blocked, and the fd (or another handle) woke it,
     * so ask. A watcher made after this turn's prepare is not ready. */
    bool ready = s->ready || s_readable(s);
    s->ready = false;
    /* The callback may close the watcher; uv_close only defers the frees
     * to the close callbacks, so s stays valid until this returns. */
    if (ready)
        s->cb(s, s->zsock, s->data);
}

static void s_on_close(uv_handle_t *h)
{
    vs_zloop_sock_t *s = h->data;
    if (--s->open_handles > 0)
        return;
    vs_zloop_closed_cb closed_cb = s->closed_cb;
    void *data = s->data;
    free(s);
    if (closed_cb)
        closed_cb(data);
}

static void s_close_all(vs_zloop_sock_t *s)
{
    s->closing = true;
    s->open_handles = S_HANDLES;
    uv_close((uv_handle_t *)&s->poll, s_on_close);
    uv_close((uv_handle_t *)&s->prepare, s_on_close);
    uv_close((uv_handle_t *)&s->idle, s_on_close);
    uv_close((uv_handle_t *)&s->check, s_on_close);
}

vs_zloop_sock_t *vs_zloop_sock_new(uv_loop_t *loop, void *zsock, vs_zloop_cb cb, void *data)
{
    if (!loop || !zsock || !cb)
        return NULL;
    int fd = -1;
    size_t sz = sizeof fd;
    if (zmq_getsockopt(zsock, ZMQ_FD, &fd, &sz) != 0 || fd < 0)
        return NULL;

    vs_zloop_sock_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->zsock = zsock;
    s->cb = cb;
    s->data = data;

    /* uv_poll_init is the only init that can fail (UV_EEXIST when the fd
     * is already watched); it registers nothing on failure. */
    if (uv_poll_init(loop, &s->poll, fd) != 0) {
        free(s);
        return NULL;
    }
    uv_prepare_init(loop, &s->prepare);
    uv_idle_init(loop, &s->idle);
    uv_check_init(loop, &s->check);
    s->poll.data = s->prepare.data = s->idle.data = s->check.data = s;

    /* UV_READABLE only: ZMQ_FD signals both directions through readability. */
    if (uv_poll_start(&s->poll, UV_READABLE, s_on_poll) != 0 ||
        uv_prepare_start(&s->prepare, s_on_prepare) != 0 ||
        uv_check_start(&s->check, s_on_check) != 0) {
        s->closed_cb = NULL;
        s_close_all(s);
        return NULL;
    }
    return s;
}

void vs_zloop_sock_close(vs_zloop_sock_t **sp, vs_zloop_closed_cb closed_cb)
{
    if (!sp || !*sp)
        return;
    vs_zloop_sock_t *s = *sp;
    *sp = NULL;
    if (s->closing)
        return;
    s->closed_cb = closed_cb;
    s_close_all(s);
}
