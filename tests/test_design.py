"""The documented shape is checked: imports follow the layers listed in docs/design.md."""

import ast
import re

from .conftest import ROOT

PACKAGE = ROOT / "ledger"


def documented_layers() -> dict[str, int]:
    """module -> layer number, 0 the lowest, from the ```layers block of docs/design.md (highest first)."""
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, "docs/design.md has no ```layers block"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    return {module: len(lines) - 1 - i for i, line in enumerate(lines) for module in line.split(":", 1)[1].split()}


def package_modules() -> list[str]:
    """Top-level modules of the package; a subpackage counts as one."""
    modules = [p.stem for p in PACKAGE.glob("*.py")]
    modules += [p.parent.name for p in PACKAGE.glob("*/__init__.py")]
    return sorted(modules)


def imports_of(module: str) -> set[str]:
    """The package's own modules a module (or every file of a subpackage) imports, outside its own subpackage."""
    files = (
        [PACKAGE / f"{module}.py"] if (PACKAGE / f"{module}.py").is_file() else sorted((PACKAGE / module).rglob("*.py"))
    )
    found = set()
    for path in files:
        depth = len(path.relative_to(PACKAGE).parts) - 1  # 0 for ledger/x.py, 1 for ledger/sub/x.py
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == depth + 1:
                names = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
                found.update(names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ledger."):
                found.add(node.module.split(".")[1])
    return found - {module}


def test_every_module_is_placed_in_a_layer():
    layers = documented_layers()
    missing = [m for m in package_modules() if m not in layers]
    assert missing == [], f"add these modules to the ```layers block of docs/design.md: {missing}"
    assert sorted(layers) == package_modules(), "docs/design.md lists modules that no longer exist"


def violations(layers: dict[str, int], imports: dict[str, set[str]]) -> list[str]:
    return [
        f"{module} (layer {layers[module]}) imports {target} (layer {layers[target]})"
        for module, targets in sorted(imports.items())
        for target in sorted(targets)
        if target in layers and module in layers and layers[target] >= layers[module]
    ]


def test_imports_point_down_the_documented_layers():
    found = violations(documented_layers(), {m: imports_of(m) for m in package_modules()})
    assert found == [], "imports against the direction documented in docs/design.md:\n" + "\n".join(found)


def test_an_import_up_or_across_the_layers_is_caught():
    layers = documented_layers()
    assert violations(layers, {"model": {"merge"}, "render": {"report"}, "report": {"history"}}) == [
        f"model (layer {layers['model']}) imports merge (layer {layers['merge']})",
        f"render (layer {layers['render']}) imports report (layer {layers['report']})",
    ]
    assert "merge" in imports_of("history") and "history" in imports_of("report")  # the reader sees real imports
