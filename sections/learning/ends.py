"""Where training takes γ and β: the lesson's step (the class predicts, then sees every step's γ and β), the
task with its optimum γ*, β*, what went wrong if anything did, and γ, β and the loss at the end."""

from contextlib import nullcontext

import numpy as np
import streamlit as st

from bnviz.experiments.training.ends import last_epoch_mean, settled
from bnviz.figures.learning import ends_figure
from bnviz.numbers import sig
from content import learning as say
from content.learning import BETA_LEARNED, BETA_STAR, END_KEY, GAMMA_LEARNED, GAMMA_STAR, end_prediction, quoted
from ui import classroom
from ui.classroom import predict_first
from ui.live import shared_chart


def predicted(settings, channel: int, batch_id: tuple, ask) -> bool:
    """Whether the class has said where γ and β will go (always, outside classroom mode). Asked again for
    another task, channel, batch or training; in `ask`, the lesson's prompt, when the step stands on one screen."""
    end = end_prediction(settings.task, channel, settings.gamma0, settings.beta0)
    with ask if ask is not None else nullcontext():
        return predict_first(end.key, end.question, end.choices, about=(settings, channel, batch_id))


def ends_revealed(data, settings, exp, hist, channel: int, places: dict, where) -> None:
    """The lesson's result beside its prompt: every step's γ and β, and the answer with why."""
    with where:
        shared_chart(ends_figure, exp, hist, channel, height=290, key="learn_ends", by=(data, settings, channel))
        classroom.reveal(END_KEY, say.where_they_end(exp, hist, channel), say.end_why(exp, hist, channel, places))


def the_task(exp, gamma_star, beta_star, channel: int, places: dict) -> None:
    """The task's loss, what it asks of γ and β on this channel, and where γ*, β* come from."""
    with st.container(border=True):
        st.latex(say.loss_formula(exp.settings.task))
        story, why = say.explain_task(exp, gamma_star, beta_star, channel, places)
        st.markdown(story)
        if why:
            st.caption(why)
        st.caption(say.OPTIMUM_COMPUTED)


def how_it_went(exp, hist, gamma_star, beta_star, channel: int) -> None:
    """A warning if the training diverged; a note if the channel is constant or γ, β have not settled yet."""
    if hist.diverged_at is not None:
        st.warning(say.diverged(hist.diverged_at + 1, exp.settings.lr))
    elif not np.isfinite(gamma_star[channel]):
        st.info(say.constant_channel(channel))
    elif not settled(exp, hist, gamma_star, beta_star, channel):
        st.info(say.NOT_SETTLED)


def end_metrics(exp, hist, ends: dict, places: dict, channel: int) -> None:
    """γ, β (beside γ*, β*) and the loss, each the mean of the last epoch."""
    m1, m2, m3 = st.columns(3)
    for box, symbol, learned, star in ((m1, "γ", GAMMA_LEARNED, GAMMA_STAR), (m2, "β", BETA_LEARNED, BETA_STAR)):
        box.metric(  # the row of the channel in the table below, to its decimals (an ASCII minus, as there)
            say.learned_label(symbol),
            quoted(ends[learned][channel], places[learned], "-"),
            f"{star} = {quoted(ends[star][channel], places[star], '-')}",
            delta_color="off",
            delta_arrow="off",
        )
    m3.metric(  # losses to four significant digits, as the replay's loss readout
        say.LOSS_LEARNED,
        sig(last_epoch_mean(exp, hist, "loss")[channel]),
        say.first_step(sig(hist.loss[0, channel])),
        delta_color="off",
        delta_arrow="off",
    )
