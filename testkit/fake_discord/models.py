"""The fake's picture of Discord: users, guilds, roles, channels and members, and their payloads."""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000


class Perm(enum.IntFlag):
    """The permission bits the fake reasons about (Discord's values)."""

    ADD_REACTIONS = 1 << 6
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    MANAGE_WEBHOOKS = 1 << 29
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_APPLICATION_COMMANDS = 1 << 31


ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_PERMISSIONS = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.USE_APPLICATION_COMMANDS
)


class ChannelType(enum.IntEnum):
    GUILD_TEXT = 0
    DM = 1
    GUILD_CATEGORY = 4
    PUBLIC_THREAD = 11


class SnowflakeFactory:
    """Real-looking snowflakes (timestamp in the top bits), strictly increasing."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._last = max(self._last + 1, now_ms << 22)
        return self._last


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    accepts_dms: bool = True

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.username,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class Channel:
    id: int
    type: ChannelType
    name: str
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    recipient_id: int | None = None

    @property
    def is_dm(self) -> bool:
        return self.type is ChannelType.DM

    def payload(self, recipient: User | None = None) -> JSON:
        if self.is_dm:
            recipients = [recipient.payload()] if recipient else []
            return {
                "id": str(self.id),
                "type": int(self.type),
                "recipients": recipients,
                "flags": 0,
            }
        return {
            "id": str(self.id),
            "type": int(self.type),
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "parent_id": None if self.parent_id is None else str(self.parent_id),
            "permission_overwrites": [],
            "nsfw": False,
            "topic": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass
class Member:
    user: User
    role_ids: list[int]
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> int:
        return self.user.id

    def payload(self) -> JSON:
        return {
            "user": self.user.payload(),
            "roles": [str(role_id) for role_id in self.role_ids],
            "joined_at": self.joined_at,
            "nick": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
        }


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    locale: str
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        # Discord gives @everyone the guild's own id.
        return self.roles[self.id]

    def permissions_of(self, user_id: int) -> int:
        """Guild-level permissions (no channel overwrites are modelled)."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members[user_id]
        value = self.everyone.permissions
        for role_id in member.role_ids:
            value |= self.roles[role_id].permissions
        if value & Perm.ADMINISTRATOR:
            return ALL_PERMISSIONS
        return value

    def payload(self, *, members: list[Member]) -> JSON:
        """The GUILD_CREATE payload; ``member_count`` counts every member, sent or not."""
        return {
            "id": str(self.id),
            "name": self.name,
            "owner_id": str(self.owner_id),
            "unavailable": False,
            "large": False,
            "member_count": len(self.members),
            "preferred_locale": self.locale,
            "features": [],
            "icon": None,
            "roles": [role.payload() for role in self.roles.values()],
            "channels": [channel.payload() for channel in self.channels.values()],
            "members": [member.payload() for member in members],
            "emojis": [],
            "stickers": [],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "joined_at": iso_now(),
        }


@dataclass(frozen=True)
class Upload:
    """A file: uploaded by the bot, or given to a slash command's ATTACHMENT option."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


class World:
    """Every entity the fake knows, with the helpers tests use to build a scenario."""

    def __init__(self, snowflakes: SnowflakeFactory, bot_name: str) -> None:
        self._snowflakes = snowflakes
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        # Indexed by recipient: a DM benchmark opens thousands of these.
        self._dm_channels: dict[int, Channel] = {}
        self.bot = self.add_user(bot_name, bot=True)
        self.application_id = snowflakes.next()

    def add_user(
        self,
        username: str,
        *,
        bot: bool = False,
        accepts_dms: bool = True,
        user_id: int | None = None,
    ) -> User:
        if user_id in self.users:
            raise ValueError(f"user {user_id} already exists")
        user_id = self._snowflakes.next() if user_id is None else user_id
        user = User(user_id, username, bot=bot, accepts_dms=accepts_dms)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        owner: User | None = None,
        locale: str = "en-US",
        bot_permissions: int = EVERYONE_PERMISSIONS,
        guild_id: int | None = None,
    ) -> Guild:
        if guild_id in self.guilds:
            raise ValueError(f"guild {guild_id} already exists")
        guild_id = self._snowflakes.next() if guild_id is None else guild_id
        owner = owner or self.add_user(f"{name}-owner")
        guild = Guild(guild_id, name, owner.id, locale)
        guild.roles[guild_id] = Role(guild_id, "@everyone", EVERYONE_PERMISSIONS, 0)
        self.guilds[guild_id] = guild
        guild.members[owner.id] = Member(owner, [])
        bot_role = self.add_role(guild, self.bot.username, bot_permissions)
        guild.members[self.bot.id] = Member(self.bot, [bot_role.id])
        return guild

    def add_role(self, guild: Guild, name: str, permissions: int) -> Role:
        role = Role(self._snowflakes.next(), name, permissions, len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_channel(
        self,
        guild: Guild,
        name: str,
        kind: ChannelType,
        parent: Channel | None = None,
        *,
        channel_id: int | None = None,
    ) -> Channel:
        if channel_id in self.channels:
            raise ValueError(f"channel {channel_id} already exists")
        channel = Channel(
            self._snowflakes.next() if channel_id is None else channel_id,
            kind,
            name,
            guild_id=guild.id,
            position=len(guild.channels),
            parent_id=None if parent is None else parent.id,
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_member(self, guild: Guild, user: User, permissions: int) -> Member:
        role_ids = []
        if permissions:
            role_ids.append(self.add_role(guild, f"{user.username}-role", permissions).id)
        member = Member(user, role_ids)
        guild.members[user.id] = member
        return member

    def find_dm_channel(self, user_id: int) -> Channel | None:
        return self._dm_channels.get(user_id)

    def dm_channel_with(self, user: User) -> Channel:
        existing = self._dm_channels.get(user.id)
        if existing is not None:
            return existing
        channel = Channel(self._snowflakes.next(), ChannelType.DM, "", recipient_id=user.id)
        self.channels[channel.id] = channel
        self._dm_channels[user.id] = channel
        return channel

    def channel_payload(self, channel: Channel) -> JSON:
        recipient = None if channel.recipient_id is None else self.users[channel.recipient_id]
        return channel.payload(recipient)

    def guild_of(self, channel: Channel) -> Guild | None:
        return None if channel.guild_id is None else self.guilds[channel.guild_id]
