from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from news.archive.articles import extract_article
from news.archive.importing import RoundupBuilder, article_import_request
from news.archive.parser import parse_roundup
from news.core.errors import InvalidInput

PAGE_URL = "https://press.example.kr/news/articleView.html?idxno=5001"

COLUMN_PAGE = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8">
<title>주간 클라우드 정리 - 예시일보</title>
<meta property="og:title" content="[주간 클라우드] 데이터센터 전력 확보전">
<meta property="og:site_name" content="예시일보">
<meta property="article:published_time" content="2026-03-16T07:30:00+09:00">
</head><body>
<header><nav><a href="/">홈</a> <a href="/it">IT</a> <a href="/login">로그인</a></nav></header>
<div class="side-box"><h3>많이 본 뉴스</h3>
<ul><li><a href="/news/1">배우 결혼 소식</a></li><li><a href="/news/2">주말 날씨</a></li></ul></div>
<article id="article-view-content-div">
<h1>[주간 클라우드] 데이터센터 전력 확보전</h1>
<figure><img src="/photo.jpg"><figcaption>데이터센터 전경 [사진: 예시일보]</figcaption></figure>
<p>[예시일보 박나래 기자] 이번 주 클라우드 업계는 전력 확보 경쟁으로 분주했다. 아마존과 구글이
원자력 발전 계약을 잇따라 발표했고, 국내 사업자도 대응에 나섰다.</p>
<p>ㆍ<a href="/news/articleView.html?idxno=4990">아마존, 소형 원자로 전력 장기 계약</a><br>
ㆍ<a href="https://press.example.kr/news/articleView.html?idxno=4991"
>구글, 지열 발전 투자 확대</a></p>
<p>전력이 곧 경쟁력이 되면서 데이터센터 입지 선정 기준도 달라지고 있다. 업계는 송전망 확충이
관건이라고 본다.</p>
<p>ㆍ<a href="/news/articleView.html?idxno=4995">[심층분석]데이터센터가 지방으로 가는 이유</a></p>
<p>ㆍ<a href="/news/articleView.html?idxno=4996">네이버, 세종 데이터센터 증설</a></p>
<p>저작권자 © 예시일보 무단전재 및 재배포 금지</p>
</article>
<div class="comment-area"><h3>댓글</h3>
<p>정리 감사합니다. 매주 잘 보고 있어요, 다음 주도 기대합니다.</p></div>
<footer><p>회사소개 | 개인정보처리방침 | 서울특별시 중구</p></footer>
</body></html>
"""


def test_column_page_keeps_paragraphs_and_bullet_lines_with_absolute_links() -> None:
    text = extract_article(COLUMN_PAGE, url=PAGE_URL).text
    assert (
        "ㆍ[아마존, 소형 원자로 전력 장기 계약]"
        "(https://press.example.kr/news/articleView.html?idxno=4990)\n"
        "ㆍ[구글, 지열 발전 투자 확대]" in text
    )
    assert "\n\n전력이 곧 경쟁력이 되면서" in text


def test_sidebar_comments_navigation_and_captions_are_left_out() -> None:
    text = extract_article(COLUMN_PAGE, url=PAGE_URL).text
    for unwanted in ("많이 본 뉴스", "배우 결혼", "정리 감사합니다", "로그인", "회사소개", "전경"):
        assert unwanted not in text


def test_column_page_imports_as_a_korean_column() -> None:
    roundup = parse_roundup(extract_article(COLUMN_PAGE, url=PAGE_URL).text)
    assert roundup.format == "korean-column"
    assert [len(section.headlines) for section in roundup.sections] == [2, 2]
    assert roundup.author == "박나래"
    assert roundup.sections[0].headlines[0].url == (
        "https://press.example.kr/news/articleView.html?idxno=4990"
    )


def test_metadata_gives_title_day_and_publisher() -> None:
    article = extract_article(COLUMN_PAGE, url=PAGE_URL)
    assert article.title == "[주간 클라우드] 데이터센터 전력 확보전"
    assert article.site_name == "예시일보"
    # 07:30 in Seoul is the previous evening in UTC: the publisher's own day counts.
    assert article.published == date(2026, 3, 16)


def test_json_ld_supplies_date_and_publisher_when_meta_tags_are_missing() -> None:
    page = """<html><head><title>Weekly recap</title>
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "NewsArticle", "headline": "This week in chips",
       "datePublished": "2026-02-20T18:00:00Z",
       "publisher": {"@type": "Organization", "name": "Example Wire"}}]}</script>
    </head><body><article><p>Foundries raised prices again this week, and two more
    chip designers said they would move orders overseas.</p></article></body></html>"""
    article = extract_article(page, url="https://wire.example.com/recap")
    assert (article.title, article.published, article.site_name) == (
        "This week in chips",
        date(2026, 2, 20),
        "Example Wire",
    )


def test_title_falls_back_to_the_page_title() -> None:
    page = "<html><head><title> Plain  page </title></head><body><p>" + "word " * 20 + "</p>"
    assert extract_article(page, url="https://x.example/").title == "Plain page"


def test_text_in_a_div_with_line_breaks_is_kept_line_by_line() -> None:
    page = """<html><body><div class="menu"><a href="/a">A</a> <a href="/b">B</a></div>
    <div id="news_body">
    반도체 업계는 이번 주에도 증설 계획을 내놓았다, 수요가 여전하다는 판단이다.<br>
    ㆍ메모리 가격 석 달 연속 상승<br>ㆍ파운드리 가동률 회복</div></body></html>"""
    text = extract_article(page, url="https://x.example/").text
    assert text.splitlines() == [
        "반도체 업계는 이번 주에도 증설 계획을 내놓았다, 수요가 여전하다는 판단이다.",
        "ㆍ메모리 가격 석 달 연속 상승",
        "ㆍ파운드리 가동률 회복",
    ]


def test_list_items_become_dash_lines_unless_they_carry_a_bullet() -> None:
    page = """<html><body><article><p>Three things happened this week, in order of size.</p>
    <ul><li><a href="/one">First thing</a></li><li>• Second thing</li></ul>
    </article></body></html>"""
    text = extract_article(page, url="https://x.example/posts/").text
    assert "- [First thing](https://x.example/one)\n\n• Second thing" in text


def test_page_without_text_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        extract_article("<html><body><script>app()</script></body></html>", url="https://x/")


def test_published_time_keeps_the_time_of_day_in_the_publishers_offset() -> None:
    article = extract_article(COLUMN_PAGE, url=PAGE_URL)
    assert article.published_at == datetime(2026, 3, 16, 7, 30, tzinfo=timezone(timedelta(hours=9)))


def test_json_ld_date_published_gives_the_time_of_day() -> None:
    page = """<html><head><script type="application/ld+json">
    {"@type": "NewsArticle", "datePublished": "2026-02-20T18:05:00Z"}</script></head>
    <body><article><p>Foundries raised prices again this week, and two more chip designers
    said they would move orders overseas.</p></article></body></html>"""
    article = extract_article(page, url="https://wire.example.com/recap")
    assert article.published_at == datetime(2026, 2, 20, 18, 5, tzinfo=UTC)


def test_time_element_gives_the_time_when_metadata_has_none() -> None:
    page = """<html><body><article><p>Posted <time datetime="2026-02-19T21:40:00-05:00">Feb
    19</time></p><p>Foundries raised prices again this week, and two more chip designers said
    they would move orders overseas.</p></article></body></html>"""
    article = extract_article(page, url="https://wire.example.com/recap")
    assert article.published_at == datetime(2026, 2, 20, 2, 40, tzinfo=UTC)


def test_a_bare_date_gives_no_time_of_day() -> None:
    page = """<html><head><meta property="article:published_time" content="2026-02-20">
    </head><body><article><p>Foundries raised prices again this week, and two more chip
    designers said they would move orders overseas.</p></article></body></html>"""
    article = extract_article(page, url="https://wire.example.com/recap")
    assert (article.published, article.published_at) == (date(2026, 2, 20), None)


def test_import_of_a_fetched_article_keeps_its_time_of_day() -> None:
    article = extract_article(COLUMN_PAGE, url=PAGE_URL)
    request = article_import_request(1, article, day=None, title=None)
    roundup = RoundupBuilder([], []).prepare(request, date(2026, 4, 1)).roundup
    assert roundup.published_at == datetime(2026, 3, 15, 22, 30, tzinfo=UTC)
    assert roundup.week == "2026-W12"


@pytest.mark.parametrize("depth", [600, 5000])
def test_a_page_nested_thousands_of_divs_deep_is_read_without_recursion_error(depth: int) -> None:
    prose = "<p>Foundries raised prices again this week, and chip designers moved orders.</p>"
    nested = "<div>" * depth + prose + "</div>" * depth
    page = f"<html><body><article>{prose}{nested}{prose}</article></body></html>"
    assert extract_article(page, url="https://x.example/").text.count("Foundries") == 3
