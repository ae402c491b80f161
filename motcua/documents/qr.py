"""The QR code printed at the top left of every slip (TT 01/2023/TT-VPCP; spec 02 §5).

The code follows TCVN 7322:2009 (ISO/IEC 18004), drawn by ``segno``. It carries at least
what the circular asks of an electronic form: the dossier code, the procedure code, the
applicant's identifier, the document's name, the issuing system and the moment of issue;
a receipt adds its appointment. The payload is a small JSON object whose keys are the field
names of the national portal's dossier payload where one exists (``MaHoSo``, ``MaTTHC``,
``ChuHoSo``, ``NgayHenTra``; spec 08 §3), so that a reader of either speaks one language;
moments are ISO 8601 with their +07:00 offset (docs/decisions/0004-slips.md).
"""

from __future__ import annotations

import datetime as dt
import json

import segno

from motcua.dossiers.models import Dossier
from motcua.workdays.clock import local

#: The issuing system named in every QR payload.
ISSUING_SYSTEM = "motcua"


def _moment(value: dt.datetime) -> str:
    return local(value).isoformat(timespec="minutes")


def slip_payload(
    *,
    dossier: Dossier,
    document: str,
    issued_at: dt.datetime,
    appointment: dt.datetime | None = None,
) -> str:
    """The text encoded in a slip's QR code."""
    data: dict[str, str] = {
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure_version.procedure.code,
    }
    # The applicant by their identification number; by name only when they gave none.
    if dossier.applicant_id_number:
        data["SoDinhDanh"] = dossier.applicant_id_number
    else:
        data["ChuHoSo"] = dossier.applicant_name
    data["TenGiayTo"] = document
    data["HeThong"] = ISSUING_SYSTEM
    data["ThoiDiemPhatHanh"] = _moment(issued_at)
    if appointment is not None:
        data["NgayHenTra"] = _moment(appointment)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def qr_png_data_uri(payload: str) -> str:
    """``payload`` as a QR code (error correction level M, the standard four-module quiet
    zone), one pixel per module: the slip's CSS scales it up without smoothing, so the print
    stays sharp whatever the printer's resolution."""
    code = segno.make(payload, error="m", micro=False, boost_error=False)
    return code.png_data_uri(scale=1, border=4)
