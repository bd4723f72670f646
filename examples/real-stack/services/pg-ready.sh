#!/bin/sh
# The readiness check of PostgreSQL (the db service's healthcheck, and the sequential script's
# poll in bench/fixtures): ready when it accepts queries on $PORT, not merely connections.
# The server's own pg_isready, not the one on PATH: Debian's /usr/bin/pg_isready is
# postgresql-common's Perl wrapper: ~35 ms a call before the program itself runs (57 ms in all, against 22).
. "$(dirname "$0")/pg-bin.sh"
exec "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"
