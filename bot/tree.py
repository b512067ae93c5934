"""The one error path of every slash command.

Domain errors show their own (user-safe) message; checks and cooldowns a short text;
anything else is logged with its ids and answered with a generic apology, never the
exception text.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands

from cogs.common.embeds import NO_MENTIONS, escape
from cogs.common.i18n import error_text, text
from news.core.errors import RoundupError

log = logging.getLogger(__name__)


class RoundupTree(app_commands.CommandTree[discord.Client]):
    def __init__(self, client: discord.Client, *, fallback_to_global: bool = True) -> None:
        super().__init__(client, fallback_to_global=fallback_to_global)
        self._running: dict[asyncio.Task[Any], discord.Interaction] = {}

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # The first step of the task discord.py starts for each command: remember the task,
        # so that shutdown can let it finish before the connection and the database close.
        task = asyncio.current_task()
        if task is not None:
            self._running[task] = interaction
            task.add_done_callback(self._forget)
        return True

    def _forget(self, task: asyncio.Task[Any]) -> None:
        self._running.pop(task, None)

    async def finish_running(self, grace: float) -> None:
        """Wait up to ``grace`` seconds for running commands, then cancel the rest (a write
        in progress rolls back) and wait until they have unwound."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while (running := self._running.keys() - {asyncio.current_task()}) and (
            remaining := deadline - loop.time()
        ) > 0:
            await asyncio.wait(running, timeout=remaining)
        interrupted = [self._running[task] for task in running]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        # Still connected: tell each person their command was stopped, instead of leaving
        # Discord's "thinking…" on their screen.
        for interaction in interrupted:
            await tell_interrupted(interaction)

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        message = self._message_for(interaction, cause)
        if message is None:
            log.error(
                "command %s failed: guild=%s channel=%s user=%s interaction=%s",
                _command_name(interaction),
                interaction.guild_id,
                interaction.channel_id,
                interaction.user.id,
                interaction.id,
                exc_info=cause,
            )
            message = text(interaction.locale, "generic_error")
        await reply_privately(interaction, message)

    @staticmethod
    def _message_for(interaction: discord.Interaction, error: BaseException) -> str | None:
        locale = interaction.locale
        if isinstance(error, RoundupError):
            return escape(error_text(locale, error))
        if isinstance(error, app_commands.MissingPermissions):
            return text(locale, "needs_manage_server")
        if isinstance(error, app_commands.NoPrivateMessage):
            return error_text(locale, RoundupError("command.guild_only"))
        if isinstance(error, app_commands.CommandOnCooldown):
            return text(locale, "cooldown", seconds=error.retry_after)
        if isinstance(error, app_commands.TransformerError | app_commands.CheckFailure):
            return escape(str(error))
        return None


async def reply_privately(interaction: discord.Interaction, message: str) -> None:
    """An ephemeral answer whether or not the interaction was acknowledged already."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        # The interaction expired or Discord refused: nothing more we can tell the user.
        log.warning("could not report an error to interaction=%s", interaction.id, exc_info=True)


async def tell_interrupted(interaction: discord.Interaction) -> None:
    """Replace a command's answer (or its "thinking…") by a note that the bot restarted."""
    message = text(interaction.locale, "interrupted")
    try:
        if interaction.response.is_done():
            await interaction.edit_original_response(content=message, embeds=[], view=None)
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        log.warning("could not tell interaction=%s it was stopped", interaction.id)


def _command_name(interaction: discord.Interaction) -> str:
    command = interaction.command
    return command.qualified_name if command else "?"
