"""Messages planned before they were sent: how the digest and alerts find one in doubt after a
crash (sent or not?) without posting it twice."""

from __future__ import annotations

import discord


async def find_planned(
    client: discord.Client,
    channel: discord.abc.Messageable,
    *,
    nonce: str,
    marker: str,
    limit: int,
) -> int | None:
    """The id of the bot's message planned with ``nonce`` and footer ``marker`` among the
    channel's last ``limit`` messages. Discord echoes the nonce only for a few minutes; the
    footer marker stays for good."""
    me = client.user
    if me is None:
        return None
    async for message in channel.history(limit=limit):
        if message.author.id == me.id and _is_planned(message, nonce, marker):
            return message.id
    return None


def _is_planned(message: discord.Message, nonce: str, marker: str) -> bool:
    if message.nonce is not None and str(message.nonce) == nonce:
        return True
    return any(embed.footer.text == marker for embed in message.embeds)
