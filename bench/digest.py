"""Digest benchmark: compile (and render) a week of 20,000 headlines from 300 outlets.

    python bench/digest.py [--headlines 20000] [--sources 300] [--seed N] [--repeat 5]

Builds a labelled synthetic week: stories each reported by 1 to 12 outlets, Korean stories
by Korean outlets and English ones by English outlets, every report worded its own way
(particles, verb endings and synonyms, reordered clauses, [단독]-style tags, outlet names,
punctuation, details some outlets add), a few reports sharing a syndicated link, and many
unrelated stories, including several about the same company and the same product. Then
measures what the bot does: each headline placed in a story as it arrives (StoryIndex, in
publication order; the time per headline, and the pairwise precision and recall of the
stored grouping against the labels), then compile_digest over the stored story ids (time and
peak memory) and rendering when the renderer exists. Timings are the median and the best of
several runs, with the machine's load average before and after: on a shared machine one run
says more about the neighbours than about the code.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from news.core.models import Digest, DigestCandidate, GuildSettings, Headline, Topic
from news.digest.compile import compile_digest
from news.stories.clustering import StoryIndex, group_by_story_id
from testkit.catalogue import bundled_catalogue

WEEK = "2026-W48"
WEEK_START = datetime(2026, 11, 23, tzinfo=UTC)
NOW = WEEK_START + timedelta(days=7)
SEED = 20261123

# (canonical name, another spelling Korean press uses, English name)
COMPANIES = [
    ("삼성전자", "삼성", "Samsung"), ("SK하이닉스", "하이닉스", "SK Hynix"),
    ("LG전자", "LG", "LG Electronics"), ("네이버", "네이버", "Naver"),
    ("카카오", "카카오", "Kakao"), ("엔비디아", "엔비디아", "Nvidia"), ("애플", "애플", "Apple"),
    ("구글", "구글", "Google"), ("마이크로소프트", "MS", "Microsoft"),
    ("오픈AI", "오픈AI", "OpenAI"), ("메타", "메타", "Meta"), ("아마존", "아마존", "Amazon"),
    ("인텔", "인텔", "Intel"), ("TSMC", "TSMC", "TSMC"), ("퀄컴", "퀄컴", "Qualcomm"),
    ("현대자동차", "현대차", "Hyundai"), ("KT", "KT", "KT"), ("SK텔레콤", "SKT", "SK Telecom"),
    ("LG유플러스", "LGU+", "LG Uplus"), ("쿠팡", "쿠팡", "Coupang"),
    ("크래프톤", "크래프톤", "Krafton"), ("넥슨", "넥슨", "Nexon"),
    ("엔씨소프트", "엔씨", "NCSoft"),
    ("테슬라", "테슬라", "Tesla"), ("AMD", "AMD", "AMD"), ("앤트로픽", "앤트로픽", "Anthropic"),
    ("토스", "비바리퍼블리카", "Toss"), ("배달의민족", "배민", "Baemin"),
    ("당근마켓", "당근", "Daangn"), ("두산로보틱스", "두산로보틱스", "Doosan Robotics"),
]  # fmt: skip
# (Korean, English, topic key or None)
OBJECTS = [
    ("HBM", "HBM", "chips"), ("AI 반도체", "AI chip", "chips"),
    ("파운드리 공정", "foundry process", "chips"), ("D램", "DRAM", "chips"),
    ("데이터센터", "data center", "cloud"), ("클라우드 서비스", "cloud service", "cloud"),
    ("폴더블폰", "foldable phone", "devices"), ("스마트 글라스", "smart glasses", "devices"),
    ("태블릿", "tablet", "devices"), ("스마트워치", "smartwatch", "devices"),
    ("생성형 AI 서비스", "generative AI service", "generative-ai"),
    ("AI 에이전트", "AI agent", "generative-ai"), ("챗봇", "chatbot", "generative-ai"),
    ("언어모델", "language model", "llm"), ("추론 모델", "reasoning model", "llm"),
    ("보안 취약점", "security flaw", "security"),
    ("랜섬웨어 대응", "ransomware defence", "security"),
    ("개인정보 유출", "data breach", "security"), ("요금제", "rate plan", "telecom"),
    ("5G 기지국", "5G network", "telecom"), ("모바일 게임", "mobile game", "gaming"),
    ("콘솔 게임", "console game", "gaming"), ("휴머노이드", "humanoid robot", "robotics"),
    ("물류 로봇", "warehouse robot", "robotics"), ("양자 컴퓨터", "quantum computer", "quantum"),
    ("오픈소스 모델", "open-source model", "open-source"),
    ("간편결제", "payments app", "fintech"), ("전기차 배터리", "EV battery", "mobility"),
    ("자율주행 택시", "robotaxi", "mobility"), ("코딩 도구", "coding tool", "developer-tools"),
    ("온라인 쇼핑", "online shopping", "ecommerce"), ("새벽배송", "same-day delivery", "ecommerce"),
    ("위성 인터넷", "satellite internet", "space"), ("광고 사업", "ad business", None),
    ("구독 서비스", "subscription service", None), ("연구소", "research lab", None),
    ("채용", "hiring", None), ("사옥", "headquarters", None), ("앱 장터", "app store", None),
    ("검색 서비스", "search service", None),
]  # fmt: skip
# Qualifiers and versions that make one product or plan differ from the next.
QUALIFIERS = [
    ("차세대", "next-gen"), ("2세대", "second-gen"), ("3세대", "third-gen"), ("보급형", "budget"),
    ("프리미엄", "premium"), ("기업용", "enterprise"), ("초소형", "compact"),
    ("저전력", "low-power"),
    ("고성능", "high-end"), ("개인용", "consumer"), ("신형", "new-model"), ("맞춤형", "custom"),
    ("4세대", "fourth-gen"), ("북미용", "US-market"), ("유럽형", "European"), ("무료", "free"),
    ("유료", "paid"), ("교육용", "education"), ("의료용", "medical"), ("산업용", "industrial"),
    ("초대형", "giant"), ("경량", "lightweight"), ("오프라인", "offline"), ("통합", "unified"),
]  # fmt: skip
# One event in several wordings: Korean verb forms and synonyms, English ones.
ACTIONS = [
    (["공개", "공개해", "공개했다", "선보여", "선보였다"], ["unveils", "shows off", "unveiled"]),
    (["출시", "출시한다", "내놓는다", "내놨다"], ["launches", "releases", "rolls out"]),
    (["투자 확대", "투자 늘린다", "투자 확대한다"], ["boosts spending on", "invests more in"]),
    (
        ["양산 앞당겨", "양산 앞당겼다", "양산 일정 앞당긴다"],
        ["moves up production of", "accelerates"],
    ),
    (["출시 연기", "출시 미뤄", "출시 연기했다"], ["delays", "postpones", "pushes back"]),
    (["서비스 중단", "서비스 중단했다", "운영 멈춰"], ["halts", "suspends", "shuts down"]),
    (["가격 인상", "가격 올린다", "값 올려"], ["raises prices of", "hikes prices for"]),
    (
        ["공급 계약", "공급 계약 체결", "공급 계약 맺어"],
        ["signs supply deal for", "wins order for"],
    ),
    (["사업 철수", "사업 접는다", "사업 정리"], ["exits", "winds down", "quits"]),
    (["조사 착수", "조사 받는다", "당국 조사"], ["faces probe over", "is investigated over"]),
    (["판매 호조", "판매 급증", "판매량 늘어"], ["sees strong sales of", "sells more"]),
    (["개발 성공", "개발 완료", "개발했다"], ["develops", "completes work on", "builds"]),
]  # fmt: skip
PLACES = [
    ("미국", "US"), ("유럽", "Europe"), ("인도", "India"), ("일본", "Japan"), ("중국", "China"),
    ("텍사스", "Texas"), ("베트남", "Vietnam"), ("독일", "Germany"), ("중동", "Middle East"),
    ("영국", "UK"), ("프랑스", "France"), ("대만", "Taiwan"), ("브라질", "Brazil"),
    ("캐나다", "Canada"), ("호주", "Australia"), ("싱가포르", "Singapore"), ("멕시코", "Mexico"),
]  # fmt: skip
MODEL_SUFFIXES = [("", ""), (" 프로", " Pro"), (" 울트라", " Ultra"), (" 미니", " Mini"), ("", "")]
# Big companies make more news: the first on the list about a tenth of the stories.
COMPANY_WEIGHTS = [1 / (rank + 1) ** 0.8 for rank in range(len(COMPANIES))]
KOREAN_TAGS = ["[단독]", "[속보]", "(종합)", "【포토】", "[기획]", "(종합2보)"]
ENGLISH_TAGS = ["Exclusive:", "Breaking:", "UPDATE"]
SUBJECT_PARTICLES = ["", ",", "가", "는", ","]  # after a vowel; 이 and 은 after a consonant
SEPARATORS = ["…", "...", " ·", ","]


@dataclass(frozen=True, slots=True)
class Story:
    number: int
    language: str
    company: int
    object: int
    qualifier: int
    action: int
    name: tuple[str, str]  # the product or plan's own name, Korean and English
    detail: tuple[str, str]  # what some reports add: an amount, a place, a date
    partner: int | None  # a second company some reports name
    outlets: int
    published: datetime


@dataclass(frozen=True, slots=True)
class Week:
    candidates: list[DigestCandidate]
    labels: dict[int, int]  # headline id -> story number
    stories: int


def build_week(headlines: int, sources: int, seed: int) -> Week:
    """A labelled synthetic week of about ``headlines`` reports from ``sources`` outlets."""
    rng = random.Random(seed)
    korean_outlets = [f"코리아테크{n:03d}" for n in range(sources * 2 // 3)]
    english_outlets = [f"Tech Wire {n:03d}" for n in range(sources - len(korean_outlets))]
    candidates: list[DigestCandidate] = []
    labels: dict[int, int] = {}
    number = 0
    while len(candidates) < headlines:
        story = _story(rng, number, headlines - len(candidates))
        outlets = korean_outlets if story.language == "ko" else english_outlets
        links: list[str] = []
        for outlet in rng.sample(outlets, min(story.outlets, len(outlets))):
            headline_id = len(candidates) + 1
            url = _url(rng, outlet, story, headline_id, links)
            title, companies = _report(rng, story, outlet)
            published = story.published + timedelta(hours=rng.expovariate(1 / 6))
            topic = OBJECTS[story.object][2]
            headline = Headline(
                id=headline_id,
                title=title,
                url=url,
                summary="",
                language=story.language,
                published_at=min(published, NOW),
                week=WEEK,
                companies=companies,
                topics=(topic,) if topic else (),
            )
            candidates.append(DigestCandidate(headline, outlet))
            labels[headline_id] = number
        number += 1
    return Week(candidates, labels, number)


def _story(rng: random.Random, number: int, left: int) -> Story:
    language = "ko" if rng.random() < 0.65 else "en"
    # Most stories run once; big ones run everywhere. Big companies have more stories.
    outlets = min(left, rng.choice([1] * 9 + list(range(2, 13))))
    company = rng.choices(range(len(COMPANIES)), COMPANY_WEIGHTS)[0]
    place = rng.choice(PLACES)
    amount = rng.randint(2, 999)
    details = [
        place,
        (f"{amount}조원", f"${amount} billion"),
        (f"{amount}만대", f"{amount}0K units"),
    ]
    partner = rng.randrange(len(COMPANIES)) if rng.random() < 0.2 else None
    return Story(
        number=number,
        language=language,
        company=company,
        object=rng.randrange(len(OBJECTS)),
        qualifier=rng.randrange(len(QUALIFIERS)),
        name=_product_name(rng),
        action=rng.randrange(len(ACTIONS)),
        detail=rng.choice(details),
        partner=partner if partner != company else None,
        outlets=outlets,
        published=WEEK_START + timedelta(hours=rng.uniform(0, 160)),
    )


def _product_name(rng: random.Random) -> tuple[str, str]:
    code = f"{rng.choice('ABGKMNQRSTVXZ')}{rng.randint(1, 99)}"
    korean, english = rng.choice(MODEL_SUFFIXES)
    return f"{code}{korean}", f"{code}{english}"


def _url(rng: random.Random, outlet: str, story: Story, headline_id: int, links: list[str]) -> str:
    # Now and then an outlet runs a wire story under the wire's link, with its own tracking.
    if links and rng.random() < 0.05:
        return f"{rng.choice(links)}?utm_source={headline_id}"
    slug = "".join(ch for ch in outlet.lower() if ch.isalnum())
    link = f"https://news.example.com/{slug}/{story.number}/{headline_id}"
    links.append(link)
    return link


def _report(rng: random.Random, story: Story, outlet: str) -> tuple[str, tuple[str, ...]]:
    """One outlet's title for the story, and the companies a recogniser would find in it."""
    companies = [COMPANIES[story.company][0]]
    partner = story.partner is not None and rng.random() < 0.5
    if partner and story.partner is not None:
        companies.append(COMPANIES[story.partner][0])
    write = _korean_title if story.language == "ko" else _english_title
    return write(rng, story, outlet, partner), tuple(companies)


