/* scn_compose: the docker-compose file for a scenario's agents, in the
 * shape of deploy/docker-compose.yml: the image deploy/build-image.sh
 * builds (VPCSIM_IMAGE, default vpcsim:latest), a broker published on
 * 127.0.0.1:${VPCSIM_PORT:-5555} only, one service and one named volume
 * per agent (agent-ACCOUNT-REGION) with its options, and health checks
 * that use the image's own vpcsim CLI (the image has no shell): the broker
 * is healthy when it answers `admin clock`, an agent when it answers an
 * API call through the broker; and the gateway (vpcsim-gateway) published
 * on 127.0.0.1:${VPCSIM_GATEWAY_PORT:-4566}.
 *
 * With keys, every process runs with --keys /keys and gets there, as
 * read-only bind mounts from the host's keyring ${VPCSIM_KEYS_DIR:-./keys}
 * (scn_keys.h), only the files it needs, as deploy/docker-compose.yml
 * does. Pure: returns the text.
 */
#ifndef SCN_COMPOSE_H
#define SCN_COMPOSE_H

#include <stdbool.h>

#include "scn_model.h"

/* The compose file, malloc'd. keys: authenticated (see above); false, an
 * open broker. */
char *scn_compose_yaml(const scn_scenario_t *s, bool keys);

/* The service name of agent i: "agent-111111111111-us-east-1". */
void scn_compose_service(const scn_scenario_t *s, size_t i, char *out, size_t outlen);

#endif
