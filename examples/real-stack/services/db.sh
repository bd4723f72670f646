#!/bin/sh
# PostgreSQL on the port the runtime gives ($PORT), on 127.0.0.1 only, durability off (a development
# stack). No Unix socket: Debian's /run/postgresql would be shared by every copy of the stack, and a
# path inside the volume can exceed the 107 bytes a socket path may have.
set -eu
. "$(dirname "$0")/pg-bin.sh"
data="$SELUR_MOUNT_VAR_LIB_POSTGRESQL_DATA"
exec "$PGBIN/postgres" -D "$data" -p "$PORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off
