"""str() of a Text: the program's language (English unless the command line set the reader's
with --lang), never a language of its own; each command runs in its reader's language."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from deliberation.cli import main
from deliberation.i18n import _, current_lang, series, using_lang


def test_str_is_english_unless_the_program_chose_a_language() -> None:
    assert current_lang() == "en"
    assert str(_("Next")) == "Next"
    assert f"{series([_('Next'), _('Back')])}" == "Next, Back"


@pytest.mark.parametrize(("lang", "word"), [("zh-Hans", "下一步"), ("zh-Hant", "下一步"),
                                            ("en", "Next")])
def test_str_follows_the_language_in_force(lang: str, word: str) -> None:
    text = _("Step {n} of {total}: {name}").format(n=1, total=2, name=_("Next"))
    with using_lang(lang):
        assert f"{_('Next')}" == word
        assert str(text) == text.get(lang)
    assert str(text) == "Step 1 of 2: Next"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"), using_lang("fr"):
        pass
    assert current_lang() == "en"


def test_a_thread_keeps_its_own_language() -> None:
    seen: list[str] = []
    with using_lang("zh-Hant"):
        worker = threading.Thread(target=lambda: seen.append(str(_("Next"))))
        worker.start()
        worker.join()
        assert str(_("Next")) == "下一步"
    assert seen == ["Next"]  # a new thread starts in the default, not in another's language


def test_each_command_runs_in_its_readers_language(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import deliberation.commands.show as show

    during: list[str] = []
    real = show.render

    def spy(*args: Any, **kwargs: Any) -> str:
        during.append(current_lang())
        return real(*args, **kwargs)

    monkeypatch.setattr(show, "render", spy)
    assert main(["show", "four-deliberations", "--lang", "zh-Hant"]) == 0
    assert main(["show", "four-deliberations"]) == 0
    capsys.readouterr()
    assert during == ["zh-Hant", "zh-Hans"]  # show's --lang defaults to zh-Hans
    assert current_lang() == "en"  # and nothing is left behind after the command
