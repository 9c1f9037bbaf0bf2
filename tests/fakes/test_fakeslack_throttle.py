"""The fake Web API's limit on posting (tests/fakeslack/throttle.py): one a second a channel."""

from __future__ import annotations

from tests.fakeslack.throttle import PostingThrottle


def test_a_second_post_to_a_channel_within_the_second_is_refused() -> None:
    t = [0.0]
    throttle = PostingThrottle(clock=lambda: t[0])
    post = {"channel": "U1"}
    assert throttle.retry_after("chat.postMessage", post) is None
    assert throttle.retry_after("chat.postMessage", {"channel": "U2"}) is None  # another channel
    t[0] = 0.4
    assert throttle.retry_after("chat.postMessage", post) == 1
    assert throttle.retry_after("chat.update", post) is None  # not a post
    t[0] = 1.0
    assert throttle.retry_after("chat.postMessage", post) is None
    assert throttle.refused == 1
