#!/usr/bin/env bash
# Checks that the library compiles, warning-free, with each feature combination a user may
# pick: no format, each format alone, and the default set. `cargo check --lib` only, to stay
# fast; the default features' tests run in `.ci/run`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Warnings fail the check; they are looked for in the output rather than turned into errors
# with RUSTFLAGS, which would make every later build recompile the dependencies.
check() {
    local output
    output=$(cargo check --lib --message-format short "$@" 2>&1) || {
        echo "$output" >&2
        return 1
    }
    # (short messages start with the file: `src/x.rs:1:2: warning: ...`)
    if grep -E '(^|: )(warning|error)(\[[A-Za-z0-9_-]+\])?: ' <<<"$output" \
        | grep -v '^warning: `wamp-codec` (lib) generated' >&2; then
        echo "check-features: warnings with $*" >&2
        return 1
    fi
}

combinations=("" json msgpack cbor flatbuffers "json,msgpack" "json,flatbuffers" serde "json,serde" "msgpack,serde" "flatbuffers,serde" "json,tokio" "msgpack,cbor,tokio")
for features in "${combinations[@]}"; do
    echo "check-features: --no-default-features --features '${features}'" >&2
    check --no-default-features --features "$features"
done
echo "check-features: default features" >&2
check

# A json-only library pulls in neither clap nor flatbuffers.
tree=$(cargo tree --edges normal --prefix none --no-default-features --features json)
for unwanted in clap flatbuffers; do
    if grep -q "^${unwanted} " <<<"$tree"; then
        echo "check-features: the json-only build depends on ${unwanted}" >&2
        exit 1
    fi
done
