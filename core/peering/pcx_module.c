/* pcx_module: VPC peering as a module of the model: its actions, object
 * kind, timers, VPC hooks and peer messages wired together. The top of the
 * peering layer: it names the files below it, none of them names it.
 */
#include "pcx_model.h"

/* --- timers ------------------------------------------------------------------ */

/* The lifecycle timer of the home: expiry, provisioning -> active,
 * deleting -> deleted. */
static void s_on_event(vs_model_t *m, const char *id)
{
    vs_pcx_obj_t *o = (vs_pcx_obj_t *)vs_model__get(m, id);
    vs_pcx_action_t ev;
    uint64_t at;
    if (!o || !vs_pcx_obj_is_home(o) || !vs_pcx_next_event(&o->rec, &ev, &at))
        return;
    if (at > vs_model__now(m)) {
        vs_pcx__arm_timers(m, o);
        return;
    }
    vs_awserr_t err;
    if (vs_pcx__home_act(m, o, NULL, NULL, ev, NULL, NULL, &err) != 0)
        vs_pcx__arm_timers(m, o);
}

/* The view aged out: hide it, and drop the tombstone much later. */
static void s_on_purge(vs_model_t *m, const char *id)
{
    vs_pcx_obj_t *o = (vs_pcx_obj_t *)vs_model__get(m, id);
    if (!o)
        return;
    if (o->hidden) {
        vs_pcx__purge(m, o);
        return;
    }
    o->hidden = true;
    vs_model__touch(m, &o->base);
    vs_pcx__arm_timers(m, o);
}

/* --- the module ----------------------------------------------------------------- */

static const vs_kind_t *const s_kinds[] = { &vs_kind_pcx, NULL };

static const vs_timer_kind_t s_timers[] = {
    { VS_PCX_T_EVENT, s_on_event },
    { VS_PCX_T_PURGE, s_on_purge },
    { "pcx-validate", vs_pcx__on_validate_timer },
    { NULL, NULL },
};

const vs_module_t vs_module_pcx = {
    .name = "pcx",
    .actions = vs_pcx_actions,
    .kinds = s_kinds,
    .timers = s_timers,
    .vpc_created = vs_pcx__vpc_created,
    .vpc_delete_check = vs_pcx__vpc_delete_check,
    .vpc_deleting = vs_pcx__vpc_deleting,
    .cidr_change_allowed = vs_pcx__cidr_change_allowed,
    .vpc_cidr_changed = vs_pcx__vpc_cidr_changed,
    .on_peer = vs_pcx__on_peer,
    .on_undeliverable = vs_pcx__on_undeliverable,
};
