#!/usr/bin/env bash
# Side-by-side watcher benchmark on a private tmpfs (needs root for mount):
#   1. burst: N file creations (open O_CREAT + close) in the watched root; time until the watcher
#      has printed a create for every file. No loss allowed: a timeout is reported as LOSS.
#   2. start-up: time and peak RSS (VmHWM) to start watching a tree of F files in D directories.
# Tools: inotifywait -m -r (inotify-tools, installed with apt-get if missing), and
# `./tidemark watch ROOT --json --engine inotify|fanotify`.
#
# The burst runs --rounds times per tool (tools interleaved) and the median is reported: the
# machine this was written on is shared, and one round can be off by 50%.
#
# usage: bench/watch-burst.sh [--files N] [--tree-files F] [--tree-dirs D] [--tools "a b c"]
#                             [--rounds R] [--timeout SECONDS]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
files=200000 tree_files=100000 tree_dirs=5000 timeout=120 rounds=3
tools="inotifywait tidemark-inotify tidemark-fanotify"
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --tree-files) tree_files=$2; shift 2 ;;
    --tree-dirs) tree_dirs=$2; shift 2 ;;
    --tools) tools=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "watch-burst: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "watch-burst: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (mounts a tmpfs; fanotify needs CAP_SYS_ADMIN)"
command -v gcc >/dev/null || die "needs gcc for the file creator (apt-get install gcc)"
if ! command -v inotifywait >/dev/null; then
  echo "watch-burst: installing inotify-tools..." >&2
  apt-get install -y -qq inotify-tools >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq inotify-tools >/dev/null; } \
    || die "could not install inotify-tools"
fi

work=$(mktemp -d /tmp/tidemark-bench.XXXXXX)
mnt="$work/mnt"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if mountpoint -q "$mnt" 2>/dev/null; then umount "$mnt" || umount -l "$mnt" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$mnt"
mount -t tmpfs -o size=4g,nr_inodes=0,mode=0755 tidemark-bench "$mnt"

# The creator: mkfiles DIR COUNT [NDIRS] -> COUNT files (spread over NDIRS subdirectories).
cat > "$work/mkfiles.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv) {
  const char *dir = argv[1];
  long n = atol(argv[2]), dirs = argc > 3 ? atol(argv[3]) : 0;
  char path[4096];
  for (long d = 0; d < dirs; d++) {
    snprintf(path, sizeof path, "%s/d%ld", dir, d);
    if (mkdir(path, 0755) != 0) { perror(path); return 1; }
  }
  for (long i = 0; i < n; i++) {
    if (dirs > 0) snprintf(path, sizeof path, "%s/d%ld/f%ld", dir, i % dirs, i);
    else snprintf(path, sizeof path, "%s/f%ld", dir, i);
    int fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644);
    if (fd < 0 || close(fd) != 0) { perror(path); return 1; }
  }
  return 0;
}
C
gcc -O2 -o "$work/mkfiles" "$work/mkfiles.c"

now_ns() { date +%s%N; }
median() { tr ' ' '\n' <<<"$*" | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

if [[ " $tools " == *" tidemark-"* ]]; then
  echo "watch-burst: building tidemark (if needed)..." >&2
  "$here/tidemark" --help >/dev/null
fi

# start_watcher TOOL ROOT OUT ERR: starts it in the background, sets $wpid.
start_watcher() {
  local tool=$1 root=$2 out=$3 err=$4
  case "$tool" in
    inotifywait) inotifywait -m -r -q -e create --format '%w%f' "$root" >"$out" 2>"$err" & ;;
    tidemark-*) "$here/tidemark" watch "$root" --json --engine "${tool#tidemark-}" >"$out" 2>"$err" & ;;
    *) die "unknown tool $tool" ;;
  esac
  wpid=$!
  pids+=("$wpid")
}