def _korean_title(rng: random.Random, story: Story, outlet: str, partner: bool) -> str:
    canonical, other, _ = COMPANIES[story.company]
    company = _with_particle(
        rng.choice((canonical, canonical, other)), rng.choice(SUBJECT_PARTICLES)
    )
    thing = f"{QUALIFIERS[story.qualifier][0]} {OBJECTS[story.object][0]}"
    if rng.random() < 0.75:
        thing = f"{thing} '{story.name[0]}'" if rng.random() < 0.5 else f"{story.name[0]} {thing}"
    action = rng.choice(ACTIONS[story.action][0])
    extra = story.detail[0] if rng.random() < 0.6 else ""
    if partner and story.partner is not None:
        extra = f"{_with_particle(COMPANIES[story.partner][0], '와')} {extra}".strip()
    forms = [
        f"{company} {extra} {thing} {action}",
        f"{company} {_with_particle(thing, '를')} {action}{rng.choice(SEPARATORS)} {extra}",
        f"{thing} {action}{rng.choice(SEPARATORS)}{canonical} {extra}",
        f'{company} "{thing} {action}" {extra}',
        f"{extra} {thing}, {company} {action}",
    ]
    title = rng.choice(forms)
    if rng.random() < 0.15:
        title = f"{rng.choice(KOREAN_TAGS)} {title}"
    return " ".join(title.replace(" ,", ",").split())


