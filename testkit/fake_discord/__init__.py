"""A fake Discord (REST and gateway) for end-to-end tests and benches of the real discord.py
client.

Start a ``FakeDiscord``, build the scenario (guilds, channels, members), point discord.py
at it with ``point_discord_at``, run the bot, inject interactions (``slash``,
``autocomplete``, ``component``) and assert on what the fake recorded."""

from testkit.fake_discord.client_side import (
    LoopbackOnlyConnector,
    NonLoopbackHostError,
    point_discord_at,
    running_bot,
)
from testkit.fake_discord.clock import ManualClock
from testkit.fake_discord.gateway import Intent, Op
from testkit.fake_discord.interactions import OptionType, OptionValue
from testkit.fake_discord.models import Channel, Guild, Member, Perm, Upload, User
from testkit.fake_discord.ratelimit import RateLimitConfig
from testkit.fake_discord.records import (
    CallbackRecord,
    InteractionRecord,
    Rejection,
    RequestRecord,
    StoredMessage,
)
from testkit.fake_discord.rest import CallbackType
from testkit.fake_discord.server import FakeDiscord

__all__ = [
    "CallbackRecord",
    "CallbackType",
    "Channel",
    "FakeDiscord",
    "Guild",
    "Intent",
    "InteractionRecord",
    "LoopbackOnlyConnector",
    "ManualClock",
    "Member",
    "NonLoopbackHostError",
    "Op",
    "OptionType",
    "OptionValue",
    "Perm",
    "RateLimitConfig",
    "Rejection",
    "RequestRecord",
    "StoredMessage",
    "Upload",
    "User",
    "point_discord_at",
    "running_bot",
]
