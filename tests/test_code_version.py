"""eax.code_version: which library modules a script imports, and a hash that moves with their code only."""

from pathlib import Path

from conftest import ROOT

from eax.code_version import imported_modules, library_version, package_imports

SCRIPTS = ROOT / "workflow_scripts"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_imports_are_found_in_every_form_and_inside_functions():
    source = ("import os\nimport eax.io\nfrom eax.pairs import build_pairs\nfrom eax import chat, prompts\n"
              "def f():\n    from eax.scoring import flatten\n")
    assert package_imports(source) == {"eax.io", "eax.pairs", "eax", "eax.chat", "eax.prompts", "eax.scoring"}


def test_modules_are_followed_transitively(tmp_path):
    package = tmp_path / "eax"
    write(package / "__init__.py", "")
    write(package / "a.py", "from eax.b import x\n")
    write(package / "b.py", "x = 1\n")
    write(package / "unused.py", "y = 2\n")
    script = write(tmp_path / "script.py", "from eax.a import x\n")
    assert imported_modules(script, package) == [package / "a.py", package / "b.py"]


def test_the_version_moves_with_code_and_docstrings_but_not_comments_or_formatting(tmp_path):
    package = tmp_path / "eax"
    module = write(package / "m.py", 'def f(x):\n    """Doc."""\n    return x + 1\n')
    script = write(tmp_path / "script.py", "from eax.m import f\n")
    version = library_version(script, package)
    module.write_text('def f(x):  # a comment\n\n    """Doc."""\n    return (x + 1)\n')
    assert library_version(script, package) == version
    module.write_text('def f(x):\n    """Doc, reworded."""\n    return x + 1\n')
    assert library_version(script, package) != version
    module.write_text('def f(x):\n    """Doc."""\n    return x + 2\n')
    assert library_version(script, package) != version


def test_the_pair_rule_s_script_imports_the_pair_module_and_sampling_does_not():
    package = SCRIPTS / "eax"
    assert package / "pairs.py" in imported_modules(SCRIPTS / "make_pairs.py", package)
    assert package / "pairs.py" not in imported_modules(SCRIPTS / "sample_candidates.py", package)
