"""Counting an upload while it arrives (issue 10 "Bad input": too big is refused with the
limit named, before anything is stored).

``Content-Length`` is what the client says; this handler counts what it sends. Until a
file passes ``MOTCUA_UPLOAD_MAX_BYTES`` its chunks go on to Django's own handlers (memory,
then a temporary file); past it the rest is dropped as it comes, and the form receives
an ``OversizeUpload`` that says so: the service refuses it by name
(``store.check_upload``), and the temporary data of the part read is released with the
request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizeUpload(UploadedFile[bytes]):
    """An upload that passed the limit while it arrived: its bytes were not kept."""

    exceeded_limit = True

    def __init__(self, *, name: str, size: int, content_type: str | None) -> None:
        super().__init__(
            file=None, name=name, content_type=content_type, size=size, charset=None
        )

    def chunks(self, chunk_size: int | None = None) -> Any:
        return iter(())

    def open(self, *args: Any, **kwargs: Any) -> OversizeUpload:
        return self

    def close(self) -> None:
        return None


class LimitedUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: counts each file's bytes as they arrive."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > int(settings.FILES_UPLOAD_MAX_BYTES):
            self.exceeded = True
        # past the limit nothing goes on to the handlers that keep the data
        return None if self.exceeded else raw_data

    def file_complete(self, file_size: int) -> UploadedFile[bytes] | None:
        if not self.exceeded:
            return None  # the next handler returns the file it kept
        return OversizeUpload(
            name=self.file_name or "",
            size=self.received,
            content_type=self.content_type,
        )
