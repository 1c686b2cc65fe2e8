"""The batch statistics as a learner reads them: μ_B, σ²_B and σ_B written one way on every screen.

A learner always sees μ, σ² or σ with a subscript B (or "run" for the running statistics of eval
mode), never a typed underscore. Each place uses the form that its renderer draws as a subscript:

- Markdown, where Streamlit renders KaTeX between dollars: st.markdown, captions, alerts, widget
  labels and help, radio options, metrics, expander labels and st.table's headers and cells.
  MU_B, VAR_B, STD_B: `$\\mu_B$`, `$\\sigma_B^2$`, `$\\sigma_B$`.
- plotly's text (titles, axis titles, legend names, hover text, annotations), which draws
  <sub>…</sub>, and the live charts' labels (ui/live.js turns <sub>…</sub> into a subscript element,
  never parsing HTML). MU_B_SUB, VAR_B_SUB, STD_B_SUB: μ<sub>B</sub>, σ²<sub>B</sub>, σ<sub>B</sub>.
- Plain text, where neither renders (selectbox options, st.dataframe's headers, code blocks): the
  words "batch mean", "batch variance", "batch std", or PyTorch's names running_mean, running_var.
"""

from __future__ import annotations

# Markdown with KaTeX
MU_B = r"$\mu_B$"
VAR_B = r"$\sigma_B^2$"
STD_B = r"$\sigma_B$"
RECOVER_GAMMA = r"$\sqrt{\sigma_B^2 + \epsilon}$"  # the γ that gives the input back
X_HAT = r"$\hat x = (x - \mu_B)/\sqrt{\sigma_B^2 + \epsilon}$"
MU_RUN = r"$\mu_{run}$"
VAR_RUN = r"$\sigma_{run}^2$"

# plotly's text and the live charts' labels
MU_B_SUB = "μ<sub>B</sub>"
VAR_B_SUB = "σ²<sub>B</sub>"
STD_B_SUB = "σ<sub>B</sub>"
MU_RUN_SUB = "μ<sub>run</sub>"
VAR_RUN_SUB = "σ²<sub>run</sub>"