def _with_particle(word: str, particle: str) -> str:
    """``word`` with the particle's form its last syllable takes (삼성전자가, 카카오와, 칩을)."""
    last = word.rstrip("'\"")[-1]
    closed = "가" <= last <= "힣" and (ord(last) - ord("가")) % 28 != 0
    if closed or last.isdigit():
        particle = {"가": "이", "는": "은", "를": "을", "와": "과"}.get(particle, particle)
    return word + particle


def _english_title(rng: random.Random, story: Story, outlet: str, partner: bool) -> str:
    _, _, company = COMPANIES[story.company]
    thing = f"{QUALIFIERS[story.qualifier][1]} {OBJECTS[story.object][1]}"
    if rng.random() < 0.75:
        thing = f"{thing} {story.name[1]}" if rng.random() < 0.5 else f"{story.name[1]} {thing}"
    action = rng.choice(ACTIONS[story.action][1])
    extra = f"in {story.detail[1]}" if rng.random() < 0.6 else ""
    if partner and story.partner is not None:
        extra = f"with {COMPANIES[story.partner][2]} {extra}".strip()
    forms = [
        f"{company} {action} {thing} {extra}",
        f"{company} {action} its {thing} {extra}",
        f"{thing.capitalize()}: {company} {action} it {extra}",
        f"{company}'s {thing} — the company {action} it {extra}",
        f"{company} {action} {thing}, {extra}",
    ]
    title = rng.choice(forms).rstrip(", ")
    if rng.random() < 0.1:
        title = f"{rng.choice(ENGLISH_TAGS)} {title}"
    if rng.random() < 0.2:
        title = f"{title} - {outlet}"
    return " ".join(title.split())


