"""The one retry decision, `retry_delay`, checked against its rules for any error, attempt and elapsed time."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from feedbridge.channels.aliexpress.client import (
    AliExpressError,
    ApiSpec,
    AuthError,
    InvalidRequest,
    PlatformError,
    RateLimited,
    TokenExpired,
    TransportError,
)
from feedbridge.channels.aliexpress.client.retry import RetryPolicy, retry_delay

READ = ApiSpec("aliexpress.solution.product.info.get")
CREATE = ApiSpec("aliexpress.solution.product.post", idempotent=False)

errors = st.one_of(
    st.builds(InvalidRequest, st.just("bad")),
    st.builds(AuthError, st.just("bad")),
    st.builds(TokenExpired, st.just("bad")),
    st.builds(PlatformError, st.just("down")),
    st.builds(TransportError, st.just("lost"), sent=st.booleans()),
    st.builds(RateLimited, st.just("ban"), ban_seconds=st.floats(0, 7200)),
)
policies = st.builds(
    RetryPolicy,
    max_attempts=st.integers(1, 10),
    max_total_seconds=st.floats(0, 600),
    base_delay=st.floats(0.01, 5),
    max_delay=st.floats(0.01, 60),
    ban_margin=st.floats(0, 1),
)
rngs = st.integers().map(random.Random)


def _never_reached_the_platform(error: AliExpressError) -> bool:
    return isinstance(error, RateLimited) or (isinstance(error, TransportError) and not error.sent)


@given(
    policy=policies,
    spec=st.sampled_from([READ, CREATE]),
    error=errors,
    attempt=st.integers(1, 12),
    elapsed=st.floats(0, 700),
    rng=rngs,
)
def test_every_retry_obeys_the_rules(
    policy: RetryPolicy,
    spec: ApiSpec,
    error: AliExpressError,
    attempt: int,
    elapsed: float,
    rng: random.Random,
) -> None:
    delay = retry_delay(policy, spec, error, attempt, elapsed, rng)
    if delay is None:
        return
    assert error.retryable
    assert attempt < policy.max_attempts
    assert delay >= 0 and elapsed + delay <= policy.max_total_seconds
    if not spec.idempotent:
        assert _never_reached_the_platform(error)
    if isinstance(error, RateLimited):
        assert delay == error.ban_seconds + policy.ban_margin
    else:
        assert delay <= min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))


@given(
    policy=policies, spec=st.sampled_from([READ, CREATE]), failures=st.lists(errors, min_size=12), rng=rngs
)
def test_a_failing_call_stops_within_its_caps(
    policy: RetryPolicy, spec: ApiSpec, failures: list[AliExpressError], rng: random.Random
) -> None:
    """Feed the decision one failure after another, as the client does: attempts and waits stay capped."""
    attempts, waited = 0, 0.0
    for error in failures:
        attempts += 1
        delay = retry_delay(policy, spec, error, attempts, waited, rng)
        if delay is None:
            break
        waited += delay
    assert attempts <= policy.max_attempts and waited <= policy.max_total_seconds


def test_non_retryable_errors_are_raised_at_once() -> None:
    for error in (InvalidRequest("bad"), AuthError("bad"), TokenExpired("bad")):
        assert retry_delay(RetryPolicy(), READ, error, 1, 0.0, random.Random(1)) is None


def test_a_create_whose_answer_was_lost_is_not_sent_again() -> None:
    policy, rng = RetryPolicy(), random.Random(1)
    assert retry_delay(policy, CREATE, TransportError("lost", sent=True), 1, 0.0, rng) is None
    assert retry_delay(policy, CREATE, PlatformError("502"), 1, 0.0, rng) is None
    assert retry_delay(policy, CREATE, TransportError("refused", sent=False), 1, 0.0, rng) is not None
    assert retry_delay(policy, READ, TransportError("lost", sent=True), 1, 0.0, rng) is not None


def test_a_ban_is_waited_out_exactly() -> None:
    policy = RetryPolicy(ban_margin=0.05)
    assert retry_delay(policy, CREATE, RateLimited("ban", ban_seconds=3), 1, 0.0, random.Random(1)) == 3.05


def test_a_ban_longer_than_the_time_left_is_not_waited() -> None:
    policy = RetryPolicy(max_total_seconds=120)
    assert retry_delay(policy, READ, RateLimited("quota", ban_seconds=3600), 1, 0.0, random.Random(1)) is None


def test_back_off_grows_and_is_jittered() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=30, max_attempts=20, max_total_seconds=1e9)
    rng = random.Random(7)

    def delays(attempt: int) -> list[float]:
        return [
            retry_delay(policy, READ, PlatformError("down"), attempt, 0.0, rng) or 0.0 for _ in range(100)
        ]

    first, eighth = delays(1), delays(8)
    assert max(first) <= 0.5 < max(eighth) <= 30
    assert len(set(eighth)) == len(eighth)  # jitter: clients that failed together do not retry together
