#!/bin/sh
# Process control of the ShardKV servers of one host, installed as HOME/bin/shardkv-host by the
# chaos suite (io.shardkv.chaos.db.ShardKvDb). Always by pid file, never by process name: hosts of
# the lab share one process table with the control machine.
#
#   shardkv-host start ID...        start those not running (start-stop-daemon, one pid file each)
#   shardkv-host signal SIG ID...   send SIG (STOP, CONT, ...) to those running
#   shardkv-host kill ID...         kill -9, wait until dead, remove the pid files
#   shardkv-host kill-all           kill -9 every server that has a pid file here
#   shardkv-host status ID...       one line each: ID running|paused|stopped PID|-
#
# A pid file's process is ours only while it is alive (not a zombie: PID 1 may reap late) and its
# command line is ServerMain with this home's config and that node id; otherwise it is not running.
# A killed server is waited for until it has finished exiting (a zombie, or gone), not only until its
# command line reads empty: a process gives up its memory before it closes its files, so a server
# restarted in between would find its port still held (as chaos/harness/.../ProcessLiveness.awaitExit); a
# start waits the same way for the process its pid file last named.
set -u
home=$(cd "$(dirname "$0")/.." && pwd)
run="$home/run"
logs="$home/logs"
main=io.shardkv.server.process.ServerMain
# The proc file system; SHARDKV_HOST_PROC points it elsewhere for the script's own tests only.
proc=${SHARDKV_HOST_PROC:-/proc}

# The state letter of process $1 (R, S, D, T, Z, ...): the field after the last ')' of its stat.
proc_state() {
  sed 's/.*) //' "$proc/$1/stat" 2>/dev/null | cut -d' ' -f1
}

# Succeeds while process $1 is on its way out: killed, not yet a zombie (nor gone). The kernel marks
# such a task PF_EXITING (0x4 in the flags, the 9th field of its stat) from the start of its exit; a
# live process, ours or another that reuses the pid, is not marked.
exiting() {
  set -- $(sed 's/.*) //' "$proc/$1/stat" 2>/dev/null)
  case "${1:-}" in Z|X|'') return 1 ;; esac
  [ $# -ge 7 ] && [ $(( $7 & 4 )) -ne 0 ]
}

# Waits (up to 20 s) until server $1, whose pid was $2, neither runs nor is still exiting; fails if it does.
await_exit() {
  n=0
  while [ $n -lt 400 ] && { (pid_of "$1" > /dev/null) || exiting "$2"; }; do sleep 0.05; n=$((n + 1)); done
  ! (pid_of "$1" > /dev/null) && ! exiting "$2"
}

# Prints the live pid of server $1 and succeeds, or fails.
pid_of() {
  f="$run/node-$1.pid"
  [ -r "$f" ] || return 1
  p=$(cat "$f" 2>/dev/null)
  case "$p" in ''|*[!0-9]*) return 1 ;; esac
  case "$(proc_state "$p")" in Z|X|'') return 1 ;; esac
  cmd=$(tr '\0' ' ' < "$proc/$p/cmdline" 2>/dev/null)
  case "$cmd" in
    *"$main --config $home/cluster.conf --node $1 "*) echo "$p"; return 0 ;;
  esac
  return 1
}

start_one() {
  if p=$(pid_of "$1"); then echo "$1 running $p"; return 0; fi
  old=$(cat "$run/node-$1.pid" 2>/dev/null)
  case "$old" in
    ''|*[!0-9]*) ;;
    *) if ! await_exit "$1" "$old"; then echo "$1 failed: the previous process $old is still exiting"; return 1; fi ;;
  esac
  rm -f "$run/node-$1.pid"
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) shardkv-host: starting node $1" >> "$logs/node-$1.out"
  if ! start-stop-daemon --start --background --no-close --make-pidfile --pidfile "$run/node-$1.pid" \
      --chdir "$home" --startas "$home/bin/server" -- "$1" >> "$logs/node-$1.out" 2>&1; then
    echo "$1 failed start-stop-daemon"; return 1
  fi
  i=0
  while [ $i -lt 200 ]; do # until the launcher has exec'd the JVM (its command line is then ours)
    if p=$(pid_of "$1"); then echo "$1 running $p"; return 0; fi
    sleep 0.05; i=$((i + 1))
  done
  echo "$1 failed to start; last lines of $logs/node-$1.out:"
  tail -n 20 "$logs/node-$1.out" | sed 's/^/    /'
  return 1
}

kill_one() {
  if p=$(pid_of "$1"); then
    kill -9 "$p" 2>/dev/null
    if ! await_exit "$1" "$p"; then echo "$1 still-running $p"; return 1; fi
    echo "$1 killed $p"
  else
    echo "$1 stopped -"
  fi
  rm -f "$run/node-$1.pid"
}

signal_one() {
  if p=$(pid_of "$2"); then
    kill -s "$1" "$p" && echo "$2 signalled $p"
  else
    echo "$2 stopped -"
  fi
}

status_one() {
  if p=$(pid_of "$1"); then
    case "$(proc_state "$p")" in T|t) echo "$1 paused $p" ;; *) echo "$1 running $p" ;; esac
  else
    echo "$1 stopped -"
  fi
}

[ $# -ge 1 ] || { sed -n '5,11p' "$0" >&2; exit 2; }
op=$1; shift
mkdir -p "$run" "$logs"
rc=0
case "$op" in
  start)   for id in "$@"; do start_one "$id" || rc=1; done ;;
  kill)    for id in "$@"; do kill_one "$id" || rc=1; done ;;
  status)  for id in "$@"; do status_one "$id"; done ;;
  signal)  sig=$1; shift; for id in "$@"; do signal_one "$sig" "$id" || rc=1; done ;;
  kill-all)
    for f in "$run"/node-*.pid; do
      [ -e "$f" ] || continue
      id=${f##*/node-}; id=${id%.pid}
      kill_one "$id" || rc=1
    done ;;
  *) echo "shardkv-host: unknown operation '$op'" >&2; exit 2 ;;
esac
exit $rc
