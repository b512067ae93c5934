"""The discord.py side of the harness: point the library at the fake, keep it there, and
run a bot against it."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TypeVar

import aiohttp
import discord.gateway
import discord.http
import yarl
from aiohttp.client_reqrep import ClientRequest
from aiohttp.tracing import Trace
from discord.ext import commands

from testkit.fake_discord.server import FakeDiscord

BOT_STOP_TIMEOUT = 5.0


class NonLoopbackHostError(RuntimeError):
    """A test tried to reach a host other than the fake: a URL was not redirected."""


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class LoopbackOnlyConnector(aiohttp.TCPConnector):
    """Refuses every host but loopback. Not an ``aiohttp.ClientError``, on purpose:
    discord.py retries those on the gateway forever, where this must end the test."""

    # aiohttp passes ``timeout`` by keyword, so the override must keep that name.
    async def connect(
        self,
        req: ClientRequest,
        traces: list[Trace],
        timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109
    ) -> aiohttp.connector.Connection:
        if not is_loopback(req.url.host):
            raise NonLoopbackHostError(f"tests may not reach {req.url.host} ({req.url})")
        return await super().connect(req, traces, timeout)


@contextmanager
def point_discord_at(fake: FakeDiscord) -> Iterator[None]:
    """Redirect discord.py's process-wide REST base and gateway URL, restoring both after."""
    saved_base = discord.http.Route.BASE
    saved_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = saved_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway


BotT = TypeVar("BotT", bound=commands.Bot | commands.AutoShardedBot)


@asynccontextmanager
async def running_bot(
    bot: BotT, fake: FakeDiscord, *, ready_within: float = 5.0
) -> AsyncIterator[BotT]:
    """Start ``bot`` against ``fake``, yield once it is ready, and always close it.

    A bot that fails to start (setup_hook error, 4014, a forbidden host) raises here; one
    that crashed during the test raises when the block ends."""
    ready = asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    bot.add_listener(on_ready, "on_ready")
    with point_discord_at(fake):
        task = asyncio.create_task(bot.start(fake.token), name="bot under test")
        try:
            await _wait_until_ready(task, ready, ready_within)
            yield bot
        finally:
            await bot.close()
            await _wait_finished(task)
        _raise_if_crashed(task)


async def _wait_until_ready(task: asyncio.Task[None], ready: asyncio.Event, within: float) -> None:
    waiter = asyncio.create_task(ready.wait())
    done, _ = await asyncio.wait({task, waiter}, timeout=within, return_when="FIRST_COMPLETED")
    waiter.cancel()
    if task in done:
        task.result()
        raise RuntimeError("the bot stopped before it was ready")
    if waiter not in done:
        raise TimeoutError(f"the bot was not ready within {within} s")


async def _wait_finished(task: asyncio.Task[None]) -> None:
    _, pending = await asyncio.wait({task}, timeout=BOT_STOP_TIMEOUT)
    for unfinished in pending:
        unfinished.cancel()


def _raise_if_crashed(task: asyncio.Task[None]) -> None:
    if task.done() and not task.cancelled() and (error := task.exception()) is not None:
        raise error