# wait_ready OUT PID: 0 once tidemark printed its ready line, 1 if it died or timed out.
wait_ready() {
  local out=$1 pid=$2 deadline=$(( $(date +%s) + timeout ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    grep -q '^{"kind":"ready"' "$out" 2>/dev/null && return 0  # launcher noise may precede it
    sleep 0.02
  done
  return 1
}

count_creates() { # TOOL OUT
  if [ "$1" = inotifywait ]; then grep -c '/f[0-9]*$' "$2" || true
  else grep -c '"kind":"create","path":"[^"]*f[0-9]*"' "$2" || true; fi
}

# printed_last TOOL OUT: whether the create of the last file made is in the output's tail. The
# creator makes f0..f(N-1) in order and every watcher prints in order, so this is "all printed"
# without re-reading a growing file of up to 30 MB every 10 ms (which took CPU from the watcher
# and the creator); the full count is taken once at the end.
printed_last() {
  local last="f$((files - 1))"
  if [ "$1" = inotifywait ]; then tail -c 4096 "$2" 2>/dev/null | grep -q "/$last\$"
  else tail -c 4096 "$2" 2>/dev/null | grep -q "\"kind\":\"create\",\"path\":\"$last\""; fi
}

stop_watcher() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

vmhwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

# ---- 1. burst --------------------------------------------------------------------------------
base="$mnt/baseline"; mkdir -p "$base"
t0=$(now_ns); "$work/mkfiles" "$base" "$files"; t1=$(now_ns)
creator_s=$(secs "$t0" "$t1")
rm -rf "$base"

declare -A burst_s burst_seen burst_note burst_all burst_made
for round in $(seq "$rounds"); do
for tool in $tools; do
  dir="$mnt/burst-$tool"; mkdir -p "$dir/root"
  # The watcher's output goes off the tmpfs: a fanotify filesystem mark hears every write on
  # it, so output written there would come back to Tidemark as events to read and drop (while
  # inotifywait does not watch its output either).
  out="$work/burst-$tool.out" err="$work/burst-$tool.err"
  # inotify reads fs.inotify.max_queued_events once, at init: hold the lock the test suites take
  # around their lowered-limit windows, so a test running meanwhile cannot hand us its 256
  exec 9>/tmp/tidemark-inotify-sysctl.lock; flock 9
  start_watcher "$tool" "$dir/root" "$out" "$err"
  pid=$wpid
  if [ "$tool" = inotifywait ]; then
    # probe inside the root until inotifywait reports it
    deadline=$(( $(date +%s) + timeout )); ok=1
    until grep -q 'probe$' "$out" 2>/dev/null; do
      kill -0 "$pid" 2>/dev/null || { ok=0; break; }
      [ "$(date +%s)" -lt "$deadline" ] || { ok=0; break; }
      : > "$dir/root/probe"; rm -f "$dir/root/probe"; sleep 0.02  # a new create each time
    done
    rm -f "$dir/root/probe"
  else
    wait_ready "$out" "$pid" && ok=1 || ok=0
  fi
  flock -u 9
  if [ "$ok" = 0 ]; then
    burst_note[$tool]="failed to start: $(head -c 200 "$err" | tr '\n' ' ')"
    stop_watcher "$pid"; rm -rf "$dir"; continue
  fi
  t0=$(now_ns)
  "$work/mkfiles" "$dir/root" "$files"
  burst_made[$tool]+="$(secs "$t0" "$(now_ns)") "
  deadline=$(( $(date +%s) + timeout ))
  until printed_last "$tool" "$out"; do
    [ "$(date +%s)" -lt "$deadline" ] || break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.005
  done
  t1=$(now_ns)
  seen=$(count_creates "$tool" "$out")
  burst_seen[$tool]=$seen
  burst_note[$tool]=""
  if [ "$seen" -lt "$files" ]; then
    burst_note[$tool]="LOSS: $((files - seen)) creates never printed"
    grep -q '"kind":"overflow"' "$out" 2>/dev/null && burst_note[$tool]+=" (overflow reported)"
  else
    burst_all[$tool]+="$(secs "$t0" "$t1") "
  fi
  burst_note[$tool]+=" peak RSS $(( $(vmhwm_kb "$pid") / 1024 )) MB"
  stop_watcher "$pid"
  rm -rf "$dir" "$out"
done
done
for tool in $tools; do
  [ -n "${burst_all[$tool]:-}" ] || continue
  burst_s[$tool]=$(median ${burst_all[$tool]})
  # the creator's own time with this watcher running: what the kernel side of watching costs
  burst_note[$tool]+=", creator $(median ${burst_made[$tool]}) s, rounds: ${burst_all[$tool]% }"
done

# ---- 2. start-up on a big tree --------------------------------------------------------------
tree="$mnt/tree"; mkdir -p "$tree"
"$work/mkfiles" "$tree" "$tree_files" "$tree_dirs"
declare -A start_s start_rss start_note
for tool in $tools; do
  out="$work/start-$tool.out" err="$work/start-$tool.err"
  t0=$(now_ns)
  start_watcher "$tool" "$tree" "$out" "$err"
  pid=$wpid ok=1
  if [ "$tool" = inotifywait ]; then
    deadline=$(( $(date +%s) + timeout ))
    until grep -q "probe-$tool$" "$out" 2>/dev/null; do
      kill -0 "$pid" 2>/dev/null || { ok=0; break; }
      [ "$(date +%s)" -lt "$deadline" ] || { ok=0; break; }
      : > "$tree/d$((tree_dirs - 1))/probe-$tool"; rm -f "$tree/d$((tree_dirs - 1))/probe-$tool"
      sleep 0.01  # a new create each time
    done
  else
    wait_ready "$out" "$pid" || ok=0
  fi
  t1=$(now_ns)
  if [ "$ok" = 1 ]; then
    start_s[$tool]=$(secs "$t0" "$t1"); start_rss[$tool]=$(( $(vmhwm_kb "$pid") / 1024 ))
  else
    start_note[$tool]="failed: $(head -c 200 "$err" | tr '\n' ' ')"
  fi
  stop_watcher "$pid"
  rm -f "$tree/d$((tree_dirs - 1))/probe-$tool"
done

# ---- report ---------------------------------------------------------------------------------
echo
echo "kernel $(uname -r), $(nproc) CPUs, tmpfs; creator alone: $files files in ${creator_s} s;" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Burst: $files file creations, time until every create was printed (median of $rounds)"
printf '%-20s %9s %9s %11s %8s  %s\n' tool seen seconds files/s "vs iw" notes
ref=${burst_s[inotifywait]:-}
for tool in $tools; do
  s=${burst_s[$tool]:-}
  if [ -z "$s" ]; then printf '%-20s %9s %9s %11s %8s  %s\n' "$tool" - - - - "${burst_note[$tool]:-}"; continue; fi
  rate=$(awk -v n="${burst_seen[$tool]}" -v s="$s" 'BEGIN { printf "%.0f", n / s }')
  ratio=-
  [ -n "$ref" ] && ratio=$(awk -v r="$ref" -v s="$s" 'BEGIN { printf "%.2fx", r / s }')
  printf '%-20s %9s %9s %11s %8s  %s\n' "$tool" "${burst_seen[$tool]}" "$s" "$rate" "$ratio" "${burst_note[$tool]:-}"
done
echo
echo "Start-up: watch a tree of $tree_files files in $tree_dirs directories (until ready)"
printf '%-20s %9s %12s  %s\n' tool seconds "VmHWM MB" notes
for tool in $tools; do
  printf '%-20s %9s %12s  %s\n' "$tool" "${start_s[$tool]:--}" "${start_rss[$tool]:--}" "${start_note[$tool]:-}"
done
