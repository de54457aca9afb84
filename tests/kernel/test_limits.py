"""app.limits: fixed-window counters counted in one statement, the verdict from the counted value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import limits
from app.errors import RateLimited
from app.tables import RateCounter

T0 = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)
LIMIT = limits.Limit("test", "k", 3, timedelta(minutes=10))


async def test_counts_within_a_window_then_starts_again(db: None) -> None:
    verdicts = [await limits.hit(LIMIT, T0 + timedelta(seconds=s)) for s in (0, 1, 2, 3)]
    assert [(v.hits, v.allowed, v.remaining, v.retry_after) for v in verdicts] == [
        (1, True, 2, 600),
        (2, True, 1, 599),
        (3, True, 0, 598),
        (4, False, 0, 597),
    ]
    # the window ends 10 minutes after its first hit: the next one starts a new window
    last = await limits.hit(LIMIT, T0 + timedelta(minutes=10))
    assert (last.hits, last.allowed, last.window_start) == (1, True, int((T0 + timedelta(minutes=10)).timestamp()))
    assert await RateCounter.count() == 1


async def test_refusal_carries_the_longest_wait(db: None) -> None:
    short = limits.Limit("a", "k", 0, timedelta(minutes=1))
    long = limits.Limit("b", "k", 0, timedelta(minutes=5))
    verdicts = await limits.hit_all([short, long], T0)
    try:
        limits.refuse_if_exceeded(verdicts, "code")
    except RateLimited as error:
        assert (error.code, error.field, error.details[0].retry_after) == ("RATE_LIMITED", "code", 300)
    else:
        raise AssertionError("not refused")


async def test_long_keys_are_digested_and_stay_distinct(db: None) -> None:
    one = limits.Limit("guest-email", "a" * 400 + "@example.vn", 1, timedelta(minutes=1))
    two = limits.Limit("guest-email", "b" * 400 + "@example.vn", 1, timedelta(minutes=1))
    assert len(one.bucket) == len("guest-email:sha256:") + 64
    assert one.bucket != two.bucket
    assert [(await limits.hit(limit, T0)).hits for limit in (one, two, one)] == [1, 1, 2]


async def test_counters_unused_for_two_days_are_forgotten(db: None) -> None:
    await limits.hit(limits.Limit("old", "k", 1, timedelta(minutes=1)), T0)
    await limits.hit(limits.Limit("recent", "k", 1, timedelta(minutes=1)), T0 + timedelta(days=1))
    await limits.hit(LIMIT, T0 + timedelta(days=2, seconds=1))  # a new window: forgets the old
    assert sorted(r["bucket"] for r in await RateCounter.select(RateCounter.bucket)) == ["recent:k", "test:k"]


async def test_an_attempt_that_does_not_count_is_judged_against_the_same_count(db: None) -> None:
    from app.db import count_queries

    assert (await limits.hit(LIMIT, T0, counts=False)).allowed  # a window starts, empty
    for s in (1, 2):
        await limits.hit(LIMIT, T0 + timedelta(seconds=s))
    with count_queries() as sent:
        judged = await limits.hit(LIMIT, T0 + timedelta(seconds=3), counts=False)
    assert (judged.hits, judged.allowed) == (3, True)  # two counted: it is allowed as the third would be
    # one read, nothing written: no row lock that parallel correct lookups would queue on
    assert len(sent) == 1 and sent[0].lstrip().upper().startswith("SELECT")
    await limits.hit(LIMIT, T0 + timedelta(seconds=4))  # the third failure
    assert not (await limits.hit(LIMIT, T0 + timedelta(seconds=5), counts=False)).allowed
    assert (await RateCounter.select(RateCounter.hits).first()) == {"hits": 3}


async def test_an_attempt_that_does_not_count_writes_nothing_and_ignores_an_ended_window(db: None) -> None:
    assert (await limits.hit(LIMIT, T0, counts=False)).hits == 1  # nothing counted yet: judged as the first
    assert await RateCounter.count() == 0
    for s in (0, 1, 2, 3):
        await limits.hit(LIMIT, T0 + timedelta(seconds=s))
    assert not (await limits.hit(LIMIT, T0 + timedelta(minutes=9), counts=False)).allowed
    after = await limits.hit(LIMIT, T0 + timedelta(minutes=10), counts=False)  # that window has ended
    assert (after.hits, after.allowed, after.retry_after) == (1, True, 600)
    assert (await RateCounter.select(RateCounter.hits).first()) == {"hits": 4}
