#!/usr/bin/env bash
# Replication benchmarks of issue 4, Tidemark side by side with rsync (and lsyncd), on a private
# tmpfs. Every figure is only printed when the replica checks out equal to the source afterwards
# (paths, types, modes, sizes, file mtimes, link targets, contents); a wrong replica prints FAIL.
#   latency  change->replica for 4 KB files written one at a time (GAP ms apart): `tidemark sync`
#            (one process), `tidemark agent` + `tidemark peer` (two), lsyncd 2.2 (default.rsync,
#            delay=0). Clock: from close() on SRC until DST holds the full content, measured the
#            same way for all (bench/lib/tmlat.c, inotify on DST + content check).
#   wire     bytes on the wire for a 1-byte edit and a 14-byte insertion in the middle of a
#            random MB-sized file already replicated: TCP payload counted by a proxy
#            (io.tidemark.bench.ByteProxy) between peer and agent, and between the rsync client and
#            an rsync daemon on loopback (`rsync -a --no-whole-file`; its --stats total as well).
#   rename   mv of a random MB-sized file and of a directory of FILES 4 KB files: bytes and time
#            until DST shows it, vs one `rsync -a --delete` after the mv (and `--fuzzy
#            --delete-after` for the file: rsync then finds the old name as a basis).
#   tree     a FILES-file tree (empty files, 100 a directory), CHANGES files appended to:
#            Tidemark from the start of the edits until Flush returns (every peer applied them;
#            io.tidemark.bench.FlushAfter, warm JVM) vs one `rsync -a` run after the edits; bytes.
#   initial  MB spread over FILES random files into an empty DST: `tidemark sync` from launch
#            (JVM start included) until `in sync`, and agent + peer (bytes through the proxy), vs
#            `rsync -a SRC/ DST/` (local) and through the daemon (bytes).
# Times are wall clock; Tidemark's flush/rename times come from a warm JVM (FlushAfter) while its
# initial-sync time includes JVM start-up. Needs root and gcc; installs rsync and lsyncd with
# apt-get when missing; everything is torn down on exit.
#
# usage: bench/replication.sh [--quick] [--only latency,wire,rename,tree,initial]
#          [--lat-files 1000] [--lat-gap-ms 10] [--lat-warmup 100]
#          [--lat-tools "sync sync-loopback sync-disk agent+peer lsyncd"] [--wire-mb 100] [--rename-mb 64]
#          [--rename-files 10000] [--tree-files 100000] [--tree-changes 100] [--rounds 3]
#          [--init-mb 1024] [--init-files 10000]
#   --quick: a smoke run with small sizes (latency 100 files, 8 MB, 1k-file dir, 10k-file tree,
#            64 MB in 1k files, 1 round)
# BENCH_KEEP=1 keeps the logs (agents, peers, proxies, lsyncd, rsync) in /tmp/tidemark-bench.*
set -euo pipefail
only="latency,wire,rename,tree,initial"
lat_files=1000 lat_gap=10 lat_warm=100 lat_tools="sync sync-loopback sync-disk agent+peer lsyncd" wire_mb=100 rename_mb=64 rename_files=10000
tree_files=100000 tree_changes=100 rounds=3 init_mb=1024 init_files=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) lat_files=100 lat_warm=20 wire_mb=8 rename_mb=8 rename_files=1000 tree_files=10000
             init_mb=64 init_files=1000 rounds=1; shift ;;
    --only) only=$2; shift 2 ;;
    --lat-files) lat_files=$2; shift 2 ;;
    --lat-gap-ms) lat_gap=$2; shift 2 ;;
    --lat-warmup) lat_warm=$2; shift 2 ;;
    --lat-tools) lat_tools=$2; shift 2 ;;
    --wire-mb) wire_mb=$2; shift 2 ;;
    --rename-mb) rename_mb=$2; shift 2 ;;
    --rename-files) rename_files=$2; shift 2 ;;
    --tree-files) tree_files=$2; shift 2 ;;
    --tree-changes) tree_changes=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --init-mb) init_mb=$2; shift 2 ;;
    --init-files) init_files=$2; shift 2 ;;
    -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
    *) echo "replication: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
