"""Public face of the fake Discord used by the end-to-end tests.

Start a ``FakeDiscord``, build the scenario (guilds, channels, members), point discord.py
at it with ``point_discord_at``, run the bot, inject interactions (``slash``,
``autocomplete``, ``component``) and assert on what the fake recorded."""

from tests.e2e.fake.client_side import (
    LoopbackOnlyConnector,
    NonLoopbackHostError,
    point_discord_at,
    running_bot,
)
from tests.e2e.fake.clock import ManualClock
from tests.e2e.fake.gateway import Intent, Op
from tests.e2e.fake.interactions import OptionType, OptionValue
from tests.e2e.fake.models import Channel, Guild, Member, Perm, Upload, User
from tests.e2e.fake.ratelimit import RateLimitConfig
from tests.e2e.fake.records import (
    CallbackRecord,
    InteractionRecord,
    Rejection,
    RequestRecord,
    StoredMessage,
)
from tests.e2e.fake.rest import CallbackType
from tests.e2e.fake.server import FakeDiscord

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
