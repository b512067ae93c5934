"""Korean and English text of the bot: replies by the user's locale, commands via the translator.

Command names and descriptions are written in English in the cogs; ``KoreanTranslator`` gives
Discord their Korean forms at sync time. Replies look their text up with ``text(locale, key)``.
"""

from __future__ import annotations

import discord
from discord import app_commands

KOREAN = "ko"
ENGLISH = "en"

# Every reply the bot writes, keyed by a name. Values are str.format templates.
_REPLIES: dict[str, dict[str, str]] = {
    "generic_error": {
        ENGLISH: "Something went wrong on my side. It has been logged; please try again later.",
        KOREAN: "봇 내부에서 문제가 생겼습니다. 기록해 두었으니 잠시 후 다시 시도해 주세요.",
    },
    "interrupted": {
        ENGLISH: "The bot was restarting and had to stop this command. Please run it again.",
        KOREAN: "봇이 다시 시작되느라 이 명령을 멈췄습니다. 다시 실행해 주세요.",
    },
    "needs_manage_server": {
        ENGLISH: "Only members with the Manage Server permission can do that.",
        KOREAN: "서버 관리 권한이 있는 멤버만 사용할 수 있습니다.",
    },
    "guild_only": {
        ENGLISH: "This command works in a server, not in direct messages.",
        KOREAN: "이 명령은 DM이 아닌 서버에서만 쓸 수 있습니다.",
    },
    "cooldown": {
        ENGLISH: "Slow down a little: try again in {seconds:.0f} s.",
        KOREAN: "잠시 후 다시 시도해 주세요 ({seconds:.0f}초 뒤).",
    },
    "unknown_company": {
        ENGLISH: "I don't know a company called **{name}**.",
        KOREAN: "**{name}**(이)라는 회사를 찾지 못했습니다.",
    },
    "did_you_mean": {ENGLISH: "Did you mean: {names}?", KOREAN: "이 회사를 찾으셨나요: {names}?"},
    "latest_headlines": {ENGLISH: "Latest headlines", KOREAN: "최근 헤드라인"},
    "no_headlines_yet": {
        ENGLISH: "No headlines about it in this server's archive yet.",
        KOREAN: "이 서버의 아카이브에는 아직 관련 헤드라인이 없습니다.",
    },
    "weekly_chart": {ENGLISH: "Headlines per week", KOREAN: "주간 헤드라인 수"},
    "mentioned_in": {ENGLISH: "Mentioned in commentary", KOREAN: "논평에서 언급된 라운드업"},
    "also_known_as": {ENGLISH: "Also known as", KOREAN: "다른 이름"},
    "no_results": {ENGLISH: "No headlines match.", KOREAN: "일치하는 헤드라인이 없습니다."},
    "results_footer": {
        ENGLISH: "{first}–{last} of {total} · page {page}/{pages}",
        KOREAN: "{total}건 중 {first}–{last} · {page}/{pages}쪽",
    },
    "previous": {ENGLISH: "Previous", KOREAN: "이전"},
    "next": {ENGLISH: "Next", KOREAN: "다음"},
    "not_your_buttons": {
        ENGLISH: "Only the person who ran this search can turn its pages.",
        KOREAN: "검색한 사람만 페이지를 넘길 수 있습니다.",
    },
    "section": {ENGLISH: "Section {number}", KOREAN: "섹션 {number}"},
    "roundup_footer": {
        ENGLISH: "{week} · {sections} sections · {headlines} headlines",
        KOREAN: "{week} · 섹션 {sections}개 · 헤드라인 {headlines}개",
    },
    "imported": {
        ENGLISH: "Imported **{title}** for {week}: {sections} sections, {headlines} headlines.",
        KOREAN: "**{title}**을(를) {week}에 가져왔습니다: "
        "섹션 {sections}개, 헤드라인 {headlines}개.",
    },
    "updated": {
        ENGLISH: "Updated **{title}** for {week}: {sections} sections, {headlines} headlines.",
        KOREAN: "{week}의 **{title}**을(를) 갱신했습니다: "
        "섹션 {sections}개, 헤드라인 {headlines}개.",
    },
    "skipped": {ENGLISH: "Skipped {count} lines", KOREAN: "건너뛴 줄 {count}개"},
    "file_too_large": {
        ENGLISH: "That file is larger than 5 MB: is it really one week of news?",
        KOREAN: "파일이 5MB보다 큽니다. 한 주 분량의 기사가 맞나요?",
    },
    "settings_saved": {
        ENGLISH: "Saved. The digest settings are now:",
        KOREAN: "저장했습니다. 현재 다이제스트 설정:",
    },
    "settings_title": {ENGLISH: "Server settings", KOREAN: "서버 설정"},
    "digest_channel": {ENGLISH: "Digest channel", KOREAN: "다이제스트 채널"},
    "digest_time": {ENGLISH: "Digest time", KOREAN: "다이제스트 시간"},
    "language": {ENGLISH: "Language", KOREAN: "언어"},
    "alert_channel": {ENGLISH: "Alert channel", KOREAN: "알림 채널"},
    "not_set": {ENGLISH: "not set", KOREAN: "설정 안 됨"},
    "cannot_post_there": {
        ENGLISH: "I cannot post in {channel}: give me View Channel, Send Messages and "
        "Embed Links there, then run /setup again.",
        KOREAN: "{channel}에 글을 쓸 수 없습니다. 채널 보기, 메시지 보내기, 링크 첨부 권한을 "
        "준 뒤 /setup을 다시 실행해 주세요.",
    },
    "company_added": {ENGLISH: "Added **{name}**.", KOREAN: "**{name}**을(를) 추가했습니다."},
    "alias_added": {
        ENGLISH: "**{name}** is now also recognised as **{alias}**.",
        KOREAN: "이제 **{alias}**도 **{name}**(으)로 인식합니다.",
    },
    "help_title": {ENGLISH: "roundup-bot", KOREAN: "roundup-bot 도움말"},
    "help_body": {
        ENGLISH: (
            "I keep this server's weekly tech-news roundups and answer questions about them.\n\n"
            "**/company** `name` — a company's latest headlines, weekly chart and mentions\n"
            "**/headlines** `query` — search headlines (filters: week, company, topic)\n"
            "**/roundup** `week` — a week's roundup as it will be posted\n"
            "**/roundup-import** `file` | `url` — import a roundup article *(Manage Server)*\n"
            "**/feed add** `url` · **/feed list** · **/feed remove** · **/feed retry** · "
            "**/feed test** · **/feed opml-import** · **/feed opml-export** — the news feeds "
            "this server follows *(Manage Server)*\n"
            "**/digest preview** · **/digest next** — this week's digest, and when it goes out\n"
            "**/digest post** `week` — post a week's digest now *(Manage Server)*\n"
            "**/setup digest** · **/setup digest-options** · **/setup show** — the weekly post "
            "*(Manage Server)*\n"
            "**/companies add** · **/companies alias** — teach me companies *(Manage Server)*\n"
            "**/subscribe** `topic` | `company` | `keyword` — an alert (by DM or in the alert "
            "channel) when a matching headline arrives · **/subscriptions** · **/unsubscribe**\n"
            "**/alerts pause** · **/alerts resume** · **/alerts quiet** · **/alerts quiet-off** · "
            "**/alerts status** — when alerts may reach you\n"
            "**/setup alerts** `channel` · **/status** — the alert channel, and how the bot is "
            "doing here *(Manage Server)*\n\n"
            "Names work in Korean and English: 마이크로소프트 = Microsoft = MS."
        ),
        KOREAN: (
            "이 서버의 주간 테크 뉴스 라운드업을 보관하고, "
            "회사와 헤드라인에 대한 질문에 답합니다.\n\n"
            "**/company** `name` — 회사의 최근 헤드라인, 주간 차트, 언급된 라운드업\n"
            "**/headlines** `query` — 헤드라인 검색 (주, 회사, 토픽으로 거르기)\n"
            "**/roundup** `week` — 게시될 모습 그대로의 주간 라운드업\n"
            "**/roundup-import** `file` | `url` — 라운드업 기사 가져오기 *(서버 관리)*\n"
            "**/feed add** `url` · **/feed list** · **/feed remove** · **/feed retry** · "
            "**/feed test** · **/feed opml-import** · **/feed opml-export** — 이 서버가 구독하는 "
            "뉴스 피드 *(서버 관리)*\n"
            "**/digest preview** · **/digest next** — 이번 주 다이제스트와 게시 시각\n"
            "**/digest post** `week` — 주간 다이제스트 지금 게시 *(서버 관리)*\n"
            "**/setup digest** · **/setup digest-options** · **/setup show** — 주간 게시물 설정 "
            "*(서버 관리)*\n"
            "**/companies add** · **/companies alias** — 회사와 별칭 추가 *(서버 관리)*\n"
            "**/subscribe** `topic` | `company` | `keyword` — 맞는 헤드라인이 들어오면 알림 "
            "(DM 또는 알림 채널) · **/subscriptions** · **/unsubscribe**\n"
            "**/alerts pause** · **/alerts resume** · **/alerts quiet** · **/alerts quiet-off** · "
            "**/alerts status** — 알림 받을 때 정하기\n"
            "**/setup alerts** `channel` · **/status** — 알림 채널, 이 서버에서 봇의 상태 "
            "*(서버 관리)*\n\n"
            "회사 이름은 한국어와 영어 모두 됩니다: 마이크로소프트 = Microsoft = MS."
        ),
    },
    "digest_empty": {
        ENGLISH: "No headlines this week.",
        KOREAN: "이번 주에는 헤드라인이 없습니다.",
    },
    "digest_more_sources": {ENGLISH: "and {count} more", KOREAN: "외 {count}곳"},
    "digest_preview_footer": {
        ENGLISH: "Preview · {index}/{total}",
        KOREAN: "미리보기 · {index}/{total}",
    },
    "digest_posted": {
        ENGLISH: "Posted the digest for {week} in {channel} ({count} messages).",
        KOREAN: "{channel}에 {week} 다이제스트를 게시했습니다 (메시지 {count}개).",
    },
    "digest_already_posted": {
        ENGLISH: "The digest for {week} is already in {channel}. "
        "Add force:True to post another copy.",
        KOREAN: "{week} 다이제스트는 이미 {channel}에 있습니다. "
        "한 번 더 게시하려면 force:True를 추가하세요.",
    },
    "digest_channel_missing": {
        ENGLISH: "I could not post the weekly digest for {week}: the channel {channel} no longer "
        "exists. Choose another one with /setup digest, then run /digest post.",
        KOREAN: "{week} 주간 다이제스트를 게시하지 못했습니다. {channel} 채널이 더 이상 없습니다. "
        "/setup digest로 다른 채널을 고른 뒤 /digest post를 실행해 주세요.",
    },
    "digest_forbidden": {
        ENGLISH: "I could not post the weekly digest for {week} in {channel}: I lack a "
        "permission there. Give me View Channel, Send Messages, Embed Links and Read Message "
        "History in that channel, then run /digest post.",
        KOREAN: "{channel}에 {week} 주간 다이제스트를 게시하지 못했습니다. 권한이 부족합니다. "
        "그 채널에서 채널 보기, 메시지 보내기, 링크 첨부, 메시지 기록 보기 권한을 준 뒤 "
        "/digest post를 실행해 주세요.",
    },
    "digest_missed": {
        ENGLISH: "The weekly digest for {week} was not posted: I was offline at the scheduled "
        "time ({when}). Run /digest post week:{week} to post it now.",
        KOREAN: "{week} 주간 다이제스트가 게시되지 않았습니다. 예정 시각({when})에 봇이 "
        "꺼져 있었습니다. 지금 게시하려면 /digest post week:{week}를 실행해 주세요.",
    },
    "digest_next": {
        ENGLISH: "The next digest goes out {when} ({relative}) in {channel}, covering {week}.",
        KOREAN: "다음 다이제스트는 {when}({relative})에 {channel}에 게시됩니다. 대상 주: {week}.",
    },
    "digest_not_scheduled": {
        ENGLISH: "No weekly digest is set up here yet: an admin can run /setup digest.",
        KOREAN: "아직 주간 다이제스트가 설정되지 않았습니다. "
        "관리자가 /setup digest로 설정할 수 있습니다.",
    },
    "digest_options_saved": {
        ENGLISH: "Saved: up to {sections} sections of up to {items} items; "
        "discussion thread: {thread}; tech relevance: {relevance}.",
        KOREAN: "저장했습니다: 섹션 최대 {sections}개, 섹션당 항목 최대 {items}개, "
        "토론 스레드: {thread}, 기술 관련도: {relevance}.",
    },
    "on": {ENGLISH: "on", KOREAN: "켜짐"},
    "off": {ENGLISH: "off", KOREAN: "꺼짐"},
    "feed_paused": {
        ENGLISH: "The feed **{name}** failed {failures} times in a row and is paused: "
        "{error}\nFix the address or the site, then run `/feed retry`.",
        KOREAN: "피드 **{name}**이(가) {failures}번 연속 실패해 일시 중지되었습니다: "
        "{error}\n주소나 사이트를 확인한 뒤 `/feed retry`를 실행해 주세요.",
    },
    "feed_added": {
        ENGLISH: "Now following **{title}**: {items} items in the feed, {filed} stories of "
        "this week filed.",
        KOREAN: "**{title}** 구독을 시작했습니다: 피드에 {items}개 항목, 이번 주 기사 {filed}개를 "
        "보관했습니다.",
    },
    "feed_already": {
        ENGLISH: "This server already follows **{title}** ({items} items in the feed).",
        KOREAN: "이 서버는 이미 **{title}**을(를) 구독하고 있습니다 (피드에 {items}개 항목).",
    },
    "feed_list_title": {ENGLISH: "Feeds of this server", KOREAN: "이 서버의 피드"},
    "feed_list_empty": {
        ENGLISH: "This server follows no feed yet: add one with `/feed add`.",
        KOREAN: "이 서버가 구독하는 피드가 아직 없습니다. `/feed add`로 추가하세요.",
    },
    "feed_healthy": {ENGLISH: "✅ healthy", KOREAN: "✅ 정상"},
    "feed_failing": {ENGLISH: "⚠️ {failures} failures", KOREAN: "⚠️ {failures}회 실패"},
    "feed_paused_state": {ENGLISH: "⏸️ paused", KOREAN: "⏸️ 일시 중지"},
    "feed_waiting": {ENGLISH: "⏳ not polled yet", KOREAN: "⏳ 아직 가져오지 않음"},
    "feed_status": {
        ENGLISH: "{state} · last success {success} · next poll {next}",
        KOREAN: "{state} · 마지막 성공 {success} · 다음 확인 {next}",
    },
    "never": {ENGLISH: "never", KOREAN: "없음"},
    "feed_removed": {
        ENGLISH: "This server no longer follows **{name}**.",
        KOREAN: "이 서버는 이제 **{name}**을(를) 구독하지 않습니다.",
    },
    "feed_retry_ok": {
        ENGLISH: "**{name}** is polled again: {filed} new stories.",
        KOREAN: "**{name}**을(를) 다시 가져옵니다: 새 기사 {filed}개.",
    },
    "feed_retry_failed": {
        ENGLISH: "**{name}** failed again: {error}",
        KOREAN: "**{name}**이(가) 다시 실패했습니다: {error}",
    },
    "feed_preview": {
        ENGLISH: "{items} items · format {format} · nothing was saved",
        KOREAN: "{items}개 항목 · 형식 {format} · 아무것도 저장하지 않았습니다",
    },
    "opml_imported": {
        ENGLISH: "Following {added} new feeds ({already} already followed, {refused} refused); "
        "they are fetched within a few minutes.",
        KOREAN: "새 피드 {added}개를 구독합니다 (이미 구독 {already}개, 거부 {refused}개). "
        "몇 분 안에 가져옵니다.",
    },
    "opml_exported": {
        ENGLISH: "The {count} feeds of this server, as OPML.",
        KOREAN: "이 서버의 피드 {count}개 (OPML).",
    },
    "file_or_url": {
        ENGLISH: "Give exactly one of file and url.",
        KOREAN: "file과 url 중 하나만 주세요.",
    },
    "alert_title": {
        ENGLISH: "🔔 {count} new headline(s) for your alerts",
        KOREAN: "🔔 구독 알림: 새 헤드라인 {count}건",
    },
    "alert_more": {
        ENGLISH: "…and {count} more: {hint}",
        KOREAN: "…외 {count}건: {hint}",
    },
    "subscribed": {
        ENGLISH: "Subscribed to **{label}** ({kind}). Alerts come by {delivery}.",
        KOREAN: "**{label}**({kind})을(를) 구독했습니다. 알림은 {delivery}(으)로 갑니다.",
    },
    "subscription_updated": {
        ENGLISH: "You follow **{label}** ({kind}) already: alerts now come by {delivery}.",
        KOREAN: "**{label}**({kind})은(는) 이미 구독 중입니다. 이제 알림은 {delivery}(으)로 "
        "갑니다.",
    },
    "kind_topic": {ENGLISH: "topic", KOREAN: "주제"},
    "kind_company": {ENGLISH: "company", KOREAN: "회사"},
    "kind_keyword": {ENGLISH: "keyword", KOREAN: "키워드"},
    "delivery_dm": {ENGLISH: "DM", KOREAN: "DM"},
    "delivery_channel": {ENGLISH: "the alert channel", KOREAN: "알림 채널"},
    "subscriptions_title": {ENGLISH: "Your alert subscriptions", KOREAN: "내 알림 구독"},
    "no_subscriptions": {
        ENGLISH: "You have no subscriptions in this server: try /subscribe.",
        KOREAN: "이 서버에서 구독 중인 것이 없습니다. /subscribe로 시작해 보세요.",
    },
    "subscription_stopped": {
        ENGLISH: "stopped: your DMs are closed",
        KOREAN: "중지됨: DM이 닫혀 있음",
    },
    "unsubscribed": {
        ENGLISH: "Unsubscribed from **{label}**.",
        KOREAN: "**{label}** 구독을 취소했습니다.",
    },
    "alerts_paused": {
        ENGLISH: "Alerts paused until {until}.",
        KOREAN: "{until}까지 알림을 멈춥니다.",
    },
    "alerts_paused_forever": {
        ENGLISH: "Alerts paused until you run /alerts resume.",
        KOREAN: "/alerts resume을 실행할 때까지 알림을 멈춥니다.",
    },
    "alerts_resumed": {ENGLISH: "Alerts resumed.", KOREAN: "알림을 다시 받습니다."},
    "quiet_set": {
        ENGLISH: "Quiet hours: {hours}. Alerts found meanwhile arrive together when they end.",
        KOREAN: "조용한 시간: {hours}. 그동안 찾은 알림은 끝난 뒤 한꺼번에 보냅니다.",
    },
    "quiet_cleared": {ENGLISH: "Quiet hours removed.", KOREAN: "조용한 시간을 지웠습니다."},
    "alert_settings": {ENGLISH: "Your alert settings", KOREAN: "내 알림 설정"},
    "alerts_paused_field": {ENGLISH: "Paused", KOREAN: "일시 중지"},
    "quiet_hours": {ENGLISH: "Quiet hours", KOREAN: "조용한 시간"},
    "until": {ENGLISH: "until {moment}", KOREAN: "{moment}까지"},
    "until_resumed": {ENGLISH: "until /alerts resume", KOREAN: "/alerts resume까지"},
    "alert_channel_set": {
        ENGLISH: "Alerts delivered in this server (and notices to admins) now go to {channel}.",
        KOREAN: "이제 이 서버의 채널 알림(과 관리자 공지)은 {channel}에 올라갑니다.",
    },
    "alert_channel_cleared": {
        ENGLISH: "This server has no alert channel now: alerts go by DM.",
        KOREAN: "이제 이 서버에는 알림 채널이 없습니다. 알림은 DM으로 갑니다.",
    },
    "alert_channel_broken": {
        ENGLISH: "Alerts could not be posted in {channel}: let the bot view it and send "
        "messages there, or choose another with /setup alerts.",
        KOREAN: "{channel}에 알림을 올리지 못했습니다. 봇이 채널을 보고 메시지를 보낼 수 있게 "
        "하거나 /setup alerts로 다른 채널을 고르세요.",
    },
    "status_title": {ENGLISH: "Bot status", KOREAN: "봇 상태"},
    "status_feeds": {ENGLISH: "Feeds", KOREAN: "피드"},
    "status_no_feeds": {
        ENGLISH: "No feeds followed (see /feed add).",
        KOREAN: "구독하는 피드가 없습니다(/feed add 참고).",
    },
    "status_feed_counts": {
        ENGLISH: "{total} followed: {healthy} healthy, {failing} failing, {paused} paused",
        KOREAN: "{total}개 구독: 정상 {healthy}, 실패 중 {failing}, 일시 중지 {paused}",
    },
    "status_digest": {ENGLISH: "Next digest", KOREAN: "다음 다이제스트"},
    "status_next_digest": {ENGLISH: "{when} in {channel}", KOREAN: "{when}, {channel}"},
    "status_alerts": {ENGLISH: "Alerts", KOREAN: "알림"},
    "status_alert_queue": {
        ENGLISH: "{subscriptions} subscriptions · {waiting} alerts waiting (oldest {oldest}) · "
        "{unmatched} headlines not matched yet",
        KOREAN: "구독 {subscriptions}개 · 대기 중인 알림 {waiting}건 (가장 오래된 것 {oldest}) · "
        "아직 대조하지 않은 헤드라인 {unmatched}건",
    },
    "status_footer": {
        ENGLISH: "roundup-bot {version} · up {uptime} · gateway {latency}",
        KOREAN: "roundup-bot {version} · 가동 {uptime} · 게이트웨이 {latency}",
    },
    "a_server": {ENGLISH: "a server", KOREAN: "한 서버"},
    "notice_dms_refused_channel": {
        ENGLISH: "I could not DM you your alerts (your DMs are closed), so they now go to the "
        "alert channel of {guild}, with a mention. Open your DMs to get them privately again.",
        KOREAN: "DM이 닫혀 있어 알림을 보낼 수 없었습니다. 그래서 이제 {guild}의 알림 채널에 "
        "멘션과 함께 올립니다. DM을 열면 다시 개인적으로 받습니다.",
    },
    "notice_dms_refused_stopped": {
        ENGLISH: "I could not DM you your alerts from {guild} (your DMs are closed) and it has "
        "no alert channel, so your DM subscriptions there are stopped. Open your DMs and "
        "/subscribe again to restart them.",
        KOREAN: "DM이 닫혀 있어 {guild}의 알림을 보낼 수 없었고, 그 서버에는 알림 채널도 "
        "없어서 DM 구독을 멈췄습니다. DM을 연 뒤 /subscribe로 다시 구독해 주세요.",
    },
}

