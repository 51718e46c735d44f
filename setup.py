"""Build step: fetch the web page's third-party scripts from the npm registry (metadata lives in pyproject.toml).

The page may load nothing from a CDN, and the project commits no downloaded code, so the
scripts listed in ``api/static/vendor.json`` are fetched when the package is built (``pip
install``), checked against the registry's integrity hash, and written to
``api/static/vendor/``, from where the app serves them. A second build with the same
manifest downloads nothing.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import urllib.request
from pathlib import Path
from typing import ClassVar

from setuptools import Command, setup
from setuptools.command.build import build

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "api" / "static" / "vendor.json"
VENDOR = HERE / "api" / "static" / "vendor"
STAMP = VENDOR / ".manifest.json"


def registry() -> str:
    # npm's own setting, when the machine points npm at a mirror
    return (os.environ.get("NPM_CONFIG_REGISTRY") or "https://registry.npmjs.org").rstrip("/")


def fetch_package(name: str, version: str, integrity: str) -> bytes:
    url = f"{registry()}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=120) as response:
        data: bytes = response.read()
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise RuntimeError(f"{name}@{version}: integrity mismatch (expected {integrity}, got {algorithm}-{actual}); refusing it")
    return data


def fetch_web_assets() -> None:
    manifest = MANIFEST.read_text()
    if STAMP.is_file() and STAMP.read_text() == manifest:
        wanted = [VENDOR / dest for p in json.loads(manifest)["packages"] for dest in p["files"].values()]
        if all(path.is_file() for path in wanted):
            return
    VENDOR.mkdir(parents=True, exist_ok=True)
    for package in json.loads(manifest)["packages"]:
        data = fetch_package(package["name"], package["version"], package["integrity"])
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            for member, dest in package["files"].items():
                extracted = archive.extractfile(member)
                if extracted is None:
                    raise RuntimeError(f"{package['name']}@{package['version']}: {member} is not a file in the package")
                (VENDOR / dest).write_bytes(extracted.read())
    STAMP.write_text(manifest)


class BuildWebAssets(Command):
    """``setup.py build_web_assets``: run first in every build, editable or not."""

    description = "fetch the web page's scripts from the npm registry"
    user_options: ClassVar[list[tuple[str, str | None, str]]] = []
    editable_mode = False

    def initialize_options(self) -> None:
        pass

    def finalize_options(self) -> None:
        pass

    def run(self) -> None:
        fetch_web_assets()
        if not self.editable_mode:  # a wheel: build_py has already listed package data, so copy them in
            target = Path(self.get_finalized_command("build_py").build_lib) / "api" / "static" / "vendor"
            target.mkdir(parents=True, exist_ok=True)
            for path in VENDOR.iterdir():
                (target / path.name).write_bytes(path.read_bytes())

    def get_source_files(self) -> list[str]:
        return [str(MANIFEST.relative_to(HERE))]

    def get_outputs(self) -> list[str]:
        return []

    def get_output_mapping(self) -> dict[str, str]:
        return {}


build.sub_commands.append(("build_web_assets", None))
setup(cmdclass={"build_web_assets": BuildWebAssets})
