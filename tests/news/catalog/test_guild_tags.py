"""GuildTagger: what one server's own additions find in a shared headline, beyond the tags every
server sees; subjects, not passing mentions, as ingest tags."""

from dataclasses import replace

import pytest

from news.catalog.analysis import HeadlineAnalyser
from news.catalog.guild_tags import GuildTagger, with_own_tags
from news.catalog.recognition import CompanyRecognizer, TopicRecognizer
from news.core.models import Company, NewHeadline
from testkit.catalogue import bundled_catalogue
from tests.news.alerts.test_matching import NOW

BUNDLED, TOPICS = bundled_catalogue()
NVIDIA = next(c for c in BUNDLED if c.name == "엔비디아")
ROBOT = Company(9000, "가상로봇", "Fictobot")
GUILD = 5


def tagger(*, alias: str | None = None, company: Company | None = None) -> GuildTagger:
    """A server that gave 엔비디아 the alias and/or added the company."""
    catalogue = [c for c in BUNDLED if c.id != NVIDIA.id]
    nvidia = NVIDIA if alias is None else replace(NVIDIA, aliases=(*NVIDIA.aliases, alias))
    catalogue.append(nvidia)
    additions = []
    if alias is not None:
        additions.append(Company(NVIDIA.id, alias, alias))
    if company is not None:
        catalogue.append(company)
        additions.append(company)
    companies = CompanyRecognizer(catalogue)
    analyser = HeadlineAnalyser(companies, TopicRecognizer(TOPICS))
    return GuildTagger(additions, analyser, companies)


@pytest.fixture(scope="module")
def green() -> GuildTagger:
    return tagger(alias="녹색팀", company=ROBOT)


def test_an_alias_of_a_bundled_company_tags_it(green: GuildTagger) -> None:
    assert green.own_tags("녹색팀, 새 칩 공개", "", shared=()) == (NVIDIA.id,)


def test_an_added_company_is_tagged(green: GuildTagger) -> None:
    assert green.own_tags("Fictobot raises a round", "", shared=()) == (ROBOT.id,)


def test_nothing_is_added_when_no_addition_is_named(green: GuildTagger) -> None:
    assert green.own_tags("엔비디아, 새 칩 공개", "", shared=()) == ()


def test_a_tag_every_server_sees_already_is_not_repeated(green: GuildTagger) -> None:
    assert green.own_tags("녹색팀(엔비디아), 새 칩 공개", "", shared=(NVIDIA.id,)) == ()


def test_a_passing_mention_is_no_tag(green: GuildTagger) -> None:
    assert green.own_tags("A startup backed by Fictobot ships a robot", "", shared=()) == ()


def test_with_own_tags_pairs_each_server_with_its_companies(green: GuildTagger) -> None:
    headline = NewHeadline("녹색팀, 새 칩 공개", None, "", "ko", NOW)

    tagged = with_own_tags(headline, [(GUILD, green), (GUILD + 1, tagger())])

    assert tagged.guild_company_ids == ((GUILD, NVIDIA.id),)