# SRC + two replicas of the largest data set, plus room
TMPFS_SIZE=$(( (3 * (init_mb > wire_mb ? init_mb : wire_mb) + 2048) ))m
export TMPFS_SIZE
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$here/bench/lib/repl.sh"
build_tidemark
header
echo "# rsync $(rsync --version | sed -n '1s/.*version *\([^ ]*\).*/\1/p'), lsyncd $(lsyncd --version 2>&1 | sed -n 's/^Version: //p'), $("$JAVA" -version 2>&1 | head -1)"
summary=()
sum_row() { summary+=("$(printf '| %s | %s | %s | %s | %s |' "$@")"); }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
wall_ms() { local t0; t0=$(now_ns); "$@"; echo "$(( ($(now_ns) - t0) / 1000000 ))"; }
rsync_stats_bytes() { # FILE -> sent+received from --stats
  awk '/^Total bytes sent:/ { gsub(",", "", $4); s = $4 } /^Total bytes received:/ { gsub(",", "", $4); r = $4 }
    END { print s + r }' "$1"
}

# ---------------------------------------------------------------------------------------------
bench_latency() {
  note "latency: $lat_files files of 4 KB, ${lat_gap} ms apart..."
  echo
  echo "## change->replica latency, $lat_files files of 4 KB written one at a time, ${lat_gap} ms gap, after $lat_warm warm-up files (ms)"
  printf '%-34s %8s %8s %8s %8s %8s  %s\n' tool p50 p90 p99 max lost "load"
  local tool src dst port out lost load ok p
  for tool in $lat_tools; do
    src="$mnt/lat-src-$tool"; dst="$rep/lat-dst-$tool"; mkdir -p "$src" "$dst"
    port=$(free_port)
    case $tool in
      sync|sync-disk|sync-loopback)
        local sdir="$st/lat-$tool" link=in-process; [ "$tool" = sync-disk ] && sdir="$work/lat-$tool"
        [ "$tool" = sync-loopback ] && link=loopback # the embedded peer over TCP, as before the in-process link
        : >"$work/lat-sync.out" # not left to the forked launch (see start_peer)
        "$here/tidemark" sync "$src" "$dst" --listen "127.0.0.1:$port" --state "$sdir" --link "$link" \
          >"$work/lat-sync.out" 2>"$work/lat-sync.err" &
        p=$!; pids+=("$p")
        wait_for 120 "tidemark sync's 'in sync'" grep -q 'in sync' "$work/lat-sync.out" ;;
      agent+peer)
        start_agent "$src" "$st/lat-agent" "$port" "$work/lat-agent"
        p=$agent_pid
        start_peer "$dst" "$st/lat-peer" "$port" "$work/lat-peer" ;;
      lsyncd)
        start_lsyncd "$src" "$dst"; p=$lsyncd_pid ;;
    esac
    load=$(loadavg)
    # warm-up files first (JIT, caches; the same for every tool), not counted
    mkdir -p "$src/warm" "$dst/warm"
    "$work/tmlat" "$src/warm" "$dst/warm" "$lat_warm" "$lat_gap" 10000 >/dev/null
    "$work/tmlat" "$src" "$dst" "$lat_files" "$lat_gap" 10000 >"$work/lat-$tool.txt"
    if [ "$tool" = lsyncd ]; then
      local tries=0 # lsyncd has no barrier: give its last rsync a moment
      until verify "$src" "$dst" 2>/dev/null || [ $(( tries += 1 )) -ge 50 ]; do sleep 0.2; done
    else
      "$here/tidemark" flush --agent "127.0.0.1:$port" --timeout 60 >/dev/null 2>"$work/flush.err" \
        || { cat "$work/flush.err" >&2; die "flush failed"; }
    fi
    ok=1; verify "$src" "$dst" || ok=0
    [ "$tool" = agent+peer ] && stop_pid "$peer_pid"
    stop_pid "$p"
    lost=$(grep -c TIMEOUT "$work/lat-$tool.txt" || true)
    awk '$2 != "TIMEOUT" { print $2 }' "$work/lat-$tool.txt" >"$work/lat-$tool.us"
    read -r p50 p90 p99 pmax <<<"$(percentiles "$work/lat-$tool.us")"
    local label
    case $tool in
      sync) label="tidemark sync (one process)" ;;
      sync-disk) label="tidemark sync, state on disk" ;;
      sync-loopback) label="tidemark sync, peer over TCP" ;;
      agent+peer) label="tidemark agent + peer" ;;
      lsyncd) label="lsyncd 2.2 delay=0 + rsync" ;;
    esac
    if [ $ok = 1 ]; then
      printf '%-34s %8s %8s %8s %8s %8s  %s\n' "$label" "$(ms "$p50")" "$(ms "$p90")" "$(ms "$p99")" "$(ms "$pmax")" "$lost" "$load"
      eval "lat_${tool//[^a-z]/_}=\"$(ms "$p50") / $(ms "$p90") / $(ms "$p99") / $(ms "$pmax")\""
      eval "lat_${tool//[^a-z]/_}_p50=$(ms "$p50") lat_${tool//[^a-z]/_}_p99=$(ms "$p99")"
    else
      printf '%-34s %8s\n' "$label" FAIL
      eval "lat_${tool//[^a-z]/_}=FAIL"
    fi
    rm -rf "$src" "$dst"
  done
  local met="no"
  if [ "${lat_sync:-FAIL}" != FAIL ] && awk -v a="$lat_sync_p50" -v b="$lat_sync_p99" 'BEGIN { exit !(a <= 2 && b <= 10) }'; then met=yes; fi
  sum_row "latency p50/p90/p99/max, 4 KB files (ms)" "sync ${lat_sync:-FAIL}; peer over TCP ${lat_sync_loopback:-FAIL}; state on disk ${lat_sync_disk:-FAIL}; agent+peer ${lat_agent_peer:-FAIL}" \
    "lsyncd ${lat_lsyncd:-FAIL}" "p50 ≤ 2, p99 ≤ 10" "$met"
}

