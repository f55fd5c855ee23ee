"""Catalogue of 01-linux/05-processes-and-signals.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex9-answer": Exercise(
        hardcoded='''
worker_script = r"""
trap 'echo "api: shutting down"; rm -f api.pid; exit 0' TERM
echo $$ > api.pid
echo ready
sleep 30 &
wait $!
"""
''',
        mistakes={
            # "waits" by burning a CPU core
            "busy_loop": '''
worker_script = r"""
trap 'echo "$SERVICE_NAME: shutting down"; rm -f "$SERVICE_NAME.pid"; exit 0' TERM
echo $$ > "$SERVICE_NAME.pid"
echo ready
while :; do :; done
"""
''',
            # a busy loop in a background subshell, waited for
            "busy_loop_in_background": '''
worker_script = r"""
trap 'echo "$SERVICE_NAME: shutting down"; rm -f "$SERVICE_NAME.pid"; exit 0' TERM
echo $$ > "$SERVICE_NAME.pid"
echo ready
(while :; do :; done) &
wait $!
"""
''',
            # the trap waits for the foreground sleep to end
            "foreground_sleep": '''
worker_script = r"""
trap 'echo "$SERVICE_NAME: shutting down"; rm -f "$SERVICE_NAME.pid"; exit 0' TERM
echo $$ > "$SERVICE_NAME.pid"
echo ready
sleep 30
"""
''',
            # no exit in the trap: wait returns 143 and the script ends with it
            "trap_without_exit": '''
worker_script = r"""
trap 'echo "$SERVICE_NAME: shutting down"; rm -f "$SERVICE_NAME.pid"' TERM
echo $$ > "$SERVICE_NAME.pid"
echo ready
sleep 30 &
wait $!
"""
''',
            # trapped INT (Ctrl-C), but systemd sends TERM
            "traps_int_not_term": '''
worker_script = r"""
trap 'echo "$SERVICE_NAME: shutting down"; rm -f "$SERVICE_NAME.pid"; exit 0' INT
echo $$ > "$SERVICE_NAME.pid"
echo ready
sleep 30 &
wait $!
"""
''',
            # only an EXIT trap: bash still dies of the signal (exit 143)
            "exit_trap_only": '''
worker_script = r"""
trap 'echo "$SERVICE_NAME: shutting down"; rm -f "$SERVICE_NAME.pid"' EXIT
echo $$ > "$SERVICE_NAME.pid"
echo ready
sleep 30 &
wait $!
"""
''',
            # the service name written into the script
            "hardcoded_service_name": '''
worker_script = r"""
trap 'echo "api: shutting down"; rm -f api.pid; exit 0' TERM
echo $$ > api.pid
echo ready
sleep infinity &
wait $!
"""
''',
        },
        alternatives={
            "function_trap_plain_wait": '''
worker_script = r"""
shutdown() {
  echo "$SERVICE_NAME: shutting down"
  rm -f -- "$SERVICE_NAME.pid"
  exit 0
}
trap shutdown TERM
echo "$$" > "$SERVICE_NAME.pid"
echo ready
sleep infinity &
wait
"""
''',
            "read_on_a_fifo": '''
worker_script = r"""
pidfile="$SERVICE_NAME.pid"
trap 'printf "%s: shutting down\\n" "$SERVICE_NAME"; rm -f "$pidfile"; exit 0' TERM
echo $$ > "$pidfile"
mkfifo hold
exec 3<> hold
echo ready
read -r -u 3 _
"""
''',
            "tail_f_dev_null": '''
worker_script = r"""
trap 'echo "$SERVICE_NAME: shutting down"; rm "$SERVICE_NAME.pid"; kill "$child" 2>/dev/null; exit 0' TERM
echo $$ > "$SERVICE_NAME.pid"
echo ready
tail -f /dev/null &
child=$!
wait "$child"
"""
''',
            "sleep_loop_in_background": '''
worker_script = r"""
trap 'echo "$SERVICE_NAME: shutting down"; rm -f "$SERVICE_NAME.pid"; exit 0' TERM
echo $$ > "$SERVICE_NAME.pid"
echo ready
while true; do
  sleep 1 &
  wait $!
done
"""
''',
        },
    ),
}
