"""WCAG 2 contrast ratio of two CSS colours as getComputedStyle reports them."""

from __future__ import annotations

import re


def _channels(css: str):
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)[:3]]
    if len(numbers) != 3:
        raise ValueError(f"not an rgb() colour: {css!r}")
    return numbers


def _luminance(css: str) -> float:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
