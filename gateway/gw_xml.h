/* gw_xml: the response bodies of the EC2 and query (STS) protocols, written
 * from an operation's output document in botocore's JSON shape (the one the
 * agent answers and the vpcsim CLI prints) by walking the output shape of
 * the generated model: element names are the members' locationNames
 * (vpcSet, vpcPeeringConnectionId), lists are wrapped with <item> members,
 * booleans are `true`/`false`, timestamps ISO 8601 with milliseconds and Z.
 * Members the model does not know are left out; so are JSON nulls.
 * Sans-IO: everything is appended to a gw_buf_t.
 */
#ifndef GW_XML_H
#define GW_XML_H

#include "gw_buf.h"
#include "gw_model.h"
#include "json.h"

/* Appends s with & < > " ' escaped; control characters other than tab,
 * newline and carriage return (not allowed in XML 1.0) are dropped. */
void gw_xml_escape(gw_buf_t *b, const char *s);

/* A success body: <OpResponse xmlns=...> with the request id and output
 * (may be NULL: no members). */
void gw_xml_response(gw_buf_t *b, const gw_service_t *svc, const gw_op_t *op,
                     const vs_json_t *output, const char *request_id);

/* An error body in the service's envelope (EC2: <Response><Errors>...,
 * query: <ErrorResponse>...). */
void gw_xml_error(gw_buf_t *b, const gw_service_t *svc, const char *code, const char *message,
                  const char *request_id);

#endif