@dataclass(frozen=True, slots=True)
class Accuracy:
    precision: float
    recall: float
    true_pairs: int
    found_pairs: int
    right_pairs: int


def pairwise_accuracy(
    groups: Sequence[Sequence[DigestCandidate]], labels: dict[int, int]
) -> Accuracy:
    """Precision and recall over pairs of headlines: found together vs truly one story."""
    cells: Counter[tuple[int, int]] = Counter()
    for number, group in enumerate(groups):
        for candidate in group:
            cells[number, labels[candidate.headline.id]] += 1
    found = sum(_pairs(len(group)) for group in groups)
    true = sum(_pairs(size) for size in Counter(labels.values()).values())
    right = sum(_pairs(size) for size in cells.values())
    return Accuracy(
        precision=right / found if found else 1.0,
        recall=right / true if true else 1.0,
        true_pairs=true,
        found_pairs=found,
        right_pairs=right,
    )


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def _timed(run: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def _timed_runs(run: Callable[[], Any], repeat: int) -> tuple[Any, list[float]]:
    """The last run's result and every run's time in seconds."""
    result, seconds = None, []
    for _ in range(repeat):
        result, elapsed = _timed(run)
        seconds.append(elapsed)
    return result, seconds


def _ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:.0f} ms median, {min(seconds) * 1000:.0f} ms best"


