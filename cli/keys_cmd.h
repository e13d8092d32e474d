/* keys_cmd: `vpcsim keys init DIR [--account ACCOUNT:REGION ...]
 * [--client ACCOUNT ...]`, which writes a cluster keyring (keys.h).
 *
 * Run before the global options are parsed: `--account` here names agent
 * principals (repeatable), not the account the CLI acts as.
 */
#ifndef CLI_KEYS_CMD_H
#define CLI_KEYS_CMD_H

/* argv holds the arguments after "keys" (borrowed). Returns the exit
 * status: 0, 252 on a usage error, 255 when the keyring cannot be
 * written. */
int cli_keys_main(int argc, char **argv);

#endif
