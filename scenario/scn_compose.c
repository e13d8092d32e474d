/* scn_compose: docker-compose text for a scenario (see scn_compose.h). */
#include "scn_compose.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "scn_keys.h"

void scn_compose_service(const scn_scenario_t *s, size_t i, char *out, size_t outlen)
{
    snprintf(out, outlen, "agent-%s-%s", s->agents[i].account, s->agents[i].region);
}

/* A YAML double-quoted string: the values here are ids, Regions and
 * options, but a quote or backslash must still not break the file. */
static void s_quoted(vs_buf_t *b, const char *v)
{
    vs_buf_putc(b, '"');
    for (const char *p = v; *p; p++) {
        if (*p == '"' || *p == '\\')
            vs_buf_putc(b, '\\');
        vs_buf_putc(b, *p);
    }
    vs_buf_putc(b, '"');
}

/* One key file of the host's keyring, read-only in the container. */
static void s_mount(vs_buf_t *b, const char *file)
{
    vs_buf_printf(b, "      - ${VPCSIM_KEYS_DIR:-./keys}/%s:/keys/%s:ro\n", file, file);
}

/* The comment that says how to make the keyring the file mounts. */
static void s_keys_comment(vs_buf_t *b, const scn_scenario_t *s)
{
    vs_buf_puts(b, "#   VPCSIM_KEYS_DIR  the cluster keyring on the host (default ./keys); make it before the\n"
                    "#                 first `up` (an agent's account gets its client key too):\n"
                    "#     vpcsim keys init ./keys");
    for (size_t i = 0; i < s->nagents; i++)
        vs_buf_printf(b, " \\\n#         --account %s:%s", s->agents[i].account, s->agents[i].region);
    vs_buf_puts(b, "\n#\n"
                    "# Authentication: each container gets only the key files it needs, read-only\n"
                    "# in /keys: the broker its secret key, every principal's public key and the\n"
                    "# admin key (for its health check); each agent the broker's public key, its\n"
                    "# own secret key and its account's client key (for its health check, which\n"
                    "# acts as that account: nothing the agent could not do already).\n");
}

