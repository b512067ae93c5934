"""INTERACTION_CREATE payloads as Discord builds them, from the commands the bot synced."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from testkit.fake_discord.models import (
    EVERYONE_PERMISSIONS,
    JSON,
    Channel,
    Guild,
    SnowflakeFactory,
    Upload,
    User,
    World,
)

OptionValue = str | int | float | bool | Upload

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
API_VERSION = 1


class OptionType:
    SUB_COMMAND = 1
    SUB_COMMAND_GROUP = 2
    STRING = 3
    INTEGER = 4
    BOOLEAN = 5
    USER = 6
    CHANNEL = 7
    ROLE = 8
    MENTIONABLE = 9
    NUMBER = 10
    ATTACHMENT = 11


class InteractionType:
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class ContextType:
    GUILD = 0
    BOT_DM = 1


_PYTHON_TYPES: dict[int, tuple[type, ...]] = {
    OptionType.STRING: (str,),
    OptionType.INTEGER: (int,),
    OptionType.NUMBER: (int, float),
    OptionType.BOOLEAN: (bool,),
    OptionType.USER: (int,),
    OptionType.CHANNEL: (int,),
    OptionType.ROLE: (int,),
    OptionType.MENTIONABLE: (int,),
    OptionType.ATTACHMENT: (Upload,),
}


@dataclass(frozen=True)
class Where:
    """Who invokes an interaction, and where: a guild channel, or a DM with the bot."""

    guild: Guild | None
    channel: Channel
    user: User
    locale: str


class InteractionBuilder:
    def __init__(
        self,
        world: World,
        snowflakes: SnowflakeFactory,
        attach: Callable[[Upload, int], JSON],
    ) -> None:
        self._world = world
        self._snowflakes = snowflakes
        self._attach = attach

    def envelope(self, kind: int, data: JSON, where: Where) -> JSON:
        """Fields every interaction carries; ``data`` and ``message`` are the caller's."""
        payload: JSON = {
            "id": str(self._snowflakes.next()),
            "application_id": str(self._world.application_id),
            "type": kind,
            "token": secrets.token_urlsafe(48),
            "version": API_VERSION,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "data": data,
            "locale": where.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
        }
        if where.guild is None:
            return payload | self._dm_fields(where)
        return payload | self._guild_fields(where.guild, where)

    def _dm_fields(self, where: Where) -> JSON:
        return {
            "channel_id": str(where.channel.id),
            "channel": self._world.channel_payload(where.channel),
            "user": where.user.payload(),
            "app_permissions": str(int(EVERYONE_PERMISSIONS)),
            "authorizing_integration_owners": {"0": "0"},
            "context": ContextType.BOT_DM,
        }

    def _guild_fields(self, guild: Guild, where: Where) -> JSON:
        permissions = str(guild.permissions_of(where.user.id))
        member = guild.members[where.user.id].payload() | {"permissions": permissions}
        return {
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
            "guild_locale": guild.locale,
            "channel_id": str(where.channel.id),
            "channel": where.channel.payload() | {"permissions": permissions},
            "member": member,
            "app_permissions": str(guild.permissions_of(self._world.bot.id)),
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": ContextType.GUILD,
        }

    def command_data(
        self,
        command: JSON,
        path: list[str],
        values: Mapping[str, OptionValue],
        where: Where,
        focused: str | None = None,
    ) -> JSON:
        """``data`` of a slash command (or, with ``focused``, of its autocomplete)."""
        schema: list[JSON] = command.get("options") or []
        chain: list[JSON] = []
        for name in path:
            sub = _find_option(schema, name, (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP))
            chain.append({"type": sub["type"], "name": name})
            schema = sub.get("options") or []
        resolved: JSON = {}
        options = self._leaf_options(schema, values, where, resolved, focused)
        for link in reversed(chain):
            options = [link | {"options": options}]
        data: JSON = {
            "id": command["id"],
            "name": command["name"],
            "type": command.get("type", 1),
            "options": options,
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _leaf_options(
        self,
        schema: list[JSON],
        values: Mapping[str, OptionValue],
        where: Where,
        resolved: JSON,
        focused: str | None,
    ) -> list[JSON]:
        autocomplete = focused is not None
        if not autocomplete:
            _check_required(schema, values)
        options = []
        for name, value in values.items():
            option = _find_option(schema, name, tuple(_PYTHON_TYPES))
            if name == focused:
                options.append(_focused_option(option, value))
                continue
            _check_value(option, value)
            wire_value = self._resolve(option["type"], value, where, resolved)
            options.append({"type": option["type"], "name": name, "value": wire_value})
        return options

    def _resolve(self, kind: int, value: OptionValue, where: Where, resolved: JSON) -> Any:
        """The value as Discord sends it, adding snowflake targets to ``resolved``."""
        if isinstance(value, Upload):
            attachment = self._attach(value, where.channel.id)
            resolved.setdefault("attachments", {})[attachment["id"]] = attachment
            return attachment["id"]
        is_user = kind == OptionType.MENTIONABLE and value in self._world.users
        if kind == OptionType.USER or is_user:
            self._resolve_user(int(value), where.guild, resolved)
        elif kind in (OptionType.ROLE, OptionType.MENTIONABLE):
            self._resolve_role(int(value), where.guild, resolved)
        elif kind == OptionType.CHANNEL:
            self._resolve_channel(int(value), where, resolved)
        else:
            return value
        return str(value)

    def _resolve_user(self, user_id: int, guild: Guild | None, resolved: JSON) -> None:
        user = self._world.users.get(user_id)
        if user is None:
            raise ValueError(f"user {user_id} does not exist")
        resolved.setdefault("users", {})[str(user_id)] = user.payload()
        if guild is not None and user_id in guild.members:
            member = guild.members[user_id].payload()
            member.pop("user")
            member["permissions"] = str(guild.permissions_of(user_id))
            resolved.setdefault("members", {})[str(user_id)] = member

    def _resolve_role(self, role_id: int, guild: Guild | None, resolved: JSON) -> None:
        if guild is None or role_id not in guild.roles:
            raise ValueError(f"role {role_id} is not in this guild")
        resolved.setdefault("roles", {})[str(role_id)] = guild.roles[role_id].payload()

    def _resolve_channel(self, channel_id: int, where: Where, resolved: JSON) -> None:
        channel = self._world.channels.get(channel_id)
        if channel is None or where.guild is None or channel.guild_id != where.guild.id:
            raise ValueError(f"channel {channel_id} is not in this guild")
        permissions = str(where.guild.permissions_of(where.user.id))
        partial = {
            "id": str(channel.id),
            "type": int(channel.type),
            "name": channel.name,
            "parent_id": None if channel.parent_id is None else str(channel.parent_id),
            "permissions": permissions,
            "flags": 0,
        }
        resolved.setdefault("channels", {})[str(channel_id)] = partial


def _find_option(schema: list[JSON], name: str, kinds: tuple[int, ...]) -> JSON:
    for option in schema:
        if option["name"] == name and option["type"] in kinds:
            return option
    known = sorted(option["name"] for option in schema)
    raise ValueError(f"no option {name!r} here (the synced command has {known})")


def _focused_option(option: JSON, value: OptionValue) -> JSON:
    if not option.get("autocomplete"):
        raise ValueError(f"option {option['name']!r} does not autocomplete")
    # Discord sends what the user has typed so far, as text, whatever the option's type.
    return {"type": option["type"], "name": option["name"], "value": str(value), "focused": True}


def _check_required(schema: list[JSON], values: Mapping[str, OptionValue]) -> None:
    missing = [opt["name"] for opt in schema if opt.get("required") and opt["name"] not in values]
    if missing:
        raise ValueError(f"Discord would not send this command without {missing}")


def _check_value(option: JSON, value: OptionValue) -> None:
    """Refuse what the Discord client would not let a user submit."""
    name = option["name"]
    expected = _PYTHON_TYPES[option["type"]]
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        raise ValueError(f"option {name!r} takes {expected}, not {value!r}")
    choices = option.get("choices")
    if choices and value not in [choice["value"] for choice in choices]:
        raise ValueError(f"{value!r} is not one of the choices of {name!r}")
    if isinstance(value, str):
        _check_range(name, len(value), option.get("min_length"), option.get("max_length"))
    elif isinstance(value, int | float) and option["type"] in (
        OptionType.INTEGER,
        OptionType.NUMBER,
    ):
        _check_range(name, value, option.get("min_value"), option.get("max_value"))


def _check_range(name: str, value: float, low: float | None, high: float | None) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{value!r} is outside [{low}, {high}] for option {name!r}")
