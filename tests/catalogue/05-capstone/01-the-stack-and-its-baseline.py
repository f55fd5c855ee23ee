"""5.1 The stack, started by a script: a strict start script and a stop handler."""

from tests.catalogue import Exercise

WAIT_FOR_PONG = '''
for attempt in $(seq 50); do
    [ "$(redis-cli -s run/redis.sock ping 2>/dev/null)" = PONG ] && break
    if ! kill -0 "$(cat run/redis.pid)" 2>/dev/null; then
        echo "redis-server exited before it answered" >&2
        exit 1
    fi
    sleep 0.1
done
if [ "$(redis-cli -s run/redis.sock ping 2>/dev/null)" != PONG ]; then
    echo "Redis did not answer PING within 5 s" >&2
    exit 1
fi
'''


def start(wait=WAIT_FOR_PONG, strict="set -euo pipefail", redis_pid="$!", app_line="python3 app.py &",
          app_pid="echo $! > run/app.pid", announce_early=False):
    early = 'echo "stack started"\n' if announce_early else ""
    late = "" if announce_early else 'echo "stack started"\n'
    return (f'START_STACK = r"""\n{strict}\nmkdir -p run\nredis-server redis.conf &\n'
            f'echo {redis_pid} > run/redis.pid\n{early}{wait}\n{app_line}\n{app_pid}\n{late}wait\n"""\n')


def on_stop(body, trap="trap stop TERM INT"):
    return f'ON_STOP = r"""\nstop() {{\n{body}\n}}\n{trap}\n"""\n'


GOOD_STOP = '''    kill -TERM "$(cat run/app.pid)"
    wait "$(cat run/app.pid)" || true
    kill -TERM "$(cat run/redis.pid)"
    wait "$(cat run/redis.pid)" || true
    rm -f run/app.pid run/redis.pid
    echo "stack stopped"
    exit 0'''

