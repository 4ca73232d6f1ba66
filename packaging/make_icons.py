"""Render resources/icons/chart-hero.svg to the PNG (Linux, macOS) and ICO (Windows) icons; run after editing it.

    .venv/bin/python packaging/make_icons.py      (the outputs are checked in; the build does not run this)
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ICONS / "chart-hero.svg")).render(painter)
    painter.end()
    return image


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    ok = render(256).save(str(ICONS / "chart-hero.png")) and render(256).save(str(ICONS / "chart-hero.ico"))
    print("wrote", ICONS / "chart-hero.png", ICONS / "chart-hero.ico", "" if ok else "(FAILED)")
    sys.exit(0 if ok else 1)
