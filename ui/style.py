"""The app's own CSS, beyond the theme in .streamlit/config.toml. A module constant: no user input."""

# KaTeX ends a sub- or superscript with a 2 px strut (.vlist-s) that a -2 px margin (.vlist-t2) takes
# back from the layout but not from the scroll width: a display formula ending in one (μ_B, x_i)
# scrolls by 2 px, a scroll region no keyboard can reach (axe: scrollable-region-focusable). Without
# the strut and its margin the formula is drawn the same, and fits.
# The span: st.html would send a style-only snippet to the event container (see ui.classroom.setup).
CSS = """<style>
.katex .vlist-s { width: 0; min-width: 0; }
.katex .vlist-t2 { margin-right: 0; }
</style><span class="bnviz-style"></span>"""
