#!/usr/bin/env python3
"""Vendor the browser libraries the pages load (maps, API docs), so the service works offline and no CDN
is asked.

Each package is fetched with ``npm pack NAME@VERSION`` into a temporary directory (never a node_modules
in the repository), its tarball's sha512 integrity is checked against what the registry states, the
needed files and the package's licence are copied into ``web/vendor/<package>/``, and
``web/vendor/README.md`` records package, version, licence and integrity. The result is committed.

Run from the checkout: ``python scripts/vendor_web.py`` (needs ``npm`` and the npm registry). Running it
again with the same pins rewrites the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "web" / "vendor"

# name, version, files or directories inside the package (relative to its root)
PACKAGES: list[tuple[str, str, list[str]]] = [
    ("leaflet", "1.9.4", ["dist/leaflet.js", "dist/leaflet.css", "dist/images"]),
    ("leaflet.vectorgrid", "1.3.0", ["dist/Leaflet.VectorGrid.bundled.min.js"]),
    # /docs (service/core/docs.py): the self-contained bundle (presets included) and its stylesheet.
    ("swagger-ui-dist", "5.35.0", [
        "swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "NOTICE", "swagger-ui-bundle.js.LICENSE.txt",
    ]),
    # /redoc: the 2.x standalone bundle (what FastAPI itself points at, redoc@2). Redoc 3 sends
    # OpenTelemetry traces to otel.cloud.redocly.com and loads icons from cdn.redocly.com by default.
    ("redoc", "2.5.4", [
        "bundles/redoc.standalone.js", "bundles/redoc.standalone.js.LICENSE.txt",
        "bundles/d87bcbdbea8f8f5aa26f.worker.js.LICENSE.txt",  # the search worker, inlined in the bundle
    ]),
]  # fmt: skip
LICENCE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "license")

# leaflet.vectorgrid ships no licence file: its licence (Beerware) is the README's "Legalese" section.
LICENCE_IN_README = {"leaflet.vectorgrid": "## Legalese"}

# Libraries bundled into a vendored file, whose licence texts go into that package's LICENSE too
# (versions: the newest matching the bundling package's dependency ranges).
BUNDLED: dict[str, list[tuple[str, str]]] = {
    "leaflet.vectorgrid": [
        ("pbf", "3.0.5"),
        ("vector-tile", "1.3.0"),
        ("geojson-vt", "2.2.0"),
        ("topojson-client", "2.1.0"),
    ],
}

# Exact replacements in vendored files, each of which must occur exactly once (a new version that moved
# the text fails loudly instead of shipping unpatched): package -> [(file, old, new, why)].
TRANSPARENT_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
PATCHES: dict[str, list[tuple[str, str, str, str]]] = {
    "redoc": [(
        "redoc.standalone.js",
        '"https://cdn.redoc.ly/redoc/logo-mini.svg"',
        f'"{TRANSPARENT_GIF}"',
        "the sidebar's 'API docs by Redocly' logo is fetched from cdn.redoc.ly; it is a transparent pixel here",
    )],
}  # fmt: skip


def npm_pack(name: str, version: str, workdir: Path) -> tuple[Path, dict]:
    """Download the package tarball; return its path and npm's description of it."""
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(workdir)],
        check=True, capture_output=True, text=True, cwd=workdir,
    )  # fmt: skip
    info = json.loads(out.stdout)[0]
    return workdir / info["filename"], info


def sri_sha512(path: Path) -> str:
    """Subresource-integrity form of the file's SHA-512, as npm writes it."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch(name: str, version: str, workdir: Path) -> tuple[Path, dict, str]:
    """Download and unpack one package after checking its integrity; return root, manifest, integrity."""
    tarball, info = npm_pack(name, version, workdir)
    integrity = sri_sha512(tarball)
    if integrity != info["integrity"]:
        raise SystemExit(f"{name}@{version}: tarball integrity {integrity} != registry {info['integrity']}")
    unpacked = workdir / f"{name}-{version}"
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="data")
    package_root = unpacked / "package"
    manifest = json.loads((package_root / "package.json").read_text(encoding="utf-8"))
    if manifest["version"] != version:
        raise SystemExit(f"{name}: got version {manifest['version']}, wanted {version}")
    return package_root, manifest, integrity


def licence_text(name: str, version: str, package_root: Path) -> str:
    """The package's licence: its licence file, or the README section that states it."""
    for candidate in LICENCE_FILES:
        if (package_root / candidate).exists():
            return (package_root / candidate).read_text(encoding="utf-8")
    heading = LICENCE_IN_README.get(name)
    if heading is not None:
        readme = (package_root / "README.md").read_text(encoding="utf-8")
        if heading in readme:
            return readme.split(heading, 1)[1].strip() + "\n"
    raise SystemExit(f"{name}@{version}: no licence found in the package")