# Agent on SRC, proxy in front of it, peer into DST through the proxy; sets $a_port $p_ctl.
start_pair() { # NAME SRC DST
  a_port=$(free_port)
  start_agent "$2" "$st/$1-agent" "$a_port" "$work/$1-agent"
  a_pid=$agent_pid
  start_proxy "$a_port" "$1-tm"; p_ctl=$proxy_ctl; p_port=$proxy_port; p_pid=$proxy_pid
  start_peer "$3" "$st/$1-peer" "$p_port" "$work/$1-peer"
}
stop_pair() { stop_pid "$peer_pid"; stop_pid "$a_pid"; stop_pid "$p_pid"; }
# rsync through its own proxy in front of the daemon; sets $r_ctl and $r_url (module path)
start_rsync_side() { # NAME
  [ -n "${rsyncd_port:-}" ] || start_rsyncd
  start_proxy "$rsyncd_port" "$1-rsync"; r_ctl=$proxy_ctl; r_pid=$proxy_pid
  r_url="rsync://127.0.0.1:$proxy_port/m/$1/"
}
# run_rsync STATS_FILE ARGS... -> sets $r_ms, $r_wire (proxy), $r_stats (rsync's own total)
run_rsync() {
  local stats=$1 b0 t0; shift
  b0=$(proxy_total "$r_ctl")
  t0=$(now_ns)
  rsync "$@" --stats >"$stats" 2>&1 || { cat "$stats" >&2; die "rsync $* failed"; }
  r_ms=$(ms_since "$t0")
  sleep 0.1
  r_wire=$(( $(proxy_total "$r_ctl") - b0 ))
  r_stats=$(rsync_stats_bytes "$stats")
}
# tm_change AGENT_PORT COMMAND... -> sets $t_ms (edit start to flush) and $t_wire (proxy)
tm_change() {
  local b0 out
  b0=$(proxy_total "$p_ctl")
  out=$(flush_after "$@") || die "flush after $* failed"
  sleep 0.1
  t_wire=$(( $(proxy_total "$p_ctl") - b0 ))
  t_ms=$(field total_ms "$out")
}

