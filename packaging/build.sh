#!/usr/bin/env bash
# Builds Chart Hero as a one-folder program (PyInstaller, CPU torch) and, on Linux, its tarball:
#
#   packaging/build.sh            from the repository root or anywhere; about 5-10 minutes
#
# Output (dist/ of the repository):
#   dist/chart-hero/                                 the program: chart-hero, chart-hero-editor, _internal/
#   dist/chart-hero-<version>-linux-x86_64.tar.gz    that folder, plus a .desktop entry and its installer
#   dist/Chart_Hero-<version>-x86_64.AppImage        only when appimagetool is on PATH
#
# Uses .venv (made by `make venv` when missing) and installs PyInstaller into it when missing.
# PYTHON=/path/to/python overrides the interpreter. Windows and macOS: see docs/packaging.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-$ROOT/.venv/bin/python}
START=$(date +%s)

say() { printf '\n== %s\n' "$*"; }

# ---- 1. the environment: the project's venv, CPU torch, PyInstaller ------------------------------------------
if [ ! -x "$PY" ]; then
    say "no $PY: making the virtual environment (make venv)"
    make venv
fi
VERSION=$("$PY" -c 'import app; print(app.__version__)')
say "Chart Hero $VERSION with $("$PY" --version)"

# The CPU torch wheel needs no CUDA: an nvidia-* package means a CUDA torch slipped in (a 3 GB build).
if "$PY" -m pip list 2>/dev/null | grep -qi '^nvidia-'; then
    echo "error: nvidia-* packages are installed in this environment; build from one with the CPU torch" >&2
    exit 1
fi
"$PY" -c 'import torch, sys; sys.exit(0 if torch.version.cuda is None else "error: torch is a CUDA build")'

if ! "$PY" -c 'import PyInstaller' 2>/dev/null; then
    say "installing PyInstaller into the environment"
    "$PY" -m pip install -q 'pyinstaller>=6.11'
fi

if [ ! -f models/drums.pt ]; then
    echo "warning: models/drums.pt is missing: the build has no shipped model (transcribe needs --model)" >&2
fi

# ---- 2. the PyInstaller build (always from scratch: no stale files from an earlier build) ---------------------
say "PyInstaller: packaging/chart-hero.spec"
rm -rf build/pyinstaller dist/chart-hero
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/chart-hero.spec

OUT=dist/chart-hero
# The menu entry, its icon and installer travel inside the folder (and so inside the tarball).
if [ "$(uname -s)" = Linux ]; then
    cp packaging/chart-hero.desktop packaging/install-desktop-entry.sh resources/icons/chart-hero.png "$OUT/"
fi

# Symbol tables of the two largest libraries are only for debuggers: stripping them saves ~80 MB.
# (Only these two: stripping every library, PyInstaller's strip=True, can break patchelf'd wheels.)
if [ "$(uname -s)" = Linux ] && command -v strip >/dev/null; then
    strip --strip-unneeded "$OUT/_internal/torch/lib/libtorch_cpu.so" "$OUT/_internal/llvmlite/binding/libllvmlite.so"
fi

# No CUDA library may be inside (the spec drops them; this checks it did).
CUDA_LIBS=$(find "$OUT" -type f -regextype posix-extended \
    -regex '.*/lib(cuda|cudart|cublas|cublasLt|cudnn|cufft|curand|cusolver|cusparse|nccl|nvrtc|nvJitLink|torch_cuda|c10_cuda)[^/]*' \
    -print)
if [ -n "$CUDA_LIBS" ]; then
    echo "error: CUDA libraries found in $OUT:" >&2
    echo "$CUDA_LIBS" >&2
    exit 1
fi

# ---- 3. Linux: the tarball, and an AppImage when the tool is there -------------------------------------------
if [ "$(uname -s)" = Linux ]; then
    ARCH=$(uname -m)
    TARBALL=dist/chart-hero-$VERSION-linux-$ARCH.tar.gz
    say "tarball $TARBALL"
    tar -C dist -czf "$TARBALL" chart-hero

    if command -v appimagetool >/dev/null 2>&1; then
        say "AppImage"
        APPDIR=build/Chart_Hero.AppDir
        rm -rf "$APPDIR" && mkdir -p "$APPDIR/usr"
        cp -a "$OUT" "$APPDIR/usr/chart-hero"
        cp packaging/chart-hero.desktop resources/icons/chart-hero.png "$APPDIR/"
        # AppRun: `chart-hero-editor` by default; the CLI as `Chart_Hero.AppImage cli ARGS...`
        cat > "$APPDIR/AppRun" <<'APPRUN'
#!/bin/sh
here=$(dirname "$(readlink -f "$0")")
if [ "${1:-}" = cli ]; then shift; exec "$here/usr/chart-hero/chart-hero" "$@"; fi
exec "$here/usr/chart-hero/chart-hero-editor" "$@"
APPRUN
        chmod +x "$APPDIR/AppRun"
        ARCH=$ARCH appimagetool --no-appstream "$APPDIR" "dist/Chart_Hero-$VERSION-$ARCH.AppImage"
    else
        echo "(no appimagetool on PATH: AppImage skipped; the tarball is the Linux download)"
    fi
fi

# ---- 4. what was built --------------------------------------------------------------------------------------
set +o pipefail  # `sort | head` ends sort early (SIGPIPE): not an error here
say "built in $(( $(date +%s) - START )) s: $OUT ($(du -sh "$OUT" | cut -f1))"
echo "largest parts of _internal/:"
du -sh "$OUT"/_internal/* | sort -rh | head -n 10
echo "largest files:"
find "$OUT" -type f -printf '%s\t%P\n' | sort -rn | head -n 10 | numfmt --field=1 --to=iec
ls -lh dist/*.tar.gz dist/*.AppImage 2>/dev/null || true
