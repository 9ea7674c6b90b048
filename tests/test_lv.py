"""Latvian formatting (generator.core.lv): the forms a person reads in receipts, messages and documents."""

from __future__ import annotations

from datetime import date

import pytest

from generator.core import lv


def test_dates_in_each_case() -> None:
    d = date(2026, 11, 30)
    assert lv.date_long(d) == "2026. gada 30. novembris"
    assert lv.date_genitive(d) == "2026. gada 30. novembra"
    assert lv.date_locative(d) == "2026. gada 30. novembrī"
    assert lv.date_short(date(2027, 3, 5)) == "05.03.2027"
    assert [lv.date_locative(date(2027, m, 1)).split()[-1] for m in (1, 3, 4, 5, 6, 7, 8)] == [
        "janvārī", "martā", "aprīlī", "maijā", "jūnijā", "jūlijā", "augustā"]


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 aktivitātes"), (1, "1 aktivitāte"), (2, "2 aktivitātes"), (11, "11 aktivitātes"),
    (21, "21 aktivitāte"), (101, "101 aktivitāte"), (111, "111 aktivitātes"), (1001, "1001 aktivitāte"),
])
def test_counts_agree_in_number(n: int, text: str) -> None:
    assert lv.count(n, "aktivitāte", "aktivitātes") == text


def test_numbers_never_use_an_exponent() -> None:
    assert lv.number(-1234567.5) == "-1234567,5"
    assert lv.number(12.5) == "12,5"
    assert lv.number(3.0) == "3"
    assert lv.number(1e-7) == "0,0000001"
    assert lv.number(1e21) == "1000000000000000000000"
    assert lv.number(1200, group=True) == "1 200"
    assert lv.number(2 / 3, decimals=1) == "0,7"


def test_percent_and_money() -> None:
    assert lv.percent(64.94) == "64,9 %"
    assert lv.percent(0.05, decimals=2) == "0,05 %"
    assert lv.money(1200.5) == "1 200,50 EUR"
    assert lv.money(0) == "0,00 EUR"