# ---------------------------------------------------------------------------------------------
bench_wire() {
  note "wire: ${wire_mb} MB random file, 1-byte edit and 14-byte insertion..."
  local src="$mnt/wire-src" dst="$rep/wire-dst" size=$(( wire_mb * 1048576 ))
  mkdir -p "$src" "$dst"
  "$work/tmfile" random "$src/big" "$size" 1
  start_pair wire "$src" "$dst"
  start_rsync_side wire
  mkdir -p "$rep/rsyncd/wire"; cp -a "$src/." "$rep/rsyncd/wire/"
  echo
  echo "## bytes on the wire, ${wire_mb} MB random file already replicated, after one unmeasured edit (TCP payload through the proxy)"
  printf '%-22s %14s %10s %16s %14s %10s %9s  %s\n' edit "tidemark B" "tm ms" "rsync B (proxy)" "rsync --stats" "rsync ms" "rs/tm" load
  local what cmd ok1 ok2 load tcell rcell
  # an unmeasured edit first, replicated by both: the agent's delta encoder is JIT-compiled
  # (a long-running agent's is), and rsync's daemon side has the file in its page cache
  tm_change "$a_port" "$work/tmfile" poke "$src/big" $(( size / 4 ))
  run_rsync "$work/wire-rsync.txt" -a --no-whole-file "$src/" "$r_url"
  for what in "1-byte edit" "14-byte insertion"; do
    load=$(loadavg)
    case $what in
      1*) cmd=("$work/tmfile" poke "$src/big" $(( size / 2 + 7 ))) ;;
      *) cmd=("$work/tmfile" insert "$src/big" $(( size / 2 + 12345 )) "fourteen bytes") ;;
    esac
    tm_change "$a_port" "${cmd[@]}"
    ok1=1; verify "$src" "$dst" || ok1=0
    run_rsync "$work/wire-rsync.txt" -a --no-whole-file "$src/" "$r_url"
    ok2=1; verify "$src" "$rep/rsyncd/wire" || ok2=0
    tcell=$t_wire; [ $ok1 = 1 ] || tcell=FAIL
    rcell=$r_wire; [ $ok2 = 1 ] || rcell=FAIL
    printf '%-22s %14s %10s %16s %14s %10s %9s  %s\n' "$what" "$tcell" "$t_ms" "$rcell" "$r_stats" "$r_ms" \
      "$( [ $ok1$ok2 = 11 ] && ratio "$r_wire" "$t_wire" || echo -)" "$load"
    local met=no
    [ $ok1$ok2 = 11 ] && [ $(( t_wire * 10 )) -le "$r_wire" ] && met=yes
    sum_row "$what in a ${wire_mb} MB file: bytes on the wire" "$tcell B ($t_ms ms)" \
      "$rcell B (--stats $r_stats; $r_ms ms)" "≤ 1/10 of rsync" "$met ($( [ $ok1$ok2 = 11 ] && ratio "$r_wire" "$t_wire" || echo -)x fewer)"
  done
  stop_pair; stop_pid "$r_pid"
  rm -rf "$src" "$dst" "$rep/rsyncd/wire"
}

