/* fault_admin: set-faults, partition, describe-faults (see fault_admin.h). */
#include "fault_admin.h"

#include <stdio.h>
#include <stdlib.h>

#include "fault_relay.h"
#include "log.h"

int bk_fault_admin_describe(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, vs_json_t **out,
                            char *err, size_t errlen)
{
    *out = bk_faults_describe(b->faults);
    if (!*out) {
        snprintf(err, errlen, "broker out of memory");
        return -1;
    }
    return 0;
}

int bk_fault_admin_set(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, vs_json_t **out,
                       char *err, size_t errlen)
{
    bk_faults_cfg_t cfg;
    bool clear;
    if (bk_faults_parse(rq->args_json, &cfg, &clear, err, errlen) < 0)
        return -1;
    if (clear) {
        bool was = bk_faults_active(b->faults);
        bk_faults_configure(b->faults, NULL);
        VS_INFO("fault injection cleared%s", was ? "" : " (none was set)");
        /* What was held back for reordering would otherwise wait for its
         * deadline although no fault is set any more. */
        bk_fault_relay_release(b);
    } else {
        char text[200];
        bk_faults_configure(b->faults, &cfg);
        bk_faults_describe_cfg(&cfg, text, sizeof text);
        VS_INFO("fault injection set for agent-to-agent messages: %s", text);
    }
    return bk_fault_admin_describe(b, rq, out, err, errlen);
}

int bk_fault_admin_partition(broker_t *b, const Vpcsim__Wire__AdminRequest *rq, vs_json_t **out,
                             char *err, size_t errlen)
{
    char (*keys)[BK_FAULTS_KEY_LEN] = calloc(BK_FAULTS_MAX_ISOLATED, sizeof *keys);
    size_t n = 0;
    bool heal;
    if (!keys) {
        snprintf(err, errlen, "broker out of memory");
        return -1;
    }
    if (bk_faults_parse_partition(rq->args_json, &heal, keys, BK_FAULTS_MAX_ISOLATED, &n, err,
                                  errlen) < 0) {
        free(keys);
        return -1;
    }
    if (heal) {
        size_t was = bk_faults_heal(b->faults);
        VS_INFO("partitions healed (%zu agents were isolated)", was);
    }
    /* All or nothing: refuse before isolating anyone when the list would
     * overflow the table. */
    size_t fresh = 0;
    for (size_t i = 0; i < n; i++)
        fresh += !bk_faults_isolated_key(b->faults, keys[i]);
    if (bk_faults_isolated_count(b->faults) + fresh > BK_FAULTS_MAX_ISOLATED) {
        snprintf(err, errlen, "partition: at most %d agents can be isolated at once",
                 BK_FAULTS_MAX_ISOLATED);
        free(keys);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (bk_faults_isolate(b->faults, keys[i]) == 1)
            VS_INFO("partition: agent %s isolated from agent-to-agent traffic (%zu isolated)",
                    keys[i], bk_faults_isolated_count(b->faults));
        else
            VS_INFO("partition: agent %s was already isolated", keys[i]);
    }
    free(keys);
    return bk_fault_admin_describe(b, rq, out, err, errlen);
}
