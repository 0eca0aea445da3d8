"""Tags from the gazetteer."""

from __future__ import annotations

import pytest

from forecasts.briefings.gazetteer import tags_for


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("Russian and Ukrainian officials met in Istanbul.", ["Russia", "Ukraine"]),
        ("Greek and Turkish ships in the Aegean.", ["Greece", "Turkey", "Aegean Sea"]),
        ("Chinese patrols in the South China Sea and the Taiwan Strait.",
         ["China", "South China Sea", "Taiwan Strait"]),
        ("intra-NATO cooperation and Russian-annexed Crimea", ["NATO", "Russia", "Crimea"]),
        ("The EU, the UN and OPEC+ met in the Sahel.", ["EU", "UN", "OPEC", "Sahel"]),
        ("Niger and Nigeria; the Russians and the Turks.",
         ["Niger", "Nigeria", "Russia", "Turkey"]),
        ("They told us about the Black Sea, Donbas and the Caucasus.",
         ["Black Sea", "Donbas", "Caucasus"]),
    ],
)
def test_tags_are_canonical_names_from_the_gazetteer(text, tags):
    assert tags_for(text) == tags