# ---------------------------------------------------------------------------------------------
bench_rename() {
  note "rename: ${rename_mb} MB file and a directory of $rename_files 4 KB files..."
  local src="$mnt/ren-src" dst="$rep/ren-dst"
  mkdir -p "$src" "$dst"
  "$work/tmfile" random "$src/big" $(( rename_mb * 1048576 )) 2
  "$work/tmfile" tree "$src/dir" "$rename_files" 4096 3
  start_pair ren "$src" "$dst"
  start_rsync_side ren
  mkdir -p "$rep/rsyncd/ren" "$rep/rsyncd/ren-fuzzy"
  cp -a "$src/." "$rep/rsyncd/ren/"; cp -a "$src/." "$rep/rsyncd/ren-fuzzy/"
  echo
  echo "## rename, replica caught up before (Tidemark: mv until Flush returns; rsync: one run after the mv)"
  printf '%-30s %12s %9s %14s %9s %22s %9s  %s\n' rename "tidemark B" "tm ms" "rsync B" "rsync ms" "fuzzy+delete-after B" "fuzzy ms" load
  local what from to ok1 ok2 ok3 load f_wire f_ms plain_wire plain_ms r_url_f
  for what in file dir; do
    load=$(loadavg)
    case $what in
      file) from=big to=big.renamed ;;
      dir) from=dir to=dir.renamed ;;
    esac
    tm_change "$a_port" mv "$src/$from" "$src/$to"
    ok1=1; verify "$src" "$dst" || ok1=0
    run_rsync "$work/ren-rsync.txt" -a --delete "$src/" "$r_url"
    plain_wire=$r_wire plain_ms=$r_ms
    ok2=1; verify "$src" "$rep/rsyncd/ren" || ok2=0
    r_url_f="${r_url%ren/}ren-fuzzy/"
    run_rsync "$work/ren-rsync-f.txt" -a --delete-after --fuzzy "$src/" "$r_url_f"
    f_wire=$r_wire f_ms=$r_ms
    ok3=1; verify "$src" "$rep/rsyncd/ren-fuzzy" || ok3=0
    local label tcell
    [ $what = file ] && label="file of ${rename_mb} MB" || label="directory of $rename_files files"
    tcell=$t_wire; [ $ok1 = 1 ] || tcell=FAIL
    printf '%-30s %12s %9s %14s %9s %22s %9s  %s\n' "$label" "$tcell" "$t_ms" \
      "$( [ $ok2 = 1 ] && echo "$plain_wire" || echo FAIL)" "$plain_ms" \
      "$( [ $ok3 = 1 ] && echo "$f_wire" || echo FAIL)" "$f_ms" "$load"
    sum_row "rename of a $label: bytes, time" "$tcell B, $t_ms ms" \
      "-a --delete: $( [ $ok2 = 1 ] && echo "$plain_wire" || echo FAIL) B, $plain_ms ms; --fuzzy: $f_wire B, $f_ms ms" \
      "(no content sent)" "$( [ $ok1 = 1 ] && echo "$(ratio "$plain_wire" "$t_wire")x fewer bytes, $(ratio "$plain_ms" "$t_ms")x faster" || echo FAIL)"
  done
  stop_pair; stop_pid "$r_pid"
  rm -rf "$src" "$dst" "$rep/rsyncd/ren" "$rep/rsyncd/ren-fuzzy"
}

