#!/usr/bin/env bash
# A real S3 server on 127.0.0.1 for trying s3:// here: S3Proxy (org.gaul:s3proxy, the jar the
# build copies to target/s3proxy), objects kept as plain files, AWS signatures checked. No Docker.
#
#   jobs/s3.sh start [BUCKET ...]   start the server (if not running) and create the buckets
#   jobs/s3.sh flags                print the -D flags that reach this server
#   jobs/s3.sh status | stop        stop: the process start started, by PID
#
# This store keeps object s3://BUCKET/KEY as the file $UPSAMPLER_S3_HOME/data/BUCKET/KEY: copy
# inputs in with cp, look at outputs with ls (or use any S3 client: aws s3, mc, rclone).
#
# Settings (environment): UPSAMPLER_S3_HOME (default target/s3: data, log, PID),
# UPSAMPLER_S3_PORT (9000), UPSAMPLER_S3_ACCESS_KEY (upsampler), UPSAMPLER_S3_SECRET_KEY
# (upsampler-secret), UPSAMPLER_START_TIMEOUT (60 s).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
S3_HOME=${UPSAMPLER_S3_HOME:-$ROOT/target/s3}
PORT=${UPSAMPLER_S3_PORT:-9000}
ACCESS_KEY=${UPSAMPLER_S3_ACCESS_KEY:-upsampler}
SECRET_KEY=${UPSAMPLER_S3_SECRET_KEY:-upsampler-secret}
START_TIMEOUT=${UPSAMPLER_START_TIMEOUT:-60}
JAR=$ROOT/target/s3proxy/s3proxy.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
PIDFILE=$S3_HOME/s3proxy.pid
DATA=$S3_HOME/data

NAME=s3.sh
# shellcheck source=jobs/lib/servers.sh
source "$ROOT/jobs/lib/servers.sh"
MARKER=$S3_HOME/s3proxy.properties

make_buckets() {
  local b
  for b in "$@"; do
    [[ $b =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] \
      || die "'$b' is not a valid bucket name (3-63 lower-case letters, digits, dots, hyphens)"
    mkdir -p "$DATA/$b" # this store keeps a bucket as a directory
    say "bucket s3://$b"
  done
}

flags() {
  echo "-D s3.endpoint=http://127.0.0.1:$PORT -D s3.path.style.access=true" \
    "-D s3.access-key=$ACCESS_KEY -D s3.secret-key=$SECRET_KEY -D s3.region=us-east-1"
}

cmd_start() {
  if ! alive "$PIDFILE" "$MARKER"; then
    [[ -f $JAR ]] || (cd "$ROOT" && mvn -B -q process-test-resources) \
      || die "could not fetch S3Proxy into $JAR"
    port_busy "$PORT" && die "port $PORT on 127.0.0.1 is taken (choose another with UPSAMPLER_S3_PORT)"
    mkdir -p "$DATA"
    cat >"$S3_HOME/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ACCESS_KEY
s3proxy.credential=$SECRET_KEY
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$DATA
EOF
    chmod 600 "$S3_HOME/s3proxy.properties"
    setsid "$JAVA" -Xmx256m -jar "$JAR" --properties "$S3_HOME/s3proxy.properties" \
      >"$S3_HOME/s3proxy.log" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    wait_port "$PORT" "$PIDFILE" "$MARKER" "$S3_HOME/s3proxy.log" "$START_TIMEOUT"
    say "S3Proxy on http://127.0.0.1:$PORT (pid $(<"$PIDFILE"), data $DATA, log $S3_HOME/s3proxy.log)"
  fi
  make_buckets "$@"
  say "objects are files under $DATA/BUCKET/; reach it with: $(flags)"
}

cmd_stop() { stop_pid "$PIDFILE" "$MARKER" S3Proxy; }

cmd_status() {
  if alive "$PIDFILE" "$MARKER"; then
    say "S3Proxy running (pid $(<"$PIDFILE")) on http://127.0.0.1:$PORT; buckets:" \
      "$(cd "$DATA" && ls -d -- */ 2>/dev/null | tr -d / | tr '\n' ' ')"
  else
    say "not running"
    return 3
  fi
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  flags) flags ;;
  *) die "usage: jobs/s3.sh start [BUCKET ...] | flags | status | stop" ;;
esac
