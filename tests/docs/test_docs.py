"""The README a newcomer reads in a minute, and the docs it links: true to the code they describe."""

import re

from conftest import ROOT

from content.registry import PAGES

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_lists_every_page_in_teaching_order_with_its_idea():
    listed = re.findall(r"^\d+\. `/([\w-]*)` \*\*(.+?)\*\*: (.+)\.$", README, flags=re.MULTILINE)
    assert listed == [(p.url_path, p.title, p.idea) for p in PAGES]


def test_the_readme_states_the_two_commands_and_ci_runs_the_test_command():
    assert "pip install -r requirements.txt && bash scripts/serve.sh -s\n```" in README
    assert "```bash\nbash scripts/test.sh\n```" in README
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_document_the_readme_links_exists_and_is_short_enough_to_read():
    linked = re.findall(r"\]\((docs/[\w./-]+)\)", README)
    assert {"docs/home.png", "docs/links.md", "docs/serving.md", "docs/performance.md", "docs/testing.md"} <= set(
        linked
    )
    assert all((ROOT / path).is_file() for path in linked)
    assert len(README.splitlines()) <= 60


def test_the_serving_guide_names_only_options_the_launcher_has():
    guide = (ROOT / "docs" / "serving.md").read_text(encoding="utf-8")
    options = set(re.findall(r"`(-[a-z]) ", guide))
    launcher = (ROOT / "scripts" / "serve.sh").read_text(encoding="utf-8")
    assert options and all(re.search(rf"^#   {flag} ", launcher, flags=re.MULTILINE) for flag in options)
