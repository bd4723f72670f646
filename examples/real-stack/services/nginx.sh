#!/bin/sh
# nginx in the foreground on $PORT (as www-data), proxying to the app ($APP_HOST:$APP_PORT, given
# by the runtime because web depends on app). Its configuration is nginx.conf with those values
# filled in, written with its pid file and temporary folders into the `nginx-run` volume, never
# into /etc or /var.
set -eu
run="$SELUR_MOUNT_RUN_NGINX"
mkdir -p "$run/tmp"
sed -e "s|@PORT@|$PORT|g" -e "s|@APP@|$APP_HOST:$APP_PORT|g" -e "s|@RUN@|$run|g" \
  "$(dirname "$0")/nginx.conf" > "$run/nginx.conf"
exec nginx -e stderr -p "$run" -c "$run/nginx.conf" -g 'daemon off;'
