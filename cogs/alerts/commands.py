"""Topic alerts: /subscribe, /subscriptions (with remove buttons), /unsubscribe, and /alerts
pause | resume | quiet | quiet-off | status."""

from __future__ import annotations

import logging
from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands
from news.alerts.models import AlertPrefs, Delivery, Subscription
from news.alerts.service import FOREVER, MAX_PAUSE_HOURS, AlertService
from news.archive.service import ArchiveService
from news.core.text import truncate
from news.digest.guild_settings import timezone_choices

from cogs.archive.company import AUTOCOMPLETE_LIMIT, choices_from
from cogs.common.base import CogServices, guild_id_of, services_of
from cogs.common.embeds import COLOUR, NO_MENTIONS, escape, fit_embed
from cogs.common.i18n import language_of, text

log = logging.getLogger(__name__)

LIST_TIMEOUT_SECONDS = 600.0
BUTTON_LABEL_LIMIT = 80
BUTTONS_PER_MESSAGE = 25  # 5 rows of 5: Discord's limit
DELIVERY_CHOICES = [
    app_commands.Choice(name="DM", value=Delivery.DM.value),
    app_commands.Choice(name="Alert channel (with a mention)", value=Delivery.CHANNEL.value),
]


class SubscriptionsCog(commands.Cog):
    def __init__(self, bot: commands.Bot, services: CogServices) -> None:
        self._bot = bot
        self._alerts = services.alerts
        self._archive: ArchiveService = services.archive

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: object
    ) -> None:
        """Tell a user, after their next command, that their DMs refused an alert."""
        prefs = await self._alerts.take_notice(interaction.user.id)
        if prefs is None or prefs.notice is None:
            return
        guild = await self._guild(prefs.notice_guild)
        name = f"**{escape(guild.name)}**" if guild else text(interaction.locale, "a_server")
        try:
            await interaction.followup.send(
                text(interaction.locale, f"notice_{prefs.notice}", guild=name),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
        except discord.HTTPException:
            log.warning("alert notice not delivered: user=%s", interaction.user.id)

    async def _guild(self, guild_id: int | None) -> discord.Guild | None:
        """The server by id: cached when its shard is this process's, else by REST."""
        if not guild_id:
            return None
        guild = self._bot.get_guild(guild_id)
        if guild is not None:
            return guild
        try:
            return await self._bot.fetch_guild(guild_id, with_counts=False)
        except discord.HTTPException:
            return None

    @app_commands.command(name="subscribe")
    @app_commands.guild_only()
    @app_commands.describe(
        topic="A topic such as security or chips",
        company="A company, by any of its names",
        keyword='A word or a "quoted phrase", Korean or English',
        delivery="Where alerts go: your DMs (default) or this server's alert channel",
    )
    @app_commands.choices(delivery=DELIVERY_CHOICES)
    async def subscribe(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, 100] | None = None,
        company: app_commands.Range[str, 1, 100] | None = None,
        keyword: app_commands.Range[str, 1, 100] | None = None,
        delivery: app_commands.Choice[str] | None = None,
    ) -> None:
        """Get an alert when a headline about a topic, company or keyword arrives."""
        chosen = Delivery(delivery.value) if delivery else Delivery.DM
        result = await self._alerts.subscribe(
            guild_id_of(interaction),
            interaction.user.id,
            topic=topic,
            company=company,
            keyword=keyword,
            delivery=chosen,
            language=language_of(interaction.locale),
        )
        subscription = result.subscription
        key = "subscribed" if result.created else "subscription_updated"
        await interaction.response.send_message(
            text(
                interaction.locale,
                key,
                label=escape(subscription.label),
                kind=text(interaction.locale, f"kind_{subscription.kind}"),
                delivery=text(interaction.locale, f"delivery_{subscription.delivery}"),
            ),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @subscribe.autocomplete("company")
    async def company_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices_from(
            self._archive.company_choices(
                current, AUTOCOMPLETE_LIMIT, guild_id=guild_id_of(interaction)
            )
        )

    @subscribe.autocomplete("topic")
    async def topic_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices_from(self._archive.topic_choices(current, AUTOCOMPLETE_LIMIT))

    @app_commands.command(name="subscriptions")
    @app_commands.guild_only()
    async def subscriptions(self, interaction: discord.Interaction) -> None:
        """Your alert subscriptions in this server, with buttons to remove them."""
        guild_id = guild_id_of(interaction)
        found = await self._alerts.subscriptions(guild_id, interaction.user.id)
        view = SubscriptionList(self._alerts, guild_id, found, interaction)
        if not found:
            view.stop()
            await interaction.response.send_message(
                embed=subscriptions_embed(found, interaction.locale),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        await interaction.response.send_message(
            embed=subscriptions_embed(found, interaction.locale),
            view=view,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="unsubscribe")
    @app_commands.guild_only()
    @app_commands.describe(subscription="The subscription to remove")
    async def unsubscribe(
        self, interaction: discord.Interaction, subscription: app_commands.Range[str, 1, 100]
    ) -> None:
        """Stop one of your alert subscriptions in this server."""
        removed = await self._alerts.unsubscribe(
            guild_id_of(interaction), interaction.user.id, subscription
        )
        await interaction.response.send_message(
            text(interaction.locale, "unsubscribed", label=escape(removed.label)),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @unsubscribe.autocomplete("subscription")
    async def own_subscriptions(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        needle = current.casefold()
        found = await self._alerts.subscriptions(interaction.guild_id, interaction.user.id)
        return [
            app_commands.Choice(name=_choice_name(s, interaction.locale), value=str(s.id))
            for s in found
            if needle in s.label.casefold()
        ][:AUTOCOMPLETE_LIMIT]


class SubscriptionList(discord.ui.View):
    """One remove button per subscription, numbered as the list is; the list is redrawn
    after each removal."""

    def __init__(
        self,
        alerts: AlertService,
        guild_id: int,
        found: list[Subscription],
        origin: discord.Interaction,
        timeout: float = LIST_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(timeout=timeout)
        self._alerts = alerts
        self._guild_id = guild_id
        self._origin = origin
        self._draw(found)

    def _draw(self, found: list[Subscription]) -> None:
        self.clear_items()
        for number, subscription in enumerate(found[:BUTTONS_PER_MESSAGE], start=1):
            self.add_item(RemoveButton(number, subscription))

    async def remove(self, interaction: discord.Interaction, subscription_id: int) -> None:
        user_id = interaction.user.id
        await self._alerts.remove(self._guild_id, user_id, subscription_id)
        found = await self._alerts.subscriptions(self._guild_id, user_id)
        self._draw(found)
        await interaction.response.edit_message(
            embed=subscriptions_embed(found, interaction.locale), view=self
        )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # The list is ephemeral, so only its owner sees it; checked anyway, as every view is.
        return interaction.user.id == self._origin.user.id

    async def on_timeout(self) -> None:
        self.clear_items()
        try:
            await self._origin.edit_original_response(view=None)
        except discord.HTTPException:
            log.info("subscription list of interaction=%s expired", self._origin.id)


class RemoveButton(discord.ui.Button[SubscriptionList]):
    def __init__(self, number: int, subscription: Subscription) -> None:
        super().__init__(
            label=truncate(f"✕ {number}. {subscription.label}", BUTTON_LABEL_LIMIT),
            style=discord.ButtonStyle.secondary,
            custom_id=f"alerts:remove:{subscription.id}",
        )
        self.subscription_id = subscription.id

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.view is not None:
            await self.view.remove(interaction, self.subscription_id)


@app_commands.guild_only()
class AlertsCog(commands.GroupCog, name="alerts"):
    """Pause your alerts, or set quiet hours."""

    def __init__(self, services: CogServices) -> None:
        super().__init__()
        self._alerts = services.alerts

    @app_commands.command(name="pause")
    @app_commands.describe(hours="For how many hours (leave out: until /alerts resume)")
    async def pause(
        self,
        interaction: discord.Interaction,
        hours: app_commands.Range[int, 1, MAX_PAUSE_HOURS] | None = None,
    ) -> None:
        """Pause your alerts (in every server)."""
        prefs = await self._alerts.pause(interaction.user.id, hours)
        await self._reply(interaction, _pause_text(prefs, interaction.locale, hours))

    @app_commands.command(name="resume")
    async def resume(self, interaction: discord.Interaction) -> None:
        """Resume your alerts."""
        await self._alerts.resume(interaction.user.id)
        await self._reply(interaction, text(interaction.locale, "alerts_resumed"))

    @app_commands.command(name="quiet")
    @app_commands.describe(
        start="When quiet hours start, HH:MM (e.g. 22:00)",
        end="When they end, HH:MM (e.g. 07:30)",
        timezone="Your IANA time zone, such as Asia/Seoul",
    )
    async def quiet(
        self,
        interaction: discord.Interaction,
        start: app_commands.Range[str, 1, 10],
        end: app_commands.Range[str, 1, 10],
        timezone: app_commands.Range[str, 1, 64],
    ) -> None:
        """Hold your alerts every day during these hours; they arrive together after."""
        prefs = await self._alerts.set_quiet_hours(interaction.user.id, start, end, timezone)
        hours = prefs.quiet.describe() if prefs.quiet else ""
        await self._reply(interaction, text(interaction.locale, "quiet_set", hours=hours))

    @quiet.autocomplete("timezone")
    async def timezone_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in timezone_choices(current[:64])]

    @app_commands.command(name="quiet-off")
    async def quiet_off(self, interaction: discord.Interaction) -> None:
        """Stop holding your alerts during quiet hours."""
        await self._alerts.clear_quiet_hours(interaction.user.id)
        await self._reply(interaction, text(interaction.locale, "quiet_cleared"))

    @app_commands.command(name="status")
    async def status(self, interaction: discord.Interaction) -> None:
        """Your alert settings."""
        prefs = await self._alerts.prefs(interaction.user.id)
        await interaction.response.send_message(
            embed=prefs_embed(prefs, interaction.locale),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def _reply(self, interaction: discord.Interaction, message: str) -> None:
        await interaction.response.send_message(
            message, ephemeral=True, allowed_mentions=NO_MENTIONS
        )


def subscriptions_embed(found: list[Subscription], locale: discord.Locale | str) -> discord.Embed:
    embed = discord.Embed(title=text(locale, "subscriptions_title"), colour=COLOUR)
    if not found:
        embed.description = text(locale, "no_subscriptions")
        return embed
    lines = [f"{n}. {_choice_name(s, locale)}" for n, s in enumerate(found, start=1)]
    embed.description = escape("\n".join(lines))
    return fit_embed(embed)


def prefs_embed(prefs: AlertPrefs, locale: discord.Locale | str) -> discord.Embed:
    embed = discord.Embed(title=text(locale, "alert_settings"), colour=COLOUR)
    embed.add_field(name=text(locale, "alerts_paused_field"), value=_paused_value(prefs, locale))
    embed.add_field(
        name=text(locale, "quiet_hours"),
        value=prefs.quiet.describe() if prefs.quiet else text(locale, "off"),
    )
    return fit_embed(embed)


def _choice_name(subscription: Subscription, locale: discord.Locale | str) -> str:
    kind = text(locale, f"kind_{subscription.kind}")
    delivery = text(locale, f"delivery_{subscription.delivery}")
    stopped = f" · {text(locale, 'subscription_stopped')}" if subscription.undeliverable else ""
    return truncate(f"{subscription.label} ({kind}, {delivery}){stopped}", 100)


def _pause_text(prefs: AlertPrefs, locale: discord.Locale | str, hours: int | None) -> str:
    if hours is None or prefs.paused_until is None:
        return text(locale, "alerts_paused_forever")
    return text(locale, "alerts_paused", until=_moment(prefs.paused_until))


def _paused_value(prefs: AlertPrefs, locale: discord.Locale | str) -> str:
    if not prefs.paused_at(discord.utils.utcnow()):
        return text(locale, "off")
    if prefs.paused_until == FOREVER:
        return text(locale, "until_resumed")
    return text(locale, "until", moment=_moment(prefs.paused_until))


def _moment(moment: datetime | None) -> str:
    return discord.utils.format_dt(moment, "f") if moment else ""


async def setup(bot: commands.Bot) -> None:
    services = services_of(bot)
    await bot.add_cog(SubscriptionsCog(bot, services))
    await bot.add_cog(AlertsCog(services))