char *scn_compose_yaml(const scn_scenario_t *s, bool keys)
{
    vs_buf_t b = VS_BUF_INIT;
    /* A title or path with a line break must not end the comment early. */
    vs_buf_puts(&b, "# docker-compose file for the vpcsim scenario \"");
    for (const char *p = s->title; *p; p++)
        vs_buf_putc(&b, *p == '\n' || *p == '\r' ? ' ' : *p);
    vs_buf_puts(&b, "\" (");
    for (const char *p = s->path; *p; p++)
        vs_buf_putc(&b, *p == '\n' || *p == '\r' ? ' ' : *p);
    vs_buf_puts(&b, "),\n");
    vs_buf_puts(&b, "# written by `vpcsim scenario compose`. The image comes from deploy/build-image.sh.\n"
                     "#   VPCSIM_IMAGE  image to run (default vpcsim:latest)\n"
                     "#   VPCSIM_PORT   host port of the broker, on 127.0.0.1 only (default 5555)\n"
                     "#   VPCSIM_GATEWAY_PORT  host port of the EC2 Query API gateway, 127.0.0.1 only\n"
                     "#                 (default 4566)\n");
    if (keys)
        s_keys_comment(&b, s);
    else
        vs_buf_puts(&b, "# Written with --no-keys: the broker is open to anyone who reaches it.\n");
    /* Inside its container each process finds its key files in /keys. */
    const char *keyopt = keys ? ", \"--keys\", \"/keys\"" : "";
    vs_buf_printf(&b, "\nservices:\n"
                       "  broker:\n"
                       "    image: ${VPCSIM_IMAGE:-vpcsim:latest}\n"
                       "    restart: unless-stopped\n"
                       "    command: [\"vpcsim-broker\", \"--listen\", \"tcp://0.0.0.0:5555\", \"--data-dir\", "
                       "\"/data/broker\"%s]\n"
                       "    ports:\n"
                       "      - \"127.0.0.1:${VPCSIM_PORT:-5555}:5555\"\n"
                       "    volumes:\n"
                       "      - broker-data:/data/broker\n", keyopt);
    char name[96];
    const char *accounts[SCN_MAX_AGENTS];
    size_t naccounts = scn_keys_accounts(s, accounts);
    if (keys) {
        s_mount(&b, "broker.key");
        s_mount(&b, "broker.pub");
        s_mount(&b, "admin.key");
        s_mount(&b, "admin.pub");
        for (size_t i = 0; i < s->nagents; i++) {
            snprintf(name, sizeof name, "agent-%s-%s.pub", s->agents[i].account, s->agents[i].region);
            s_mount(&b, name);
        }
        for (size_t i = 0; i < naccounts; i++) {
            snprintf(name, sizeof name, "client-%s.pub", accounts[i]);
            s_mount(&b, name);
        }
    }
    vs_buf_printf(&b, "    healthcheck:\n"
                       "      test: [\"CMD\", \"vpcsim\", \"--broker\", \"tcp://127.0.0.1:5555\"%s, \"--timeout\", "
                       "\"2\", \"admin\", \"clock\"]\n"
                       "      interval: 2s\n"
                       "      timeout: 5s\n"
                       "      retries: 15\n", keyopt);
    /* The gateway calls as the account of each request (its client key)
     * and serves the console (the admin key, for read-only admin calls). */
    vs_buf_printf(&b, "\n  # The EC2 Query API for the AWS CLI, SDKs and Terraform: aws --endpoint-url\n"
                       "  # http://127.0.0.1:${VPCSIM_GATEWAY_PORT:-4566} ec2 ... (access key id = account id);\n"
                       "  # the live console at http://127.0.0.1:${VPCSIM_GATEWAY_PORT:-4566}/console/\n"
                       "  gateway:\n"
                       "    image: ${VPCSIM_IMAGE:-vpcsim:latest}\n"
                       "    restart: unless-stopped\n"
                       "    command: [\"vpcsim-gateway\", \"--listen\", \"0.0.0.0:4566\", \"--broker\", "
                       "\"tcp://broker:5555\"%s]\n"
                       "    ports:\n"
                       "      - \"127.0.0.1:${VPCSIM_GATEWAY_PORT:-4566}:4566\"\n"
                       "    depends_on:\n"
                       "      - broker\n", keyopt);
    if (keys) {
        vs_buf_puts(&b, "    volumes:\n");
        s_mount(&b, "broker.pub");
        s_mount(&b, "admin.key");
        for (size_t i = 0; i < naccounts; i++) {
            snprintf(name, sizeof name, "client-%s.key", accounts[i]);
            s_mount(&b, name);
        }
    }
    for (size_t i = 0; i < s->nagents; i++) {
        const scn_agent_t *a = &s->agents[i];
        scn_compose_service(s, i, name, sizeof name);
        /* Agents reconnect by themselves; depends_on only orders the first start. */
        vs_buf_printf(&b, "\n  %s:    # %s\n    image: ${VPCSIM_IMAGE:-vpcsim:latest}\n    restart: unless-stopped\n"
                           "    depends_on:\n      - broker\n    command: [\"vpcsim-agent\", \"--broker\", "
                           "\"tcp://broker:5555\",\n              \"--account\", ", name, a->alias);
        s_quoted(&b, a->account);
        vs_buf_puts(&b, ", \"--region\", ");
        s_quoted(&b, a->region);
        vs_buf_printf(&b, ", \"--data-dir\", \"/data/agent\"%s", keyopt);
        for (size_t k = 0; k < a->noptions; k++) {
            vs_buf_puts(&b, ", ");
            s_quoted(&b, a->options[k]);
        }
        vs_buf_printf(&b, "]\n    volumes:\n      - %s:/data/agent\n", name);
        if (keys) {
            char file[128];
            s_mount(&b, "broker.pub");
            snprintf(file, sizeof file, "%s.key", name);
            s_mount(&b, file);
            snprintf(file, sizeof file, "client-%s.key", a->account);
            s_mount(&b, file);
        }
        vs_buf_printf(&b, "    healthcheck:\n      test: [\"CMD\", \"vpcsim\", \"--broker\", \"tcp://broker:5555\"%s, "
                           "\"--timeout\", \"2\", \"--account\", ", keyopt);
        s_quoted(&b, a->account);
        vs_buf_puts(&b, ", \"--region\", ");
        s_quoted(&b, a->region);
        vs_buf_puts(&b, ",\n             \"ec2\", \"describe-vpcs\", \"--max-results\", \"5\"]\n"
                         "      interval: 2s\n      timeout: 5s\n      retries: 15\n");
    }
    vs_buf_puts(&b, "\nvolumes:\n  broker-data:\n");
    for (size_t i = 0; i < s->nagents; i++) {
        scn_compose_service(s, i, name, sizeof name);
        vs_buf_printf(&b, "  %s:\n", name);
    }
    return vs_buf_take(&b);
}
