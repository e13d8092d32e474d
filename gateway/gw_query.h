/* gw_query: turns the flattened parameters of an EC2 Query request
 * (`Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1&VpcId.2=...`) into the
 * operation's input document in botocore's JSON shape
 * ({"Filters": [{"Name": "vpc-id", "Values": ["vpc-1"]}], "VpcIds": [...]}),
 * the same document the vpcsim CLI sends to an agent. It walks the input
 * shape of the generated model: keys are matched by their query names,
 * list indexes are sort keys (gaps allowed, order of arrival irrelevant),
 * scalars are typed (integers, booleans, doubles). Sans-IO.
 *
 * Action and Version are not input members and are skipped. A top-level
 * scalar parameter the model does not have (a member newer than the build's
 * botocore) is passed on as a string under its own name; any other unknown
 * key is UnknownParameter.
 */
#ifndef GW_QUERY_H
#define GW_QUERY_H

#include "gw_err.h"
#include "gw_form.h"
#include "gw_model.h"
#include "json.h"

#define GW_QUERY_MAX_INDEX 10000
#define GW_QUERY_MAX_DEPTH 16

/* Returns the input document (caller frees with vs_json_free), or NULL
 * with err set: UnknownParameter for a nested key the shape does not have,
 * InvalidParameterValue for a badly typed value, a bad list index or a key
 * given twice. */
vs_json_t *gw_query_to_json(const gw_service_t *svc, const gw_op_t *op, const gw_form_t *form,
                            gw_err_t *err);

#endif
