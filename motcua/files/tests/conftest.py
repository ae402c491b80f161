"""Fixtures of the document store's tests: a real folder for the stored bytes, real files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import segno
import weasyprint
from PIL import Image

from motcua.files.storage import FILES_STORAGE


@pytest.fixture
def files_root(tmp_path: Path, settings) -> Path:
    """The document store on the filesystem, in a folder of this test's own."""
    root = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        FILES_STORAGE: {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def stored_paths(root: Path) -> list[Path]:
    """Every file under the store's folder."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    """A real PDF, rendered by WeasyPrint as the slips are."""
    return bytes(weasyprint.HTML(string="<p>Tờ khai đăng ký khai sinh</p>").write_pdf())


@pytest.fixture(scope="session")
def png_bytes() -> bytes:
    """A real PNG: a QR code drawn by segno."""
    out = io.BytesIO()
    segno.make("000.01.51.H15-260302-0001").save(out, kind="png", scale=4)
    return out.getvalue()


@pytest.fixture(scope="session")
def tiff_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("L", (32, 32), color=200).save(out, "TIFF")
    return out.getvalue()
