"""The fixed queries of the benchmarks: what people type into the search box.

A mix of accents or not, plurals, elisions, prefixes, a typo, operators and English.
The first 20 are also typed in the browser; ``FIRST_QUERY`` is the one whose bytes
are counted.
"""

QUERIES = [
    "réseaux sociaux", "reseaux sociaux", "médiation numérique", "l'évaluation",
    "musées", "strat", "stratégie numérique", "collections", "numérisation des objets",
    "open data", "exposition virtuelle", "digitization collections", "transition écologique",
    "accessibilité", "public", "projet agile", "newsletter", "crowdsourcing",
    "site web", "COVID", "strategie numerque", '"stratégie numérique"',
    "médiation OR publics", "numérique -digital", "numéris*", "title:stratégie",
    "tag:ressource", "social media", "réalité virtuelle", "formation compétences",
]
BROWSER_QUERIES = QUERIES[:20]
FIRST_QUERY = "réseaux sociaux"

# Queries timed as a whole `query` process beside `rg -li` over the same notes (issue
# #16: an index must beat a scan): a common word, a rare one, a phrase and a typo.
SCAN_QUERIES = [
    ("common word", "numérique"),
    ("rare word", "crowdsourcing"),
    ("phrase", "stratégie numérique"),
    ("typo", "strategie numerque"),
]
