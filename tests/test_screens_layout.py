"""Layout facts at 80x24 and at larger sizes: every field of a form can be seen and typed
into, a chosen option reads without colour, headers and tables fit the width they have."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from fieldcoach import queries, services

from tests.helpers import make_app, settle

EXPECTATIONS = ["Research the account's last quarter results", "Name the buyer's top priority",
                "Plan the opening question"]


def shown(screen, widget) -> bool:
    """True when the widget is on screen and is what the terminal shows at its middle
    (not clipped away by its container, not under another widget)."""
    region = widget.region
    if not region or not screen.region.contains_region(region):
        return False
    hit, _ = screen.get_widget_at(region.x + region.width // 2, region.y + region.height // 2)
    return hit is widget or widget in hit.ancestors


@pytest.fixture
def rep_with_prep(store):
    rep_id = services.add_rep(store, "Priya Shah", "Account Executive", "London North")
    services.set_expectations(store, rep_id, EXPECTATIONS)
    return rep_id


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_prep_answer_shows_its_label_and_field(store, db_path, rep_with_prep, size):
    from screens.precall import PreCallScreen

    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        app.push_screen(PreCallScreen(rep_id=rep_with_prep))
        await settle(app, pilot)
        screen = app.screen
        for i, text in enumerate(EXPECTATIONS):
            answer = screen.query_one(f"#prep{i}", Input)
            answer.focus()
            await settle(app, pilot)
            assert shown(screen, answer), f"answer {i + 1} is not visible at {size}"
            label = answer.parent.children[answer.parent.children.index(answer) - 1]
            assert text in str(label.render())
            assert shown(screen, label), f"the label of answer {i + 1} is not visible at {size}"
            await pilot.press(*f"answer {i}")
        assert [screen.query_one(f"#prep{i}", Input).value for i in range(3)] == \
            ["answer 0", "answer 1", "answer 2"]
