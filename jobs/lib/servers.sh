# Shared by the scripts that start real servers on 127.0.0.1 (jobs/s3.sh, jobs/kafka.sh,
# jobs/cluster.sh, jobs/soak.sh): ports, PID files, waiting, stopping, REST calls. Source it
# after setting NAME (the script's name in messages).

die() { echo "$NAME: $*" >&2; exit 1; }
say() { echo "$NAME: $*"; }

# True when something listens on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# http_get PORT PATH: GET over HTTP from 127.0.0.1 with bash alone (no curl on a fresh machine);
# prints the body. For Flink's REST API.
http_get() {
  local response
  response=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" \
    && printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3 \
    && timeout 5 cat <&3) 2>/dev/null) || return 1
  printf '%s' "${response#*$'\r\n\r\n'}"
}

# alive PIDFILE MARKER: the PID file names a live process whose command line contains MARKER
# (so a recycled PID is never taken for ours).
alive() {
  local pid
  [[ -f $1 ]] || return 1
  pid=$(<"$1")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# running PIDFILE: the process the PID file names exists. What a start waits on: until the
# launching shell has exec'd the server, /proc shows the shell's command line, not the server's,
# so `alive` would call a server that has not started yet dead (seen once as "died while
# starting" with an empty log); a PID just written by this script cannot be recycled yet.
running() { [[ -f $1 ]] && kill -0 "$(<"$1")" 2>/dev/null; }

# wait_port PORT PIDFILE MARKER LOG TIMEOUT [OUT]: until the server listens; its death or the
# timeout ends the wait with the last lines of its log (and of its console output OUT).
wait_port() {
  local port=$1 pidfile=$2 marker=$3 log=$4 deadline=$((SECONDS + $5)) out=${6:-}
  until port_busy "$port"; do
    if ! running "$pidfile"; then
      tail -n 20 "$log" >&2 2>/dev/null || true
      [[ -n $out ]] && tail -n 20 "$out" >&2 2>/dev/null
      rm -f "$pidfile"
      die "the server died while starting (log: $log)"
    fi
    ((SECONDS < deadline)) || die "nothing listened on 127.0.0.1:$port within $5 s (log: $log)"
    sleep 0.2
  done
}

# stop_pid PIDFILE MARKER WHAT: SIGTERM, then SIGKILL after 10 s; only our own process.
stop_pid() {
  if alive "$1" "$2"; then
    local pid
    pid=$(<"$1")
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    say "stopped $3 (pid $pid)"
  else
    say "$3 not running"
  fi
  rm -f "$1"
}
