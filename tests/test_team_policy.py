"""The works-agreement file: defaults when absent, refusal of anything it does not know."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldcoach.errors import UserError
from fieldcoach.team.policy import FIGURES, Policy, load_policy


def test_no_file_means_no_rep_detail_and_every_figure(tmp_path: Path) -> None:
    p = load_policy(str(tmp_path / "none.toml"))
    assert p == Policy()
    assert p.rep_detail is False
    assert p.figures == tuple(FIGURES)


def test_file_switches_rep_detail_on_and_narrows_figures(tmp_path: Path) -> None:
    f = tmp_path / "policy.toml"
    f.write_text('[team_view]\nrep_detail = true\nfigures = ["gap", "minutes"]\n'
                 '[retention]\naudit_log_days = 90\n', encoding="utf-8")
    p = load_policy(str(f))
    assert p.rep_detail is True
    assert p.figures == ("minutes", "gap")
    assert p.audit_log_days == 90
    assert not p.shows("coverage")


@pytest.mark.parametrize("body, says", [
    ("[team_view]\nrep_detial = true\n", "unknown setting team_view.rep_detial"),
    ("[team_view]\nrep_detail = \"yes\"\n", "true or false"),
    ("[team_view]\nfigures = [\"ranking\"]\n", "unknown figure ranking"),
    ("[retention]\naudit_log_days = -1\n", "audit_log_days"),
    ("[team_view\n", "not valid TOML"),
])
def test_a_mistyped_file_is_refused_with_one_line(tmp_path: Path, body: str, says: str) -> None:
    f = tmp_path / "policy.toml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_policy(str(f))
    assert says in str(err.value)
    assert "\n" not in str(err.value)
