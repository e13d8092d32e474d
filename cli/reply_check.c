/* reply_check: see reply_check.h. */
#include "reply_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool s_from(const vs_env_t *e, Vpcsim__Wire__PartyKind kind)
{
    return e->sender && e->sender->kind == kind;
}

bool cli_reply_answers(const vs_env_t *req, const vs_env_t *reply)
{
    switch (reply->body_case) {
    case VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE: {
        const Vpcsim__Wire__Undeliverable *u = reply->undeliverable;
        if (!s_from(reply, VPCSIM__WIRE__PARTY_KIND__PARTY_BROKER))
            return false;
        return u->in_reply_to == req->msg_id ||
               (u->in_reply_to == 0 && u->reason == VPCSIM__WIRE__UNDELIVERABLE_REASON__MALFORMED);
    }
    case VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REPLY:
        return req->body_case == VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REQUEST &&
               s_from(reply, VPCSIM__WIRE__PARTY_KIND__PARTY_BROKER) &&
               reply->admin_reply->in_reply_to == req->msg_id;
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY: {
        if (req->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST || !req->to ||
            reply->api_reply->in_reply_to != req->msg_id)
            return false;
        /* The broker answers for an agent when it refuses the call itself
         * (a key that may not act as that account: AuthFailure). */
        if (s_from(reply, VPCSIM__WIRE__PARTY_KIND__PARTY_BROKER))
            return true;
        if (!s_from(reply, VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT))
            return false;
        const Vpcsim__Wire__Party *p = reply->sender;
        return p->account && p->region && !strcmp(p->account, req->to->account) &&
               !strcmp(p->region, req->to->region);
    }
    default:
        return false;
    }
}

int cli_request_check(const vs_env_t *req, char *err, size_t errlen)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (vs_wire_encode(req, &buf, &len) != 0) {
        snprintf(err, errlen, "the request is larger than the %u-byte message limit",
                 VS_WIRE_MAX_FRAME);
        return -1;
    }
    char why[200] = "";
    vs_env_t *back = vs_wire_decode(buf, len, why, sizeof why);
    free(buf);
    if (!back) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    vs_wire_free(&back);
    return 0;
}
