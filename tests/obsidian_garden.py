"""A small garden written the way Obsidian users write: properties of every YAML type
under French and English keys, nested tags, folders, a bilingual pair. Shared by the
operator tests (tests/test_obsidian_search.py) and the browser parity tests."""

from __future__ import annotations

from pathlib import Path

NOTES = {
    "Lectures/Le musée imaginaire.md": """---
titre: Le musée imaginaire
auteur: [André Malraux, "Jean Dupont"]
année: 1947
date: 2023-05-02
source: https://example.org/malraux
lu: true
note: 4.5
type: livre
résumé: Une réflexion sur la reproduction des œuvres
tags: [lecture, projet/musée]
---
""",
    "Lectures/Numérisation.md": """---
title: Numérisation des collections
aliases: [Digitization]
type: article
année: 2021
created: 2021-02-03T10:00:00
tags: projet/numérique lecture
---
# Numérisation des collections

La numérisation (digitization) des collections rend les œuvres accessibles.

## Méthodes

Photographie, scanner 3D et métadonnées.

## Coûts

La numérisation coûte cher, surtout en 3D.
""",
    "Projets/Exposition virtuelle.md": """---
nom: Exposition virtuelle
statut: en cours
responsable: Marie Curie
updated: 2024-11-30
tags: [projet/musée/expo]
nested: {a: 1}
vide:
---
Une exposition virtuelle du musée, avec visite en ligne.

## Budget

Le budget de la numérisation est prévu.
""",
    "Notes/Musées et réseaux.md": """# Musées et réseaux

Les musées utilisent les réseaux sociaux. Voir [[Le musée imaginaire]].
""",
    "Notes/Digital strategy.md": """---
title: Digital strategy
lang: en
tags: [strategy]
---
A digital strategy for museum collections and their digitization.
""",
}


def write_garden(folder: Path, config: str | None = None) -> Path:
    """Write the garden into ``folder`` (and ``museumxtd.toml`` when given)."""
    for path, text in NOTES.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if config is not None:
        (folder / "museumxtd.toml").write_text(config, encoding="utf-8")
    return folder


# Queries the browser must answer exactly like the CLI on this garden.
QUERIES = [
    "malraux", "1947", "livre", "imaginaire", "reproduction œuvres", "marie curie", "en cours",
    "[auteur]", "[auteur:dupont]", "[auteur:André Malraux]", '[auteur:"jean dupont"]',
    "[année:1947]", "[lu:true]", "[type:livre] OR [type:article]", "[type:article] collections",
    "-[auteur] musée", "musée -[type:livre]", "[statut:en cours]", "[nested]", "[vide]",
    "path:lectures", "path:Projets musée", "file:numérisation", 'path:"Notes"',
    "-path:lectures musée", "file:musées", "tag:projet", "tag:projet/musée", "tag:#projet",
    "numérisation tag:projet", "-tag:lecture musée", "tag:projet -tag:lecture",
    "section:(numérisation 3D)", "section:(numérisation budget)", "section:(scanner coûte)",
    "numérisation section:(budget)", 'section:"numérisation 3D"', "section:()",
    "numérisation -section:(numérisation 3D)", "SECTION : (musée visite)", "section:(le)",
    "section:(numérisation 3D", 'title:"musée imaginaire"', "(musée OR collections) 3D",
    "line:(numérisation 3D)", "BLOCK : (numérisation budget)", "line:budget",
    "-block:(numérisation 3D) numérisation", "content:imaginaire", "content:malraux",
    "[auteur", "[]", "[:x]", "path:", "file: musée", "tag:", "[auteur:le]", "-[type:livre]",
    "digitization", "numérisation", "exposition", "musée [auteur]", "Digitization",
    "numérisation -digitization", "digitization OR exposition", "digitization strategy",
    '"numérisation"', "title:digitization", "numérisations",
    # groups and OR between filters (issue 17's parentheses)
    "(budget numérisation) OR réseaux", "budget numérisation OR réseaux",
    "(musée réseaux) sociaux", "musée -(budget numérisation)", "musée NOT (budget OR réseaux)",
    "strategy -(musée OR réseaux)", "(réseaux OR (budget (numérisation OR visite))) -tag:lecture",
    "tag:strategy OR path:projets", "path:notes OR [statut:en cours]",
    "[type:livre] OR tag:strategy OR file:réseaux", "(tag:lecture OR path:projets) musée",
    "musée (tag:lecture OR path:projets)", "tag:lecture OR réseaux", "tag:lecture OR musée",
    "((musée", "musée ))", "() musée", "(le) musée", "((((((((((((musée))))))))))))",
    "musée -(-réseaux)", "imaginaire OR (-réseaux) musée", "musée (-réseaux) OR imaginaire",
    "(section:(numérisation 3D) OR tag:strategy)", "-(tag:lecture OR path:notes)",
    "(numerisation OR reseaux) musee", "(strat* OR imagin*) OR tag:lecture",
    "digitization OR (budget visite)", "(a OR (b OR (c d)) OR e)", "NOT (musée) réseaux",
    'musée\t\t{"sort": "date", "facets": true}', 'tag:lecture OR réseaux\t\t{"facets": true}',
    'tag:lecture OR tag:strategy\t\t{"sort": "date", "facets": true}',
    # sorting by date, facets, any of several tags (options as engine.search names them)
    'musée\t\t{"sort": "date"}', 'tag:projet\t\t{"sort": "date"}',
    'numérisation\t\t{"sort": "date", "facets": true}', 'musée\t\t{"facets": true}',
    '[type]\t\t{"facets": true}', '\tlecture,strategy\t{"anyTag": true, "facets": true}',
    'collections\tlecture,strategy\t{"anyTag": true}', '\tlecture,projet\t{"facets": true}',
    'digital\tstrategy,lecture\t{"anyTag": true, "sort": "date", "facets": true}',
]
