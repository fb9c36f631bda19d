"""Write the printable guided script for call-center agents (`make script`).

Output: build/script/guided-script.html and build/script/guided-script.md for an
English-speaking caller, guided-script-es.html and guided-script-es.md for a
Spanish-speaking one (what to say and ask in Spanish, the agent's headings in
English), generated from content/*.yml (never edit them by hand).
`--language en` (or `es`) writes one of them only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from triage.content import load_agent_wording, load_content
from triage.guided_script import build_script, to_html, to_markdown
from triage.language import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "script")
    parser.add_argument("--language", choices=LANGUAGES, help="the caller's language (default: each)")
    args = parser.parse_args()
    content, wording = load_content(), load_agent_wording()
    args.out.mkdir(parents=True, exist_ok=True)
    for language in [args.language] if args.language else LANGUAGES:
        script = build_script(content, wording, language)
        if script.unreached:
            print(f"answers no branch reaches: {script.unreached}", file=sys.stderr)
            return 1
        name = "guided-script" if language == "en" else f"guided-script-{language}"
        (args.out / f"{name}.html").write_text(to_html(script), encoding="utf-8")
        (args.out / f"{name}.md").write_text(to_markdown(script), encoding="utf-8")
        print(
            f"Guided script ({language}): {args.out / name}.html and {name}.md "
            f"({len(script.requests)} requests, {len(script.answers)} answers)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
