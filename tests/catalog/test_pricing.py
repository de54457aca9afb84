"""Plans and prices: a price in force is never rewritten; changes are scheduled; VAT per unit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from math import floor
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import clock
from app.auth import service as auth
from app.money import VatRate, vat_amount
from catalog.pricing import price_history, price_in_force, scheduled_prices
from catalog.tables import PlanPrice
from tests.catalog import helpers as h
from tests.catalog.helpers import ADD_PLAN, CANCEL, SCHEDULE, snapshot
from tests.support import PASSWORD, Api

PRICE_OF = """
query ($code: String!) {
  service(code: $code) { plans { code price { amount vatRate effectiveFrom } scheduledPrices { amount vatRate effectiveFrom }
    priceHistory { amount effectiveFrom } } }
}
"""


def plan_errors(result: Any, name: str) -> list[tuple[str | None, str]]:
    body = result.data[name]
    assert body["plan"] is None
    return [(e["field"], e["code"]) for e in body["errors"]]


def price(amount: int, rate: str = "RATE_10", on: date | None = None) -> dict[str, Any]:
    return {"amount": amount, "vatRate": rate, **({"effectiveFrom": on.isoformat()} if on else {})}


async def stored_prices(plan_id: str) -> list[tuple[date, int, str]]:
    rows = await PlanPrice.select().where(PlanPrice.plan == int(plan_id)).order_by(PlanPrice.effective_from)
    return [(r["effective_from"], r["amount"], r["vat_rate"]) for r in rows]


async def plan_seen(client: Api, service_code: str, plan_code: str, token: str | None = None) -> dict[str, Any]:
    service = (await client.gql(PRICE_OF, {"code": service_code}, token)).data["service"]
    return next(p for p in service["plans"] if p["code"] == plan_code)


async def test_add_plan_with_its_first_price(client: Api, catalog: dict[str, int], manager: str) -> None:
    today = clock.local_today()
    await h.create_service(client, manager, "PRICE-01")
    # when a plan is added with a price from today
    variables = {
        "serviceCode": "price-01",
        "input": h.plan_input("MONTHLY", minQuantity=3, unit="VIRTUAL_MACHINE_MONTH"),
        "price": price(1_500_000, on=today),
    }
    body = (await client.gql(ADD_PLAN, variables, manager)).data["addPlan"]
    # then the plan has that price in force, with its VAT
    assert body["errors"] == []
    plan = body["plan"]
    assert {k: plan[k] for k in ("code", "name", "unit", "minQuantity", "status")} == {
        "code": "MONTHLY", "name": "Gói cơ bản", "unit": "VIRTUAL_MACHINE_MONTH", "minQuantity": 3, "status": "ACTIVE",
    }  # fmt: skip
    assert plan["price"] == {
        "amount": 1_500_000, "vatRate": "RATE_10", "vatLabel": "10%", "vatAmount": 150_000,
        "amountWithVat": 1_650_000, "effectiveFrom": today.isoformat(),
    }  # fmt: skip
    assert plan["scheduledPrices"] == []
    assert await stored_prices(plan["id"]) == [(today, 1_500_000, "10")]
    # without a date the price starts today; the largest allowed amount is accepted
    other = await h.add_plan(client, manager, "PRICE-01", price(100_000_000_000, "KCT"), code="BIG")
    assert other["price"]["effectiveFrom"] == today.isoformat()
    assert (other["price"]["amount"], other["price"]["vatAmount"], other["price"]["vatLabel"]) == (
        100_000_000_000,
        0,
        "KCT",
    )
    assert [
        p["code"] for p in (await client.gql(h.SERVICE, {"code": "PRICE-01"}, manager)).data["service"]["plans"]
    ] == ["MONTHLY", "BIG"]


async def test_add_plan_refusals_change_nothing(client: Api, catalog: dict[str, int], manager: str) -> None:
    today = clock.local_today()
    await h.create_service(client, manager, "PRICE-01")
    await h.add_plan(client, manager, "PRICE-01", price(100_000), code="BASIC")
    before = await snapshot()
    cases = [
        ("PRICE-01", h.plan_input("NEW"), price(-1), [("amount", "NEGATIVE_AMOUNT")]),
        ("PRICE-01", h.plan_input("NEW"), price(100_000_000_001), [("amount", "AMOUNT_TOO_LARGE")]),
        ("PRICE-01", h.plan_input("NEW"), price(1, on=today - timedelta(days=1)), [("effectiveFrom", "DATE_IN_PAST")]),
        (
            "PRICE-01",
            h.plan_input("NEW"),
            price(-1, on=today - timedelta(days=400)),
            [("amount", "NEGATIVE_AMOUNT"), ("effectiveFrom", "DATE_IN_PAST")],
        ),
        ("PRICE-01", h.plan_input("basic"), price(1), [("code", "CODE_TAKEN")]),
        ("KHONG-CO", h.plan_input("NEW"), price(1), [("serviceCode", "NOT_FOUND")]),
        ("PRICE-01", {"code": "NEW"}, price(1), [("nameVi", "REQUIRED"), ("unit", "REQUIRED")]),
        ("PRICE-01", h.plan_input("NEW", minQuantity=0), price(1), [("minQuantity", "OUT_OF_RANGE")]),
    ]
    for service_code, plan, amount, expected in cases:
        result = await client.gql(ADD_PLAN, {"serviceCode": service_code, "input": plan, "price": amount}, manager)
        assert plan_errors(result, "addPlan") == expected, (plan, amount)
    result = await client.gql(
        ADD_PLAN, {"serviceCode": "PRICE-01", "input": h.plan_input("NEW"), "price": price(100_000_000_001)}, manager
    )
    assert result.data["addPlan"]["errors"][0]["messageVi"] == "Số tiền vượt quá mức cho phép (100.000.000.000 đồng)."
    assert (
        result.data["addPlan"]["errors"][0]["messageEn"]
        == "The amount exceeds the allowed maximum (100,000,000,000 VND)."
    )
    # amounts that are not whole numbers of đồng are GraphQL validation errors: nothing runs
    for amount in (1.5, 15.0, "15", "1.000.000", True, None, 2**53):
        result = await client.gql(
            ADD_PLAN,
            {
                "serviceCode": "PRICE-01",
                "input": h.plan_input("NEW"),
                "price": {"amount": amount, "vatRate": "RATE_10"},
            },
            manager,
        )
        assert result.body["data"] is None, amount
        [error] = result.errors
        assert error["message"].startswith("Variable '$price' "), error
        assert "extensions" not in error or error["extensions"].get("code") != "INTERNAL_ERROR"
    for literal in ("1.5", '"15"', "15.0", "true"):
        query = f'mutation {{ addPlan(serviceCode: "PRICE-01", input: {{code: "NEW", nameVi: "Gói", unit: MONTH}}, price: {{amount: {literal}, vatRate: RATE_10}}) {{ {h.ERRORS} }} }}'
        result = await client.gql(query, None, manager)
        assert result.body["data"] is None, literal
        [error] = result.errors
        assert "extensions" not in error, error  # a client error, not a masked crash
        assert "Vnd" in error["message"], error
    assert await snapshot() == before


async def test_scheduled_price_changes_never_rewrite_history(
    client: Api, catalog: dict[str, int], manager: str, frozen_now: Any
) -> None:
    # given a published service whose plan costs 1 000 000 from today
    today = clock.local_today()
    next_month = today + timedelta(days=31)
    later = today + timedelta(days=62)
    await h.published_service(client, manager, "PRICE-01", amount=1_000_000)
    plan_id = (await client.gql(h.SERVICE, {"code": "PRICE-01"})).data["service"]["plans"][0]["id"]
    before = await snapshot()
    # when a change is asked from yesterday or from today, then it is refused and nothing changes
    refused = [
        (price(1_200_000, on=today - timedelta(days=1)), [("effectiveFrom", "DATE_IN_PAST")]),
        (price(1_200_000, on=today), [("effectiveFrom", "PRICE_ALREADY_IN_EFFECT")]),
        (price(1_200_000), [("effectiveFrom", "PRICE_ALREADY_IN_EFFECT")]),  # no date: today
        (price(-5, on=next_month), [("amount", "NEGATIVE_AMOUNT")]),
    ]
    for change, expected in refused:
        assert (
            plan_errors(
                await client.gql(SCHEDULE, {"planId": plan_id, "price": change}, manager), "schedulePriceChange"
            )
            == expected
        )
    assert plan_errors(
        await client.gql(SCHEDULE, {"planId": "999999", "price": price(1)}, manager), "schedulePriceChange"
    ) == [("planId", "NOT_FOUND")]
    assert plan_errors(
        await client.gql(SCHEDULE, {"planId": "abc", "price": price(1)}, manager), "schedulePriceChange"
    ) == [("planId", "INVALID_ID")]
    assert await snapshot() == before
    # when a change is scheduled for next month
    body = (
        await client.gql(SCHEDULE, {"planId": plan_id, "price": price(1_200_000, "RATE_8", next_month)}, manager)
    ).data["schedulePriceChange"]
    assert body["errors"] == []
    # then today's price is unchanged and the change is announced
    assert body["plan"]["price"]["amount"] == 1_000_000
    assert body["plan"]["scheduledPrices"] == [
        {
            "amount": 1_200_000,
            "vatRate": "RATE_8",
            "vatLabel": "8%",
            "vatAmount": 96_000,
            "amountWithVat": 1_296_000,
            "effectiveFrom": next_month.isoformat(),
        }
    ]
    # a change not yet in force may be replaced, and more may follow
    await client.gql(SCHEDULE, {"planId": plan_id, "price": price(1_300_000, "RATE_8", next_month)}, manager)
    await client.gql(SCHEDULE, {"planId": plan_id, "price": price(1_500_000, "RATE_10", later)}, manager)
    seen = await plan_seen(client, "PRICE-01", "BASIC")
    assert seen["price"] == {"amount": 1_000_000, "vatRate": "RATE_10", "effectiveFrom": today.isoformat()}
    assert seen["scheduledPrices"] == [
        {"amount": 1_300_000, "vatRate": "RATE_8", "effectiveFrom": next_month.isoformat()},
        {"amount": 1_500_000, "vatRate": "RATE_10", "effectiveFrom": later.isoformat()},
    ]
    assert seen["priceHistory"] == []  # the full history is for catalog staff
    staff_seen = await plan_seen(client, "PRICE-01", "BASIC", manager)
    assert [p["amount"] for p in staff_seen["priceHistory"]] == [1_000_000, 1_300_000, 1_500_000]
    assert await stored_prices(plan_id) == [
        (today, 1_000_000, "10"),
        (next_month, 1_300_000, "8"),
        (later, 1_500_000, "10"),
    ]
    # when the date of the change has come
    frozen_now(datetime.combine(next_month, time(12), tzinfo=UTC))
    # then the new price is in force, and the old row is still there with its amount
    seen = await plan_seen(client, "PRICE-01", "BASIC")
    assert seen["price"] == {"amount": 1_300_000, "vatRate": "RATE_8", "effectiveFrom": next_month.isoformat()}
    assert seen["scheduledPrices"] == [{"amount": 1_500_000, "vatRate": "RATE_10", "effectiveFrom": later.isoformat()}]
    assert await stored_prices(plan_id) == [
        (today, 1_000_000, "10"),
        (next_month, 1_300_000, "8"),
        (later, 1_500_000, "10"),
    ]
    # and the price now in force can no longer be changed or withdrawn, while the later one can
    manager = (await auth.sign_in(h.MANAGER_EMAIL, PASSWORD)).token  # the first token has expired meanwhile
    before = await snapshot()
    assert plan_errors(
        await client.gql(SCHEDULE, {"planId": plan_id, "price": price(1, on=next_month)}, manager),
        "schedulePriceChange",
    ) == [("effectiveFrom", "PRICE_ALREADY_IN_EFFECT")]
    assert plan_errors(
        await client.gql(SCHEDULE, {"planId": plan_id, "price": price(1, on=today)}, manager), "schedulePriceChange"
    ) == [("effectiveFrom", "DATE_IN_PAST")]
    for on in (next_month, today):
        result = await client.gql(CANCEL, {"planId": plan_id, "effectiveFrom": on.isoformat()}, manager)
        assert plan_errors(result, "cancelPriceChange") == [("effectiveFrom", "PRICE_ALREADY_IN_EFFECT")]
    result = await client.gql(
        CANCEL, {"planId": plan_id, "effectiveFrom": (later + timedelta(days=1)).isoformat()}, manager
    )
    assert plan_errors(result, "cancelPriceChange") == [("effectiveFrom", "NOT_FOUND")]
    assert await snapshot() == before
    cancelled = (await client.gql(CANCEL, {"planId": plan_id, "effectiveFrom": later.isoformat()}, manager)).data[
        "cancelPriceChange"
    ]
    assert cancelled["errors"] == []
    assert cancelled["plan"]["scheduledPrices"] == []
    assert cancelled["plan"]["price"]["amount"] == 1_300_000
    assert await stored_prices(plan_id) == [(today, 1_000_000, "10"), (next_month, 1_300_000, "8")]


async def test_cancel_a_future_price_change(client: Api, catalog: dict[str, int], manager: str) -> None:
    # given a seeded plan with an announced change
    today = clock.local_today()
    soon = today + timedelta(days=1)
    plan = await plan_seen(client, "HTS-DC-02", "BASIC", manager)
    plan_id = (await client.gql(h.SERVICE, {"code": "HTS-DC-02"})).data["service"]["plans"][0]["id"]
    assert plan["price"]["amount"] == 800_000
    await client.gql(SCHEDULE, {"planId": plan_id, "price": price(900_000, on=soon)}, manager)
    assert (await plan_seen(client, "HTS-DC-02", "BASIC"))["scheduledPrices"] == [
        {"amount": 900_000, "vatRate": "RATE_10", "effectiveFrom": soon.isoformat()}
    ]
    # when it is withdrawn before it takes effect
    body = (await client.gql(CANCEL, {"planId": plan_id, "effectiveFrom": soon.isoformat()}, manager)).data[
        "cancelPriceChange"
    ]
    # then it is gone and the current price stays
    assert body["errors"] == []
    assert body["plan"]["scheduledPrices"] == []
    assert body["plan"]["price"]["amount"] == 800_000
    assert await stored_prices(plan_id) == [(today.replace(month=1, day=1), 800_000, "10")]
    # the seeded price (in force since 1 January) cannot be withdrawn
    before = await snapshot()
    result = await client.gql(
        CANCEL, {"planId": plan_id, "effectiveFrom": today.replace(month=1, day=1).isoformat()}, manager
    )
    assert plan_errors(result, "cancelPriceChange") == [("effectiveFrom", "PRICE_ALREADY_IN_EFFECT")]
    assert (
        result.data["cancelPriceChange"]["errors"][0]["messageEn"]
        == "This price is already in force and cannot be cancelled."
    )
    assert await snapshot() == before
    # a new price from today replaces the seeded one from today on, keeping the old row
    body = (await client.gql(SCHEDULE, {"planId": plan_id, "price": price(850_000)}, manager)).data[
        "schedulePriceChange"
    ]
    if today == today.replace(month=1, day=1):
        assert [e["code"] for e in body["errors"]] == ["PRICE_ALREADY_IN_EFFECT"]
    else:
        assert body["plan"]["price"]["amount"] == 850_000
        assert await stored_prices(plan_id) == [(today.replace(month=1, day=1), 800_000, "10"), (today, 850_000, "10")]


async def test_the_price_changes_at_midnight_in_vietnam(
    client: Api, catalog: dict[str, int], manager: str, frozen_now: Any
) -> None:
    # given a change from a day D
    day = clock.local_today() + timedelta(days=3)
    plan_id = (await client.gql(h.SERVICE, {"code": "HTS-DC-02"})).data["service"]["plans"][0]["id"]
    await client.gql(SCHEDULE, {"planId": plan_id, "price": price(990_000, on=day)}, manager)
    # when it is 23:59:59 on D-1 in Hà Nội (16:59:59 UTC), then the old price holds
    midnight_utc = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=7)
    frozen_now(midnight_utc - timedelta(seconds=1))
    assert (await plan_seen(client, "HTS-DC-02", "BASIC"))["price"]["amount"] == 800_000
    assert "HTS-DC-02" not in h.codes(
        await client.gql(h.SERVICES, {"filter": {"minPrice": 990_000, "maxPrice": 990_000}})
    )
    # when it is midnight of D there (17:00 UTC on D-1), then the new one does
    frozen_now(midnight_utc)
    assert (await plan_seen(client, "HTS-DC-02", "BASIC"))["price"]["amount"] == 990_000
    assert "HTS-DC-02" in h.codes(await client.gql(h.SERVICES, {"filter": {"minPrice": 990_000, "maxPrice": 990_000}}))


async def test_vat_of_one_unit_is_rounded_half_up(client: Api, catalog: dict[str, int], manager: str) -> None:
    # given plans at amounts where rounding matters
    cases = [
        (15, "RATE_10", 2, "10%"),  # 1.5 -> 2
        (14, "RATE_10", 1, "10%"),  # 1.4 -> 1
        (1_000_005, "RATE_8", 80_000, "8%"),  # 80 000.4 -> 80 000
        (1_000_000, "KCT", 0, "KCT"),
        (10, "RATE_5", 1, "5%"),  # 0.5 -> 1
        (9, "RATE_5", 0, "5%"),  # 0.45 -> 0
        (999_999, "RATE_0", 0, "0%"),
        (5_000, "KKKNT", 0, "KKKNT"),
        (0, "RATE_10", 0, "10%"),
        (100_000_000_000, "RATE_10", 10_000_000_000, "10%"),
        (2_500_025, "RATE_8", 200_002, "8%"),  # 200 002.0
        (125, "RATE_10", 13, "10%"),  # 12.5 -> 13
    ]
    await h.create_service(client, manager, "VAT-01")
    for index, (amount, rate, _, _) in enumerate(cases):
        await h.add_plan(client, manager, "VAT-01", price(amount, rate), code=f"P{index}")
    # when the prices are read, then VAT is per unit, rounded half up to the đồng
    plans = (await client.gql(h.SERVICE, {"code": "VAT-01"}, manager)).data["service"]["plans"]
    seen = [
        (
            p["price"]["amount"],
            p["price"]["vatRate"],
            p["price"]["vatAmount"],
            p["price"]["vatLabel"],
            p["price"]["amountWithVat"],
        )
        for p in plans
    ]
    assert seen == [(a, r, v, label, a + v) for a, r, v, label in cases]


def test_vat_rates_and_labels() -> None:
    assert {r.name: (r.value, r.percent, r.invoice_label) for r in VatRate} == {
        "RATE_10": ("10", 10, "10%"),
        "RATE_8": ("8", 8, "8%"),
        "RATE_5": ("5", 5, "5%"),
        "RATE_0": ("0", 0, "0%"),
        "KCT": ("KCT", 0, "KCT"),
        "KKKNT": ("KKKNT", 0, "KKKNT"),
    }
    assert vat_amount(15, VatRate.RATE_10) == 2
    assert vat_amount(14, VatRate.RATE_10) == 1
    assert vat_amount(1_000_005, VatRate.RATE_8) == 80_000
    assert vat_amount(10**15 + 5, VatRate.RATE_10) == 10**14 + 1  # exact beyond float precision
    with pytest.raises(ValueError, match="non-negative"):
        vat_amount(-1, VatRate.RATE_10)


@given(amount=st.integers(min_value=0, max_value=10**18), rate=st.sampled_from(list(VatRate)))
def test_vat_amount_is_exact_half_up_rounding(amount: int, rate: VatRate) -> None:
    exact = Fraction(amount * rate.percent, 100)
    expected = floor(exact + Fraction(1, 2))
    result = vat_amount(amount, rate)
    assert result == expected
    assert abs(Fraction(result) - exact) <= Fraction(1, 2)
    assert isinstance(result, int)


def test_price_in_force_picks_the_latest_start_not_after_the_day() -> None:
    rows = [
        {"effective_from": date(2026, 3, 1), "amount": 300, "vat_rate": "10"},
        {"effective_from": date(2026, 1, 1), "amount": 100, "vat_rate": "10"},
        {"effective_from": date(2026, 2, 1), "amount": 200, "vat_rate": "8"},
    ]
    assert price_in_force(rows, date(2025, 12, 31)) is None
    assert price_in_force(rows, date(2026, 1, 1)).amount == 100  # type: ignore[union-attr]
    assert price_in_force(rows, date(2026, 2, 28)).amount == 200  # type: ignore[union-attr]
    assert price_in_force(rows, date(2026, 2, 28)).vat_rate is VatRate.RATE_8  # type: ignore[union-attr]
    assert price_in_force(rows, date(2030, 1, 1)).amount == 300  # type: ignore[union-attr]
    assert [p.amount for p in scheduled_prices(rows, date(2026, 1, 15))] == [200, 300]
    assert scheduled_prices(rows, date(2026, 3, 1)) == []
    assert [p.amount for p in price_history(rows)] == [100, 200, 300]