def _load() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def _topics() -> list[Topic]:
    return bundled_catalogue()[1]


def _renderer() -> Callable[[Digest], Any] | None:
    """cogs.common.embeds.digest_messages bound to a Korean server's settings, if it exists yet."""
    try:
        from cogs.common import embeds
    except ImportError:
        return None
    render = getattr(embeds, "digest_messages", None)
    if not callable(render):
        return None
    settings = GuildSettings(guild_id=1, language="ko")

    def render_digest(digest: Digest) -> Any:
        return render(digest, settings, part_footer=lambda index, total: f"{index + 1}/{total}")

    return render_digest


def arrive(candidates: Sequence[DigestCandidate]) -> list[DigestCandidate]:
    """The candidates with the story ids a StoryIndex gave them as they arrived, in the
    order they were published: what the feeds and imports store with each headline."""
    index = StoryIndex()
    return [
        replace(candidate, story_id=index.add(candidate))
        for candidate in sorted(candidates, key=_published)
    ]


def _published(candidate: DigestCandidate) -> datetime:
    return candidate.headline.published_at


def run(headlines: int, sources: int, seed: int, repeat: int) -> None:
    print(f"load average before: {_load()} ({os.cpu_count()} CPUs), {repeat} runs each")
    week, built = _timed(lambda: build_week(headlines, sources, seed))
    candidates: list[DigestCandidate] = week.candidates
    print(
        f"synthetic week: {len(candidates):,} headlines, {week.stories:,} stories, "
        f"{sources} outlets (built in {built:.2f} s)"
    )
    arrived, arrival = _timed_runs(lambda: arrive(candidates), repeat)
    accuracy = pairwise_accuracy(group_by_story_id(arrived) or [], week.labels)
    per_headline = statistics.median(arrival) / len(candidates) * 1e6
    print(
        f"arrival (StoryIndex.add in publication order): {_ms(arrival)}, "
        f"{per_headline:.0f} µs per headline, {len({c.story_id for c in arrived}):,} stories"
    )
    print(
        f"  pairwise precision {accuracy.precision:.3f} "
        f"({accuracy.right_pairs:,} right of {accuracy.found_pairs:,} pairs found)"
    )
    print(
        f"  pairwise recall    {accuracy.recall:.3f} "
        f"({accuracy.right_pairs:,} found of {accuracy.true_pairs:,} true pairs)"
    )
    # The digest reads the week newest first, as the database returns it.
    candidates = sorted(arrived, key=_published, reverse=True)
    topics = _topics()

    def compile_week() -> Digest:
        return compile_digest(
            candidates, guild_id=1, week=WEEK, language="ko", topics=topics, now=NOW
        )

    digest, compiling = _timed_runs(compile_week, repeat)
    tracemalloc.start()
    compile_week()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    items = sum(len(section.items) for section in digest.sections)
    print(
        f"compile_digest: {_ms(compiling)}, peak {peak / 2**20:.1f} MiB traced, "
        f"{len(digest.sections)} sections, {items} items"
    )
    render = _renderer()
    if render is None:
        print("render: skipped (cogs.common.embeds.digest_messages does not exist yet)")
    else:
        messages, rendering = _timed_runs(lambda: render(digest), repeat)
        print(f"render: {_ms(rendering)}, {len(messages)} messages")
        both = [a + b for a, b in zip(compiling, rendering, strict=True)]
        print(f"compile + render: {_ms(both)}")
    print(f"load average after: {_load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--headlines", type=int, default=20_000)
    parser.add_argument("--sources", type=int, default=300)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing")
    args = parser.parse_args()
    run(args.headlines, args.sources, args.seed, max(args.repeat, 1))


if __name__ == "__main__":
    main()
