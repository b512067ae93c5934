"""parse_roundup: the Korean column read exactly, and the common structure of other layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from news.archive.parser import parse_roundup
from news.core.errors import ImportRejected
from news.core.models import ParsedHeadline, ParsedRoundup

FIXTURES = Path(__file__).parent / "fixtures"


def parse_fixture(name: str, *, filename: str | None = None) -> ParsedRoundup:
    return parse_roundup((FIXTURES / name).read_text(encoding="utf-8"), filename=filename)


def titles(roundup: ParsedRoundup) -> list[list[str]]:
    return [[headline.title for headline in section.headlines] for section in roundup.sections]


def all_headlines(roundup: ParsedRoundup) -> list[ParsedHeadline]:
    return [headline for section in roundup.sections for headline in section.headlines]


def headline_titled(roundup: ParsedRoundup, title: str) -> ParsedHeadline:
    return next(headline for headline in all_headlines(roundup) if headline.title == title)


def skipped_reasons(roundup: ParsedRoundup) -> dict[int, str]:
    return {line.line_no: line.reason for line in roundup.skipped}


@pytest.fixture(scope="module")
def example() -> ParsedRoundup:
    return parse_fixture("korean_column_example.txt")


# --- The example of ROUNDUP_FORMAT.md, exactly -------------------------------------------


def test_example_is_read_as_a_korean_column(example: ParsedRoundup) -> None:
    assert example.format == "korean-column"


def test_example_headline_titles_are_exact_in_three_sections(example: ParsedRoundup) -> None:
    assert titles(example) == [
        [
            "마이크로소프트, 자체 AI 가속기 '코발트 2' 공개",
            "“칩 없이는 AI도 없다”...구글, TPU 생산 두 배로",
        ],
        ["엔비디아의 고객들이 칩을 만드는 이유", '젠슨 황 "수요는 여전히 공급을 앞선다"'],
        [
            "삼성-네이버, 추론 칩 공동 개발...내년 양산 목표",
            "AI 반도체 스타트업 대표가 말하는 생존법",
        ],
    ]


def test_example_column_tags_are_taken_off_the_titles(example: ParsedRoundup) -> None:
    assert [headline.tag for headline in all_headlines(example)] == [
        None,
        None,
        "심층분석",
        None,
        None,
        "디지털피플",
    ]


def test_example_headlines_keep_their_line_numbers(example: ParsedRoundup) -> None:
    assert [headline.line_no for headline in all_headlines(example)] == [6, 7, 11, 12, 16, 17]


def test_example_byline_gives_publisher_and_author(example: ParsedRoundup) -> None:
    assert (example.publisher, example.author) == ("테크위클리", "김하늘")


def test_example_byline_is_stripped_from_the_first_paragraph(example: ParsedRoundup) -> None:
    assert example.sections[0].paragraphs == (
        "이번 주 테크 업계의 관심은 클라우드 3사의 AI 칩 경쟁에 쏠렸다. 마이크로소프트가 자체 "
        "설계한 가속기를 공개하자 구글과 아마존도 잇따라 로드맵을 내놨다.",
    )


def test_example_each_section_has_its_one_paragraph(example: ParsedRoundup) -> None:
    assert [len(section.paragraphs) for section in example.sections] == [1, 1, 1]
    assert example.sections[2].paragraphs[0].startswith("국내에선 삼성과 네이버가")


def test_example_footer_gives_the_copyright_owner(example: ParsedRoundup) -> None:
    assert example.copyright == "테크위클리 (TechWeekly)"


def test_example_captions_and_footer_are_the_only_skipped_lines(example: ParsedRoundup) -> None:
    assert skipped_reasons(example) == {1: "photo caption", 2: "photo caption", 19: "footer"}


def test_example_has_no_title(example: ParsedRoundup) -> None:
    assert example.title is None


# --- Korean column variants ----------------------------------------------------------------


@pytest.fixture(scope="module")
def variants() -> ParsedRoundup:
    return parse_fixture("korean_column_variants.txt")


def test_bullets_indented_by_nbsp_bom_or_ideographic_space_are_headlines(
    variants: ParsedRoundup,
) -> None:
    assert titles(variants)[0] == [
        "한결반도체, 차세대 노광 장비 10대 선주문",
        "“장비가 없으면 공장도 없다”...미래소자, 증설 연기",
        "클린룸 안에서 본 장비 전쟁",
        "장비 국산화율 30% 돌파...정부 “지원 확대”",
    ]


def test_interpunct_dot_bullet_and_newspaper_emoji_bullets_are_headlines(
    variants: ParsedRoundup,
) -> None:
    assert titles(variants)[1] == [
        "소재 3사, 다음 달부터 가격 8% 인상",
        "장기 계약 늘리는 고객사들",
        '바람소재 대표 "원가 부담은 이제 시작"',
    ]


def test_byline_with_equals_sign_gives_publisher_and_author(variants: ParsedRoundup) -> None:
    assert (variants.publisher, variants.author) == ("넥스트포스트", "이도윤")


def test_repeated_line_without_credit_mid_article_is_a_caption(variants: ParsedRoundup) -> None:
    assert skipped_reasons(variants)[8] == "photo caption"
    assert skipped_reasons(variants)[9] == "photo caption"
    assert all("조립 라인" not in p for s in variants.sections for p in s.paragraphs)


def test_parenthesised_photo_credit_is_a_caption(variants: ParsedRoundup) -> None:
    assert skipped_reasons(variants)[17] == "photo caption"


def test_circled_c_footer_with_spaced_wording_gives_the_owner(variants: ParsedRoundup) -> None:
    assert variants.copyright == "넥스트포스트"
    assert skipped_reasons(variants)[19] == "footer"


@pytest.fixture(scope="module")
def headlines_first() -> ParsedRoundup:
    return parse_fixture("korean_column_headlines_first.txt")


def test_headlines_before_any_paragraph_make_a_section_without_paragraphs(
    headlines_first: ParsedRoundup,
) -> None:
    first = headlines_first.sections[0]
    assert first.paragraphs == ()
    assert [headline.title for headline in first.headlines] == [
        "첫 줄부터 나오는 헤드라인, 단락 없이 시작",
        "두 번째 헤드라인",
    ]


def test_news_agency_byline_gives_publisher_and_author(headlines_first: ParsedRoundup) -> None:
    assert (headlines_first.publisher, headlines_first.author) == ("한빛통신", "정하람")
    assert headlines_first.sections[1].paragraphs == ("두 헤드라인 뒤에 첫 단락이 온다.",)


def test_image_and_graphic_credits_are_captions(headlines_first: ParsedRoundup) -> None:
    assert skipped_reasons(headlines_first)[8] == "photo caption"
    assert skipped_reasons(headlines_first)[9] == "photo caption"


def test_english_copyright_notice_gives_the_owner_without_year(
    headlines_first: ParsedRoundup,
) -> None:
    assert headlines_first.copyright == "Hanbit Tongsin"


def test_short_repeated_headlines_are_both_kept() -> None:
    roundup = parse_roundup("단락이다.\nㆍ같은 제목\nㆍ같은 제목\n")
    assert titles(roundup) == [["같은 제목", "같은 제목"]]


def test_bracket_inside_a_korean_title_is_not_a_tag() -> None:
    roundup = parse_roundup("단락이다.\nㆍ구글 [단독] 발표\n")
    assert (all_headlines(roundup)[0].title, all_headlines(roundup)[0].tag) == (
        "구글 [단독] 발표",
        None,
    )


def test_korean_title_keeps_spaced_dash() -> None:
    roundup = parse_roundup("단락이다.\nㆍ한빛 - 새 칩 공개\n")
    assert all_headlines(roundup)[0] == ParsedHeadline(title="한빛 - 새 칩 공개", line_no=2)


# --- Markdown -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def newsletter() -> ParsedRoundup:
    return parse_fixture("weekly_newsletter.md")


def test_markdown_layout_is_detected(newsletter: ParsedRoundup) -> None:
    assert newsletter.format == "markdown"


def test_front_matter_gives_title_and_author(newsletter: ParsedRoundup) -> None:
    assert (newsletter.title, newsletter.author) == ("Cloud & Chips Weekly #42", "Robin Park")


def test_unused_front_matter_keys_are_reported(newsletter: ParsedRoundup) -> None:
    assert skipped_reasons(newsletter)[6] == "front matter"
    assert skipped_reasons(newsletter)[7] == "front matter"


def test_source_notes_at_the_top_are_metadata(newsletter: ParsedRoundup) -> None:
    assert skipped_reasons(newsletter)[1] == "metadata"
    assert skipped_reasons(newsletter)[2] == "metadata"


def test_headings_name_the_sections_without_their_emoji(newsletter: ParsedRoundup) -> None:
    assert [section.title for section in newsletter.sections] == [
        None,
        "Top Stories",
        "AI",
        "Story 1: Northwind Cloud bets on small reactors",
        "Reading",
    ]


def test_bold_sentence_lead_is_the_title_and_the_rest_the_summary(
    newsletter: ParsedRoundup,
) -> None:
    headline = newsletter.sections[1].headlines[0]
    assert headline.title == "Northwind Cloud signed a nuclear power deal"
    assert headline.summary == "that covers its new region for twenty years"


def test_bold_lead_followed_by_a_comma_drops_the_comma(newsletter: ParsedRoundup) -> None:
    assert newsletter.sections[1].headlines[1].summary == "a first for the company"


def test_short_bold_label_leaves_the_whole_line_as_title(newsletter: ParsedRoundup) -> None:
    assert newsletter.sections[1].headlines[2].title == "Acme: still silent on pricing"


def test_markdown_link_gives_title_and_exact_url(newsletter: ParsedRoundup) -> None:
    headline = newsletter.sections[2].headlines[0]
    assert headline.title == "Bluefin Labs ships a faster inference chip"
    assert headline.url == "https://news.example.com/bluefin?utm_source=weekly&utm_medium=email"


def test_text_after_spaced_colon_is_the_summary(newsletter: ParsedRoundup) -> None:
    assert newsletter.sections[2].headlines[0].summary == "Twice the throughput at the same power."


def test_column_tag_inside_link_text_is_a_tag(newsletter: ParsedRoundup) -> None:
    headline = newsletter.sections[2].headlines[1]
    assert (headline.tag, headline.title) == ("Release notes", "Orbit SDK 3.0 is out")


def test_br_line_below_an_item_is_its_summary(newsletter: ParsedRoundup) -> None:
    assert newsletter.sections[2].headlines[1].summary == "Streaming APIs and a smaller runtime."


def test_indented_colon_lines_below_an_item_are_its_summary(newsletter: ParsedRoundup) -> None:
    assert newsletter.sections[2].headlines[2].summary == (
        "The team of five will hire researchers and open a lab in Busan."
    )


def test_nested_items_add_to_the_summary(newsletter: ParsedRoundup) -> None:
    headline = newsletter.sections[2].headlines[3]
    assert (headline.title, headline.summary) == (
        "Vectorly - a tiny vector database",
        "Written in Rust; MIT licensed",
    )


def test_navigation_lines_are_skipped(newsletter: ParsedRoundup) -> None:
    assert skipped_reasons(newsletter)[10] == "navigation"
    assert skipped_reasons(newsletter)[38] == "navigation"


def test_issue_meta_line_is_skipped(newsletter: ParsedRoundup) -> None:
    assert skipped_reasons(newsletter)[12] == "metadata"


def test_images_and_rules_are_skipped(newsletter: ParsedRoundup) -> None:
    assert skipped_reasons(newsletter)[36] == "image"
    assert skipped_reasons(newsletter)[22] == "horizontal rule"


def test_numbered_story_heading_is_the_headline_of_its_section(
    newsletter: ParsedRoundup,
) -> None:
    story = newsletter.sections[3]
    assert [headline.title for headline in story.headlines] == [
        "Northwind Cloud bets on small reactors"
    ]
    assert story.paragraphs[0].startswith("What happened: Northwind Cloud signed")


def test_source_link_below_a_story_gives_it_its_url(newsletter: ParsedRoundup) -> None:
    assert newsletter.sections[3].headlines[0].url == "https://news.example.com/northwind-reactors"


def test_items_listed_after_a_colon_paragraph_are_commentary(newsletter: ParsedRoundup) -> None:
    assert newsletter.sections[3].paragraphs[1:] == (
        "Why it matters:",
        "Power is now the scarcest input for new regions",
        "Other clouds will have to follow",
    )


def test_prompt_section_gives_no_headline_and_is_reported(newsletter: ParsedRoundup) -> None:
    reasons = skipped_reasons(newsletter)
    assert {reasons[line] for line in range(51, 60) if line in reasons} == {
        "not news (prompt or code)"
    }
    assert not any("implications" in h.title.lower() for h in all_headlines(newsletter))


def test_numbered_list_items_are_headlines(newsletter: ParsedRoundup) -> None:
    assert titles(newsletter)[-1] == [
        "Why data centers cluster near rivers",
        "A short history of the server rack",
    ]


def test_code_fence_is_skipped_even_outside_a_prompt_section() -> None:
    roundup = parse_roundup("## News\n\n- [Real](https://a.example)\n\n```\n- fake item\n```\n")
    assert titles(roundup) == [["Real"]]
    assert skipped_reasons(roundup) == dict.fromkeys((5, 6, 7), "not news (prompt or code)")


def test_first_level_one_heading_is_the_title() -> None:
    roundup = parse_roundup("# Weekly 7\n\n## AI\n\n- [One](https://a.example)\n")
    assert (roundup.title, roundup.sections[0].title) == ("Weekly 7", "AI")


def test_emphasis_is_stripped_from_titles() -> None:
    roundup = parse_roundup("## News\n\n- **Bold** and _italic_ and `code` news\n")
    assert titles(roundup) == [["Bold and italic and code news"]]


def test_emphasis_glued_to_words_leaves_a_space() -> None:
    roundup = parse_roundup("## News\n\n- **[Acme ships](https://a.example)**with a new chip\n")
    assert all_headlines(roundup)[0].summary == "with a new chip"


def test_markdown_escapes_in_urls_are_undone() -> None:
    roundup = parse_roundup("## News\n\n- [Acme](https://a.example/?x=1\\&y=2)\n")
    assert all_headlines(roundup)[0].url == "https://a.example/?x=1&y=2"


def test_link_text_with_brackets_and_url_with_parentheses() -> None:
    roundup = parse_roundup("## News\n\n- [My setup [not a joke]](https://w.example/Foo_(bar))\n")
    headline = all_headlines(roundup)[0]
    assert (headline.title, headline.url) == (
        "My setup [not a joke]",
        "https://w.example/Foo_(bar)",
    )


def test_md_filename_forces_markdown() -> None:
    roundup = parse_roundup("intro\n\n- one story\n", filename="week.md")
    assert roundup.format == "markdown"


# --- Link lists and plain text --------------------------------------------------------------


@pytest.fixture(scope="module")
def link_list() -> ParsedRoundup:
    return parse_fixture("link_list.txt")


def test_link_list_layout_is_detected(link_list: ParsedRoundup) -> None:
    assert link_list.format == "link-list"


def test_title_dash_url_gives_title_and_url(link_list: ParsedRoundup) -> None:
    headline = headline_titled(link_list, "Storage prices fall again")
    assert headline.url == "https://links.example.com/storage-prices"


def test_title_with_url_in_parentheses_gives_title_and_url(link_list: ParsedRoundup) -> None:
    headline = headline_titled(link_list, "Kestrel OS drops support for old laptops")
    assert headline.url == "https://links.example.com/kestrel-os"


def test_url_alone_after_a_title_belongs_to_that_title(link_list: ParsedRoundup) -> None:
    headline = headline_titled(link_list, "A field guide to ARM servers")
    assert (headline.url, headline.line_no) == ("https://links.example.com/arm-guide", 5)


@pytest.fixture(scope="module")
def plain() -> ParsedRoundup:
    return parse_fixture("plain_newsletter.txt")


def test_plain_text_layout_is_detected(plain: ParsedRoundup) -> None:
    assert plain.format == "text"


def test_lead_colon_paragraphs_are_headlines(plain: ParsedRoundup) -> None:
    assert titles(plain) == [["Merger off", "New silicon", "App store fight"]]
    assert plain.sections[0].headlines[1].summary.startswith("Bluefin Labs launched")


def test_long_prose_paragraphs_are_commentary(plain: ParsedRoundup) -> None:
    assert len(plain.sections[0].paragraphs) == 2


# --- HTML -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_column() -> ParsedRoundup:
    return parse_fixture("korean_column.html")


def test_html_is_detected_without_a_filename(html_column: ParsedRoundup) -> None:
    assert html_column.format == "html"


def test_html_column_reads_like_the_text_column(html_column: ParsedRoundup) -> None:
    assert titles(html_column) == [
        [
            "한빛클라우드, 소형 원전 전력 20년 계약",
            "“전기가 곧 경쟁력”...푸른데이터, 변전소 직접 짓는다",
        ],
        ["전기료가 클라우드 요금을 밀어 올린다", '에너지 스타트업 대표 "송전망이 진짜 병목"'],
    ]


def test_html_links_give_urls_with_entities_decoded(html_column: ParsedRoundup) -> None:
    urls = [headline.url for headline in html_column.sections[0].headlines]
    assert urls == ["https://example.com/news/101", "https://example.com/news/102?a=1&b=2"]


def test_html_byline_heading_and_footer(html_column: ParsedRoundup) -> None:
    assert (html_column.publisher, html_column.author) == ("데이터포스트", "박소연")
    assert html_column.title == "[주간 클라우드] 데이터센터 전력 확보전"
    assert html_column.copyright == "데이터포스트"


def test_html_figcaption_nav_and_page_footer_are_skipped(html_column: ParsedRoundup) -> None:
    reasons = {line.text: line.reason for line in html_column.skipped}
    assert reasons["변전소 전경 [사진=셔터스톡]"] == "photo caption"
    assert reasons["회사소개 | 광고문의"] == "page footer"
    assert "navigation" in reasons.values()


def test_html_scripts_and_styles_leave_no_text(html_column: ParsedRoundup) -> None:
    texts = [line.text for line in html_column.skipped] + [
        paragraph for section in html_column.sections for paragraph in section.paragraphs
    ]
    assert not any("window.ads" in text or "margin" in text for text in texts)


def test_html_list_items_with_breaks_give_title_url_and_summary() -> None:
    page = (
        "<h2>AI</h2><ul><li><a href='https://a.example/1'>Acme &amp; Co ship</a>"
        "<br>A faster chip.</li><li><a href='https://a.example/2'>Beta raises</a></li></ul>"
    )
    roundup = parse_roundup(page, filename="week.html")
    assert [(h.title, h.url, h.summary) for h in all_headlines(roundup)] == [
        ("Acme & Co ship", "https://a.example/1", "A faster chip."),
        ("Beta raises", "https://a.example/2", ""),
    ]


def test_html_code_blocks_are_not_news() -> None:
    page = "<h2>AI</h2><ul><li>Real story</li></ul><pre>- fake item\n- another</pre>"
    roundup = parse_roundup(page, filename="week.htm")
    assert titles(roundup) == [["Real story"]]
    assert {line.reason for line in roundup.skipped} == {"not news (prompt or code)"}


def test_html_with_broken_marked_sections_is_still_read() -> None:
    page = "<p>단락이다.</p><![if !IE]><p>ㆍ제목</p><![ broken <p>ㆍ둘째</p>"
    assert titles(parse_roundup(page, filename="week.html")) == [["제목", "둘째"]]


def test_korean_column_saved_as_markdown_reads_the_same(example: ParsedRoundup) -> None:
    text = (FIXTURES / "korean_column_example.txt").read_text(encoding="utf-8")
    as_markdown = parse_roundup(text, filename="column.md")
    assert (as_markdown.sections, as_markdown.skipped) == (example.sections, example.skipped)


# --- Rejections and reporting -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\u200b\ufeff"])
def test_empty_text_is_rejected(text: str) -> None:
    with pytest.raises(ImportRejected):
        parse_roundup(text)


def test_binary_garbage_is_rejected_as_not_text() -> None:
    with pytest.raises(ImportRejected, match="binary"):
        parse_roundup("PK\x03\x04\x00\x00\x08\x00" * 50)


def test_prose_without_headlines_is_rejected_saying_what_was_expected() -> None:
    with pytest.raises(ImportRejected, match="ㆍ"):
        parse_roundup("이번 주에는 별일이 없었다.\n\n다음 주에 다시 만나자.")


def test_skipped_text_is_cut_to_200_characters() -> None:
    caption = "가" * 250 + " [사진: 셔터스톡]"
    roundup = parse_roundup(f"{caption}\n단락이다.\nㆍ제목\n")
    assert roundup.skipped[0].text == "가" * 200


def test_zero_width_characters_and_runs_of_spaces_leave_titles() -> None:
    roundup = parse_roundup("단락이다.\nㆍ삼성\u200b전자,   새   칩\u2060 공개 \n")
    assert all_headlines(roundup)[0].title == "삼성전자, 새 칩 공개"


def test_crlf_line_endings_keep_line_numbers() -> None:
    roundup = parse_roundup("단락이다.\r\n\r\nㆍ제목\r\n")
    assert all_headlines(roundup)[0].line_no == 3


# --- newsletters: top lists, promos, read-more links, lead paragraphs -----------------------


@pytest.fixture(scope="module")
def circuit() -> ParsedRoundup:
    return parse_fixture("newsletter_top_list.md")


def test_top_list_repeating_the_sections_is_stored_once(circuit: ParsedRoundup) -> None:
    assert titles(circuit) == [
        [
            "Harbor Labs opens its robot arm SDK",
            "Quill ships offline maps",
            "Changelog: sync",
            "Changelog: search",
        ],
        [],
        ["Tern Bank fined over outage"],
    ]


def test_the_sectioned_copy_keeps_its_section_and_summary(circuit: ParsedRoundup) -> None:
    assert [section.title for section in circuit.sections] == ["Products", None, "Policy"]
    assert (
        headline_titled(circuit, "Quill ships offline maps").summary == "Maps now work on planes."
    )


def test_links_that_differ_by_fragment_are_different_items(circuit: ParsedRoundup) -> None:
    urls = [h.url for h in all_headlines(circuit)]
    assert "https://docs.example/changes#sync" in urls
    assert "https://docs.example/changes#search" in urls


def test_items_without_links_under_a_paragraph_are_its_points(circuit: ParsedRoundup) -> None:
    assert len(circuit.sections[1].paragraphs) == 3
    assert not circuit.sections[1].headlines


def test_sponsor_job_and_footnote_blocks_are_skipped_with_reasons(circuit: ParsedRoundup) -> None:
    reasons = skipped_reasons(circuit)
    assert reasons[23] == reasons[25] == reasons[26] == "sponsor"  # "Together with …" section
    assert reasons[32] == "sponsor"  # "(Sponsored)" in a title
    assert reasons[34] == reasons[36] == reasons[38] == "sponsor"  # a "Sponsored" block
    assert reasons[42] == reasons[44] == "job ads"
    assert reasons[48] == "footnotes and appendix"


def test_read_more_link_is_skipped_not_a_headline(circuit: ParsedRoundup) -> None:
    assert skipped_reasons(circuit)[31] == "read more link"


def test_a_story_headed_jobs_is_still_a_story() -> None:
    roundup = parse_roundup(
        "## Apple cuts 600 jobs in its car unit after the project ends\n\n"
        "[Original](https://news.example/apple-jobs)\n",
        filename="a.md",
    )
    assert all_headlines(roundup)[0].url == "https://news.example/apple-jobs"


@pytest.fixture(scope="module")
def review() -> ParsedRoundup:
    return parse_fixture("lead_paragraph_review.txt")


def test_lead_paragraph_format_gives_one_headline_per_story(review: ParsedRoundup) -> None:
    assert titles(review) == [
        ["Pinecrest's smart ring is dead.", "Marlow vs. Tessel", "Orbit 2 arrives"],
        ["Arcade goes quiet"],
    ]
    assert review.sections[0].paragraphs[0].startswith("Welcome back")


def test_trailing_read_more_leaves_the_summary_and_gives_its_link(review: ParsedRoundup) -> None:
    arcade = headline_titled(review, "Arcade goes quiet")
    assert arcade.url == "https://review.example/pixel-forge"
    assert not arcade.summary.endswith(("more", ")"))
    assert sorted(skipped_reasons(review)) == [3, 5, 6, 10]


def test_template_braces_around_a_link_are_dropped() -> None:
    roundup = parse_roundup("## 뉴스\n\n- [모델 공개]({https://models.example/m1}) : 요약\n")
    assert all_headlines(roundup)[0].url == "https://models.example/m1"


def test_html_published_time_is_read_with_its_offset() -> None:
    page = (
        '<html><head><meta property="article:published_time" content="2026-11-25T18:05:00+09:00">'
        '</head><body><h2>AI</h2><ul><li><a href="https://a.example/1">A story</a></li></ul>'
        "</body></html>"
    )
    published = parse_roundup(page, filename="p.html").published_at
    assert published is not None
    assert published.isoformat() == "2026-11-25T18:05:00+09:00"


@pytest.fixture(scope="module")
def link_table() -> ParsedRoundup:
    return parse_fixture("korean_link_table.md")


def test_table_of_links_gives_headlines_in_the_sections_its_column_names(
    link_table: ParsedRoundup,
) -> None:
    assert [s.title for s in link_table.sections if s.headlines] == ["AI", "보안"]
    assert titles(link_table)[-2:] == [
        ["에이전트 프레임워크 공개", "추론 칩 시제품"],
        ["긴급 패치 배포"],
    ]
    assert headline_titled(link_table, "에이전트 프레임워크 공개").summary == "오픈소스로 공개"


def test_no_markup_is_left_in_table_titles(link_table: ParsedRoundup) -> None:
    assert all("<" not in h.title and "[" not in h.title for h in all_headlines(link_table))
