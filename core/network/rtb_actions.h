/* rtb_actions: the route table actions of ec2_rtb_assoc.c (tables and
 * their subnet associations), listed by the route module in ec2_route.c
 * next to the route actions, so that one module entry in model.c covers
 * both files. Handlers follow vs_action_fn.
 */
#ifndef VS_RTB_ACTIONS_H
#define VS_RTB_ACTIONS_H

#include "network.h"

int vs_rtb__create_table(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                         vs_awserr_t *err);
int vs_rtb__delete_table(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                         vs_awserr_t *err);
int vs_rtb__associate(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                      vs_awserr_t *err);
int vs_rtb__disassociate(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                         vs_awserr_t *err);
int vs_rtb__replace_association(vs_model_t *m, const char *caller, const vs_json_t *in,
                                vs_json_t **out, vs_awserr_t *err);

#endif
