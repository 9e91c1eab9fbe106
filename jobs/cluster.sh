#!/usr/bin/env bash
# A real Flink standalone cluster on 127.0.0.1 (a JobManager and TaskManagers as separate JVMs),
# built from this project's own Maven dependencies: no Flink download, no Docker.
#
#   jobs/cluster.sh start [--ha] [--taskmanagers N] [-D KEY=VALUE ...]
#                                                start (or complete) a session cluster; -D adds
#                                                Flink settings to its config.yaml (file systems,
#                                                HA: cluster-wide, so credentials belong here:
#                                                -D s3.endpoint=... -D s3.access-key=..., or
#                                                AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_REGION
#                                                in the environment of start). Run again after a
#                                                JobManager or TaskManager died, it starts the
#                                                missing ones with the cluster's own settings.
#                                                --ha: JobManager high availability: a ZooKeeper
#                                                server (jobs/zookeeper/pom.xml) beside it, HA data
#                                                in CLUSTER_HOME/ha (or -D high-availability.
#                                                storageDir=s3://...): a JobManager killed and
#                                                started again recovers the running jobs from their
#                                                latest checkpoints
#   jobs/cluster.sh submit JOB.yaml [--input DIR] [--output DIR] [--kernel K] [--scale S]
#                   [--parallelism P] [--threads T] [--set SETTING=VALUE] [-D KEY=VALUE]
#                   [--detach] [--via rest|cli]       (-D: a Flink setting for this job)
#   jobs/cluster.sh status                       processes, task managers, jobs and counters
#   jobs/cluster.sh wait JOB_ID | cancel JOB_ID
#   jobs/cluster.sh stop                         stop what start started, by PID (HA: running
#                                                jobs stay in ZooKeeper and resume at the next
#                                                start --ha; remove CLUSTER_HOME/ha and
#                                                CLUSTER_HOME/zookeeper to forget them)
#   jobs/cluster.sh application JOB.yaml [overrides]
#                                                application mode: a cluster for one job (its
#                                                -D settings also go into the cluster's config)
#
# Needs `mvn -B -DskipTests package` first (target/flink/lib, target/upsampler-job.jar).
# Settings (environment): UPSAMPLER_CLUSTER_HOME (default target/cluster: conf, logs, PIDs,
# checkpoints), UPSAMPLER_REST_PORT (8081), UPSAMPLER_RPC_PORT (6123; the blob server takes the
# next port, task managers the 20 after it), UPSAMPLER_SLOTS (2 per task manager),
# UPSAMPLER_START_TIMEOUT (60 s), UPSAMPLER_TM_CPUS (CPU lists, one per task manager, e.g. "0 1":
# task manager i runs on the i-th list only (taskset), as if each were a machine of its own),
# UPSAMPLER_ZK_PORT (2181: ZooKeeper's client port, with --ha).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLUSTER_HOME=${UPSAMPLER_CLUSTER_HOME:-$ROOT/target/cluster}
LIB=$ROOT/target/flink/lib
PLUGINS=$ROOT/target/flink/plugins
JOB_JAR=$ROOT/target/upsampler-job.jar
CLI_JAR=$ROOT/target/upsampler.jar
REST_PORT=${UPSAMPLER_REST_PORT:-8081}
RPC_PORT=${UPSAMPLER_RPC_PORT:-6123}
BLOB_PORT=$((RPC_PORT + 1))
TM_PORTS="$((RPC_PORT + 2))-$((RPC_PORT + 21))"
SLOTS=${UPSAMPLER_SLOTS:-2}
ZK_PORT=${UPSAMPLER_ZK_PORT:-2181}
ZK_LIB=$ROOT/target/zookeeper/lib
START_TIMEOUT=${UPSAMPLER_START_TIMEOUT:-60}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
CONF=$CLUSTER_HOME/conf
LOGS=$CLUSTER_HOME/log
PIDS=$CLUSTER_HOME/pid

