"""The records-request letter, built from content/rights.yml. No Rasa imports.

The letter cites HIPAA (45 CFR 164.524) and the state's own law, and fills in
only what the chat already knows (the records wanted, paper or electronic). The
person's name, birth date, record number, address and signature are always
blanks: the assistant never asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Union

from triage.content_schema import Content
from triage.engine import default_region
from triage.rights import laws_cited

Part = Union[str, dict]
BLANK = "________________"


@dataclass(frozen=True)
class LetterDraft:
    title: str
    parts: List[Part]  # text, or {"blank": id, "label": label}
    laws: List[str]
    region: Optional[str] = None  # whose ROI it is addressed to

    @property
    def text(self) -> str:
        """The letter as plain text, each blank a line to write on."""
        return "".join(p if isinstance(p, str) else BLANK for p in self.parts)

    @property
    def blanks(self) -> List[str]:
        return [p["blank"] for p in self.parts if isinstance(p, dict)]

    def payload(self) -> dict:
        """The ``custom`` payload rich channels show as a fillable letter."""
        return {
            "type": "letter",
            "title": self.title,
            "parts": list(self.parts),
            "text": self.text,
            "region": self.region,
        }


# The word between two laws cited ("45 CFR 164.524 and RCW 70.02"), by language.
AND = {"en": " and ", "es": " y "}


def join_laws(laws: List[str], language: str = "en") -> str:
    return AND.get(language, AND["en"]).join(laws)


def record_label(
    content: Content, language: str, record_kind: Optional[str], imaging_kind: Optional[str]
) -> Optional[str]:
    """What the letter calls the records the person named (images first)."""
    names = content.rights.letter.record_names
    for value in (imaging_kind, record_kind):
        if value and value in names:
            return names[value].get(language)
    return None


def build_letter(
    content: Content,
    fill,
    jurisdiction: Optional[str] = None,
    record_kind: Optional[str] = None,
    imaging_kind: Optional[str] = None,
    copy_format: Optional[str] = None,
    language: str = "en",
    region: Optional[str] = None,
) -> LetterDraft:
    """``fill(text, **runtime)`` renders a content text (the Renderer's). ``region``:
    whose ROI the letter is addressed to (default: the default region's)."""
    spec = content.rights.letter
    region = region or default_region(content)
    laws = laws_cited(content, jurisdiction)
    known = {
        "records": record_label(content, language, record_kind, imaging_kind),
        "format": spec.formats[copy_format].get(language) if copy_format in spec.formats else None,
    }
    parts: List[Part] = []
    for line in spec.lines:
        if line.regions is not None and region not in line.regions:
            continue  # another region's address
        if line.text is not None:
            parts.append(fill(line.text, laws=join_laws(laws, language)))
        else:
            assert line.label is not None  # LetterLine: a line without text has a label
            label = line.label.get(language)
            value = known.get(line.known) if line.known else None
            parts.append(f"{label}: ")
            parts.append(value if value else {"blank": line.blank, "label": label})
        parts.append("\n")
    return LetterDraft(spec.title.get(language), parts[:-1], laws, region)
