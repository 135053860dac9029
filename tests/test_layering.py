"""Layering rules from DESIGN.md that a linter alone might miss."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"torch", "torchvision", "fiftyone", "faster_whisper", "llama_cpp", "pytorch_grad_cam"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit() -> None:
    offenders = [p for p in (ROOT / "core").rglob("*.py") if "streamlit" in imported_modules(p)]
    assert offenders == []


def test_pages_and_components_import_heavy_libraries_lazily() -> None:
    files = [*(ROOT / "app_pages").glob("*.py"), *(ROOT / "components").rglob("*.py"), ROOT / "app.py"]
    offenders = {str(p.relative_to(ROOT)): top_level_imports(p) & HEAVY for p in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_cache_decorators_live_only_in_resources() -> None:
    files = [*(ROOT / "app_pages").glob("*.py"), *(ROOT / "components").rglob("*.py"), ROOT / "app.py"]
    offenders = [
        str(p.relative_to(ROOT))
        for p in files
        if p.name != "resources.py" and ("cache_resource" in p.read_text() or "cache_data" in p.read_text())
    ]
    assert offenders == []


TOOL_PACKAGES = ("videos", "music", "vision", "dynamics", "embeddings")


def test_components_are_one_package_per_tool_plus_shared() -> None:
    packages = sorted(p.name for p in (ROOT / "components").iterdir() if p.is_dir() and p.name != "__pycache__")
    assert packages == sorted((*TOOL_PACKAGES, "shared"))
    assert [p.name for p in (ROOT / "components").glob("*.py")] == ["__init__.py"]
    for tool in TOOL_PACKAGES:
        assert (ROOT / "core" / tool).is_dir(), f"components/{tool} has no core/{tool}"


def test_pages_are_short_and_read_like_the_screen() -> None:
    too_long = {p.name: n for p in (ROOT / "app_pages").glob("*.py") if (n := len(p.read_text().splitlines())) > 110}
    assert too_long == {}


def test_shared_components_never_import_a_tool() -> None:
    offenders = []
    for path in (ROOT / "components" / "shared").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if module and module.startswith("components.") and module.split(".")[1] in TOOL_PACKAGES:
                offenders.append(f"{path.name}: {module}")
    assert offenders == []