# Flink's own Java 17 flags (the env.java.opts.all default of its config.yaml, which only
# Flink's shell scripts read), plus the Vector API for the upsampling engine and 32 MB G1
# regions (raw video frames of 3-11 MB are then not humongous allocations).
JVM_OPENS=(-XX:+IgnoreUnrecognizedVMOptions
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
  --add-modules=jdk.incubator.vector -XX:G1HeapRegionSize=32m)

SESSION_MAIN=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
APPLICATION_MAIN=org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint
TASKMANAGER_MAIN=org.apache.flink.runtime.taskexecutor.TaskManagerRunner

NAME=cluster.sh
# shellcheck source=jobs/lib/servers.sh
source "$ROOT/jobs/lib/servers.sh"

need_build() {
  [[ -d $LIB && -f $JOB_JAR && -f $CLI_JAR ]] \
    || die "build first: mvn -B -DskipTests package (needs target/flink/lib, $JOB_JAR, $CLI_JAR)"
}

# The upsampler's own cluster client (REST submission, status), without the SIMD relaunch.
helper() { UPSAMPLER_RELAUNCH=false "$JAVA" -jar "$CLI_JAR" cluster "$@"; }

# A PID file names a live process of this cluster (not a recycled PID): Flink's JVMs name the
# conf folder, ZooKeeper its zoo.cfg in it.
member() {
  if [[ $(basename "$1") == zookeeper.pid ]]; then
    alive "$1" "$CONF/zoo.cfg"
  else
    alive "$1" "--configDir $CONF"
  fi
}

# True when the cluster's config.yaml turns JobManager high availability on.
ha_conf() { grep -q '^high-availability.type: zookeeper' "$CONF/config.yaml" 2>/dev/null; }

# GET a path of the cluster's REST API; prints the body.
rest_get() { http_get "$REST_PORT" "$1"; }

write_conf() {
  mkdir -p "$CONF" "$LOGS" "$PIDS" "$CLUSTER_HOME/checkpoints" "$CLUSTER_HOME/tmp" \
    "$CLUSTER_HOME/uploads"
  cat >"$CONF/config.yaml" <<EOF
# Written by jobs/cluster.sh: everything on 127.0.0.1, fixed ports.
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $RPC_PORT
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: 1024m
taskmanager.bind-host: 127.0.0.1
taskmanager.host: 127.0.0.1
taskmanager.rpc.port: $TM_PORTS
taskmanager.numberOfTaskSlots: $SLOTS
taskmanager.memory.process.size: 2048m
# The job keeps its state on the heap; Flink's default 40% managed memory would sit unused.
taskmanager.memory.managed.fraction: 0.05
parallelism.default: 2
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $REST_PORT
blob.server.port: $BLOB_PORT
# A killed TaskManager is noticed in seconds, not the default 50.
heartbeat.interval: 2000
heartbeat.timeout: 10000
# The REST metric store (the web UI's metrics; wait's numRestarts) refreshes every 10 s by
# default; wait also counts the failures in the job's exception history, which a dead
# TaskManager cannot hold back as it does the metric store.
metrics.fetcher.update-interval: 1000
execution.checkpointing.dir: file://$CLUSTER_HOME/checkpoints
web.upload.dir: $CLUSTER_HOME/uploads
io.tmp.dirs: $CLUSTER_HOME/tmp
EOF
  if ((HA)); then
    mkdir -p "$CLUSTER_HOME/ha"
    cat >>"$CONF/config.yaml" <<EOF
# High availability (start --ha): the leader, the submitted jobs and their latest checkpoints
# are kept in ZooKeeper and the HA storage, so a new JobManager takes the jobs over.
high-availability.type: zookeeper
high-availability.zookeeper.quorum: 127.0.0.1:$ZK_PORT
high-availability.storageDir: file://$CLUSTER_HOME/ha
high-availability.cluster-id: /upsampler
# With HA the JobManager binds this port, not jobmanager.rpc.port (0 would be a random one).
high-availability.jobmanager.port: $RPC_PORT
# A SIGKILLed JobManager holds the leadership until its ZooKeeper session expires: 10 s, not 60.
high-availability.zookeeper.client.session-timeout: 10000
high-availability.zookeeper.client.connection-timeout: 5000
EOF
  fi
  local kv key
  for kv in "${EXTRA_CONF[@]}"; do
    key=${kv%%=*}
    # A setting given with -D replaces the generated one (YAML keys must be unique), as a
    # single-quoted scalar: any value, quotes doubled.
    awk -v k="$key:" 'index($0, k) != 1' "$CONF/config.yaml" >"$CONF/config.yaml.tmp"
    mv "$CONF/config.yaml.tmp" "$CONF/config.yaml"
    printf "%s: '%s'\n" "$key" "$(printf '%s' "${kv#*=}" | sed "s/'/''/g")" \
      >>"$CONF/config.yaml"
  done
  chmod 600 "$CONF/config.yaml" # may hold credentials (-D s3.secret-key=...)
  cat >"$CONF/log4j.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
EOF
}

# Memory flags as Flink's own scripts compute them: BashJavaUtils prints the JVM options, then
# the matching -D settings.
resource_params() {
  local out
  out=$("$JAVA" -cp "$LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" \
    --configDir "$CONF" 2>&1) || die "Flink could not size the $2's memory: $out"
  MEM_JVM=$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed -n 1p | cut -d: -f2-)
  MEM_DYN=$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed -n 2p | cut -d: -f2-)
}

