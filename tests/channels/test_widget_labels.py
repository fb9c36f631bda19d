"""The chat widget's own words (web/widget/widget.js LABELS) in English and Spanish,
and the facts it shows (GET /chat/config) in each language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from channels.web import widget_config
from triage.language import LANGUAGES

WIDGET = Path(__file__).resolve().parents[2] / "web" / "widget" / "widget.js"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def labels(source: str = "") -> dict:
    source = source or WIDGET.read_text(encoding="utf-8")
    found = re.search(r"/\* labels-begin \*/(.*?)/\* labels-end \*/", source, re.S)
    assert found, "widget.js has no LABELS table between /* labels-begin */ and /* labels-end */"
    return json.loads(found.group(1))


def problems(table: dict) -> list:
    """What is wrong with a label table: a language or label missing, empty, or other placeholders."""
    found = [f"languages {sorted(table)} are not {sorted(LANGUAGES)}"] if set(table) != set(LANGUAGES) else []
    english = table.get("en", {})
    for language, words in table.items():
        for key in english:
            if not str(words.get(key) or "").strip():
                found.append(f"{language}: {key} missing or empty")
            elif sorted(PLACEHOLDER.findall(words[key])) != sorted(PLACEHOLDER.findall(english[key])):
                found.append(f"{language}: {key} has other placeholders than English")
        found += [f"{language}: {key} is not in English" for key in words if key not in english]
    return found


def test_every_label_is_in_english_and_spanish_with_the_same_placeholders():
    table = labels()
    assert problems(table) == []
    assert len(table["en"]) >= 40


def test_a_broken_table_is_caught():
    table = labels()
    broken = {"en": dict(table["en"]), "es": dict(table["es"])}
    del broken["es"]["send"]
    broken["es"]["show_all_steps"] = "Ver todos los pasos"
    broken["es"]["extra"] = "sobra"
    assert problems(broken) == [
        "es: send missing or empty",
        "es: show_all_steps has other placeholders than English",
        "es: extra is not in English",
    ]


def test_spanish_is_written_not_copied():
    table = labels()
    same = [key for key in table["en"] if table["en"][key] == table["es"][key]]
    assert same == []
    assert table["en"]["language_name"] == "English" and table["es"]["language_name"] == "Español"
    # "usted", never "tú": no informal imperatives or pronouns in the widget's words
    informal = re.compile(r"\b(tú|tu|tus|escribe|llena|manda|puedes|necesitas|quieres)\b", re.I)
    assert [v for v in table["es"].values() if informal.search(v)] == []


def test_every_label_the_code_uses_is_in_the_table():
    source = WIDGET.read_text(encoding="utf-8")
    table = labels(source)
    used = set(re.findall(r"\bt\(\"(\w+)\"", source))
    identifiers = set(re.findall(r'words: "(\w+)"', source))  # the identifier warning's kinds
    assert used and identifiers == {"date_of_birth", "ssn", "record_number", "card_number"}
    assert (used | identifiers) - set(table["en"]) == set()
    code = re.sub(r"/\* labels-begin \*/.*?/\* labels-end \*/", "", source, flags=re.S)
    unused = {key for key in table["en"] if f'"{key}"' not in code}
    assert unused == set(), f"labels no code uses: {unused}"


def test_the_choice_words_are_the_ones_the_conversation_step_takes():
    """The button sends its language's name; content/languages.yml must read it as that choice."""
    from triage.language import decide

    table = labels()
    for language in LANGUAGES:
        decision = decide("en" if language == "es" else "es", False, table[language]["language_name"])
        assert decision.chose and decision.language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_widget_facts_in_each_language(language):
    config = widget_config(language)
    english = widget_config("en")
    assert set(config) == set(english)
    assert all(isinstance(v, str) and v for v in config.values())
    assert (config["phone"], config["emergency"], config["crisis"]) == (english["phone"], "911", "988")
    if language == "es":
        assert config["hours"] != english["hours"] and config["unavailable"] != english["unavailable"]
        assert config["phone"] in config["unavailable"]
