#!/bin/sh
# One-shot: create the PostgreSQL cluster in the `pgdata` volume (the runtime gives its folder as
# $SELUR_MOUNT_VAR_LIB_POSTGRESQL_DATA), unless a previous run already did. Runs as `postgres`:
# initdb refuses to run as root. `trust` on 127.0.0.1 only: this is a development stack.
set -eu
. "$(dirname "$0")/pg-bin.sh"
data="$SELUR_MOUNT_VAR_LIB_POSTGRESQL_DATA"
if [ -s "$data/PG_VERSION" ]; then
  echo "pg-init: cluster already in $data"
  exit 0
fi
exec "$PGBIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync --no-instructions
