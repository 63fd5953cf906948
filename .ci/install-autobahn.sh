#!/bin/sh
# Installs autobahn-python 26.10.2 (the version the conformance corpus was judged by) with
# the libraries its serializers use, at the versions the corpus was made with (cbor2 6.3.0,
# msgpack 1.2.4; FlatBuffers is vendored in autobahn; JSON is the standard library's), into a
# venv, and prints the absolute path of the venv's python on stdout, so that
#     export WAMP_CODEC_AUTOBAHN_PYTHON=$(.ci/install-autobahn.sh)
# works (tests/autobahn_reads.rs uses it). Everything else goes to stderr. Idempotent: an
# existing venv with the right versions is reused without touching the network.
# The venv is $WAMP_CODEC_AUTOBAHN_VENV, by default autobahn-venv in the cargo target directory.
# Needs python3 >= 3.11 (autobahn 26.10.2's requirement) with the venv module.
set -eu

PYTHON=${PYTHON:-python3}
AUTOBAHN=26.10.2
CBOR2=6.3.0
MSGPACK=1.2.4

cd "$(dirname "$0")/.."
venv=${WAMP_CODEC_AUTOBAHN_VENV:-${CARGO_TARGET_DIR:-target}/autobahn-venv}
mkdir -p "$(dirname "$venv")"
venv=$(cd "$(dirname "$venv")" && pwd)/$(basename "$venv")
py=$venv/bin/python

# Exits 0 when the venv's packages are the pinned ones and autobahn's four serializers load.
check() {
    "$py" - "$AUTOBAHN" "$CBOR2" "$MSGPACK" <<'PY' >&2 2>/dev/null
import sys
from importlib.metadata import version
want = dict(zip(["autobahn", "cbor2", "msgpack"], sys.argv[1:]))
have = {name: version(name) for name in want}
if have != want:
    sys.exit(f"have {have}, want {want}")
from autobahn.wamp.serializer import (
    CBORSerializer, FlatBuffersSerializer, JsonSerializer, MsgPackSerializer)
PY
}

if [ -x "$py" ] && check; then
    echo "$py"
    exit 0
fi

"$PYTHON" -m venv "$venv" >&2
# autobahn's other dependencies are pinned too (the versions this was checked with), so that a
# CI run installs the same thing every time; none of them takes part in serialization except
# txaio, whose clock autobahn's Serializer reads.
"$py" -m pip install --quiet --disable-pip-version-check \
    "autobahn==$AUTOBAHN" "cbor2==$CBOR2" "msgpack==$MSGPACK" \
    cffi==2.1.1 cryptography==50.0.2 hyperlink==21.0.0 idna==3.20 pycparser==3.12 \
    txaio==26.6.1 ujson==6.1.0 >&2

if ! check; then
    echo "install-autobahn.sh: installed, but autobahn $AUTOBAHN's serializers do not load in $py:" >&2
    "$py" -c 'from autobahn.wamp.serializer import CBORSerializer, FlatBuffersSerializer, JsonSerializer, MsgPackSerializer' >&2 || true
    exit 1
fi
echo "$py"
