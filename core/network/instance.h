/* instance: EC2 instances inside the agent model (ec2_instance.c), shared
 * with the reachability engine (reach.c), which needs an instance's
 * address, subnet and security groups.
 *
 * Every instance has exactly one network interface (device index 0): its
 * ID, MAC and addresses live in the instance record rather than in an
 * object of their own, because the simulator has no API that creates,
 * attaches or detaches interfaces. An interface ID is still a valid path
 * endpoint for the Reachability Analyzer (vs_instance__by_eni).
 *
 * Lifecycle: pending -> running after VS_INSTANCE_BOOT_MS; terminate:
 * shutting-down -> terminated after VS_INSTANCE_SHUTDOWN_MS, when the
 * addresses go back to the subnet; a terminated instance stays visible for
 * VS_INSTANCE_VISIBLE_MS and is then dropped (as EC2 does, "about an hour").
 */
#ifndef VS_INSTANCE_H
#define VS_INSTANCE_H

#include <stdbool.h>

#include "network.h"

/* EC2's state codes (the low byte of InstanceState.Code). */
enum {
    VS_INST_PENDING = 0,
    VS_INST_RUNNING = 16,
    VS_INST_SHUTTING_DOWN = 32,
    VS_INST_TERMINATED = 48
};

#define VS_INSTANCE_BOOT_MS     (5 * VS_SECOND_MS)
#define VS_INSTANCE_SHUTDOWN_MS (5 * VS_SECOND_MS)
#define VS_INSTANCE_VISIBLE_MS  VS_HOUR_MS

/* Security groups per network interface (EC2 default quota). */
#define VS_INSTANCE_MAX_SGS 5
#define VS_INSTANCE_TYPE_LEN 32
#define VS_INSTANCE_TOKEN_LEN 65      /* ClientToken: up to 64 ASCII characters */

typedef struct vs_instance {
    vs_obj_t base;                     /* i-... */
    char reservation_id[VS_ID_LEN];    /* r-... shared by one RunInstances call */
    char image_id[VS_ID_LEN];
    char type[VS_INSTANCE_TYPE_LEN];
    char client_token[VS_INSTANCE_TOKEN_LEN];
    int launch_index;                  /* AmiLaunchIndex */
    char subnet_id[VS_ID_LEN];
    char vpc_id[VS_ID_LEN];
    char az[VS_AZ_LEN];
    vs_ip_t ip;                        /* primary private IPv4 */
    bool has_ip6;
    vs_ip_t ip6;
    char eni_id[VS_ID_LEN];
    char attach_id[VS_ASSOC_ID_LEN];   /* eni-attach-... */
    char vol_id[VS_ID_LEN];            /* root volume */
    char mac[18];
    char sg_ids[VS_INSTANCE_MAX_SGS][VS_ID_LEN];
    size_t nsg;
    int state;                         /* VS_INST_* */
    uint64_t launch_ms;
    uint64_t state_ms;                 /* when `state` was entered */
} vs_instance_t;

extern const vs_kind_t vs_kind_instance;
extern const vs_module_t vs_module_instance;
extern const vs_module_t vs_module_instance_describe;   /* instance_out.c */
extern const vs_module_t vs_module_instance_run;        /* instance_run.c */
extern const vs_module_t vs_module_instance_eni;        /* instance_eni.c */

/* "pending", "running", "shutting-down", "terminated". */
const char *vs_instance__state_name(int state);

/* The instance of this model whose interface is eni_id (any state), or
 * NULL. Borrowed. */
vs_instance_t *vs_instance__by_eni(const vs_model_t *m, const char *eni_id);
/* The instance of this model, not terminated, whose interface holds
 * address ip (IPv4 primary or IPv6) in VPC vpc_id, or NULL. Borrowed. */
vs_instance_t *vs_instance__by_ip(const vs_model_t *m, const char *vpc_id, const vs_ip_t *ip);

/* The boot timer (armed by RunInstances, handled in ec2_instance.c). */
#define VS_INSTANCE_T_BOOT "instance-boot"

/* Holds its addresses: everything but terminated (EC2 frees the address
 * when the interface is deleted, at the end of shutting-down). */
static inline bool vs_instance__holds_ip(const vs_instance_t *i)
{
    return i->state != VS_INST_TERMINATED;
}

/* The RunInstances action (instance_run.c). */
int vs_instance__run(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                     vs_awserr_t *err);

/* Outputs (instance_out.c): one Instance document in the AWS CLI's key
 * order; the Reservation document of every instance launched under
 * reservation `rid` (NULL on OOM). Caller owns. */
vs_json_t *vs_instance__output(const vs_model_t *m, const vs_instance_t *i);
vs_json_t *vs_instance__reservation_output(const vs_model_t *m, const char *rid);
/* The instance's network interface as DescribeInstances nests it (caller owns). */
vs_json_t *vs_instance__eni_output(const vs_model_t *m, const vs_instance_t *i);
/* The DescribeNetworkInterfaces action (instance_eni.c). */
int vs_instance__describe_enis(vs_model_t *m, const char *caller, const vs_json_t *in,
                               vs_json_t **out, vs_awserr_t *err);
/* The DescribeInstances action. */
int vs_instance__describe(vs_model_t *m, const char *caller, const vs_json_t *in,
                          vs_json_t **out, vs_awserr_t *err);

/* An interface that can carry traffic: the instance exists and is neither
 * shutting down nor terminated. */
static inline bool vs_instance__attached(const vs_instance_t *i)
{
    return i && (i->state == VS_INST_PENDING || i->state == VS_INST_RUNNING);
}

#endif
