/* custom: the AWS CLI's hand-written ec2 options, the '@' rows of the
 * command table:
 *
 *   @count            run-instances --count N | MIN:MAX -> MinCount, MaxCount
 *                     (awscli/customizations/ec2/addcount.py)
 *   @protocol @port @cidr @source-group @group-owner
 *                     security-group rules without JSON -> IpPermissions[0]
 *                     (awscli/customizations/ec2/secgroupsimplify.py)
 *   @starting-token @page-size @max-items
 *                     pagination (awscli/customizations/paginate.py)
 *
 * No IO.
 */
#ifndef CLI_CUSTOM_H
#define CLI_CUSTOM_H

#include "argparse.h"
#include "json.h"

/* Applies customization `name` (the type without '@') given `value` to the
 * input document and paging settings. Returns 0, or CLI_EXIT_USAGE with
 * *err a malloc'd message for stderr. */
int cli_custom_apply(const char *name, const char *value, vs_json_t *input, cli_paging_t *paging,
                     char **err);

/* Checks done once all options are in: --ip-permissions against the
 * security-group shortcuts, and the defaults (MinCount/MaxCount 1). */
int cli_custom_finish(const char *const *given, int ngiven, vs_json_t *input, char **err);

#endif
