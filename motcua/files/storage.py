"""Where the document store keeps its bytes: the ``files`` entry of Django's ``STORAGES``.

Read once by ``motcua/settings.py`` from the environment (``motcua.core.env``), so that a
missing half of a configuration stops the process at start-up naming the variable. The
filesystem under ``MOTCUA_FILES_ROOT`` by default; an S3-compatible bucket through
django-storages (``S3Boto3Storage``) when ``MOTCUA_FILES_S3_BUCKET`` is set
(docs/decisions/0011). This module imports nothing of Django's models: settings read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from motcua.core.env import EnvError, env_str

#: the ``STORAGES`` alias of the document store
FILES_STORAGE = "files"

FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3boto3.S3Boto3Storage"


def files_storage(
    *, default_root: Path, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The ``STORAGES["files"]`` entry the environment asks for.

    MOTCUA_FILES_S3_BUCKET: the bucket; set, the bytes go to S3-compatible storage and
    the other ``MOTCUA_FILES_S3_*`` apply: ``_ENDPOINT_URL`` (MinIO, Ceph, a provider's
    endpoint; empty: AWS), ``_REGION``, ``_ACCESS_KEY_ID`` with ``_SECRET_ACCESS_KEY``
    (both or neither; neither: boto3's own chain, e.g. an instance role), ``_PREFIX`` (a
    folder inside the bucket). Unset: MOTCUA_FILES_ROOT, a folder on this machine
    (default ``$MOTCUA_DATA_DIR/files``).
    """
    bucket = env_str("MOTCUA_FILES_S3_BUCKET", "", environ=environ).strip()
    if not bucket:
        for name in (
            "MOTCUA_FILES_S3_ENDPOINT_URL",
            "MOTCUA_FILES_S3_ACCESS_KEY_ID",
            "MOTCUA_FILES_S3_SECRET_ACCESS_KEY",
        ):
            if env_str(name, "", environ=environ).strip():
                raise EnvError(f"{name} is set but MOTCUA_FILES_S3_BUCKET is not")
        root = env_str("MOTCUA_FILES_ROOT", str(default_root), environ=environ)
        return {
            "BACKEND": FILESYSTEM_BACKEND,
            # no base_url: the bytes are served only by the permission-checking view
            "OPTIONS": {"location": str(Path(root).resolve())},
        }
    key = env_str("MOTCUA_FILES_S3_ACCESS_KEY_ID", "", environ=environ).strip()
    secret = env_str("MOTCUA_FILES_S3_SECRET_ACCESS_KEY", "", environ=environ).strip()
    if bool(key) != bool(secret):
        raise EnvError(
            "MOTCUA_FILES_S3_ACCESS_KEY_ID and MOTCUA_FILES_S3_SECRET_ACCESS_KEY "
            "go together: set both or neither"
        )
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # the bytes are served through the site's permission check, never by a link
        # to the bucket; no ACL is sent, the bucket's policy decides
        "default_acl": None,
        "querystring_auth": True,
        # an object's name is its content's hash: the same name is the same bytes
        "file_overwrite": True,
        "location": env_str("MOTCUA_FILES_S3_PREFIX", "", environ=environ).strip("/"),
    }
    endpoint = env_str("MOTCUA_FILES_S3_ENDPOINT_URL", "", environ=environ).strip()
    if endpoint:
        options["endpoint_url"] = endpoint
    region = env_str("MOTCUA_FILES_S3_REGION", "", environ=environ).strip()
    if region:
        options["region_name"] = region
    if key:
        options["access_key"] = key
        options["secret_key"] = secret
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
