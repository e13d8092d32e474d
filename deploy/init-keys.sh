#!/usr/bin/env bash
# Creates (or completes) the keyring docker-compose.yml mounts into its
# containers: key pairs for the broker, the admin, the three agents and
# their two client accounts. Existing keys are kept.
#
#   bash deploy/init-keys.sh [DIR]      (default: deploy/keys)
#
# Uses the vpcsim next to it in build/bin, else the one on PATH. The secret
# keys stay on this machine: deploy/keys is not committed (.gitignore).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${1:-$ROOT/deploy/keys}
VPCSIM=$ROOT/build/bin/vpcsim
[ -x "$VPCSIM" ] || VPCSIM=$(command -v vpcsim) ||
    { echo "init-keys.sh: build vpcsim first (cmake --build build)" >&2; exit 1; }
"$VPCSIM" keys init "$DIR" \
    --account 522373083963:ap-northeast-1 \
    --account 444455556666:ap-northeast-1 \
    --account 444455556666:us-east-1
