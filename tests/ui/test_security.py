"""Security settings that must not drift: XSRF on, no tracebacks, no raw HTML from input."""

import re
import tomllib

from conftest import ROOT

CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
SOURCES = [p for d in ("pages", "sections", "ui", "bnviz") for p in (ROOT / d).rglob("*.py")] + [ROOT / "app.py"]


def test_xsrf_protection_stays_on():
    assert CONFIG["server"]["enableXsrfProtection"] is True


def test_learners_never_see_a_traceback():
    assert CONFIG["client"]["showErrorDetails"] == "none"


def test_usage_statistics_are_off():
    assert CONFIG["browser"]["gatherUsageStats"] is False


def test_no_unsafe_html_anywhere():
    offenders = [p.relative_to(ROOT) for p in SOURCES if "unsafe_allow_html" in p.read_text()]
    assert offenders == []


def test_raw_html_is_only_ever_a_constant():
    # st.html renders its argument as HTML: it may only receive a module-level constant.
    calls = {
        str(p.relative_to(ROOT)): re.findall(r"\bst(?:\.sidebar)?\.html\(([^)]*)\)", p.read_text()) for p in SOURCES
    }
    calls = {path: args for path, args in calls.items() if args}
    assert calls == {
        "ui/classroom.py": ["_CSS"],
        "app.py": [
            "links.HIDDEN_CSS + style.CSS",
            "links.ONE_ENTRY_PER_PAGE, unsafe_allow_javascript=True",
            "links.TO_SECTION, unsafe_allow_javascript=True",
        ],
    }  # module constants; the only scripts are the history's and the sections' (ui.links)


def test_the_agent_api_is_not_switched_on():
    assert "enableAgentApi" not in (ROOT / ".streamlit" / "config.toml").read_text()
