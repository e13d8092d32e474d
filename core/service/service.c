#include "service.h"

#include "insights.h"
#include "instance.h"
#include "nacl.h"
#include "network.h"
#include "pcx_model.h"
#include "sg.h"
#include "sg_dir.h"
#include "vpc.h"

/* Unit tests may define this module to plug in test actions, kinds, timers
 * and hooks; in the daemons it stays undefined (a weak reference is NULL,
 * which ends the list). */
extern const vs_module_t vs_module_test __attribute__((weak));

static const vs_module_t *const s_modules[] = {
    &vs_module_vpc,
    &vs_module_sg,
    &vs_module_sg_rules,
    &vs_module_vpc_cidr,
    &vs_module_subnet,
    &vs_module_rtb,
    &vs_module_igw,
    &vs_module_nacl,
    &vs_module_nacl_entry,
    &vs_module_route,
    &vs_module_tags,
    &vs_module_pcx,
    &vs_module_instance,
    &vs_module_instance_run,
    &vs_module_instance_describe,
    &vs_module_instance_eni,
    &vs_module_insights,
    &vs_module_sgdir,
    &vs_module_test,    /* NULL (the end of the list) unless a test defines it */
    NULL
};

const struct vs_module *const *vs_service_modules(void)
{
    return s_modules;
}
