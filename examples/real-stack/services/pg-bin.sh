# Sourced by pg-init.sh and db.sh: Debian installs PostgreSQL's server programs under
# /usr/lib/postgresql/<major>/bin (not on PATH); take the newest, or $PGBIN when set.
if [ -z "${PGBIN:-}" ]; then
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/postgres" ] && PGBIN="$dir"
  done
fi
if [ -z "${PGBIN:-}" ] || [ ! -x "$PGBIN/postgres" ]; then
  echo "PostgreSQL's server is not installed: apt-get install postgresql (or set PGBIN)" >&2
  exit 127
fi
