#!/usr/bin/env bash
# Smoke test of a built Chart Hero folder (not part of `make test`: it needs a build first).
#
#   packaging/smoke_test.sh [DIST_FOLDER]       default: dist/chart-hero (made by packaging/build.sh)
#
# 1. `chart-hero --version`
# 2. the frozen self-check: lazily imported modules (librosa/numba, demucs, sounddevice, the model) load
# 3. `chart-hero transcribe` of a few seconds of drums rendered by the project's synthesiser (run with the
#    development environment, before the frozen program), then `chart-hero validate` of the song folder,
#    and scan-chart's validate.js when node and ../shared/tools/scan-chart are installed
# 4. `chart-hero-editor` on that song folder under Xvfb for a few seconds: it must still be running and log
#    no traceback; a screenshot goes to dist/smoke/editor.png when ImageMagick's `import` is there
# 5. nothing was written into the program's folder; what was written went to the user folders
# 6. nothing needless is inside (test tools, plotting, CUDA, torch's tests and headers)
#
# Everything runs with HOME pointing at a temporary folder, so the platformdirs defaults are exercised
# without touching the real home. Exit 0 when every step passed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=$(cd "${1:-$ROOT/dist/chart-hero}" && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}   # only to render the test song (and a stand-in model)
CLI=$DIST/chart-hero
EDITOR=$DIST/chart-hero-editor
SHOTS=$ROOT/dist/smoke
SCAN_CHART=$ROOT/../shared/tools/scan-chart

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK/home
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME CHART_HERO_DATA_DIR CHART_HERO_CACHE_DIR CHART_HERO_CONFIG_DIR
mkdir -p "$HOME" "$SHOTS"
touch "$WORK/started"

step() { printf '\n== %s\n' "$*"; }
fail() { echo "SMOKE TEST FAILED: $*" >&2; exit 1; }

step "1. --version"
"$CLI" --version | tee "$WORK/version.txt"
grep -q "^chart-hero [0-9]" "$WORK/version.txt" || fail "--version does not name the version"

step "2. frozen self-check (lazily imported modules)"
CHART_HERO_FROZEN_CHECK=1 "$CLI" || fail "a lazily imported module does not load in the build"

step "3. transcribe a rendered song, then validate it"
"$PY" "$ROOT/packaging/smoke_song.py" "$WORK/drums.wav" 8
MODEL_ARGS=()
if [ ! -f "$DIST/_internal/models/drums.pt" ]; then
    # No shipped model in this build: a random-weight stand-in that fires often (plumbing, not quality).
    echo "(no models/drums.pt in the build: using a stand-in model, --preset aggressive)"
    "$PY" "$ROOT/packaging/smoke_model.py" "$WORK/stand-in.pt"
    MODEL_ARGS=(--model "$WORK/stand-in.pt" --preset aggressive)
fi
"$CLI" transcribe "$WORK/drums.wav" --out "$WORK/songs" "${MODEL_ARGS[@]}"
SONG=$WORK/songs/drums
for f in notes.mid song.ini; do [ -f "$SONG/$f" ] || fail "the song folder has no $f"; done
ls -l "$SONG"
"$CLI" validate "$SONG" || fail "chart-hero validate found errors"
if command -v node >/dev/null && [ -d "$SCAN_CHART/node_modules/scan-chart" ]; then
    node "$SCAN_CHART/validate.js" "$SONG" || fail "scan-chart found errors"
else
    echo "(scan-chart not installed: its check skipped)"
fi

step "4. the editor under Xvfb"
if command -v xvfb-run >/dev/null; then
    # The editor runs 10 s; it must still be alive then (a crash ends it early) and log no traceback.
    xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
        "$0" "$1" > "$2/editor.log" 2>&1 &
        pid=$!
        sleep 10
        if command -v import >/dev/null; then import -window root "$3/editor.png" || true; fi
        if ! kill -0 $pid 2>/dev/null; then wait $pid; echo "editor exited early (code $?)"; exit 1; fi
        kill $pid; wait $pid || true
    ' "$EDITOR" "$SONG" "$WORK" "$SHOTS" || { cat "$WORK/editor.log"; fail "the editor did not stay open"; }
    cat "$WORK/editor.log"
    if grep -q "Traceback\|Error" "$WORK/editor.log"; then fail "the editor logged an error"; fi
    echo "editor ran 10 s without error"
    [ -f "$SHOTS/editor.png" ] && echo "screenshot: $SHOTS/editor.png"
else
    echo "(no xvfb-run: editor check skipped)"
fi

step "5. where files were written"
written=$(find "$DIST" -newer "$WORK/started" -print)
[ -z "$written" ] || fail "files were written into the program folder: $written"
echo "program folder untouched; files written under the (temporary) home, by folder:"
(cd "$HOME" && find . -type f -printf '%h\n' | cut -d/ -f2-4 | sort | uniq -c | sed 's|  *\([0-9]*\) |  \1 files in ~/|')
outside=$(cd "$HOME" && find . -type f | grep -v '^\./\.\(cache\|config\|local/share\)/chart-hero/' || true)
[ -z "$outside" ] || fail "files written outside the chart-hero user folders: $outside"

step "6. nothing needless inside"
needless=$(cd "$DIST/_internal" && ls -d pytest _pytest hypothesis IPython matplotlib tkinter _tkinter* PIL \
    onnx onnxruntime sympy pyarrow pandas nvidia* torch/test torch/include torch/bin/test_* torch/bin/protoc* 2>/dev/null || true)
[ -z "$needless" ] || fail "needless parts in the build: $needless"
echo "none of pytest, hypothesis, IPython, matplotlib, tkinter, Pillow, onnx, sympy, pyarrow, pandas,"
echo "nvidia-*, torch's tests, headers or C++ test programs; size: $(du -sh "$DIST" | cut -f1)"

step "smoke test passed"
