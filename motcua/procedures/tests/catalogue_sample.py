"""A small catalogue document, written by hand in the canonical form ``export_catalogue``
produces (all keys, decimals as normalised strings, fields and procedures by code, agencies
by identifier), so that exporting what it imported must give it back unchanged.

Two fields; two procedures; three versions:

- 1.001193 (birth registration) v1 from 01/07/2025 to 31/12/2025, 1 working day, steps
  0.25 + 0.5 + 0.25 = 1; v2 from 01/01/2026, 0.5 working day, steps 0.25 + 0.25 = 0.5;
- 1.004227 (land) v1 from 01/07/2025, 10 working days, steps 2 + 5 + 3 = 10, the second one
  handed to the province (inter-agency).
"""

from __future__ import annotations

import copy
from typing import Any

from motcua.procedures.models import (
    FeeLine,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredComponent,
    ResultDocument,
)

COMMUNE = "000.01.01.H15"
PROVINCE = "000.00.00.H15"

_BIRTH_V1: dict[str, Any] = {
    "number": 1,
    "name": "Thủ tục đăng ký khai sinh",
    "field": "G15-HT",
    "levels": ["commune"],
    "agencies": [COMMUNE],
    "decision_authority": "Chủ tịch UBND cấp xã",
    "handling_time": "1",
    "handling_time_unit": "working_days",
    "handling_time_note": "Nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo",
    "online_level": "full",
    "pauses_for_financial_obligation": False,
    "sequence_of_steps": "Bước 1: nộp hồ sơ. Bước 2: nhận kết quả.",
    "methods": "Trực tiếp; trực tuyến; bưu chính",
    "subjects": "Công dân Việt Nam",
    "requirements": "",
    "legal_basis": "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
    "announcement_number": "163/QĐ-BTP",
    "announcement_date": "2025-06-20",
    "legal_basis_effective_on": "2025-07-01",
    "published_on": "2025-06-25",
    "effective_from": "2025-07-01",
    "effective_to": "2025-12-31",
    "components": [
        {
            "name": "Tờ khai đăng ký khai sinh",
            "form": "original",
            "quantity": 1,
            "template": "Mẫu TT 04/2020/TT-BTP",
            "is_mandatory": True,
        },
        {
            "name": "Giấy chứng sinh",
            "form": "original_or_copy",
            "quantity": 2,
            "template": "",
            "is_mandatory": False,
        },
    ],
    "fees": [
        {
            "description": "Lệ phí đăng ký khai sinh đúng hạn",
            "amount": 0,
            "per": "trường hợp",
            "channel": "all",
            "note": "",
        },
        {
            "description": "Lệ phí đăng ký khai sinh quá hạn",
            "amount": None,
            "per": "trường hợp",
            "channel": "direct",
            "note": "Theo Nghị quyết của HĐND tỉnh",
        },
    ],
    "results": [{"name": "Giấy khai sinh", "code": "KQ.G15.000031"}],
    "process": [
        {
            "name": "Tiếp nhận hồ sơ",
            "role": "counter_officer",
            "agency": None,
            "is_inter_agency": False,
            "budget": "0.25",
        },
        {
            "name": "Thẩm định",
            "role": "specialist",
            "agency": None,
            "is_inter_agency": False,
            "budget": "0.5",
        },
        {
            "name": "Ký duyệt",
            "role": "leader",
            "agency": None,
            "is_inter_agency": False,
            "budget": "0.25",
        },
    ],
}

_BIRTH_V2: dict[str, Any] = {
    **copy.deepcopy(_BIRTH_V1),
    "number": 2,
    "handling_time": "0.5",
    "handling_time_note": "",
    "announcement_number": "",
    "announcement_date": None,
    "legal_basis_effective_on": None,
    "published_on": None,
    "effective_from": "2026-01-01",
    "effective_to": None,
    "components": copy.deepcopy(_BIRTH_V1["components"][:1]),
    "fees": [],
    "process": [
        {
            "name": "Tiếp nhận hồ sơ",
            "role": "counter_officer",
            "agency": None,
            "is_inter_agency": False,
            "budget": "0.25",
        },
        {
            "name": "Thẩm định và ký",
            "role": "leader",
            "agency": None,
            "is_inter_agency": False,
            "budget": "0.25",
        },
    ],
}

_LAND_V1: dict[str, Any] = {
    "number": 1,
    "name": "Đăng ký biến động quyền sử dụng đất",
    "field": "G10-DD",
    "levels": ["province", "commune"],
    "agencies": [PROVINCE, COMMUNE],
    "decision_authority": "Văn phòng đăng ký đất đai",
    "handling_time": "10",
    "handling_time_unit": "working_days",
    "handling_time_note": "",
    "online_level": "partial",
    "pauses_for_financial_obligation": True,
    "sequence_of_steps": "Bước 1: nộp hồ sơ.",
    "methods": "Trực tiếp",
    "subjects": "Hộ gia đình, cá nhân",
    "requirements": "Không",
    "legal_basis": "Luật Đất đai 2024",
    "announcement_number": "",
    "announcement_date": None,
    "legal_basis_effective_on": None,
    "published_on": None,
    "effective_from": "2025-07-01",
    "effective_to": None,
    "components": [
        {
            "name": "Đơn đăng ký biến động",
            "form": "original",
            "quantity": 1,
            "template": "Mẫu 11/ĐK",
            "is_mandatory": True,
        }
    ],
    "fees": [
        {
            "description": "Lệ phí cấp giấy chứng nhận",
            "amount": 100000,
            "per": "giấy",
            "channel": "online",
            "note": "",
        }
    ],
    "results": [{"name": "Giấy chứng nhận đã chỉnh lý", "code": ""}],
    "process": [
        {
            "name": "Tiếp nhận",
            "role": "counter_officer",
            "agency": None,
            "is_inter_agency": False,
            "budget": "2",
        },
        {
            "name": "Chuyển UBND tỉnh",
            "role": "specialist",
            "agency": PROVINCE,
            "is_inter_agency": True,
            "budget": "5",
        },
        {
            "name": "Trả kết quả",
            "role": "counter_officer",
            "agency": None,
            "is_inter_agency": False,
            "budget": "3",
        },
    ],
}

_DOCUMENT: dict[str, Any] = {
    "format": "motcua-catalogue",
    "format_version": 1,
    "fields": [
        {
            "code": "G10-DD",
            "name": "Đất đai",
            "ministry_code": "G10",
            "is_land_construction_investment": True,
        },
        {
            "code": "G15-HT",
            "name": "Hộ tịch",
            "ministry_code": "G15",
            "is_land_construction_investment": False,
        },
    ],
    "procedures": [
        {"code": "1.001193", "versions": [_BIRTH_V1, _BIRTH_V2]},
        {"code": "1.004227", "versions": [_LAND_V1]},
    ],
}


def sample_document() -> dict[str, Any]:
    """A fresh deep copy, free for a test to spoil."""
    return copy.deepcopy(_DOCUMENT)


CATALOGUE_TABLES = (
    Field,
    Procedure,
    ProcedureVersion,
    ProcedureVersion.agencies.through,
    RequiredComponent,
    FeeLine,
    ResultDocument,
    ProcessStep,
)


def catalogue_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every catalogue table, primary keys included."""
    snapshot = {}
    for model in CATALOGUE_TABLES:
        rows: Any = model.objects.order_by("pk").values()
        snapshot[model._meta.db_table] = list(rows)
    return snapshot


def empty_catalogue() -> None:
    """Delete the whole catalogue (children go with their versions)."""
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    Field.objects.all().delete()
