"""Radio buttons and check lists whose chosen options read without colour.

Textual draws the same ● in every radio button and the same X in every check box, and
tells chosen from not chosen by colour alone; on a monochrome terminal, in bright
sunlight or for a colour-blind manager the choice cannot be read. Here a chosen option
carries its mark and an open one an empty box, and a chosen radio label is bold."""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.widgets import RadioButton, SelectionList
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import SelectionType

RADIO_ON, RADIO_OFF = "●", " "
CHECK_ON, CHECK_OFF = "✓", " "


class Choice(RadioButton):
    """A radio button showing ● when chosen and an empty box when not."""

    DEFAULT_CSS = """
    Choice.-on > .toggle--label { text-style: bold; }
    """

    @property
    def _button(self) -> Content:
        # Textual's ToggleButton._button with the inner character chosen by the value.
        button_style = self.get_visual_style("toggle--button")
        side_style = Style(foreground=button_style.background, background=self.background_colors[1])
        return Content.assemble(
            (self.BUTTON_LEFT, side_style),
            (RADIO_ON if self.value else RADIO_OFF, button_style),
            (self.BUTTON_RIGHT, side_style),
        )


class CheckList(SelectionList[SelectionType]):
    """A selection list showing ✓ in the box of each chosen option, an empty box otherwise."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        # SelectionList draws [left side, inner, right side, space, *prompt]; swap the inner.
        if len(segments) < 4 or segments[1].text != "X":
            return strip
        _, scroll_y = self.scroll_offset
        try:
            option = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:  # a line past the last option: drawn as it is
            return strip
        mark = CHECK_ON if option.value in self.selected else CHECK_OFF
        segments[1] = Segment(mark, segments[1].style, segments[1].control)
        return Strip(segments, strip.cell_length)