def vendor(name: str, version: str, wanted: list[str], workdir: Path) -> dict[str, str]:
    """Fetch, check and copy one package; return its row for the README."""
    package_root, manifest, integrity = fetch(name, version, workdir)

    target = VENDOR / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for rel in wanted:
        src = package_root / rel
        dst = target / Path(rel).name
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    for file, old, new, _ in PATCHES.get(name, []):
        content = (target / file).read_text(encoding="utf-8")
        if content.count(old) != 1:
            raise SystemExit(f"{name}@{version}: {file} holds {content.count(old)} copies of {old!r}, not 1")
        (target / file).write_text(content.replace(old, new), encoding="utf-8")
    licence = licence_text(name, version, package_root)
    bundled_licences = []
    for dep, dep_version in BUNDLED.get(name, []):
        dep_root, dep_manifest, _ = fetch(dep, dep_version, workdir)
        bundled_licences.append(
            f"\n\n{'=' * 76}\nBundled: {dep}@{dep_version} ({dep_manifest.get('license')})\n{'=' * 76}\n\n"
            + licence_text(dep, dep_version, dep_root)
        )
    (target / "LICENSE").write_text(licence + "".join(bundled_licences), encoding="utf-8")
    bundled = BUNDLED.get(name, [])
    licence_name = manifest.get("license", "see LICENSE")
    if bundled:
        licence_name += " (bundles " + ", ".join(f"{d}@{v}" for d, v in bundled) + "; texts in LICENSE)"
    return {
        "name": name,
        "version": version,
        "licence": licence_name,
        "integrity": integrity,
        "files": ", ".join(Path(rel).name + ("/" if (package_root / rel).is_dir() else "") for rel in wanted),
    }


def write_readme(rows: list[dict[str, str]]) -> None:
    """The provenance table of everything under web/vendor/."""
    lines = [
        "# Vendored browser libraries",
        "",
        "Written by `scripts/vendor_web.py`; do not edit by hand. Each package was fetched with",
        "`npm pack NAME@VERSION` from the npm registry; the tarball's sha512 integrity below was checked",
        "against the registry's. Only the files listed were copied, with the package's licence as",
        "`LICENSE`. The pages load these from `/web/vendor/` so that no request leaves the service.",
        "",
        "| package | version | licence | files | tarball integrity (sha512) |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['name']} | {r['version']} | {r['licence']} | {r['files']} | `{r['integrity']}` |")
    lines += [
        "",
        "Notes:",
        "",
        "- `leaflet.vectorgrid` 1.3.0's bundled build (with pbf and vector-tile) works with Leaflet 1.9:",
        "  `tests/test_web_map.py` renders and clicks its features in Chromium.",
        "- Printing uses the browser's own print (`window.print()`) with a print stylesheet; no plug-in.",
        "- `swagger-ui-dist` and `redoc` serve `/docs` and `/redoc` (`service/core/docs.py`, started by",
        "  `web/docs-init.js`, no inline script); `tests/core/test_docs_and_headers.py` renders both in",
        "  Chromium under the service's Content-Security-Policy with no request leaving the service.",
        "- `redoc` is the 2.x line: 3.x sends telemetry to Redocly and loads icons from its CDN.",
    ]
    for name, patches in PATCHES.items():
        for file, old, _, why in patches:
            lines.append(f"- Patched: `{name}/{file}` replaces `{old}`: {why}.")
    lines.append("")
    (VENDOR / "README.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    """Vendor every pinned package into web/vendor/."""
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="spotcheck-vendor-") as tmp:
        rows = [vendor(name, version, wanted, Path(tmp)) for name, version, wanted in PACKAGES]
    write_readme(rows)
    for r in rows:
        print(f"{r['name']}@{r['version']} ({r['licence']}) -> web/vendor/{r['name']}/")


if __name__ == "__main__":
    main()
