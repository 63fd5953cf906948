#!/usr/bin/env bash
# Runs the same publish/subscribe workload (examples/loadgen.rs) against a stock Crossbar.io
# node and against examples/broker, one after the other, for json, msgpack and cbor over
# RawSocket on 127.0.0.1, and prints a markdown table of events/s and p99 side by side.
#
#   scripts/compare-crossbar.sh [--subscribers N] [--publishers M] [--duration S] [--payload B]
#                               [--hold-events MS]
#
# The broker runs with --hold-events MS (default 1; 0 writes every EVENT at once): a
# subscriber's EVENTs may wait up to that long to be written with the next ones, which
# trades that much latency for fewer, larger writes (see examples/broker/rawsocket.rs).
#
# Crossbar 26.10.1 goes into a venv ($CROSSBAR_VENV, default target/crossbar-venv) the first
# time. Everything this script starts is stopped on exit, by process id.
set -euo pipefail

SUBSCRIBERS=10 PUBLISHERS=2 DURATION=10 PAYLOAD=64 HOLD_EVENTS=1
while [ $# -gt 0 ]; do
    case "$1" in
        --subscribers) SUBSCRIBERS=$2; shift 2 ;;
        --publishers) PUBLISHERS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --payload) PAYLOAD=$2; shift 2 ;;
        --hold-events) HOLD_EVENTS=$2; shift 2 ;;
        *) echo "usage: $0 [--subscribers N] [--publishers M] [--duration S] [--payload B] [--hold-events MS]" >&2; exit 2 ;;
    esac
done

cd "$(dirname "$0")/.."
REPO=$PWD
VENV=${CROSSBAR_VENV:-$REPO/target/crossbar-venv}
WORK=$(mktemp -d)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        # each was started with setsid: stop its process group (crossbar's workers too)
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits (at most 60 s) until something listens on 127.0.0.1:$1, failing if process $2 died.
wait_for_port() {
    for _ in $(seq 1 600); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        kill -0 "$2" 2>/dev/null || { echo "process $2 exited before listening on $1" >&2; return 1; }
        sleep 0.1
    done
    echo "nothing listening on 127.0.0.1:$1 after 60 s" >&2
    return 1
}

if [ ! -x "$VENV/bin/crossbar" ]; then
    echo "installing crossbar==26.10.1 into $VENV (takes minutes the first time)" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet crossbar==26.10.1
fi

if [ ! -f examples/broker/main.rs ]; then
    echo "examples/broker/main.rs is not on this branch yet: nothing to compare Crossbar with" >&2
    exit 1
fi
cargo build --release --example loadgen --example broker >&2

CB_PORT=$(free_port)
mkdir -p "$WORK/.crossbar"
cat > "$WORK/.crossbar/config.json" <<EOF
{
  "version": 2,
  "controller": {},
  "workers": [{
    "type": "router",
    "realms": [{
      "name": "realm1",
      "roles": [{
        "name": "anonymous",
        "permissions": [{
          "uri": "", "match": "prefix",
          "allow": {"call": true, "register": true, "publish": true, "subscribe": true},
          "disclose": {"caller": false, "publisher": false},
          "cache": true
        }]
      }]
    }],
    "transports": [{
      "type": "rawsocket",
      "endpoint": {"type": "tcp", "interface": "127.0.0.1", "port": $CB_PORT},
      "serializers": ["json", "msgpack", "cbor"],
      "auth": {"anonymous": {"type": "static", "role": "anonymous"}}
    }]
  }]
}
EOF
# through the venv's python: the script's #! line names the venv's first location, which a
# moved or copied venv no longer has
setsid "$VENV/bin/python3" "$VENV/bin/crossbar" start --cbdir "$WORK/.crossbar" > "$WORK/crossbar.log" 2>&1 &
PIDS+=($!)
wait_for_port "$CB_PORT" "${PIDS[-1]}" || { tail -20 "$WORK/crossbar.log" >&2; exit 1; }

