import pytest
import yaml

from bot.crisis_line import NUMBER
from bot.sites import SiteError, load_registry
from bot.stack import ROOT


def write(tmp_path, data):
    path = tmp_path / "sites.yml"
    path.write_text(yaml.safe_dump(data))
    return path


SITE = {"id": "fed-west", "name": "Federation West", "origins": ["https://fed.example.org/"]}


def test_the_shipped_registry_loads():
    registry = load_registry(ROOT / "sites.yml")
    assert registry.get(registry.default) is not None



def test_a_valid_registry(tmp_path):
    registry = load_registry(write(tmp_path, {"default": "fed-west", "sites": [SITE]}))
    assert registry.origins == {"https://fed.example.org"}
    assert registry.get("fed-west").public()["colours"]["primary"] == "#1d3557"


@pytest.mark.parametrize("change, message", [
    ({"origins": ["fed.example.org"]}, "not an origin"),
    ({"origins": ["https://fed.example.org/page"]}, "not an origin"),
    ({"colours": {"primary": "blue"}}, "not a colour"),
    ({"id": "Bad Id"}, "id"),
    ({"crisis_number": "0800 000 000"}, "unknown key"),
    ({"contacts": [{"name": "Crisis", "phone": NUMBER}]}, "always shown"),
    ({"contacts": [{"name": "Crisis", "phone": "+44 " + NUMBER[1:]}]}, "always shown"),
])
def test_mistakes_are_refused_with_where_they_are(tmp_path, change, message):
    with pytest.raises(SiteError, match=message) as error:
        load_registry(write(tmp_path, {"default": "fed-west", "sites": [{**SITE, **change}]}))
    assert "sites.0" in str(error.value)


def test_default_must_exist_and_ids_be_unique(tmp_path):
    with pytest.raises(SiteError, match="default site"):
        load_registry(write(tmp_path, {"default": "nope", "sites": [SITE]}))
    with pytest.raises(SiteError, match="used twice"):
        load_registry(write(tmp_path, {"default": "fed-west", "sites": [SITE, SITE]}))


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(SiteError, match="cannot read"):
        load_registry(tmp_path / "missing.yml")
