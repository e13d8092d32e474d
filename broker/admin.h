/* admin: the operations the broker answers itself (AdminRequest), as a
 * table of { op, handler }, so that later operations (set-faults,
 * partition, ...) are one function and one row.
 *
 *   describe-agents  {"Agents": [{"AccountId", "Region", "Partition",
 *                    "Status": "online"|"offline", "VpcCount"}]}, sorted by
 *                    account, then Region
 *   clock            {"SimulatedTime": "2026-11-27T16:00:00.000Z", "Speed": 1.0}
 *   advance-clock    moves simulated time forward by `seconds` (> 0),
 *                    broadcasts a ClockTick to every online agent and
 *                    answers the clock document
 *   set-faults, partition, describe-faults
 *                    chaos testing (fault_admin.h)
 */
#ifndef BK_ADMIN_H
#define BK_ADMIN_H

#include <stddef.h>

#include "broker.h"

/* Runs rq. On success returns 0 and sets *out_json to a malloc'd JSON
 * document (caller frees); on failure returns -1 with a one-line message
 * for AdminReply.error_message in err. */
int bk_admin_run(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, char **out_json, char *err,
                 size_t errlen);

#endif