BROKER_PORT=$(free_port)
setsid target/release/examples/broker --rawsocket "127.0.0.1:$BROKER_PORT" \
    --hold-events "$HOLD_EVENTS" > "$WORK/broker.log" 2>&1 &
PIDS+=($!)
wait_for_port "$BROKER_PORT" "${PIDS[-1]}" || { tail -20 "$WORK/broker.log" >&2; exit 1; }

# One loadgen run; its JSON line on stdout. A run may take the duration plus its bounded
# waits (joining, grace, goodbyes), so it gets that much and a minute more.
loadgen() {
    timeout $((DURATION + 60)) target/release/examples/loadgen --url "rs://127.0.0.1:$1" \
        --realm realm1 --serializer "$2" --subscribers "$SUBSCRIBERS" \
        --publishers "$PUBLISHERS" --duration "$DURATION" --payload "$PAYLOAD"
}

# CPU time process $1 has used so far, in clock ticks (user + system).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS_PER_S=$(getconf CLK_TCK)
BROKER_PID=${PIDS[-1]}

# The 1-minute load average now: the machine's other work, which the figures depend on.
load() { cut -d' ' -f1 /proc/loadavg; }

field() { python3 -c 'import json, sys; v = json.loads(sys.argv[1])[sys.argv[2]]; print("-" if v is None else (f"{v:.0f}" if isinstance(v, float) else v))' "$1" "$2"; }
ratio() { python3 -c 'import sys; a, b = sys.argv[1:]; print("-" if "-" in (a, b) or float(b) == 0 else f"{float(a) / float(b):.2f}")' "$1" "$2"; }

echo "workload: $SUBSCRIBERS subscribers, $PUBLISHERS publishers, ${DURATION} s, ${PAYLOAD}-byte payload, RawSocket on 127.0.0.1"
echo "broker: --hold-events $HOLD_EVENTS"
echo "machine: $(nproc) cores; at the start: $(uptime)"
echo
echo "| serializer | crossbar events/s | broker events/s | ratio | crossbar p50 / p99 µs | broker p50 / p99 µs | p99 ratio | lost (crossbar / broker) | load at start (crossbar / broker) | broker CPU ns/EVENT |"
echo "|---|---:|---:|---:|---:|---:|---:|---|---|---:|"
# A run that fails (a router closing a session, say) is a row saying so, with loadgen's
# reason, and the other serializers still run.
run() {
    loadgen "$1" "$2" 2> "$WORK/loadgen.err" || { echo "failed: $(tail -1 "$WORK/loadgen.err")" >&2; return 1; }
}
for serializer in json msgpack cbor; do
    cb_load=$(load)
    if ! cb=$(run "$CB_PORT" "$serializer"); then
        echo "| $serializer | run failed (see above) | | | | | | | $cb_load / | |"
        continue
    fi
    br_load=$(load) br_ticks=$(cpu_ticks "$BROKER_PID")
    if ! br=$(run "$BROKER_PORT" "$serializer"); then
        echo "| $serializer | run failed (see above) | | | | | | | $cb_load / $br_load | |"
        continue
    fi
    br_ticks=$(( $(cpu_ticks "$BROKER_PID") - br_ticks ))
    br_cpu=$(python3 -c 'import sys; t, hz, n = map(float, sys.argv[1:]); print("-" if n == 0 else f"{t / hz * 1e9 / n:.0f}")' "$br_ticks" "$TICKS_PER_S" "$(field "$br" events)")
    cb_eps=$(field "$cb" events_per_s) br_eps=$(field "$br" events_per_s)
    cb_p50=$(field "$cb" p50_us) br_p50=$(field "$br" p50_us)
    cb_p99=$(field "$cb" p99_us) br_p99=$(field "$br" p99_us)
    echo "| $serializer | $cb_eps | $br_eps | $(ratio "$br_eps" "$cb_eps") | $cb_p50 / $cb_p99 | $br_p50 / $br_p99 | $(ratio "$br_p99" "$cb_p99") | $(field "$cb" lost) / $(field "$br" lost) | $cb_load / $br_load | $br_cpu |"
done
