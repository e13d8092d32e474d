/* pcx_out: the API outputs of the peering actions that are also built when
 * the home's answer to a forwarded operation comes back (pcx_proto.c), so
 * both paths print the same documents.
 */
#include "pcx_model.h"

const char *const vs_pcx__opt_names[3] = {
    "AllowDnsResolutionFromRemoteVpc",
    "AllowEgressFromLocalClassicLinkToRemoteVpc",
    "AllowEgressFromLocalVpcToRemoteClassicLink",
};

vs_json_t *vs_pcx__wrap(vs_json_t *pcx)
{
    vs_json_t *doc = vs_json_object();
    vs_json_set(doc, "VpcPeeringConnection", pcx);
    return doc;
}

vs_json_t *vs_pcx__return_true(void)
{
    vs_json_t *doc = vs_json_object();
    vs_json_set_bool(doc, "Return", true);
    return doc;
}

static vs_json_t *s_opts_json(const vs_pcx_options_t *o)
{
    vs_json_t *j = vs_json_object();
    vs_json_set_bool(j, vs_pcx__opt_names[0], o->allow_dns_resolution_from_remote_vpc);
    vs_json_set_bool(j, vs_pcx__opt_names[1], o->allow_egress_from_local_classic_link_to_remote_vpc);
    vs_json_set_bool(j, vs_pcx__opt_names[2], o->allow_egress_from_local_vpc_to_remote_classic_link);
    return j;
}

vs_json_t *vs_pcx__modify_output(const vs_pcx_obj_t *o, bool req, bool acc)
{
    vs_json_t *doc = vs_json_object();
    if (acc)
        vs_json_set(doc, "AccepterPeeringConnectionOptions", s_opts_json(&o->rec.accepter.options));
    if (req)
        vs_json_set(doc, "RequesterPeeringConnectionOptions",
                    s_opts_json(&o->rec.requester.options));
    return doc;
}
