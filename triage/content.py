"""Content files: reading and validating ``content/*.yml`` (cached per process).

The schema and the checks are in ``triage.content_schema``. Every loader here
reads one or more YAML files, validates them against their model and checks that
their placeholders resolve in the main content.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable, List, Optional, Type, TypeVar

import yaml

from triage.content_schema import (
    SMS_CHOICE_PLACEHOLDERS,
    SMS_CONTACT_PLACEHOLDERS,
    AgentWording,
    Content,
    ServiceTexts,
    SmsTexts,
    Strict,
    placeholder_errors,
)

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

Model = TypeVar("Model", bound=Strict)


def _directory(content_dir: Optional[str]) -> Path:
    return Path(content_dir) if content_dir else CONTENT_DIR


def _read_yaml(directory: Path, name: str):
    with open(directory / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _raise_if(errors: List[str]) -> None:
    if errors:
        raise ValueError("; ".join(errors))


def read_raw(content_dir: Path = CONTENT_DIR) -> dict:
    def load(name: str):
        return _read_yaml(content_dir, name)

    organization = load("organization.yml")
    return {
        "sources": load("sources.yml"),
        "organization": organization["organization"],
        "regions": organization["regions"],
        "places": organization["places"],
        "hours": organization["hours"],
        "contacts": organization["contacts"],
        "departments": organization["departments"],
        "values": load("values.yml"),
        "routes": load("routes.yml"),
        "definitions": load("definitions.yml"),
        "messages": load("messages.yml"),
        "vocabulary": load("vocabulary.yml"),
        "rights": load("rights.yml"),
    }


def parse(raw: dict) -> Content:
    return Content.parse_obj(raw)


@lru_cache(maxsize=4)
def load_content(content_dir: Optional[str] = None) -> Content:
    """Load and validate the content files (cached: they are read once per process)."""
    return parse(read_raw(_directory(content_dir)))


def _load_texts(
    model: Type[Model],
    name: str,
    content_dir: Optional[str],
    also_known: Optional[Callable[[str, str, str], bool]] = None,
    more_errors: Optional[Callable[[Model], List[str]]] = None,
) -> Model:
    """Read ``content/<name>.yml`` into ``model``; its placeholders (under ``<name>.``)
    must resolve in the main content or be ``also_known``; ``more_errors``: the file's own checks."""
    texts = model.parse_obj(_read_yaml(_directory(content_dir), f"{name}.yml"))
    errors = placeholder_errors({name: texts}, dict(load_content(content_dir)), also_known=also_known)
    if more_errors is not None:
        errors += more_errors(texts)
    _raise_if(errors)
    return texts


def parse_agent_wording(raw: dict, content: Content) -> AgentWording:
    """Validate agent.yml against the main content: same questions, known placeholders."""
    wording = AgentWording.parse_obj(raw)
    errors: List[str] = []
    if set(wording.questions) != set(content.messages.questions):
        errors.append(f"questions must be exactly {sorted(content.messages.questions)}")
    if set(wording.script.rights_topics) != set(content.rights.topics):
        errors.append(f"script.rights_topics must be exactly {sorted(content.rights.topics)}")
    for fact, names in wording.fact_values.items():
        errors += [
            f"fact_values.{fact}.{v}: not in vocabulary" for v in names if v not in content.vocabulary.get(fact, {})
        ]
    values = {"contacts": content.contacts, "values": content.values, "hours": content.hours}
    errors += placeholder_errors({"agent": wording}, values)
    _raise_if(errors)
    return wording


@lru_cache(maxsize=4)
def load_agent_wording(content_dir: Optional[str] = None) -> AgentWording:
    return parse_agent_wording(_read_yaml(_directory(content_dir), "agent.yml"), load_content(content_dir))


@lru_cache(maxsize=4)
def load_sms_texts(content_dir: Optional[str] = None) -> SmsTexts:
    """Load and check ``content/sms.yml``; its placeholders must resolve in the content."""
    return _load_texts(
        SmsTexts,
        "sms",
        content_dir,
        also_known=lambda where, kind, ref: (
            not ref
            and (
                (where.startswith("sms.choice") and kind in SMS_CHOICE_PLACEHOLDERS)
                or (where.startswith("sms.contact") and kind in SMS_CONTACT_PLACEHOLDERS)
            )
        ),
        more_errors=_sms_choice_errors,
    )


def _sms_choice_errors(texts: SmsTexts) -> List[str]:
    choice = texts.choice.get()
    errors = [] if "{n}" in choice and "{label}" in choice else ["sms.choice: needs {n} and {label}"]
    if "other" not in texts.more:
        errors.append("sms.more: needs 'other' (the hint for any part kind)")
    for where, text in [("contact", texts.contact), ("contact_hours", texts.contact_hours)] + [
        (f"contact_short.{kind}", text) for kind, text in texts.contact_short.items()
    ]:
        if "{value}" not in text.get():
            errors.append(f"sms.{where}: needs {{value}}")
    return errors


@lru_cache(maxsize=4)
def load_service_texts(content_dir: Optional[str] = None) -> ServiceTexts:
    """Load and check ``content/service.yml``; its placeholders must resolve in the content."""
    return _load_texts(ServiceTexts, "service", content_dir)