# launch NAME MAIN [ARGS...]: one Flink JVM in its own session, its PID in pid/NAME.pid.
launch() {
  local name=$1 main=$2
  shift 2
  local -a jvm dyn pin=()
  read -r -a jvm <<<"$MEM_JVM"
  read -r -a dyn <<<"$MEM_DYN"
  [[ -n ${PIN_CPUS:-} ]] && pin=(taskset -c "$PIN_CPUS")
  # Plugins (Flink's S3 file system) load in class loaders of their own, as Flink requires.
  FLINK_LIB_DIR=$CLUSTER_HOME/lib FLINK_CONF_DIR=$CONF FLINK_PLUGINS_DIR=$PLUGINS \
    setsid "${pin[@]}" "$JAVA" "${jvm[@]}" \
    "${JVM_OPENS[@]}" -Dlog.file="$LOGS/$name.log" \
    -Dlog4j.configurationFile="file:$CONF/log4j.properties" -classpath "$LIB/*" \
    "$main" --configDir "$CONF" "${dyn[@]}" "$@" \
    >"$LOGS/$name.out" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
  say "started $name (pid $!, log $LOGS/$name.log)"
}

died() {
  local name=$1
  echo "cluster.sh: $name died while starting; last lines of its logs:" >&2
  tail -n 15 "$LOGS/$name.out" "$LOGS/$name.log" >&2 2>/dev/null || true
  rm -f "$PIDS/$name.pid"
  exit 1
}

check_ports() {
  local p
  for p in "$REST_PORT" "$RPC_PORT" "$BLOB_PORT"; do
    if port_busy "$p"; then
      die "port $p on 127.0.0.1 is taken by another process (stop it, or choose other ports" \
        "with UPSAMPLER_REST_PORT / UPSAMPLER_RPC_PORT)"
    fi
  done
}

taskmanager_pidfiles() { compgen -G "$PIDS/taskmanager-*.pid" || true; }

