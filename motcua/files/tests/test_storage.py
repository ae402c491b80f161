"""Where the bytes go, as the environment says (``files.storage.files_storage``): the
filesystem by default, an S3-compatible bucket through django-storages when a bucket is
named. No S3 server runs here: what is tested is the storage the configuration builds,
which talks to no server until a file is read or written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage, StorageHandler
from storages.backends.s3boto3 import S3Boto3Storage

from motcua.core.env import EnvError
from motcua.files.storage import FILES_STORAGE, files_storage


def build(environ: dict[str, str], root: Path = Path("/srv/motcua/var/files")):
    entry = files_storage(default_root=root, environ=environ)
    return StorageHandler({FILES_STORAGE: entry})[FILES_STORAGE]  # type: ignore[dict-item]


def test_by_default_the_files_lie_under_the_data_directory():
    entry = settings.STORAGES[FILES_STORAGE]
    assert entry["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert entry["OPTIONS"]["location"] == str(settings.DATA_DIR / "files")


def test_motcua_files_root_moves_them(tmp_path):
    storage = build({"MOTCUA_FILES_ROOT": str(tmp_path / "kho")})
    assert isinstance(storage, FileSystemStorage)
    assert storage.location == str(tmp_path / "kho")


def test_a_bucket_builds_s3boto3storage_with_the_endpoint_region_and_keys():
    storage = build(
        {
            "MOTCUA_FILES_S3_BUCKET": "motcua-tep",
            "MOTCUA_FILES_S3_ENDPOINT_URL": "https://s3.daklak.example.vn",
            "MOTCUA_FILES_S3_REGION": "vn-central-1",
            "MOTCUA_FILES_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
            "MOTCUA_FILES_S3_SECRET_ACCESS_KEY": "example-secret",
            "MOTCUA_FILES_S3_PREFIX": "/motcua/",
        }
    )
    assert isinstance(storage, S3Boto3Storage)
    assert storage.bucket_name == "motcua-tep"
    assert storage.endpoint_url == "https://s3.daklak.example.vn"
    assert storage.region_name == "vn-central-1"
    assert storage.access_key == "AKIAEXAMPLE"
    assert storage.secret_key == "example-secret"  # noqa: S105 - a test value
    assert storage.location == "motcua"
    assert storage.file_overwrite is True
    assert storage.default_acl is None


def test_without_keys_boto3_finds_its_own_credentials():
    storage = build({"MOTCUA_FILES_S3_BUCKET": "motcua-tep"})
    assert isinstance(storage, S3Boto3Storage)
    assert storage.endpoint_url is None
    assert not storage.access_key
    assert not storage.secret_key


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        (
            {"MOTCUA_FILES_S3_ENDPOINT_URL": "https://s3.example.vn"},
            "MOTCUA_FILES_S3_ENDPOINT_URL",
        ),
        (
            {"MOTCUA_FILES_S3_ACCESS_KEY_ID": "AKIAEXAMPLE"},
            "MOTCUA_FILES_S3_ACCESS_KEY_ID",
        ),
        (
            {
                "MOTCUA_FILES_S3_BUCKET": "motcua-tep",
                "MOTCUA_FILES_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
            },
            "MOTCUA_FILES_S3_SECRET_ACCESS_KEY",
        ),
    ],
    ids=["endpoint-without-bucket", "key-without-bucket", "key-without-secret"],
)
def test_half_a_configuration_stops_the_start_naming_the_variable(environ, named):
    with pytest.raises(EnvError, match=named):
        files_storage(default_root=Path("/srv/files"), environ=environ)
