#!/bin/sh
# PostgreSQL on the port the runtime gives ($PORT), on 127.0.0.1 only, its socket inside its data
# folder (so two stacks never share /run/postgresql), durability off (a development stack).
set -eu
. "$(dirname "$0")/pg-bin.sh"
data="$SELUR_MOUNT_VAR_LIB_POSTGRESQL_DATA"
exec "$PGBIN/postgres" -D "$data" -p "$PORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories="$data" \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off
