@BASH@
# tidemark fsmonitor hook: git core.fsmonitor, hook protocol version 2.
# Written by `tidemark git-install`; run it again rather than editing this file.
#
# git runs `HOOK 2 TOKEN` at the top of the work tree. This script asks the tidemark agent's
# loopback endpoint what changed since TOKEN and prints the answer exactly:
#   NEW_TOKEN NUL (PATH NUL)*      or      NEW_TOKEN NUL / NUL   ("check everything")
# It starts no JVM: bash's /dev/tcp (curl only where bash lacks it). Whenever it cannot get a
# complete answer (no endpoint file, agent down, not 200, a cut body) it prints
# TOKEN NUL / NUL and exits 0: git then checks every file, slower but never wrong. An old
# token is safe to hand back, since the agent's answer for it is a superset of what changed.
endpoint_file=@ENDPOINT_FILE@

LC_ALL=C
token=${2-}

everything() {
  printf '%s\0/\0' "${token:-tidemark:none}"
  exit 0
}

if [ "${1-}" != 2 ]; then
  echo "tidemark-fsmonitor: hook version '${1-}' unsupported; run: git config core.fsmonitorHookVersion 2" >&2
  exit 1
fi

# percent-encode $1 into REPLY (bytes, since LC_ALL=C)
urlencode() {
  if [[ $1 =~ ^[A-Za-z0-9._~/-]*$ ]]; then REPLY=$1; return; fi
  local s=$1 out= c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~/-]) out+=$c ;;
      *) printf -v c '%%%02X' "'$c"; out+=$c ;;
    esac
  done
  REPLY=$out
}

port= secret=
[ -r "$endpoint_file" ] || everything
while IFS='=' read -r key value; do
  case $key in
    port) port=$value ;;
    secret) secret=$value ;;
  esac
done <"$endpoint_file"
[[ $port =~ ^[0-9]+$ && $secret =~ ^[0-9a-f]+$ ]] || everything

urlencode "$token"; q_token=$REPLY
cd -P . || everything
urlencode "$PWD"; q_repo=$REPLY
target="/fsmonitor?token=$q_token&sync=1&repo=$q_repo"

if ! { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
  if [[ $(type -t curl) != file ]]; then everything; fi
  # Agent down, or a bash without /dev/tcp: try curl. It streams the body and fails on any
  # error, a cut body included. When it printed nothing (no connection: 6, 7; not 200 with
  # --fail: 22) we answer "everything"; otherwise its non-zero exit makes git ignore what was
  # printed and check everything. The secret goes on stdin, never on a command line.
  printf 'header = "Authorization: Bearer %s"\n' "$secret" |
    curl -s --fail --max-time 10 -K - "http://127.0.0.1:$port$target"
  rc=$?
  case $rc in
    0) exit 0 ;;
    6 | 7 | 22) everything ;;
    *) echo "tidemark-fsmonitor: curl failed ($rc); git will check every file" >&2; exit "$rc" ;;
  esac
fi

printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n' \
  "$target" "$secret" >&3 2>/dev/null || everything

IFS= read -r -t 10 status <&3 || everything
case $status in
  'HTTP/1.'[01]' 200 '*) ;;
  *) everything ;;
esac
length=
while IFS= read -r -t 10 line <&3; do
  line=${line%$'\r'}
  [ -z "$line" ] && break
  case $line in
    [Cc]ontent-[Ll]ength:*) length=${line#*:}; length=${length//[!0-9]/} ;;
  esac
done
[[ $length =~ ^[0-9]+$ ]] || everything

# The body is NUL-separated; bash strings cannot hold NULs, an array of records can. bash reads
# a socket one byte per syscall, fine for a small answer; a large one goes through a private
# temp file first (one cat), which bash reads in blocks.
records=()
if [ "$length" -le 8192 ]; then
  mapfile -d '' -u 3 records
else
  umask 077
  tmp="${TMPDIR:-/tmp}/tidemark-fsmonitor.$$.$RANDOM"
  trap 'rm -f "$tmp"' EXIT
  (set -o noclobber; cat <&3 >"$tmp") 2>/dev/null || everything
  mapfile -d '' records <"$tmp"
fi
exec 3<&-
[ "${#records[@]}" -gt 0 ] || everything
IFS=/
joined="${records[*]}"
# every record plus its NUL, byte for byte: a complete answer, or none at all
[ $((${#joined} + 1)) -eq "$length" ] || everything
printf '%s\0' "${records[@]}"
