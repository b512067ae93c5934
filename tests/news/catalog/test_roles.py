"""A company or product named as the tool or the ground of someone else's work is a passing
mention, in English and Korean (news.catalog.roles); where it acts, it stays the subject."""

import pytest

from news.catalog.analysis import HeadlineAnalyser
from news.catalog.recognition import CompanyRecognizer, TopicRecognizer, prepare
from news.catalog.roles import is_how_to
from news.language.korean import shared_analyser
from testkit.catalogue import bundled_catalogue

COMPANIES, TOPICS = bundled_catalogue()
NAMES = {company.id: company.name for company in COMPANIES}


@pytest.fixture(scope="module")
def analyser() -> HeadlineAnalyser:
    return HeadlineAnalyser(CompanyRecognizer(COMPANIES), TopicRecognizer(TOPICS))


def subjects(analyser: HeadlineAnalyser, title: str, summary: str = "") -> list[str]:
    return [NAMES[c] for c in analyser.analyse(title, summary).company_ids]


def mentions(analyser: HeadlineAnalyser, title: str, summary: str = "") -> list[str]:
    return [NAMES[c] for c in analyser.analyse(title, summary).mention_ids]


# --- how-to titles --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "How to back up a home server every night",
        "A beginner's guide to vector databases",
        "Tutorial: streaming logs to a terminal",
        "Build a weather bot in an afternoon",
        "Run small language models on a laptop",
        "라즈베리파이로 가정용 서버 만들기",
        "로그를 한곳에 모으는 방법",
        "사내 위키 검색 설정하기",
    ],
)
def test_a_title_that_teaches_is_a_how_to(title: str) -> None:
    assert is_how_to(prepare(title), shared_analyser())


@pytest.mark.parametrize(
    "title",
    [
        "Build 2025: what the keynote announced",
        "Startups turn to open models",
        "How startups price their APIs",
        "배터리 업계, 전기",
        "정부, 데이터센터 전력 대책 발표",
    ],
)
def test_news_and_names_are_not_how_tos(title: str) -> None:
    assert not is_how_to(prepare(title), shared_analyser())


@pytest.mark.parametrize(
    "title",
    [
        "Build a kanban board in Figma",
        "How to page the on-call engineer with Slack",
        "피그마에서 와이어프레임 빠르게 만들기",
        "슬랙으로 배포 알림 받는 방법",
    ],
)
def test_a_company_after_a_preposition_in_a_how_to_is_the_platform(
    analyser: HeadlineAnalyser, title: str
) -> None:
    assert subjects(analyser, title) == []
    assert mentions(analyser, title) != []


@pytest.mark.parametrize(
    "title", ["Convert old iPad photos to a smaller format", "아이폰 사진 백업 자동화하기"]
)
def test_a_product_in_a_how_to_is_the_ground(analyser: HeadlineAnalyser, title: str) -> None:
    assert subjects(analyser, title) == []


def test_a_company_that_acts_in_a_how_to_stays_the_subject(analyser: HeadlineAnalyser) -> None:
    assert subjects(analyser, "How to read Slack's new pricing tiers") == ["슬랙"]


# --- a tool named by its model --------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "tool"),
    [
        ("Cutting inference costs in half with Nvidia A100 clusters", "엔비디아"),
        ("A translation app built using OpenAI GPT-4o", "오픈AI"),
        ("스타트업, 엔비디아 B200으로 자체 언어모델 학습", "엔비디아"),
        ("오픈AI의 GPT-4o를 활용한 회의록 요약 서비스 등장", "오픈AI"),
    ],
)
def test_a_company_named_by_its_model_as_a_tool_is_a_mention(
    analyser: HeadlineAnalyser, title: str, tool: str
) -> None:
    assert tool not in subjects(analyser, title)
    assert tool in mentions(analyser, title)


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        ("Hands-on with the Samsung Galaxy S25", "삼성전자"),
        ("Cloud startup signs a deal with Nvidia B200 supply in mind", "엔비디아"),
        ("엔비디아 H200으로 데이터센터 시장 공략", "엔비디아"),
        ("Chipmaker rivalry heats up as Microsoft diversifies with Anthropic Models", "앤트로픽"),
        ("스페이스X·xAI 합병으로 부채 부담 덜어", "xAI"),
    ],
)
def test_a_party_a_review_or_an_actor_stays_the_subject(
    analyser: HeadlineAnalyser, title: str, subject: str
) -> None:
    assert subject in subjects(analyser, title)


# --- an add-on for a company's product ------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "A Figma plugin that writes alt text",
        "Open-source Slack alternative reaches 1.0",
        "Docker MCP server lets agents manage containers",
        "노션용 플러그인으로 접근성 점검",
        "슬랙 연동 알림 봇 공개",
    ],
)
def test_an_add_on_for_a_company_s_product_is_a_mention(
    analyser: HeadlineAnalyser, title: str
) -> None:
    assert subjects(analyser, title) == []
    assert mentions(analyser, title) != []


def test_a_company_that_ships_an_add_on_stays_the_subject(analyser: HeadlineAnalyser) -> None:
    assert subjects(analyser, "Figma launches a plugin marketplace") == ["피그마"]


# --- a product as the ground of someone's use -----------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Twelve iPad shortcuts worth learning",
        "Logging every ChatGPT session to a spreadsheet",
        "What is on my iPhone home screen this year",
        "아이패드 꿀팁 열 가지",
        "맥북 환경 설정 정리",
    ],
)
def test_a_product_as_the_ground_of_someone_s_use_is_not_its_maker_s_news(
    analyser: HeadlineAnalyser, title: str
) -> None:
    assert subjects(analyser, title) == []


@pytest.mark.parametrize(
    ("title", "maker"), [("iPad sales slow in Europe", "애플"), ("아이패드 판매 급감", "애플")]
)
def test_a_product_in_the_news_still_stands_for_its_maker(
    analyser: HeadlineAnalyser, title: str, maker: str
) -> None:
    assert subjects(analyser, title) == [maker]


# --- the summary ----------------------------------------------------------------------------


def test_a_tool_in_the_summary_s_opening_is_not_a_subject(analyser: HeadlineAnalyser) -> None:
    found = subjects(
        analyser,
        "Faster protein folding at home",
        "A lab cut its training time with Nvidia H100 cards. The code is open.",
    )
    assert found == []


# --- the source of a figure -----------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Cloud spending will pass $1 trillion, according to Gartner",
        "가트너 조사에 따르면 올해 보안 예산 12% 증가",
        "가트너에 따르면 기업 10곳 중 4곳이 AI 에이전트 시범 도입",
    ],
)
def test_the_source_of_a_figure_is_a_mention(analyser: HeadlineAnalyser, title: str) -> None:
    assert subjects(analyser, title) == []
    assert mentions(analyser, title) == ["가트너"]


def test_an_analyst_firm_that_acts_stays_the_subject(analyser: HeadlineAnalyser) -> None:
    assert subjects(analyser, "Gartner buys a smaller research firm") == ["가트너"]
