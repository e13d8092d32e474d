/* ec2: `vpcsim ec2 SUBCOMMAND [OPTIONS]`: parse the options into the
 * operation's input (argparse.h), send it as an ApiRequest to the agent of
 * the caller's account and Region through the broker (transport.h),
 * paginate describe-* calls as the AWS CLI does (paginate.h), and print
 * the output (output.h) or the error, with the AWS CLI's exit codes.
 */
#ifndef CLI_EC2_H
#define CLI_EC2_H

#include "globals.h"

/* argv[0] is the subcommand (argc may be 0). Returns the exit status. */
int cli_ec2_main(const cli_globals_t *g, int argc, char **argv);

#endif
