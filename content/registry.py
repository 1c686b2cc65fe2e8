"""The app's pages in teaching order: the one list that the navigation (app.py), the home page's route,
the lesson plan, classroom mode's Previous / Next and the tests all read.

Plain data, no streamlit: a page is named by its URL path ("" is the start page), a section of a page by
its heading's anchor.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    """One page: its file under pages/, its title in the navigation, icon, URL path and one-line idea."""

    file: str
    title: str
    icon: str
    url_path: str
    idea: str
    teacher_only: bool = False  # left out of a student's session (ui.classroom.student)


PAGES = (
    PageInfo(
        "pages/home.py",
        "Start here",
        ":material/home:",
        "",
        "γ and β to move at once, the formula, and the questions this app answers",
    ),
    PageInfo(
        "pages/batch.py",
        "Make a batch",
        ":material/grid_on:",
        "batch",
        "shape your own activations, channel by channel",
    ),
    PageInfo(
        "pages/steps.py",
        "Step through BN",
        ":material/stairs:",
        "steps",
        "mean, centre, variance, normalize, scale, shift, with your numbers",
    ),
    PageInfo(
        "pages/gamma-beta.py",
        "Drag γ and β",
        ":material/tune:",
        "gamma-beta",
        "what they are, and how they can give back the input",
    ),
    PageInfo(
        "pages/learning.py",
        "Watch them learned",
        ":material/trending_down:",
        "learning",
        "γ and β move smoothly while batch statistics jump",
    ),
    PageInfo(
        "pages/network.py",
        "Why BN helps",
        ":material/hub:",
        "network",
        "the same network trained without BN, with BN, and with BN but no γ and β",
    ),
    PageInfo(
        "pages/real-network.py",
        "In a real network",
        ":material/grid_view:",
        "real-network",
        "a small CNN on real handwritten digits, with and without BN, γ and β",
    ),
    PageInfo(
        "pages/questions.py",
        "Learners' questions",
        ":material/help:",
        "questions",
        "short answers, each with an experiment",
    ),
    PageInfo(
        "pages/teach.py", "For teachers", ":material/school:", "teach", "a 45-minute lesson plan with its links", True
    ),
)
BY_URL = {page.url_path: page for page in PAGES}


def page_file(url_path: str) -> str:
    """The file of the page at `url_path` ("" for the start page); KeyError for a page the app does not have."""
    return BY_URL[url_path].file


# A link's parameter that names the section to bring into view: `gamma-beta?section=peaks` opens /gamma-beta
# scrolled to the heading whose anchor is "peaks" (ui/section.js). Streamlit's page links carry no
# `#fragment`, and a heading scrolls itself to a fragment at every redraw, so the section travels as this.
SECTION = "section"


def to_section(anchor: str) -> dict[str, str]:
    """The parameters of a link that opens its page at the heading `anchor`."""
    return {SECTION: anchor}
