"""Alerts on Discord: the sender that delivers a batch as one message, paced under Discord's
global rate limit, and the rendering of that message.

discord.py waits out the per-route buckets Discord announces, but the global limit (about 50
requests per second) is announced only by a 429: a burst of thousands of DMs would meet it
over and over. So every request of the sender first takes a slot from a ``RequestPacer``,
which spaces them evenly just under the limit.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager

import discord
from news.alerts.models import (
    AlertBatch,
    AlertUndeliverable,
    Delivery,
    PendingAlert,
    UndeliverableReason,
)
from news.core.models import Headline
from news.core.text import truncate

from cogs.common.embeds import (
    COLOUR,
    NO_MENTIONS,
    escape,
    fit_embed,
    headline_line,
)
from cogs.common.i18n import text
from cogs.common.planned import find_planned

log = logging.getLogger(__name__)

# Discord allows about 50 requests per second to a bot; alerts keep a little for the rest.
DEFAULT_REQUESTS_PER_SECOND = 47.0
LISTED_PER_MESSAGE = 10  # more alerts in one batch are summarised with a pointer to /headlines
DESCRIPTION_BUDGET = 4000  # of Discord's 4,096, with room to spare
# A batch in doubt is among the last messages of its channel: a DM holds little else, a busy
# alert channel may have moved on by a hundred messages while the bot restarted.
HISTORY_LIMIT = 100
DM_REFUSED = 50007  # Cannot send messages to this user


class RequestPacer:
    """Hands out request slots at most ``rate`` per second, evenly spaced, to any number of
    concurrent senders: the n-th request waits until n / rate seconds after the first."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._next_slot = 0.0

    @property
    def rate(self) -> float:
        return 1.0 / self._interval

    @rate.setter
    def rate(self, rate: float) -> None:
        """A new rate from the next slot on (this process's share of the bot's budget)."""
        if rate <= 0:
            raise ValueError("the request rate must be positive")
        self._interval = 1.0 / rate

    async def slot(self) -> None:
        now = self._clock()
        # An idle pacer does not bank slots: a burst after a pause would break the limit.
        start = max(now, self._next_slot)
        self._next_slot = start + self._interval
        if start > now:
            await self._sleep(start - now)


class DiscordAlertSender:
    """news.alerts.service.AlertSender on a discord.py client."""

    def __init__(self, client: discord.Client, pacer: RequestPacer) -> None:
        self._client = client
        self._pacer = pacer

    async def open_dm(self, user_id: int) -> int:
        await self._pacer.slot()
        with _refusals_explained():
            channel = await self._client.create_dm(discord.Object(user_id))
        return channel.id

    async def send(self, batch: AlertBatch) -> int:
        channel = self._client.get_partial_messageable(batch.channel_id)
        await self._pacer.slot()
        with _refusals_explained():
            message = await channel.send(
                content=_mention(batch),
                embed=alert_embed(batch),
                nonce=batch.nonce,
                allowed_mentions=_allowed_mentions(batch),
            )
        return message.id

    async def find(self, batch: AlertBatch) -> int | None:
        channel = self._client.get_partial_messageable(batch.channel_id)
        await self._pacer.slot()
        with _refusals_explained():
            return await find_planned(
                self._client, channel, nonce=batch.nonce, marker=batch.marker, limit=HISTORY_LIMIT
            )


def alert_embed(batch: AlertBatch) -> discord.Embed:
    """The batch as one embed: the newest alerts linked, the rest counted."""
    alerts = sorted(batch.alerts, key=lambda a: a.headline.published_at, reverse=True)
    embed = discord.Embed(
        title=text(batch.language, "alert_title", count=len(alerts)),
        description=_listing(alerts, batch.language) or None,
        colour=COLOUR,
    )
    embed.set_footer(text=batch.marker)
    return fit_embed(embed)


def _listing(alerts: Sequence[PendingAlert], language: str) -> str:
    """Up to ten alert lines and a count of the rest, within the description's limit: long
    titles and links list fewer, and what is not listed is counted rather than cut off."""
    lines = [_alert_line(alert.headline, alert.label) for alert in alerts[:LISTED_PER_MESSAGE]]
    for listed in range(len(lines), 0, -1):
        hidden = alerts[listed:]
        shown = lines[:listed] + ([_more_line(hidden, language)] if hidden else [])
        description = "\n".join(shown)
        if len(description) <= DESCRIPTION_BUDGET:
            return description
    # Not even the newest line fits (a headline naming dozens of companies): only the count.
    return _more_line(alerts, language) if alerts else ""


def _more_line(hidden: Sequence[PendingAlert], language: str) -> str:
    labels = sorted({a.label for a in hidden if a.label})
    hint = f"/headlines {labels[0]}" if len(labels) == 1 else "/headlines"
    return text(language, "alert_more", count=len(hidden), hint=escape(truncate(hint, 110)))


def _alert_line(headline: Headline, label: str | None) -> str:
    line = headline_line(headline, show_week=False)
    return f"{line} · *{escape(truncate(label, 100))}*" if label else line


def _mention(batch: AlertBatch) -> str | None:
    return f"<@{batch.user_id}>" if batch.delivery is Delivery.CHANNEL else None


def _allowed_mentions(batch: AlertBatch) -> discord.AllowedMentions:
    """In an alert channel the bot means to ping the subscriber, and only them."""
    if batch.delivery is Delivery.CHANNEL:
        return discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(batch.user_id)], replied_user=False
        )
    return NO_MENTIONS


@contextmanager
def _refusals_explained() -> Iterator[None]:
    """Refusals that sending again will not fix; anything else (an outage) stays as it is and
    the batch is resumed at the next pass."""
    try:
        yield
    except discord.Forbidden as error:
        if error.code == DM_REFUSED:
            raise AlertUndeliverable(UndeliverableReason.DMS_REFUSED, error.text) from error
        raise AlertUndeliverable(UndeliverableReason.FORBIDDEN, error.text) from error
    except discord.NotFound as error:
        raise AlertUndeliverable(UndeliverableReason.CHANNEL_MISSING, error.text) from error
