/* service: the EC2 service an agent runs, assembled from the layers below.
 * It is the only place that names every module, so adding a resource type
 * means one line here (see docs/HACKING.md). The agent daemon, the
 * deterministic simulation and the tests pass this list to vs_model_new().
 */
#ifndef VS_SERVICE_H
#define VS_SERVICE_H

#include "model.h"

/* Every module of the EC2 service, NULL-terminated, in hook order (static;
 * never freed). Hooks run in this order: the VPC first, then what hangs off
 * it, peering after the network resources it checks. */
const struct vs_module *const *vs_service_modules(void);

#endif
