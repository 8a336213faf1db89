#!/usr/bin/env bash
# `git status` on a FILES-file repo (tmpfs), three ways, in one run:
#   none      no fsmonitor, no untracked cache (git's default);
#   watchman  git's sample hook templates/hooks--fsmonitor-watchman.sample (v2) + untracked cache,
#             Watchman 4.9 watching the repo;
#   tidemark  `tidemark git-install` (hook v2, untracked cache) + `tidemark agent` on the repo;
#   tidemark-split  the same after `tidemark git-install --split-index` (core.splitIndex).
# hyperfine with warm-up; before every run EDITS files are appended to (so each status has real
# work and the hook has real changes to report). Each watcher runs only during its own section.
# Also times each hook alone (HOOK 2 TOKEN, no edits) to show its own overhead.
#
# usage: bench/git-status.sh [--files 100000] [--edits 10] [--runs 20]
set -euo pipefail
files=100000 edits=10 runs=20
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --edits) edits=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "git-status: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
need_pkg hyperfine hyperfine
need_pkg git git
build_tidemark
header
sample=/usr/share/git-core/templates/hooks/fsmonitor-watchman.sample
[ -r "$sample" ] || die "git's watchman sample hook not found at $sample"

repo="$mnt/repo"; mkdir -p "$repo"
note "creating and committing a $files-file repo..."
"$work/tmtree" create "$repo" "$files"
git -C "$repo" init -q
git -C "$repo" -c user.name=b -c user.email=b@b add -A
git -C "$repo" -c user.name=b -c user.email=b@b commit -qm init
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@b GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@b
prep="$work/tmtree touch $repo $files $edits"
gitver=$(git --version)

# hf NAME COMMAND [--prepare CMD]: median and mean ms into $med $mean
hf() {
  local name=$1 cmd=$2; shift 2
  hyperfine --style none --warmup 3 --runs "$runs" "$@" --export-json "$work/$name.json" "$cmd" >/dev/null
  read -r med mean sd < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f %.1f %.1f" % (r["median"]*1e3, r["mean"]*1e3, r["stddev"]*1e3))' "$work/$name.json")
  echo "$name $med $mean $sd $(loadavg)" >>"$work/results"
}

# -- none ---------------------------------------------------------------------------------------
git -C "$repo" config core.fsmonitor false
git -C "$repo" config core.untrackedCache false
hf none "git -C $repo status --porcelain >/dev/null" --prepare "$prep"

# -- watchman -----------------------------------------------------------------------------------
need_pkg watchman watchman
start_watchman
export WATCHMAN_SOCK=$wm_sock
cp "$sample" "$repo/.git/hooks/query-watchman"; chmod +x "$repo/.git/hooks/query-watchman"
git -C "$repo" config core.fsmonitor .git/hooks/query-watchman
git -C "$repo" config core.fsmonitorHookVersion 2
git -C "$repo" config core.untrackedCache true
git -C "$repo" status --porcelain >/dev/null   # the hook starts the watch; first status is full
hf watchman "git -C $repo status --porcelain >/dev/null" --prepare "$prep"
wtok=$(cd "$repo" && .git/hooks/query-watchman 2 "" | tr '\0' '\n' | sed -n 1p)
hf watchman-hook "cd $repo && .git/hooks/query-watchman 2 '$wtok' >/dev/null"
watchman_cmd shutdown-server >/dev/null; rm -f "$wm_sock"; unset WATCHMAN_SOCK

# -- tidemark -----------------------------------------------------------------------------------
start_agent "$repo" "$work/state" 47435 "$work/agent"
"$here/tidemark" git-install "$repo" --agent-state "$work/state" >/dev/null
git -C "$repo" status --porcelain >/dev/null
hf tidemark "git -C $repo status --porcelain >/dev/null" --prepare "$prep"
# the same with `git-install --split-index`: git writes a small index delta per status
"$here/tidemark" git-install "$repo" --agent-state "$work/state" --split-index >/dev/null
git -C "$repo" update-index --split-index
git -C "$repo" status --porcelain >/dev/null
hf tidemark-split "git -C $repo status --porcelain >/dev/null" --prepare "$prep"
hook=$(git -C "$repo" config core.fsmonitor)
ttok=$(cd "$repo" && "$hook" 2 "" | tr '\0' '\n' | sed -n 1p)
hf tidemark-hook "cd $repo && $hook 2 '$ttok' >/dev/null"
# correctness spot check: status with the hook equals git's own scan
"$work/tmtree" touch "$repo" "$files" 37; echo new >"$repo/d0/s0/untracked-file"
a=$(git -C "$repo" status --porcelain); b=$(git -C "$repo" -c core.fsmonitor=false status --porcelain)
[ "$a" = "$b" ] && check=same || check="DIFFERENT"
stop_agent "$agent_pid"

echo
echo "git status --porcelain on a $files-file repo ($gitver), $edits files edited before each run, $runs runs"
printf '%-15s %10s %10s %9s %12s  %s\n' config "median ms" "mean ms" "sd ms" "vs none" "load during"
none=$(awk '$1 == "none" { print $2 }' "$work/results")
while read -r n med mean sd l1 l2 l3; do
  printf '%-15s %10s %10s %9s %12s  %s\n' "$n" "$med" "$mean" "$sd" \
    "$(awk -v a="$med" -v b="$none" 'BEGIN { printf "%.2f", a / b }')" "$l1 $l2 $l3"
done <"$work/results"
echo "(*-hook rows: the hook alone, 'HOOK 2 TOKEN', nothing changed; vs none is only for scale)"
echo "tidemark status after 37 more edits + 1 untracked file vs git's full scan: $check"
echo "# load average at end: $(loadavg)"
