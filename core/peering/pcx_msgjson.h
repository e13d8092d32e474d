/* pcx_msgjson: the JSON form of the peering messages (pcx_wire.h), the
 * form agents spoke before the typed encoding and the one traces print.
 *
 *   {"T": "Request"|"Validated"|"State"|"Op"|"OpResult"|"Cidrs",
 *    "Id": pcx id, "Pcx": record document (pcx_doc.h), "Ok": bool,
 *    "Ipv4": [cidr...], "Ipv6": [cidr...], "CidrsSeq": "n", "OpId": "n",
 *    "Action": "Accept"|..., "RequesterOptions"/"AccepterOptions":
 *    {"Dns","ClToVpc","VpcToCl"}, "Code", "Message"}
 *
 * Receiving it is kept so that a message an older agent wrote into its
 * outbox before an upgrade is still understood; nothing sends it.
 */
#ifndef VS_PCX_MSGJSON_H
#define VS_PCX_MSGJSON_H

#include "json.h"
#include "pcx_wire.h"

/* Reads a JSON message into *out, with the checks of the typed decoder
 * (pcx_wire.h). 0, or -1 if j is not a peering message (no or unknown
 * "T"). */
int vs_pcx_msgjson_read(const vs_json_t *j, vs_pcx_msg_t *out);

/* The JSON form of msg (caller owns), NULL on OOM. */
vs_json_t *vs_pcx_msgjson_write(const vs_pcx_msg_t *msg);

/* A peering payload (typed or JSON) as one line of JSON text, for
 * captures and traces (caller frees); NULL if it is not a peering
 * message. */
char *vs_pcx_msgjson_render(const uint8_t *payload, size_t len);

#endif
