# Shared by the replication benchmarks (sourced after common.sh, not run).
# Gives: free loopback ports, the byte-counting proxy (ByteProxy), an rsync daemon, lsyncd,
# tidemark agent + peer, the warm-JVM flush timer (FlushAfter), tree verification, percentiles.
need_pkg rsync rsync
need_pkg lsyncd lsyncd
gcc -O2 -o "$work/tmlat" "$here/bench/lib/tmlat.c"
# Replicas (and the tools' state) live on a second private tmpfs, as on another disk or machine:
# fanotify marks a whole filesystem, so replica writes next to SRC would reach the agent's engine
# (and be dropped there) at a cost no remote replica has. State on tmpfs keeps disk noise out as
# for the trees; the latency benchmark also runs `tidemark sync` with its state on disk.
rep="$work/replicas"
st="$rep/state"
mkdir -p "$rep"
mount -t tmpfs -o size=${TMPFS_SIZE:-8g},nr_inodes=0,mode=0755 tidemark-bench-replicas "$rep"
mkdir -p "$st"
eval "$(declare -f cleanup | sed '1s/^cleanup/common_cleanup/')"
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if mountpoint -q "$rep" 2>/dev/null; then umount "$rep" || umount -l "$rep" || true; fi
  common_cleanup
}
gcc -O2 -o "$work/tmfile" "$here/bench/lib/tmfile.c"

# free_port -> a loopback TCP port nobody listens on (other benchmarks may run at the same time)
used_ports=" "
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    case "$used_ports" in *" $p "*) continue ;; esac
    if ! port_open "$p"; then
      used_ports+="$p "; echo "$p"; return
    fi
  done
}

wait_for() { # SECONDS DESCRIPTION COMMAND... : polls COMMAND every 10 ms
  local limit=$1 what=$2 deadline; shift 2
  deadline=$(( $(date +%s) + limit ))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${limit}s waiting for $what"
    sleep 0.01
  done
}

# start_proxy TARGET_PORT NAME -> sets $proxy_port and $proxy_ctl (read counters with proxy_bytes)
start_proxy() {
  local target=$1 log="$work/proxy-$2"
  proxy_port=$(free_port); proxy_ctl=$(free_port)
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$BENCH_CP" io.tidemark.bench.ByteProxy "$proxy_port" "$target" "$proxy_ctl" \
    >"$log.out" 2>"$log.err" &
  proxy_pid=$!; pids+=("$proxy_pid")
  wait_for 30 "the proxy" grep -q listening "$log.out"
}
# proxy_bytes CTL_PORT -> "UP DOWN" (client->server, server->client) so far
proxy_bytes() {
  local up down n
  read -r up down n <"/dev/tcp/127.0.0.1/$1"
  echo "$up $down"
}
# proxy_total CTL_PORT -> UP+DOWN so far
proxy_total() { local b; b=$(proxy_bytes "$1"); echo $(( ${b% *} + ${b#* } )); }

# A plain rsync daemon on loopback, module "m" = $rep/rsyncd (subdirectories per benchmark).
start_rsyncd() {
  rsyncd_port=$(free_port)
  mkdir -p "$rep/rsyncd"
  cat >"$work/rsyncd.conf" <<EOF
pid file = $work/rsyncd.pid
use chroot = no
uid = root
gid = root
[m]
  path = $rep/rsyncd
  read only = false
EOF
  rsync --daemon --no-detach --address=127.0.0.1 --port="$rsyncd_port" --config="$work/rsyncd.conf" \
    --log-file="$work/rsyncd.log" &
  pids+=("$!")
  wait_for 30 "rsync daemon" port_open "$rsyncd_port"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_peer DST STATE AGENT_PORT LOG -> sets $peer_pid, waits for its first `in sync`
start_peer() {
  local dst=$1 st=$2 port=$3 log=$4
  # emptied here, not by the launch's redirection: that happens in the forked child, maybe after
  # the wait below already found the previous run's 'in sync' in the old file
  : >"$log.out"; : >"$log.err"
  "$here/tidemark" peer --agent "127.0.0.1:$port" --state "$st" "$dst" >"$log.out" 2>"$log.err" &
  peer_pid=$!; pids+=("$peer_pid")
  wait_for "${PEER_TIMEOUT:-900}" "the peer's first 'in sync'" peer_in_sync "$log"
}
peer_in_sync() {
  kill -0 "$peer_pid" 2>/dev/null || { cat "$1.err" >&2; die "peer died"; }
  grep -q 'in sync' "$1.out"
}

# flush_after AGENT_PORT COMMAND... -> "edit_ms=.. flush_ms=.. total_ms=.. peers=N" (FlushAfter)
flush_after() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$BENCH_CP" io.tidemark.bench.FlushAfter "127.0.0.1:$1" "${FLUSH_TIMEOUT:-600}" "${@:2}"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

# lsyncd with default.rsync at delay 0 from SRC to DST; waits until its startup rsync finished.
start_lsyncd() {
  local src=$1 dst=$2 log="$work/lsyncd"
  cat >"$log.lua" <<EOF
settings { nodaemon = true, logfile = "$log.log", statusFile = "$log.status", insist = true }
sync { default.rsync, source = "$src", target = "$dst", delay = 0, rsync = { archive = true } }
EOF
  : >"$log.log"
  lsyncd "$log.lua" >"$log.out" 2>&1 &
  lsyncd_pid=$!; pids+=("$lsyncd_pid")
  wait_for 120 "lsyncd's startup" grep -q 'Startup of .* finished' "$log.log"
}
stop_pid() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# verify SRC DST -> 0 when both trees hold the same paths, types, modes, sizes, file mtimes,
# link targets and file contents; else prints the first differences and returns 1.
verify() {
  local a=$1 b=$2
  listing() { (cd "$1" && find . -mindepth 1 \( -type f -printf '%P f %m %s %T@\n' \) -o \
    \( ! -type f -printf '%P %y %m %l\n' \) | LC_ALL=C sort); }
  if ! diff <(listing "$a") <(listing "$b") >"$work/verify.diff"; then
    note "replica differs from source (listing):"; head -20 "$work/verify.diff" >&2; return 1
  fi
  if ! diff -r --no-dereference -q "$a" "$b" >"$work/verify.diff" 2>&1; then
    note "replica differs from source (content):"; head -20 "$work/verify.diff" >&2; return 1
  fi
}

# percentiles FILE (one number a line) -> "p50 p90 p99 max" (nearest rank)
percentiles() {
  sort -n "$1" | awk '{ a[NR] = $1 } END {
    if (NR == 0) { print "- - - -"; exit }
    split("50 90 99", q, " ")
    for (i = 1; i <= 3; i++) { k = int((q[i] * NR + 99) / 100); if (k < 1) k = 1; printf "%s ", a[k] }
    print a[NR] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.1f", a / b }'; }
human() { awk -v n="$1" 'BEGIN { if (n >= 1048576) printf "%.1f MB", n / 1048576; else if (n >= 1024) printf "%.1f KB", n / 1024; else printf "%d B", n }'; }
