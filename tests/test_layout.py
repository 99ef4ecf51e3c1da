"""The package layout keeps its promises: inference never imports training code, no import
cycles, and no module grows past a size a newcomer can read."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "classifier"
ENTRY_POINTS = ("classifier.cli", "classifier.__main__")
MAX_LINES = 350
MAX_CLI_LINES = 300


def _name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, top_level_only: bool, root: Path = PACKAGE) -> set[str]:
    """The classifier modules ``path`` (a module of the package at ``root``) imports, with
    relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("classifier")}


MODULES = {_name(path): path for path in PACKAGE.rglob("*.py")}


def test_inference_never_imports_training_code():
    inference = [name for name in MODULES
                 if not name.startswith(("classifier.training", *ENTRY_POINTS))]
    offenders = {name: sorted(i for i in _imports(MODULES[name], top_level_only=False)
                              if i.startswith("classifier.training"))
                 for name in inference}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_import_cycles():
    graph = {name: {i for i in _imports(path, top_level_only=True) if i in MODULES and i != name}
             for name, path in MODULES.items()}
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if nxt.startswith(node + "."):
                continue  # a package importing its own submodules is not a cycle
            assert state.get(nxt) != "open", " -> ".join(trail + [node, nxt])
            if nxt not in state:
                visit(nxt, trail + [node])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_the_import_check_resolves_relative_imports(tmp_path):
    """A planted relative import of training code is seen, so the checks above can fail."""
    planted = tmp_path / "classifier" / "predict.py"
    planted.parent.mkdir()
    planted.write_text("from .training.train import train_model\nfrom . import model\n")
    found = _imports(planted, top_level_only=True, root=tmp_path / "classifier")
    assert {"classifier.training.train", "classifier.model"} <= found


def test_modules_stay_small():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines())
             for name, path in MODULES.items()}
    assert {n: s for n, s in sizes.items() if s > MAX_LINES} == {}
    cli = {n: s for n, s in sizes.items() if n.startswith("classifier.cli")}
    assert len(cli) >= 2 and sum(cli.values()) < MAX_CLI_LINES, cli
