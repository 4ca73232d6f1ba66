"""Frozen `chart-hero-editor [PATH]` (windowed): starts `chart-hero editor [PATH]` from the same folder.

A launcher rather than a second copy of the app: each PyInstaller program carries its own archive of
Python modules (about 50 MB here), so the editor's entry for desktops and file managers stays tiny.
On Windows the console program is started without a console window.
"""
import os
import subprocess
import sys

if __name__ == "__main__":
    folder = os.path.dirname(os.path.abspath(sys.executable))
    cli = os.path.join(folder, "chart-hero.exe" if os.name == "nt" else "chart-hero")
    argv = [cli, "editor", *sys.argv[1:2]]
    if os.name == "nt":
        sys.exit(subprocess.call(argv, creationflags=subprocess.CREATE_NO_WINDOW))
    os.execv(cli, argv)  # Linux, macOS: become the editor (same process id, signals reach it)