# ZooKeeper for HA, from Maven artifacts (fetched into target/zookeeper/lib on first use), on
# 127.0.0.1:$ZK_PORT with its data in CLUSTER_HOME/zookeeper.
start_zookeeper() {
  local pidfile=$PIDS/zookeeper.pid
  if member "$pidfile"; then
    say "zookeeper already running (pid $(<"$pidfile"))"
    return
  fi
  if [[ ! -d $ZK_LIB ]]; then
    say "fetching ZooKeeper's jars into $ZK_LIB"
    mvn -B -q -f "$ROOT/jobs/zookeeper/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$ZK_LIB" || die "could not fetch ZooKeeper's jars"
  fi
  port_busy "$ZK_PORT" \
    && die "port $ZK_PORT on 127.0.0.1 is taken (choose another with UPSAMPLER_ZK_PORT)"
  mkdir -p "$CLUSTER_HOME/zookeeper"
  cat >"$CONF/zoo.cfg" <<EOF
# Written by jobs/cluster.sh: a standalone ZooKeeper server for Flink's HA, 127.0.0.1 only.
tickTime=1000
dataDir=$CLUSTER_HOME/zookeeper
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
# No admin web server (it would take port 8080 on every interface).
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr
# Old snapshots and logs are purged every hour, three kept.
autopurge.snapRetainCount=3
autopurge.purgeInterval=1
EOF
  cat >"$CONF/zookeeper-logback.xml" <<EOF
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$LOGS/zookeeper.log</file>
    <encoder><pattern>%d{ISO8601} %-5level [%logger{0}] %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
EOF
  setsid "$JAVA" -Xmx256m -Dlogback.configurationFile="$CONF/zookeeper-logback.xml" \
    -cp "$ZK_LIB/*" org.apache.zookeeper.server.quorum.QuorumPeerMain "$CONF/zoo.cfg" \
    >"$LOGS/zookeeper.out" 2>&1 </dev/null &
  echo $! >"$pidfile"
  wait_port "$ZK_PORT" "$pidfile" "$CONF/zoo.cfg" "$LOGS/zookeeper.log" "$START_TIMEOUT" \
    "$LOGS/zookeeper.out"
  say "started zookeeper (pid $(<"$pidfile"), 127.0.0.1:$ZK_PORT, log $LOGS/zookeeper.log)"
}

# Counts live task managers and drops the PID files of dead ones.
live_taskmanagers() {
  local f n=0
  for f in $(taskmanager_pidfiles); do
    if member "$f"; then
      n=$((n + 1))
    else
      say "$(basename "$f" .pid) (pid $(<"$f")) is gone" >&2
      rm -f "$f"
    fi
  done
  echo "$n"
}

start_taskmanager() {
  local i=1
  while [[ -f $PIDS/taskmanager-$i.pid ]]; do i=$((i + 1)); done
  resource_params GET_TM_RESOURCE_PARAMS "TaskManager"
  local -a cpus
  read -r -a cpus <<<"${UPSAMPLER_TM_CPUS:-}"
  PIN_CPUS=${cpus[$((i - 1))]:-} launch "taskmanager-$i" "$TASKMANAGER_MAIN"
}

