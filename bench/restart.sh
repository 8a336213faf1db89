#!/usr/bin/env bash
# Restart-to-ready with offline changes, Tidemark vs Watchman 4.9, on the same tmpfs tree:
# start the tool on a tree of FILES files (100 per directory) and let it crawl; then ROUNDS times:
# stop it, append a byte to CHANGES files spread over the tree, start it again and time until
# it answers:
#   - tidemark: `tidemark agent` until its `ready` line (reconcile against the journal included);
#     "total" is wall time from launch (JVM start-up included), "agent" is the agent's own figure
#     from its log line `ready in N ms` (from main() to ready), "reconcile" its reconcile line;
#   - watchman: server start + `watch` + `clock` (a full recrawl: watchman keeps no journal
#     across restarts, and its clocks from before the restart are fresh instances).
# Tidemark's pre-restart cursor is then checked to report the offline changes. "cpu" is the
# agent's user+sys CPU time when it printed ready (all its threads; the figure a busy machine
# disturbs least), "ph" the agent's start-up phases from its ready line.
#
# usage: bench/restart.sh [--files 100000] [--changes 1000] [--rounds 5] [--engine auto]
set -euo pipefail
files=100000 changes=1000 rounds=5 engine=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --changes) changes=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --engine) engine=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "restart: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
build_tidemark
need_pkg watchman watchman
header

tree="$mnt/tree"; mkdir -p "$tree"
"$work/tmtree" create "$tree" "$files"
st="$work/state"
note "first crawl..."
start_agent "$tree" "$st" 47434 "$work/agent" --engine "$engine"
first_ms=$ready_ms
stop_agent "$agent_pid"

echo "# engine $engine"
row='%5s %10s %8s %10s %12s %8s %12s %8s  %s\n'
printf "$row" round "tm total" "tm cpu" "tm agent" "tm reconcile" "tm seen" "watchman" "wm/tm" "load"
tt=() tc=() ta=() tw=()
for r in $(seq 1 "$rounds"); do
  # offline changes for tidemark; different files each round
  "$work/tmtree" touch "$tree" "$((files - r))" "$changes"
  start_agent "$tree" "$st" 47434 "$work/agent" --engine "$engine"
  total=$ready_ms
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$agent_pid/stat")
  # the agent logs its figures just after the ready line
  for _ in $(seq 1 500); do grep -q 'ready in' "$work/agent.err" && break; sleep 0.02; done
  agent=$(sed -n 's/.*ready in \([0-9]*\) ms.*/\1/p' "$work/agent.err" | tail -1)
  phases=$(sed -n 's/.*ready in .*; \(.*\))$/\1/p' "$work/agent.err" | tail -1)
  recon=$(sed -n 's/.*reconciled .* in \([0-9]*\) ms.*/\1/p' "$work/agent.err" | tail -1)
  seen=$(sed -n 's/.*, \([0-9]*\) modified.*/\1/p' "$work/agent.err" | tail -1)
  stop_agent "$agent_pid"
  # watchman: server start + watch + full crawl (it keeps no journal, so the offline changes
  # above make no difference to it; not repeated, so tidemark's next round sees exactly CHANGES)
  t0=$(now_ns)
  start_watchman
  watchman_watch "$tree" >/dev/null
  wm=$(ms_since "$t0")
  watchman_cmd shutdown-server >/dev/null
  rm -f "$wm_sock"
  tt+=("$total"); tc+=("$cpu"); ta+=("${agent:-0}"); tw+=("$wm")
  printf "$row" "$r" "$total" "$cpu" "${agent:-?}" "${recon:-?}" "${seen:-?}" "$wm" \
    "$(awk -v w="$wm" -v t="$total" 'BEGIN { printf "%.2f", w / t }')" "$(loadavg)"
  [ -z "$phases" ] || echo "#   phases: $phases"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "median (ms): tidemark total $(median "${tt[@]}"), cpu $(median "${tc[@]}"), agent $(median "${ta[@]}"), watchman $(median "${tw[@]}");" \
  "files $files, offline changes $changes, first crawl (new journal) ${first_ms} ms"
echo "# load average at end: $(loadavg)"
