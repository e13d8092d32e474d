/* scn_compose: docker-compose text for a scenario (see scn_compose.h). */
#include "scn_compose.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"

void scn_compose_service(const scn_scenario_t *s, size_t i, char *out, size_t outlen)
{
    snprintf(out, outlen, "agent-%s-%s", s->agents[i].account, s->agents[i].region);
}

/* A YAML double-quoted string: the values here are ids, Regions and
 * options, but a quote or backslash must still not break the file. */
static void s_quoted(cli_buf_t *b, const char *v)
{
    cli_buf_putc(b, '"');
    for (const char *p = v; *p; p++) {
        if (*p == '"' || *p == '\\')
            cli_buf_putc(b, '\\');
        cli_buf_putc(b, *p);
    }
    cli_buf_putc(b, '"');
}

char *scn_compose_yaml(const scn_scenario_t *s)
{
    cli_buf_t b = CLI_BUF_INIT;
    /* A title or path with a line break must not end the comment early. */
    cli_buf_puts(&b, "# docker-compose file for the vpcsim scenario \"");
    for (const char *p = s->title; *p; p++)
        cli_buf_putc(&b, *p == '\n' || *p == '\r' ? ' ' : *p);
    cli_buf_puts(&b, "\" (");
    for (const char *p = s->path; *p; p++)
        cli_buf_putc(&b, *p == '\n' || *p == '\r' ? ' ' : *p);
    cli_buf_puts(&b, "),\n");
    cli_buf_puts(&b, "# written by `vpcsim scenario compose`. The image comes from deploy/build-image.sh.\n"
                     "#   VPCSIM_IMAGE  image to run (default vpcsim:latest)\n"
                     "#   VPCSIM_PORT   host port of the broker, on 127.0.0.1 only (default 5555)\n\n"
                     "services:\n"
                     "  broker:\n"
                     "    image: ${VPCSIM_IMAGE:-vpcsim:latest}\n"
                     "    restart: unless-stopped\n"
                     "    command: [\"vpcsim-broker\", \"--listen\", \"tcp://0.0.0.0:5555\", \"--data-dir\", "
                     "\"/data/broker\"]\n"
                     "    ports:\n"
                     "      - \"127.0.0.1:${VPCSIM_PORT:-5555}:5555\"\n"
                     "    volumes:\n"
                     "      - broker-data:/data/broker\n"
                     "    healthcheck:\n"
                     "      test: [\"CMD\", \"vpcsim\", \"--broker\", \"tcp://127.0.0.1:5555\", \"--timeout\", \"2\", "
                     "\"admin\", \"clock\"]\n"
                     "      interval: 2s\n"
                     "      timeout: 5s\n"
                     "      retries: 15\n");
    char name[96];
    for (size_t i = 0; i < s->nagents; i++) {
        const scn_agent_t *a = &s->agents[i];
        scn_compose_service(s, i, name, sizeof name);
        /* Agents reconnect by themselves; depends_on only orders the first start. */
        cli_buf_printf(&b, "\n  %s:    # %s\n    image: ${VPCSIM_IMAGE:-vpcsim:latest}\n    restart: unless-stopped\n"
                           "    depends_on:\n      - broker\n    command: [\"vpcsim-agent\", \"--broker\", "
                           "\"tcp://broker:5555\",\n              \"--account\", ", name, a->alias);
        s_quoted(&b, a->account);
        cli_buf_puts(&b, ", \"--region\", ");
        s_quoted(&b, a->region);
        cli_buf_puts(&b, ", \"--data-dir\", \"/data/agent\"");
        for (size_t k = 0; k < a->noptions; k++) {
            cli_buf_puts(&b, ", ");
            s_quoted(&b, a->options[k]);
        }
        cli_buf_printf(&b, "]\n    volumes:\n      - %s:/data/agent\n", name);
        cli_buf_puts(&b, "    healthcheck:\n      test: [\"CMD\", \"vpcsim\", \"--broker\", \"tcp://broker:5555\", "
                         "\"--timeout\", \"2\", \"--account\", ");
        s_quoted(&b, a->account);
        cli_buf_puts(&b, ", \"--region\", ");
        s_quoted(&b, a->region);
        cli_buf_puts(&b, ",\n             \"ec2\", \"describe-vpcs\", \"--max-results\", \"5\"]\n"
                         "      interval: 2s\n      timeout: 5s\n      retries: 15\n");
    }
    cli_buf_puts(&b, "\nvolumes:\n  broker-data:\n");
    for (size_t i = 0; i < s->nagents; i++) {
        scn_compose_service(s, i, name, sizeof name);
        cli_buf_printf(&b, "  %s:\n", name);
    }
    return cli_buf_take(&b);
}
