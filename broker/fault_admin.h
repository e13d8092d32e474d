/* fault_admin: the admin operations of chaos testing, rows of admin.c's
 * table (arguments in faults.h):
 *
 *   set-faults       installs (or with {"clear": true} removes) drop,
 *                    duplicate, delay and reorder faults for agent-to-agent
 *                    messages
 *   partition        isolates agents ({"isolate": "ACCOUNT:REGION"}) or
 *                    removes every partition ({"heal": true})
 *   describe-faults  the faults, the isolated agents and the counters
 *
 * All three answer the describe-faults document, so a caller sees what it
 * changed. Every change is logged at INFO. Bad arguments change nothing
 * and fail with a message that names the option.
 */
#ifndef BK_FAULT_ADMIN_H
#define BK_FAULT_ADMIN_H

#include <stddef.h>

#include "broker.h"
#include "json.h"

int bk_fault_admin_set(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, vs_json_t **out,
                       char *err, size_t errlen);
int bk_fault_admin_partition(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, vs_json_t **out,
                             char *err, size_t errlen);
int bk_fault_admin_describe(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, vs_json_t **out,
                            char *err, size_t errlen);

#endif
