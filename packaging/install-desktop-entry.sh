#!/bin/sh
# Adds Chart Hero to the desktop's application menu for this user (no root needed). Run it from the
# unpacked folder: ./install-desktop-entry.sh   (remove with: ./install-desktop-entry.sh --remove)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
if [ "${1:-}" = "--remove" ]; then
    rm -f "$apps/chart-hero.desktop" "$icons/chart-hero.png"
    echo "removed the Chart Hero menu entry"
    exit 0
fi
mkdir -p "$apps" "$icons"
cp "$here/chart-hero.png" "$icons/chart-hero.png"
sed -e "s|^Exec=.*|Exec=\"$here/chart-hero-editor\" %f|" -e "s|^Icon=.*|Icon=$icons/chart-hero.png|" \
    "$here/chart-hero.desktop" > "$apps/chart-hero.desktop"
update-desktop-database "$apps" 2>/dev/null || true
echo "added $apps/chart-hero.desktop"
