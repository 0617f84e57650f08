"""The version of the library code a workflow script runs, so that a rule reruns when the science it imports changes.

Snakemake reruns a `script:` rule when its script changes, but not when a module the script imports does: a fixed
`eax/pairs.py` would leave stale pairs, models and tables behind. Each rule therefore carries, as a param, a hash
of every `eax` module its script imports, directly or through other modules (imports inside functions included).
The hash is of each module's syntax tree, so a change to a comment or to formatting reruns nothing, while any
change to code or to a docstring reruns the rule and everything downstream of it.
"""

from __future__ import annotations

import ast
import functools
import hashlib
from pathlib import Path

PACKAGE = "eax"


@functools.lru_cache(maxsize=512)
def _tree(source: str) -> ast.Module:
    """One parse per distinct source: every rule's script imports much the same modules."""
    return ast.parse(source)


@functools.lru_cache(maxsize=512)
def tree_hash(source: str) -> str:
    return hashlib.sha256(ast.dump(_tree(source)).encode()).hexdigest()


@functools.lru_cache(maxsize=512)
def package_imports(source: str) -> frozenset[str]:
    """Dotted names of the package's modules that `source` imports (`from eax import x` counts `eax.x` and `eax`)."""
    names: set[str] = set()
    for node in ast.walk(_tree(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if _in_package(alias.name)}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _in_package(node.module):
            names.add(node.module)
            if node.module == PACKAGE:
                names |= {f"{PACKAGE}.{alias.name}" for alias in node.names}
    return frozenset(names)


def _in_package(name: str) -> bool:
    return name == PACKAGE or name.startswith(f"{PACKAGE}.")


def module_file(name: str, package_dir: Path) -> Path | None:
    """The file of a dotted module name inside the package, or None (a name imported from `__init__`)."""
    parts = name.split(".")[1:]
    path = package_dir.joinpath(*parts).with_suffix(".py") if parts else package_dir / "__init__.py"
    return path if path.is_file() else None


def imported_modules(script: Path, package_dir: Path) -> list[Path]:
    """Every module of the package that `script` imports, directly or transitively, sorted."""
    found: set[Path] = set()
    pending = [script]
    while pending:
        for name in package_imports(pending.pop().read_text(encoding="utf-8")):
            path = module_file(name, package_dir)
            if path is not None and path not in found:
                found.add(path)
                pending.append(path)
    return sorted(found)


def code_version(modules: list[Path], package_dir: Path) -> str:
    """A short hash of the modules' names and syntax trees (comments and formatting do not count)."""
    digest = hashlib.sha256()
    for path in modules:
        digest.update(f"{path.relative_to(package_dir)}\0{tree_hash(path.read_text(encoding='utf-8'))}\0".encode())
    return digest.hexdigest()[:16]


def library_version(script: Path, package_dir: Path) -> str:
    """The code version of the package modules `script` imports."""
    return code_version(imported_modules(script, package_dir), package_dir)
