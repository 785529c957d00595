"""The folder tree is the pipeline: no import runs back up it, and the index's bytes
are known to one place only (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "museumxtd_search"

# Each stage may import the stages before it, never one after it. The package itself
# holds only the version and a facade that loads the API on first use.
STAGES = [
    ("museumxtd_search", "museumxtd_search.rules", "museumxtd_search.parallel"),
    ("museumxtd_search.text",),
    ("museumxtd_search.vault",),
    ("museumxtd_search.analysis",),
    ("museumxtd_search.engine.storage",),
    ("museumxtd_search.engine",),
    ("museumxtd_search.index",),
    ("museumxtd_search.site",),
    ("museumxtd_search.api",),
    ("museumxtd_search.cli", "museumxtd_search.__main__"),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> int:
    """The stage of a module: the one whose longest prefix names it."""
    best, found = -1, None
    for number, prefixes in enumerate(STAGES):
        for prefix in prefixes:
            named = module == prefix or (module.startswith(prefix + ".")
                                         and prefix != "museumxtd_search")
            if named and len(prefix) > best:
                best, found = len(prefix), number
    assert found is not None, module
    return found


def facade_loads(path: Path, node: ast.AST) -> bool:
    """Whether ``node`` is the package facade's on-demand import of the API."""
    return path == PACKAGE / "__init__.py" and isinstance(node, ast.ImportFrom) and \
        node.col_offset > 0


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of the package's modules in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if facade_loads(path, node):
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            # "from museumxtd_search.index import side_files" imports a module: its own name
            module = next((n for n in reversed(names)
                           if (PACKAGE.parent / (n.replace(".", "/") + ".py")).exists()
                           or (PACKAGE.parent / n.replace(".", "/")).is_dir()), node.module)
            found.append((node.lineno, module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return [(line, module) for line, module in found if module.startswith("museumxtd_search")]


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "site_templates" not in p.parts)


def test_no_import_runs_back_up_the_pipeline():
    backwards = []
    for path in modules():
        here = module_name(path)
        for line, imported in imports_of(path):
            if stage_of(imported) > stage_of(here):
                backwards.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {here} "
                                 f"imports {imported}")
    assert not backwards, "\n".join(backwards)


def test_only_the_storage_layer_imports_whoosh():
    found = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            if any(name == "whoosh" or name.startswith("whoosh.") for name in names):
                found.append(module_name(path))
    assert found and all(m.startswith("museumxtd_search.engine.storage") for m in found), found


def test_every_pickle_is_read_through_the_one_safe_reader():
    # pickle.load/loads run whatever a crafted file asks for (an index folder may be
    # restored from a CI cache): engine/storage/pickles.py is the only reader.
    offenders = []
    # parallel.py unpickles only what its own forked workers write into pipes the parent
    # opened before forking them: no file, no other writer.
    for path in modules():
        if path.name in ("pickles.py", "parallel.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("load", "loads") and \
                    isinstance(node.value, ast.Name) and node.value.id == "pickle":
                offenders.append(f"{module_name(path)}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and node.module == "pickle" and any(
                    alias.name in ("load", "loads", "Unpickler") for alias in node.names):
                offenders.append(f"{module_name(path)}:{node.lineno}")
    assert not offenders, offenders


def test_no_loose_module_at_the_top_but_the_pipeline_ends():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "api.py", "cli.py", "parallel.py", "rules.py"]
