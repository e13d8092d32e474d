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

int vs_pcx__render_to(vs_buf_t *b, const vs_pcx_t *rec, const vs_tags_t *tags)
{
    if (vs_pcx_render_text(b, rec, tags) == 0)
        return 0;
    vs_json_t *tj = tags ? vs_tags_to_json(tags) : NULL;
    vs_json_t *o = vs_pcx_render(rec, tj);
    char *text = o ? vs_json_dump(o, 0) : NULL;
    bool ok = text != NULL;
    if (ok)
        vs_buf_puts(b, text);
    free(text);
    vs_json_free(&o);
    vs_json_free(&tj);
    return ok ? 0 : -1;
}

char *vs_pcx__wrap_text(const vs_pcx_t *rec, const vs_tags_t *tags)
{
    vs_buf_t b = VS_BUF_INIT;
    vs_buf_reserve(&b, 1024);      /* a connection prints in 600-900 bytes */
    /* Where the tree has no object, the tree's wrapper left the member
     * out (vs_json_set of NULL). */
    vs_buf_puts(&b, "{\"VpcPeeringConnection\":");
    if (vs_pcx__render_to(&b, rec, tags) != 0 && !b.oom) {
        b.len = 1;
        b.s[1] = '\0';
    }
    vs_buf_putc(&b, '}');
    return vs_buf_take(&b);
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
