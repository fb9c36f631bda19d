"""Write the printable guided script for call-center agents (`make script`).

Output: build/script/guided-script.html and build/script/guided-script.md,
generated from content/*.yml (never edit them by hand).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from triage.content import load_agent_wording, load_content
from triage.guided_script import build_script, to_html, to_markdown

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "script")
    args = parser.parse_args()
    script = build_script(load_content(), load_agent_wording())
    if script.unreached:
        print(f"answers no branch reaches: {script.unreached}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "guided-script.html").write_text(to_html(script), encoding="utf-8")
    (args.out / "guided-script.md").write_text(to_markdown(script), encoding="utf-8")
    print(
        f"Guided script: {args.out / 'guided-script.html'} and guided-script.md "
        f"({len(script.requests)} requests, {len(script.answers)} answers)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
