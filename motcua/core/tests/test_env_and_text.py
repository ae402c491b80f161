"""Settings helpers fail loudly; text folding serves accent-insensitive search."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.env import EnvError, env_bool, env_int, env_list, env_time
from motcua.core.text import fold


def test_env_helpers_read_typed_values():
    environ = {"A": "yes", "B": "0", "N": "42", "L": "a, b,,c", "T": "15:00"}
    assert env_bool("A", False, environ=environ) is True
    assert env_bool("B", True, environ=environ) is False
    assert env_bool("MISSING", True, environ=environ) is True
    assert env_int("N", 0, environ=environ) == 42
    assert env_list("L", [], environ=environ) == ["a", "b", "c"]
    assert env_time("T", "07:30", environ=environ) == dt.time(15, 0)


@pytest.mark.parametrize(
    ("reader", "default", "value"),
    [(env_bool, False, "maybe"), (env_int, 0, "forty"), (env_time, "07:30", "3pm")],
)
def test_env_helpers_name_the_variable_they_cannot_read(reader, default, value):
    with pytest.raises(EnvError, match="MOTCUA_X"):
        reader("MOTCUA_X", default, environ={"MOTCUA_X": value})


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("CHỨNG THỰC bản sao", "chung thuc ban sao"),
        ("Giấy  phép   xây dựng", "giay phep xay dung"),
        ("Quyền sử dụng đất", "quyen su dung dat"),
    ],
)
def test_fold_strips_vietnamese_diacritics(text, folded):
    assert fold(text) == folded