# ---------------------------------------------------------------------------------------------
bench_tree() {
  note "tree: $tree_files files, $tree_changes changed per round, $rounds round(s)..."
  local src="$mnt/tree-src" dst="$rep/tree-dst"
  mkdir -p "$src" "$dst"
  "$work/tmtree" create "$src" "$tree_files"
  start_pair tree "$src" "$dst"
  start_rsync_side tree
  mkdir -p "$rep/rsyncd/tree"; cp -a "$src/." "$rep/rsyncd/tree/"
  echo
  echo "## $tree_files-file tree, $tree_changes files appended to per round, after 3 warm-up rounds (Tidemark: edits until Flush returns; rsync -a: one run after the edits)"
  printf '%6s %12s %10s %14s %14s %10s %9s %9s  %s\n' round "tidemark B" "tm ms" "rsync B" "rsync --stats" "rsync ms" "B ratio" "t ratio" load
  local r ok1 ok2 load tms=() tw=() rms=() rw=() fail=0
  # three unmeasured rounds first: both tools warm (the agent's and peer's JIT, as in a
  # long-running agent; page cache and dentries for rsync)
  for r in 1 2 3; do
    tm_change "$a_port" "$work/tmtree" touch "$src" "$tree_files" "$tree_changes"
    run_rsync "$work/tree-rsync.txt" -a "$src/" "$r_url"
  done
  for r in $(seq 1 "$rounds"); do
    load=$(loadavg)
    tm_change "$a_port" "$work/tmtree" touch "$src" "$tree_files" "$tree_changes"
    ok1=1; verify "$src" "$dst" || ok1=0
    run_rsync "$work/tree-rsync.txt" -a "$src/" "$r_url"
    ok2=1; verify "$src" "$rep/rsyncd/tree" || ok2=0
    [ $ok1$ok2 = 11 ] || fail=1
    printf '%6s %12s %10s %14s %14s %10s %9s %9s  %s\n' "$r" "$( [ $ok1 = 1 ] && echo "$t_wire" || echo FAIL)" "$t_ms" \
      "$( [ $ok2 = 1 ] && echo "$r_wire" || echo FAIL)" "$r_stats" "$r_ms" "$(ratio "$r_wire" "$t_wire")" "$(ratio "$r_ms" "$t_ms")" "$load"
    tms+=("$t_ms"); tw+=("$t_wire"); rms+=("$r_ms"); rw+=("$r_wire")
  done
  local mt mw mr mrw met=no
  mt=$(median "${tms[@]}"); mw=$(median "${tw[@]}"); mr=$(median "${rms[@]}"); mrw=$(median "${rw[@]}")
  echo "median: tidemark $mw B in $mt ms, rsync $mrw B in $mr ms"
  if [ $fail = 0 ] && awk -v t="$mt" -v r="$mr" -v tb="$mw" -v rb="$mrw" 'BEGIN { exit !(r >= 10 * t && rb >= 20 * tb) }'; then met=yes; fi
  if [ $fail = 1 ]; then mt=FAIL; mw=FAIL; fi
  sum_row "$tree_files-file tree, $tree_changes changed: converge (median of $rounds)" "$mt ms, $mw B" "$mr ms, $mrw B" \
    "≥ 10x faster, ≥ 20x fewer bytes" "$met ($(ratio "$mr" "$mt")x faster, $(ratio "$mrw" "$mw")x fewer bytes)"
  stop_pair; stop_pid "$r_pid"
  rm -rf "$src" "$dst" "$rep/rsyncd/tree"
}