# Korean names and descriptions of the commands, keyed by their English text.
_KOREAN_COMMAND_TEXT: dict[str, str] = {
    "company": "회사",
    "Look up a company: latest headlines, weekly chart and mentions.": (
        "회사 조회: 최근 헤드라인, 주간 차트, 언급된 라운드업"
    ),
    "name": "이름",
    "Company name in Korean or English (e.g. 엔비디아, Microsoft, MS)": (
        "한국어 또는 영어 회사 이름 (예: 엔비디아, Microsoft, MS)"
    ),
    "headlines": "헤드라인",
    "Search the headlines of this server's archive.": "이 서버 아카이브의 헤드라인 검색",
    "query": "검색어",
    "Words to look for, Korean or English": "찾을 단어 (한국어 또는 영어)",
    "week": "주",
    "An ISO week such as 2026-W48": "ISO 주 (예: 2026-W48)",
    "Only headlines about this company": "이 회사에 대한 헤드라인만",
    "topic": "토픽",
    "Only headlines on this topic": "이 토픽의 헤드라인만",
    "roundup": "라운드업",
    "Show a week's roundup as it will be posted.": "게시될 모습 그대로 주간 라운드업 보기",
    "roundup-import": "라운드업-가져오기",
    "Import a roundup article (text, Markdown or HTML).": (
        "라운드업 기사 가져오기 (텍스트, 마크다운, HTML)"
    ),
    "file": "파일",
    "The article as a .txt, .md or .html file": ".txt, .md, .html 형식의 기사 파일",
    "date": "날짜",
    "The roundup's date, YYYY-MM-DD (default: today)": "라운드업 날짜 YYYY-MM-DD (기본: 오늘)",
    "title": "제목",
    "A title for the roundup": "라운드업 제목",
    "setup": "설정",
    "Configure the bot for this server.": "이 서버의 봇 설정",
    "digest": "다이제스트",
    "Where and when the weekly digest is posted.": "주간 다이제스트를 게시할 채널과 시간",
    "channel": "채널",
    "The channel for the weekly post": "주간 게시물을 올릴 채널",
    "weekday": "요일",
    "The day of the week": "요일",
    "hour": "시",
    "The hour, 0-23, in the time zone below": "아래 시간대 기준 시각 (0-23)",
    "timezone": "시간대",
    "An IANA time zone such as Asia/Seoul": "IANA 시간대 (예: Asia/Seoul)",
    "language": "언어",
    "The digest's language": "다이제스트 언어",
    "show": "보기",
    "Show this server's settings.": "이 서버의 설정 보기",
    "companies": "회사목록",
    "Teach the bot companies and their names.": "봇에게 회사와 이름 알려주기",
    "add": "추가",
    "Add a company the bot does not know yet.": "봇이 아직 모르는 회사 추가",
    "The company's name as the press writes it": "언론이 쓰는 회사 이름",
    "english": "영문",
    "Its English name": "영문 이름",
    "aliases": "별칭들",
    "Other names, separated by commas": "다른 이름들 (쉼표로 구분)",
    "alias": "별칭",
    "Add another name for a known company.": "알려진 회사에 다른 이름 추가",
    "The known company": "알려진 회사",
    "The new name": "새 이름",
    "help": "도움말",
    "What the bot does and how to use it.": "봇이 하는 일과 사용법",
    "Monday": "월요일",
    "Tuesday": "화요일",
    "Wednesday": "수요일",
    "Thursday": "목요일",
    "Friday": "금요일",
    "Saturday": "토요일",
    "Sunday": "일요일",
    "Korean": "한국어",
    "English": "영어",
    "The weekly digest of this server.": "이 서버의 주간 다이제스트",
    "preview": "미리보기",
    "Preview a week's digest (only you see it).": "주간 다이제스트 미리보기 (나만 보기)",
    "post": "게시",
    "Post a week's digest now (Manage Server).": "주간 다이제스트 지금 게시 (서버 관리)",
    "force": "강제",
    "Post a new copy even if that week was posted": "이미 게시된 주라도 새로 게시",
    "next": "다음",
    "When the next weekly digest goes out.": "다음 주간 다이제스트 게시 시각",
    "digest-options": "다이제스트-옵션",
    "The digest's size and its discussion thread.": "다이제스트 크기와 토론 스레드",
    "sections": "섹션수",
    "How many sections at most (1-10)": "최대 섹션 수 (1-10)",
    "items": "항목수",
    "How many items per section at most (1-10)": "섹션당 최대 항목 수 (1-10)",
    "thread": "스레드",
    "Open a discussion thread under each digest": "다이제스트마다 토론 스레드 열기",
    "The digest's size, its discussion thread and how tech its stories must be.": (
        "다이제스트 크기, 토론 스레드, 기사의 기술 관련도 기준"
    ),
    "relevance": "관련도",
    "How tech a feed story must be to make the digest": "다이제스트에 들 기사의 기술 관련도 기준",
    "off (every story)": "off (모든 기사)",
    "low (drop clear non-tech)": "low (확실한 비기술 기사만 제외)",
    "normal (tech stories, default)": "normal (기술 기사, 기본값)",
    "strict (clearly tech only)": "strict (확실한 기술 기사만)",
    "feed": "피드",
    "Follow news feeds in this server.": "이 서버에서 뉴스 피드 구독하기",
    "Follow a feed (RSS, Atom, JSON Feed) or the feed a web page announces.": (
        "피드(RSS, Atom, JSON Feed) 또는 웹페이지가 알리는 피드 구독"
    ),
    "url": "주소",
    "The feed's address, or a web page that links to it": (
        "피드 주소, 또는 피드를 알리는 웹페이지 주소"
    ),
    "This server's name for the feed": "이 서버에서 부를 피드 이름",
    "list": "목록",
    "The feeds of this server and their health.": "이 서버의 피드와 상태",
    "remove": "삭제",
    "Stop following a feed.": "피드 구독 그만두기",
    "The feed's address or name": "피드 주소 또는 이름",
    "retry": "재시도",
    "Resume a paused or failing feed and poll it now.": (
        "일시 중지되거나 실패한 피드를 다시 가져오기"
    ),
    "test": "테스트",
    "Preview a feed without saving anything.": "아무것도 저장하지 않고 피드 미리보기",
    "opml-import": "opml-가져오기",
    "Follow every feed of an OPML file.": "OPML 파일의 모든 피드 구독",
    "An OPML file (.opml or .xml)": "OPML 파일 (.opml 또는 .xml)",
    "opml-export": "opml-내보내기",
    "This server's feeds as an OPML file.": "이 서버의 피드를 OPML 파일로",
    "The article's web address": "기사의 웹 주소",
    "subscribe": "구독",
    "Get an alert when a headline about a topic, company or keyword arrives.": (
        "주제, 회사, 키워드에 관한 헤드라인이 들어오면 알림 받기"
    ),
    "A topic such as security or chips": "보안, 반도체 같은 주제",
    "A company, by any of its names": "회사 (어떤 이름으로든)",
    "keyword": "키워드",
    'A word or a "quoted phrase", Korean or English': (
        '단어 또는 "따옴표로 묶은 구절" (한국어 또는 영어)'
    ),
    "delivery": "받는곳",
    "Where alerts go: your DMs (default) or this server's alert channel": (
        "알림 받을 곳: DM(기본) 또는 이 서버의 알림 채널"
    ),
    "DM": "DM",
    "Alert channel (with a mention)": "알림 채널 (멘션과 함께)",
    "subscriptions": "구독목록",
    "Your alert subscriptions in this server, with buttons to remove them.": (
        "이 서버의 내 알림 구독 (버튼으로 삭제)"
    ),
    "unsubscribe": "구독취소",
    "Stop one of your alert subscriptions in this server.": "이 서버의 알림 구독 하나 취소",
    "subscription": "구독",
    "The subscription to remove": "취소할 구독",
    "alerts": "알림",
    "Pause your alerts, or set quiet hours.": "알림을 멈추거나 조용한 시간 설정",
    "pause": "일시중지",
    "Pause your alerts (in every server).": "알림 일시 중지 (모든 서버)",
    "hours": "시간",
    "For how many hours (leave out: until /alerts resume)": (
        "몇 시간 동안 (비우면 /alerts resume까지)"
    ),
    "resume": "재개",
    "Resume your alerts.": "알림 다시 받기",
    "quiet": "조용한시간",
    "Hold your alerts every day during these hours; they arrive together after.": (
        "매일 이 시간에는 알림을 모아 두었다가 끝난 뒤 한꺼번에 받기"
    ),
    "start": "시작",
    "When quiet hours start, HH:MM (e.g. 22:00)": "조용한 시간 시작, HH:MM (예: 22:00)",
    "end": "끝",
    "When they end, HH:MM (e.g. 07:30)": "조용한 시간 끝, HH:MM (예: 07:30)",
    "Your IANA time zone, such as Asia/Seoul": "IANA 시간대 (예: Asia/Seoul)",
    "quiet-off": "조용한시간-끄기",
    "Stop holding your alerts during quiet hours.": "조용한 시간 끄기",
    "status": "상태",
    "Your alert settings.": "내 알림 설정",
    "How the bot is doing in this server (Manage Server).": "이 서버에서 봇의 상태 (서버 관리)",
    "Where alerts delivered in this server go (Manage Server).": (
        "이 서버의 채널 알림이 올라갈 곳 (서버 관리)"
    ),
    "The alert channel (leave out to have none)": "알림 채널 (비우면 없음)",
}


def language_of(locale: discord.Locale | str | None) -> str:
    """Korean for a Korean Discord client, English for everyone else."""
    value = locale.value if isinstance(locale, discord.Locale) else (locale or "")
    return KOREAN if value.lower().startswith("ko") else ENGLISH


def text(locale: discord.Locale | str | None, key: str, **values: object) -> str:
    """The reply ``key`` in the user's language, filled with ``values``."""
    return _REPLIES[key][language_of(locale)].format(**values)


class KoreanTranslator(app_commands.Translator):
    """Gives Discord the Korean names and descriptions of the commands."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is not discord.Locale.korean:
            return None
        return _KOREAN_COMMAND_TEXT.get(string.message)