# Waits until the REST API reports at least $1 task managers; a dead JVM ends the wait.
wait_ready() {
  local want=$1 deadline=$((SECONDS + START_TIMEOUT)) body tms f
  while ((SECONDS < deadline)); do
    # `running`, not `member`: a JVM launched a moment ago may not have been exec'd yet.
    running "$PIDS/jobmanager.pid" || died jobmanager
    for f in $(taskmanager_pidfiles); do running "$f" || died "$(basename "$f" .pid)"; done
    if body=$(rest_get /overview); then
      tms=$(sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p' <<<"$body")
      if [[ -n $tms ]] && ((tms >= want)); then return 0; fi
    fi
    sleep 0.5
  done
  die "the cluster was not ready within $START_TIMEOUT s (logs in $LOGS)"
}

EXTRA_CONF=()

# -D KEY=VALUE or -DKEY=VALUE: one Flink setting, checked for its shape.
conf_arg() {
  [[ $1 == ?*=* ]] || die "-D expects KEY=VALUE, got '$1'"
  EXTRA_CONF+=("$1")
}

HA=0

cmd_start() {
  local want=1
  while (($#)); do
    case $1 in
      --ha) HA=1; shift ;;
      --taskmanagers) want=${2:?--taskmanagers needs a number}; shift 2 ;;
      -D) conf_arg "${2:?-D needs KEY=VALUE}"; shift 2 ;;
      -D*) conf_arg "${1#-D}"; shift ;;
      *) die "start: unknown option $1" ;;
    esac
  done
  if ((${#EXTRA_CONF[@]})) && member "$PIDS/jobmanager.pid"; then
    die "the cluster is running: -D settings apply when it starts (jobs/cluster.sh stop first)"
  fi
  need_build
  mkdir -p "$PIDS"
  local have
  have=$(live_taskmanagers)
  if member "$PIDS/jobmanager.pid"; then
    say "jobmanager already running (pid $(<"$PIDS/jobmanager.pid"))"
    ((HA)) && ! ha_conf && die "the cluster runs without HA: jobs/cluster.sh stop, then start --ha"
  else
    rm -f "$PIDS/jobmanager.pid"
    if ((have > 0)) && [[ -f $CONF/config.yaml ]]; then
      # Task managers outlived their JobManager: the new one must share their settings.
      ((${#EXTRA_CONF[@]})) && die "task managers are running: -D settings apply when the" \
        "whole cluster starts (jobs/cluster.sh stop first)"
      if ha_conf; then
        HA=1
      elif ((HA)); then
        die "task managers are running without HA: jobs/cluster.sh stop, then start --ha"
      fi
      say "restarting the jobmanager with the cluster's settings ($CONF/config.yaml)"
    else
      write_conf
    fi
    check_ports
    ha_conf && start_zookeeper
    resource_params GET_JM_RESOURCE_PARAMS "JobManager"
    launch jobmanager "$SESSION_MAIN"
  fi
  while ((have < want)); do
    start_taskmanager
    have=$((have + 1))
  done
  wait_ready "$want"
  say "session cluster up: web UI http://127.0.0.1:$REST_PORT/, $have task manager(s) x $SLOTS" \
    "slots; logs and checkpoints under $CLUSTER_HOME$(ha_conf && echo "; HA through ZooKeeper" \
    "on 127.0.0.1:$ZK_PORT")"
}

stop_pidfile() {
  local f=$1 name pid i
  name=$(basename "$f" .pid)
  if ! member "$f"; then
    rm -f "$f"
    return
  fi
  pid=$(<"$f")
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
    say "killed $name (pid $pid): it did not stop within 15 s"
  else
    say "stopped $name (pid $pid)"
  fi
  rm -f "$f"
}

cmd_stop() {
  local f any=0
  # ZooKeeper last: a JobManager stopping with HA still talks to it.
  for f in $(taskmanager_pidfiles) $(compgen -G "$PIDS/jobmanager.pid" || true) \
    $(compgen -G "$PIDS/zookeeper.pid" || true); do
    any=1
    stop_pidfile "$f"
  done
  ((any)) || say "no cluster processes recorded under $PIDS"
}

cmd_status() {
  local f
  for f in $(compgen -G "$PIDS/*.pid" || true); do
    if member "$f"; then
      say "$(basename "$f" .pid): running (pid $(<"$f"))"
    else
      say "$(basename "$f" .pid): not running (stale pid $(<"$f"))"
    fi
  done
  member "$PIDS/jobmanager.pid" || { say "no jobmanager running"; return 3; }
  helper status
}

cmd_submit() {
  local via=rest detach=0 job=${1:?submit needs a job definition (JOB.yaml)}
  shift
  local -a overrides=()
  while (($#)); do
    case $1 in
      --detach|-d) detach=1; shift ;;
      --via) via=${2:?--via needs rest or cli}; shift 2 ;;
      -D) overrides+=(-D "${2:?-D needs KEY=VALUE}"); shift 2 ;;
      -D*) overrides+=(-D "${1#-D}"); shift ;;
      --*) overrides+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
      *) die "submit: unexpected argument $1" ;;
    esac
  done
  need_build
  member "$PIDS/jobmanager.pid" || die "no cluster running under $CLUSTER_HOME (jobs/cluster.sh start)"
  case $via in
    rest)
      local -a flags=(--rest "http://127.0.0.1:$REST_PORT")
      ((detach)) && flags+=(--detach)
      helper submit "$job" "${overrides[@]}" "${flags[@]}"
      ;;
    cli)
      # Flink's own command line client, as `flink run` would do it.
      local -a args
      mapfile -t args < <(helper args "$job" "${overrides[@]}") || exit 1
      ((${#args[@]})) || exit 1
      local -a mode=()
      ((detach)) && mode=(-d)
      FLINK_CONF_DIR=$CONF FLINK_PLUGINS_DIR=$PLUGINS "$JAVA" "${JVM_OPENS[@]}" \
        -Dlog.file="$LOGS/client.log" \
        -Dlog4j.configurationFile="file:$CONF/log4j.properties" -classpath "$LIB/*" \
        org.apache.flink.client.cli.CliFrontend run -m "127.0.0.1:$REST_PORT" "${mode[@]}" \
        -c dev.upsampler.flink.JobMain "$JOB_JAR" "${args[@]}" \
        2> >(grep -v "^WARNING: Using incubator modules" >&2)
      ;;
    *) die "--via must be rest or cli, not $via" ;;
  esac
}

# Application mode: a JobManager that runs one job definition (the jar in usrlib/) and exits when
# it ends; a task manager beside it, stopped afterwards.
cmd_application() {
  local job=${1:?application needs a job definition (JOB.yaml)}
  shift
  need_build
  member "$PIDS/jobmanager.pid" \
    && die "a session cluster is running under $CLUSTER_HOME; stop it first (jobs/cluster.sh stop)"
  local -a args
  mapfile -t args < <(helper args "$job" "$@") || exit 1
  ((${#args[@]})) || exit 1
  # The cluster exists for this one job: its -D settings are also the cluster's (file systems
  # such as S3 are set up from config.yaml when each JVM starts).
  local prev=""
  for a in "$@"; do
    if [[ $prev == -D ]]; then conf_arg "$a"; elif [[ $a == -D?* ]]; then conf_arg "${a#-D}"; fi
    prev=$a
  done
  rm -f "$PIDS/jobmanager.pid"
  check_ports
  write_conf
  mkdir -p "$CLUSTER_HOME/usrlib"
  ln -sfn "$LIB" "$CLUSTER_HOME/lib"
  cp "$JOB_JAR" "$CLUSTER_HOME/usrlib/"
  resource_params GET_JM_RESOURCE_PARAMS "JobManager"
  launch jobmanager "$APPLICATION_MAIN" --job-classname dev.upsampler.flink.JobMain "${args[@]}"
  local jm
  jm=$(<"$PIDS/jobmanager.pid")
  start_taskmanager
  local state="" last="" body
  while kill -0 "$jm" 2>/dev/null; do
    if body=$(rest_get /jobs/overview); then
      state=$(sed -n 's/.*"state":"\([A-Z]*\)".*/\1/p' <<<"$body")
      if [[ -n $state && $state != "$last" ]]; then say "job $state"; last=$state; fi
    fi
    sleep 1
  done
  local rc=0
  wait "$jm" || rc=$?
  rm -f "$PIDS/jobmanager.pid" "$CLUSTER_HOME/usrlib/$(basename "$JOB_JAR")"
  cmd_stop >/dev/null
  if ((rc == 0)); then
    say "application finished: the job ended and the JobManager exited cleanly; logs in $LOGS"
  else
    local cause
    cause=$(grep -m1 -A1 "switched from RUNNING to FAILED" "$LOGS/jobmanager.log" | sed -n 2p)
    die "application failed: the JobManager exited with status $rc${cause:+ (first failure:" \
      "$cause)}; see $LOGS/jobmanager.log"
  fi
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop ;;
  status) shift; cmd_status ;;
  submit) shift; cmd_submit "$@" ;;
  application) shift; cmd_application "$@" ;;
  wait) shift; need_build; helper wait --rest "http://127.0.0.1:$REST_PORT" "$@" ;;
  cancel) shift; need_build; helper cancel --rest "http://127.0.0.1:$REST_PORT" "$@" ;;
  *) sed -n '2,/^[^#]/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
