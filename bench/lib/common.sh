# Shared by bench/since-query.sh, restart.sh, git-status.sh, memory.sh (sourced, not run).
# Gives: a private tmpfs ($mnt), the tree tool ($work/tmtree), agent and watchman start/stop,
# the in-JVM gRPC timer (SinceQuery), and cleanup of everything it started.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=$(basename "$0" .sh)
die() { echo "$name: $*" >&2; exit 1; }
note() { echo "$name: $*" >&2; }
[ "$(id -u)" = 0 ] || die "needs root (mounts a tmpfs; fanotify needs CAP_SYS_ADMIN)"
command -v gcc >/dev/null || die "needs gcc (apt-get install gcc)"

need_pkg() { # COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  note "installing $2..."
  apt-get install -y -qq "$2" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq "$2" >/dev/null; } \
    || die "could not install $2"
}

work=$(mktemp -d /tmp/tidemark-bench.XXXXXX)
mnt="$work/mnt"
pids=()
wm_sock="$work/watchman.sock"
cleanup() {
  if [ -S "$wm_sock" ]; then watchman --sockname="$wm_sock" shutdown-server >/dev/null 2>&1 || true; fi
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  # a watchman server spawned by git's sample hook (WATCHMAN_SOCK pointing at our socket)
  local e
  for e in /proc/[0-9]*/environ; do
    if { tr '\0' '\n' <"$e"; } 2>/dev/null | grep -qx "WATCHMAN_SOCK=$wm_sock"; then
      e=${e#/proc/}; kill -TERM "${e%/environ}" 2>/dev/null || true
    fi
  done
  if mountpoint -q "$mnt" 2>/dev/null; then umount "$mnt" || umount -l "$mnt" || true; fi
  if [ -n "${BENCH_KEEP:-}" ]; then note "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$mnt"
mount -t tmpfs -o size=${TMPFS_SIZE:-8g},nr_inodes=0,mode=0755 tidemark-bench "$mnt"
gcc -O2 -o "$work/tmtree" "$here/bench/lib/tmtree.c"

now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
header() {
  echo "# $name  $(date -u +%FT%TZ)  kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), trees on tmpfs"
  echo "# load average at start: $(loadavg)"
}

# Build the launcher's jars and the bench jar (SinceQuery) once.
build_tidemark() {
  note "building tidemark (if needed)..."
  "$here/tidemark" --help >/dev/null
  local jh="${JAVA_HOME:-}" d v best=0
  if [ -z "$jh" ] || [ ! -x "$jh/bin/javac" ]; then
    jh=""
    for d in /usr/lib/jvm/*/; do
      [ -x "${d}bin/javac" ] || continue
      v=$("${d}bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
      if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best" ]; then best=$v; jh=${d%/}; fi
    done
  fi
  [ -x "$jh/bin/java" ] || die "no JDK found by the launcher"
  JAVA="$jh/bin/java"
  local jar="$here/bench/target/tidemark-bench-0.1.0-SNAPSHOT.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$here/bench/src" -newer "$jar" -print -quit)" ]; then
    (cd "$here" && JAVA_HOME=$jh ./mvnw -B -q --no-transfer-progress -pl bench -am package -DskipTests) \
      >"$work/bench-build.log" 2>&1 || { tail -30 "$work/bench-build.log" >&2; die "bench build failed"; }
  fi
  BENCH_CP="$here/bench/target/lib/*:$jar"
}
since_query() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$BENCH_CP" io.tidemark.bench.SinceQuery "$@" 2>/dev/null; }

# start_agent ROOT STATE PORT LOG [AGENT_ARGS...] -> sets $agent_pid, waits for `ready`, sets
# $ready_ms (wall time from launch to the ready line) and $ready_cursor. Extra env:
# TIDEMARK_JAVA_OPTS.
start_agent() {
  local root=$1 st=$2 port=$3 log=$4 t0 deadline
  shift 4
  rm -f "$log.out" "$log.err"
  t0=$(now_ns)
  "$here/tidemark" agent "$root" --state "$st" --listen "127.0.0.1:$port" "$@" >"$log.out" 2>"$log.err" &
  agent_pid=$!; pids+=("$agent_pid")
  deadline=$(( $(date +%s) + ${AGENT_TIMEOUT:-600} ))
  until head -n1 "$log.out" 2>/dev/null | grep -q '^ready '; do
    kill -0 "$agent_pid" 2>/dev/null || { cat "$log.err" >&2; die "agent died before ready"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "agent not ready after ${AGENT_TIMEOUT:-600}s"
    sleep 0.01
  done
  ready_ms=$(ms_since "$t0")
  ready_cursor=$(head -n1 "$log.out" | cut -d' ' -f2)
  # the launcher execs java, so $agent_pid is the JVM
}
stop_agent() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# Watchman 4.9 with private socket/state/log in $work; watchman_cmd ARGS...
watchman_cmd() { watchman --sockname="$wm_sock" --statefile="$work/watchman.state" \
  --logfile="$work/watchman.log" --pidfile="$work/watchman.pid" --no-spawn "$@"; }
start_watchman() {
  need_pkg watchman watchman
  watchman --sockname="$wm_sock" --statefile="$work/watchman.state" \
    --logfile="$work/watchman.log" --pidfile="$work/watchman.pid" get-sockname >/dev/null
  wm_pid=$(cat "$work/watchman.pid")
}
# watch_root ROOT -> ms until watchman has crawled it (clock syncs)
watchman_watch() {
  local t0; t0=$(now_ns)
  watchman_cmd watch "$1" >/dev/null
  watchman_cmd clock "$1" >/dev/null
  echo $(( ($(now_ns) - t0) / 1000000 ))
}
watchman_clock() { watchman_cmd clock "$1" | sed -n 's/.*"clock": "\(.*\)".*/\1/p'; }