EXERCISES = {
    "ex1-answer": Exercise(
        hardcoded='START_STACK = r"""\nmkdir -p run\nredis-server redis.conf &\necho $! > run/redis.pid\n'
                  'sleep 0.3\npython3 app.py &\necho $! > run/app.pid\necho "stack started"\nwait\n"""\n',
        mistakes={
            # the lesson's warning: a guessed sleep instead of readiness
            "sleep_instead_of_ping": start(wait="sleep 1"),
            # waits for PONG, but forever: a Redis that refused its config never answers
            "unbounded_wait": start(wait='until [ "$(redis-cli -s run/redis.sock ping 2>/dev/null)" = PONG ]; '
                                         'do sleep 0.1; done'),
            # gives up waiting, then starts the app anyway
            "goes_on_after_the_limit": start(wait='for attempt in $(seq 50); do\n'
                                                  '    [ "$(redis-cli -s run/redis.sock ping 2>/dev/null)" = PONG ] && break\n'
                                                  '    sleep 0.1\ndone'),
            "no_strict_mode": start(strict=""),
            "pid_of_the_script": start(redis_pid="$$"),
            "announces_before_ready": start(announce_early=True),
            "app_pid_from_pgrep": start(app_pid="echo $(pgrep -n redis-server) > run/app.pid"),
            # found by an independent check of the student notebook
            "waits_for_the_socket": start(wait='for attempt in $(seq 50); do\n'
                                               '    [ -S run/redis.sock ] && break\n    sleep 0.1\ndone\n'
                                               '[ -S run/redis.sock ] || { echo "no Redis" >&2; exit 1; }'),
            "trusts_redis_cli_exit_code": start(wait='for attempt in $(seq 50); do\n'
                                                     '    redis-cli -s run/redis.sock ping >/dev/null 2>&1 && break\n'
                                                     '    sleep 0.1\ndone'),
            "no_limit_while_redis_lives": start(wait='until [ "$(redis-cli -s run/redis.sock ping 2>/dev/null)" = PONG ]; do\n'
                                                     '    kill -0 "$(cat run/redis.pid)" 2>/dev/null || { echo "redis exited" >&2; exit 1; }\n'
                                                     '    sleep 0.1\ndone'),
            "gives_up_on_stdout": start(wait=WAIT_FOR_PONG.replace(" >&2", "")),
        },
        alternatives={
            "timeout_and_grep": 'START_STACK = r"""\nset -euo pipefail\nmkdir -p run\n'
                                'redis-server redis.conf &\nREDIS=$!\necho "$REDIS" > run/redis.pid\n'
                                "timeout 5 bash -c 'until redis-cli -s run/redis.sock ping 2>/dev/null | grep -q PONG; "
                                "do sleep 0.1; done' || { echo 'Redis is not answering' >&2; exit 1; }\n"
                                'python3 app.py &\nAPP=$!\necho "$APP" > run/app.pid\necho "stack started"\nwait\n"""\n',
            "functions_and_socket_check": '''START_STACK = r"""
set -o errexit -o nounset -o pipefail

start_redis() {
    mkdir -p run
    redis-server redis.conf &
    echo "$!" > run/redis.pid
}

redis_ready() {
    [[ -S run/redis.sock ]] && [[ "$(redis-cli -s run/redis.sock ping)" == "PONG" ]]
}

wait_for_redis() {
    local deadline=$((SECONDS + 5))
    until redis_ready 2>/dev/null; do
        if (( SECONDS >= deadline )) || ! kill -0 "$(<run/redis.pid)" 2>/dev/null; then
            printf 'redis did not become ready\\n' >&2
            return 1
        fi
        sleep 0.05
    done
}

start_redis
wait_for_redis
python3 app.py & echo "$!" > run/app.pid
printf 'stack started\\n'
wait
"""
''',
        },
    ),
    "ex2-answer": Exercise(
        hardcoded='ON_STOP = r"""\ntrap \'kill $(cat run/app.pid); sleep 0.5; kill $(cat run/redis.pid); sleep 0.3; '
                  'rm -f run/*.pid; echo "stack stopped"; exit 0\' TERM\n"""\n',
        mistakes={
            "kills_both_at_once": on_stop('    kill -TERM "$(cat run/app.pid)" "$(cat run/redis.pid)"\n    wait || true\n'
                                          '    rm -f run/app.pid run/redis.pid\n    echo "stack stopped"\n    exit 0'),
            "redis_first": on_stop(GOOD_STOP.replace("app.pid)", "TMP").replace("redis.pid)", "app.pid)")
                                   .replace("TMP", "redis.pid)")),
            "no_wait": on_stop(GOOD_STOP.replace('    wait "$(cat run/app.pid)" || true\n', "")
                               .replace('    wait "$(cat run/redis.pid)" || true\n', "")),
            "sleep_instead_of_wait": on_stop(GOOD_STOP.replace('wait "$(cat run/app.pid)" || true', "sleep 0.5")
                                             .replace('wait "$(cat run/redis.pid)" || true', "sleep 0.3")),
            "kill_9": on_stop(GOOD_STOP.replace("kill -TERM", "kill -KILL")),
            "trap_term_only": on_stop(GOOD_STOP, trap="trap stop TERM"),
            "trap_on_exit_only": on_stop(GOOD_STOP, trap="trap stop EXIT"),
            "no_exit_code": on_stop(GOOD_STOP.replace("\n    exit 0", "")),
            "pid_files_left": on_stop(GOOD_STOP.replace("    rm -f run/app.pid run/redis.pid\n", "")),
        },
        alternatives={
            "polls_until_gone": '''ON_STOP = r"""
stop_one() {
    local pid
    pid=$(cat "$1")
    kill -s TERM "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    rm -f "$1"
}
on_signal() {
    stop_one run/app.pid
    stop_one run/redis.pid
    echo "stack stopped"
    exit 0
}
trap on_signal SIGTERM SIGINT
"""
''',
            "one_trap_line": 'ON_STOP = r"""\ntrap \'a=$(<run/app.pid); r=$(<run/redis.pid); kill $a; wait $a; '
                             'kill $r; wait $r; rm run/app.pid run/redis.pid; echo "stack stopped"; exit 0\' INT TERM\n"""\n',
            "a_function_per_service": '''ON_STOP = r"""
stop_service() {
    local pid
    pid=$(cat "run/$1.pid")
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    rm -f "run/$1.pid"
}
shutdown_stack() {
    stop_service app
    stop_service redis
    echo "stack stopped"
    exit 0
}
trap shutdown_stack TERM INT
"""
''',
        },
    ),
}