# ---------------------------------------------------------------------------------------------
bench_initial() {
  local size=$(( init_mb * 1048576 / init_files ))
  note "initial: $init_mb MB in $init_files files of $size B, $rounds round(s)..."
  local src="$mnt/init-src" dst="$rep/init-dst"
  "$work/tmfile" tree "$src" "$init_files" "$size" 4
  # warm-up: page cache for the jars, and the launcher's class-data archive for `sync` is written
  # by a first run (a run right after a build would otherwise pay for both)
  "$work/tmfile" tree "$mnt/init-warm" 100 4096 5
  local wport; wport=$(free_port)
  "$here/tidemark" sync "$mnt/init-warm" "$rep/init-warm" --listen "127.0.0.1:$wport" --state "$st/init-warm" \
    >"$work/init-warm.out" 2>"$work/init-warm.err" &
  local wp=$!; pids+=("$wp")
  wait_for 300 "the warm-up sync" grep -q 'in sync' "$work/init-warm.out"
  stop_pid "$wp"
  start_pair initwarm "$mnt/init-warm" "$rep/init-warm2"
  stop_pair
  rm -rf "$mnt/init-warm" "$rep/init-warm" "$rep/init-warm2"
  echo
  echo "## initial sync of $init_mb MB in $init_files files into an empty DST (ms, wall clock)"
  printf '%6s %14s %16s %10s %14s %16s %9s  %s\n' round "tidemark sync" "agent+peer" "rsync -a" "rsync daemon" "tm sync/rsync" "ok" load
  local r ok load t0 port ts tp rl rd tsa=() rla=() fail=0 ap_wire rd_wire
  start_rsync_side init
  for r in $(seq 1 "$rounds"); do
    load=$(loadavg); ok=""
    # tidemark sync: launch to `in sync` (JVM start, crawl, journal, transfer, apply, verify)
    rm -rf "$dst" "$st/init-sync"; port=$(free_port)
    : >"$work/init-sync.out" # not left to the forked launch (see start_peer)
    t0=$(now_ns)
    "$here/tidemark" sync "$src" "$dst" --listen "127.0.0.1:$port" --state "$st/init-sync" \
      >"$work/init-sync.out" 2>"$work/init-sync.err" &
    local sp=$!; pids+=("$sp")
    wait_for 900 "tidemark sync's 'in sync'" grep -q 'in sync' "$work/init-sync.out"
    ts=$(ms_since "$t0")
    verify "$src" "$dst" && ok+=t || { ok+=F; fail=1; }
    stop_pid "$sp"
    # agent + peer through the proxy: launch of the agent to the peer's `in sync`; bytes
    rm -rf "$dst" "$st/init-agent" "$st/init-peer"
    t0=$(now_ns)
    start_pair init "$src" "$dst"
    tp=$(ms_since "$t0")
    ap_wire=$(proxy_total "$p_ctl")
    verify "$src" "$dst" && ok+=t || { ok+=F; fail=1; }
    stop_pair
    rm -rf "$dst"
    # rsync -a, local
    rl=$(wall_ms rsync -a "$src/" "$dst/")
    verify "$src" "$dst" && ok+=r || { ok+=F; fail=1; }
    rm -rf "$dst" "$rep/rsyncd/init"; mkdir -p "$rep/rsyncd/init"
    # rsync to the daemon through the proxy (bytes)
    run_rsync "$work/init-rsync.txt" -a "$src/" "$r_url"
    rd=$r_ms rd_wire=$r_wire
    verify "$src" "$rep/rsyncd/init" && ok+=r || { ok+=F; fail=1; }
    rm -rf "$rep/rsyncd/init"
    printf '%6s %14s %16s %10s %14s %16s %9s  %s\n' "$r" "$ts" "$tp" "$rl" "$rd" "$(ratio "$ts" "$rl")" "$ok" "$load"
    tsa+=("$ts"); rla+=("$rl")
  done
  stop_pid "$r_pid"
  echo "bytes on the wire: agent+peer $ap_wire, rsync daemon $rd_wire (last round)"
  local mt mr met=no
  mt=$(median "${tsa[@]}"); mr=$(median "${rla[@]}")
  [ $fail = 0 ] && [ "$mt" -le "$mr" ] && met=yes
  [ $fail = 0 ] || mt=FAIL
  sum_row "initial sync, $init_mb MB in $init_files files (median of $rounds, ms)" \
    "sync $mt (JVM start incl.); agent+peer $tp; $ap_wire B" "rsync -a $mr; daemon $rd, $rd_wire B" "no slower than rsync -a" \
    "$met ($(ratio "$mt" "$mr")x rsync's time)"
  rm -rf "$src"
}

for b in ${only//,/ }; do
  case $b in
    latency|wire|rename|tree|initial) "bench_$b" ;;
    *) die "unknown benchmark $b (latency, wire, rename, tree, initial)" ;;
  esac
done

echo
echo "## summary"
echo "| benchmark | Tidemark | rsync / lsyncd | goal | met |"
echo "|---|---|---|---|---|"
for r in "${summary[@]}"; do echo "$r"; done
echo "# load average at end: $(loadavg)"
