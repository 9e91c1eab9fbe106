#!/usr/bin/env bash
# A real single-node Kafka broker on 127.0.0.1 (KRaft: broker and controller in one JVM), from
# Maven artifacts (jobs/kafka/pom.xml, the kafka-clients version of the build): no download of a
# Kafka distribution, no Docker.
#
#   jobs/kafka.sh start      start it (if not running); prints the bootstrap address
#   jobs/kafka.sh status     running or not (exit 3 when not)
#   jobs/kafka.sh stop       stop the process start started, by PID
#
# Records up to 32 MiB (message.max.bytes, replica.fetch.max.bytes), transactions up to 1 h, so
# the job's exactly-once sink and its 32 MiB frames fit. Settings (environment):
# UPSAMPLER_KAFKA_HOME (default target/kafka: data, log, PID), UPSAMPLER_KAFKA_PORT (9092; the
# controller takes the next port), UPSAMPLER_START_TIMEOUT (60 s).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KAFKA_HOME=${UPSAMPLER_KAFKA_HOME:-$ROOT/target/kafka}
PORT=${UPSAMPLER_KAFKA_PORT:-9092}
CONTROLLER_PORT=$((PORT + 1))
START_TIMEOUT=${UPSAMPLER_START_TIMEOUT:-60}
LIB=$ROOT/target/kafka-broker/lib
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
PIDFILE=$KAFKA_HOME/broker.pid
CONF=$KAFKA_HOME/server.properties
LOG=$KAFKA_HOME/broker.log
MAX_BYTES=33554432

NAME=kafka.sh
# shellcheck source=jobs/lib/servers.sh
source "$ROOT/jobs/lib/servers.sh"

write_conf() {
  mkdir -p "$KAFKA_HOME/data"
  cat >"$CONF" <<EOF
# Written by jobs/kafka.sh: one node, broker and controller, on 127.0.0.1 only.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_HOME/data
num.partitions=2
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Frames are large: a 4K PNG is 10-20 MB.
message.max.bytes=$MAX_BYTES
replica.fetch.max.bytes=$MAX_BYTES
# Flink's exactly-once sink keeps a transaction open from one checkpoint to the next.
transaction.max.timeout.ms=3600000
group.initial.rebalance.delay.ms=0
EOF
  cat >"$KAFKA_HOME/log4j2.properties" <<EOF
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = File
appender.file.type = File
appender.file.name = File
appender.file.fileName = $LOG
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d %-5p [%c{1}] %m%n
EOF
}

broker_java() {
  "$JAVA" -Xmx512m -Dlog4j2.configurationFile="file:$KAFKA_HOME/log4j2.properties" \
    -cp "$LIB/*" "$@"
}

cmd_start() {
  if alive "$PIDFILE" "$CONF"; then
    say "broker already running (pid $(<"$PIDFILE")) on 127.0.0.1:$PORT"
    return
  fi
  if [[ ! -d $LIB ]]; then
    say "fetching the broker's jars into $LIB"
    mvn -B -q -f "$ROOT/jobs/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$LIB" || die "could not fetch Kafka's jars"
  fi
  for p in "$PORT" "$CONTROLLER_PORT"; do
    port_busy "$p" && die "port $p on 127.0.0.1 is taken (choose others with UPSAMPLER_KAFKA_PORT)"
  done
  write_conf
  if [[ ! -f $KAFKA_HOME/data/meta.properties ]]; then
    # transaction.version=1: Flink's Kafka connector has an open recovery issue with version 2
    # at producer-epoch rollover (FLINK-40689).
    broker_java kafka.tools.StorageTool format -t "$(broker_java kafka.tools.StorageTool random-uuid)" \
      -c "$CONF" --feature transaction.version=1 >"$KAFKA_HOME/format.log" 2>&1 \
      || { cat "$KAFKA_HOME/format.log" >&2; die "could not format $KAFKA_HOME/data"; }
  fi
  setsid "$JAVA" -Xmx512m -Dlog4j2.configurationFile="file:$KAFKA_HOME/log4j2.properties" \
    -cp "$LIB/*" kafka.Kafka "$CONF" >"$KAFKA_HOME/broker.out" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  wait_port "$PORT" "$PIDFILE" "$CONF" "$LOG" "$START_TIMEOUT" "$KAFKA_HOME/broker.out"
  say "broker on 127.0.0.1:$PORT (pid $(<"$PIDFILE"), data $KAFKA_HOME/data, log $LOG):" \
    "topics are kafka://127.0.0.1:$PORT/TOPIC"
}

cmd_status() {
  if alive "$PIDFILE" "$CONF"; then
    say "broker running (pid $(<"$PIDFILE")) on 127.0.0.1:$PORT"
  else
    say "not running"
    return 3
  fi
}

case ${1:-} in
  start) cmd_start ;;
  stop) stop_pid "$PIDFILE" "$CONF" broker ;;
  status) cmd_status ;;
  *) die "usage: jobs/kafka.sh start | status | stop" ;;
esac
