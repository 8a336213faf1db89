#!/usr/bin/env bash
# Memory per watched file, Tidemark agent vs Watchman 4.9: each tool is started fresh on an empty
# root (baseline), then on trees of SIZES files (100 per directory, tmpfs); after ready and a
# short settle, VmRSS and VmHWM from /proc/PID/status; per file = (RSS - empty-root RSS) / files.
# Extra JVM flags for the agent: TIDEMARK_JAVA_OPTS (the launcher passes them on).
#
# usage: bench/memory.sh [--sizes "100000 1000000"] [--settle 3]
set -euo pipefail
sizes="100000 1000000" settle=3
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "memory: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
build_tidemark
need_pkg watchman watchman
header
echo "# TIDEMARK_JAVA_OPTS='${TIDEMARK_JAVA_OPTS:-}'"

declare -A rss hwm wrss whwm ready wready
for size in 0 $sizes; do
  tree="$mnt/tree-$size"; mkdir -p "$tree"
  [ "$size" = 0 ] || { note "creating $size files..."; "$work/tmtree" create "$tree" "$size"; }
  start_agent "$tree" "$work/state-$size" 47436 "$work/agent-$size"
  ready[$size]=$ready_ms
  sleep "$settle"
  rss[$size]=$(rss_kb "$agent_pid" VmRSS); hwm[$size]=$(rss_kb "$agent_pid" VmHWM)
  stop_agent "$agent_pid"
  rm -rf "$work/state-$size"
  start_watchman
  wready[$size]=$(watchman_watch "$tree")
  sleep "$settle"
  wrss[$size]=$(rss_kb "$wm_pid" VmRSS); whwm[$size]=$(rss_kb "$wm_pid" VmHWM)
  watchman_cmd shutdown-server >/dev/null; rm -f "$wm_sock"
  rm -rf "$tree"
  note "$size files: tidemark RSS ${rss[$size]} kB, watchman ${wrss[$size]} kB"
done

per() { awk -v r="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.0f", (r - b) * 1024 / n }'; }
echo
echo "Memory after ready (kB; per file = (RSS - empty-root RSS) / files, bytes)"
printf '%9s %11s %11s %9s %11s %11s %9s %8s %10s %10s\n' files "tm VmRSS" "tm VmHWM" "tm B/file" \
  "wm VmRSS" "wm VmHWM" "wm B/file" "tm/wm" "tm ready" "wm ready"
for size in 0 $sizes; do
  if [ "$size" = 0 ]; then tp=- wp=- ratio=-; else
    tp=$(per "${rss[$size]}" "${rss[0]}" "$size"); wp=$(per "${wrss[$size]}" "${wrss[0]}" "$size")
    ratio=$(awk -v a="$tp" -v b="$wp" 'BEGIN { printf "%.2f", a / b }'); fi
  printf '%9s %11s %11s %9s %11s %11s %9s %8s %8s ms %7s ms\n' "$size" "${rss[$size]}" "${hwm[$size]}" "$tp" \
    "${wrss[$size]}" "${whwm[$size]}" "$wp" "$ratio" "${ready[$size]}" "${wready[$size]}"
done
echo "# load average at end: $(loadavg)"
