#!/usr/bin/env bash
# Since-query latency, Tidemark vs Watchman 4.9, side by side on the same tmpfs tree:
# for each tree size (files, 100 per directory) and each count of changed files, take both tools'
# cursor/clock, append a byte to COUNT files spread over the tree, then time "what changed since":
#   - tidemark: Changes(since) over gRPC from a warm JVM (bench/.../SinceQuery; every page, no
#     JVM start-up in the figure), plain and with sync-to-now; and the CLI `tidemark changes`
#     end to end (JVM start included) for reference;
#   - watchman: `watchman -j` with ["query", ROOT, {"since": CLOCK, "fields": ["name"]}] under
#     hyperfine (a C++ client process per query; watchman queries sync to now by default).
# Both tools run at the same time, each watching the same tree.
#
# usage: bench/since-query.sh [--sizes "100000 1000000"] [--counts "100 60000"] [--runs N]
set -euo pipefail
sizes="100000 1000000" counts="100 60000" runs=15
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --counts) counts=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "since-query: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
need_pkg hyperfine hyperfine
build_tidemark
start_watchman
header

rows=()
for size in $sizes; do
  tree="$mnt/tree-$size"; mkdir -p "$tree"
  note "creating $size files..."
  "$work/tmtree" create "$tree" "$size"
  note "starting tidemark agent and watchman on $size files..."
  start_agent "$tree" "$work/state-$size" 47433 "$work/agent-$size"
  apid=$agent_pid a_ready=$ready_ms
  w_ready=$(watchman_watch "$tree")
  note "ready: tidemark ${a_ready} ms, watchman ${w_ready} ms"
  for count in $counts; do
    tcur=$(since_query 127.0.0.1:47433 cursor)
    wclock=$(watchman_clock "$tree")
    "$work/tmtree" touch "$tree" "$size" "$count"
    # both settled: a synced query of each
    since_query 127.0.0.1:47433 time "$tcur" 0 1 sync >/dev/null
    printf '["query", "%s", {"since": "%s", "fields": ["name"]}]\n' "$tree" "$wclock" >"$work/q.json"
    load=$(loadavg)
    warm=$(( count <= 1000 ? 200 : 10 ))
    t_plain=$(since_query 127.0.0.1:47433 time "$tcur" "$warm" "$runs")
    t_sync=$(since_query 127.0.0.1:47433 time "$tcur" "$warm" "$runs" sync)
    tn=$(sed 's/.*paths=\([0-9]*\).*/\1/' <<<"$t_plain")
    hyperfine --style none --warmup 5 --runs "$runs" --export-json "$work/wm.json" \
      "watchman --sockname=$wm_sock --no-spawn -j < $work/q.json" >/dev/null
    # what watchman answered (after the runs: its own sync cookie settles it); "F" = fresh instance
    wn=$(watchman_cmd -j <"$work/q.json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(str(len(d["files"])) + ("F" if d.get("is_fresh_instance") else ""))')
    wmed=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f" % (r["median"]*1000))' "$work/wm.json")
    hyperfine --style none --warmup 1 --runs 3 --export-json "$work/cli.json" \
      "$here/tidemark changes --agent 127.0.0.1:47433 --since $tcur --json > /dev/null" >/dev/null
    cmed=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.0f" % (r["median"]*1000))' "$work/cli.json")
    med() { sed 's/.*median_ms=\([0-9.]*\).*/\1/' <<<"$1"; }
    rows+=("$(printf '%9s %8s %9s %9s %12s %12s %12s %14s  %s' "$size" "$count" "$tn" "$wn" \
      "$(med "$t_plain")" "$(med "$t_sync")" "$wmed" \
      "$(awk -v w="$wmed" -v t="$(med "$t_sync")" 'BEGIN { printf "%.1fx", w / t }')" "$cmed ms | load $load")")
  done
  rss=$(rss_kb "$apid" VmRSS); wrss=$(rss_kb "$wm_pid" VmRSS)
  rows+=("# $size files: ready tidemark ${a_ready} ms (JVM start included), watchman ${w_ready} ms; VmRSS tidemark $((rss/1024)) MB, watchman $((wrss/1024)) MB (both trees so far)")
  stop_agent "$apid"
  watchman_cmd watch-del "$tree" >/dev/null
  rm -rf "$tree" "$work/state-$size"
done

echo
echo "Changes since a cursor: median ms (tidemark over gRPC from a warm JVM; watchman CLI under hyperfine)"
printf '%9s %8s %9s %9s %12s %12s %12s %14s  %s\n' files changed "tm paths" "wm paths" "tm plain" "tm sync" watchman "wm/tm(sync)" "tidemark CLI (JVM incl.)"
for r in "${rows[@]}"; do echo "$r"; done
echo "# load average at end: $(loadavg)"
