"""Shared fixtures: an isolated home, the generated test model, a project with the seed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sources" / "altena-2018-04-oecd-studie.txt"
EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the user's home: HOME, XDG folders and argos packages point at a temp dir."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(home / "packages"))
    # The tiny model is too small to gain from threads; one keeps the suite fast on a busy machine.
    monkeypatch.setenv("TRANSFLOW_THREADS", "1")
    return home


@pytest.fixture(scope="session")
def tiny_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated tiny de→en package, built once per test session."""
    from transflow.testing.make_model import make_model

    return make_model(tmp_path_factory.mktemp("models") / "tiny.argosmodel", "tiny")


@pytest.fixture(scope="session")
def runaway_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated tiny package that never ends its sentences (English far longer than the German)."""
    from transflow.testing.make_model import make_model

    return make_model(tmp_path_factory.mktemp("models") / "runaway.argosmodel", "tiny", runaway=True)


@pytest.fixture
def runaway_model(runaway_model_file: Path, isolated_home: Path):  # type: ignore[no-untyped-def]
    """The runaway tiny model, installed into this test's package folder."""
    from transflow.mt.engine import install_model

    return install_model(runaway_model_file)


@pytest.fixture
def tiny_model(tiny_model_file: Path, isolated_home: Path):  # type: ignore[no-untyped-def]
    """The tiny model, installed into this test's package folder."""
    from transflow.mt.engine import install_model

    return install_model(tiny_model_file)


@pytest.fixture
def unmarked_model(tiny_model):  # type: ignore[no-untyped-def]
    """The tiny model without its generated-model mark: transflow treats its English as a real model's.

    For tests of what happens to approved English from a real model (memory, TMX), which the
    generated model's English never becomes.
    """
    import json

    from transflow.mt.engine import GENERATED_KEY, installed_models

    meta_path = tiny_model.path / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta[GENERATED_KEY]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    (package,) = installed_models()
    assert not package.generated
    return package


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the seed article and the shipped glossary."""
    (tmp_path / "sources").mkdir()
    shutil.copy(SEED, tmp_path / "sources" / SEED.name)
    shutil.copy(ROOT / "glossary.yml", tmp_path / "glossary.yml")
    return tmp_path


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process the way the console script does; return (code, stdout, stderr)."""
    import contextlib
    import io

    from transflow.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def record_of(project: Path, slug: str):  # type: ignore[no-untyped-def]
    """The typed record of an article (what the last run wrote)."""
    from transflow.work.record import load_record

    record = load_record(project / "output" / slug)
    assert record is not None, f"no record for {slug}"
    return record


CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
# The browser tests run where Debian's chromium is installed, and always in CI (make test installs it).
needs_chromium = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
    reason="Debian packages chromium and chromium-driver are not installed (make test installs them)",
)


def chromium(profile: Path, width: int, height: int):  # type: ignore[no-untyped-def]
    """A headless Debian Chromium under Selenium, with its browser log kept; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER or "/usr/bin/chromedriver"), options=options)


def screenshot_folder(scratch: Path) -> Path:
    """Where a test's screenshots go: a temporary folder, or README's with TRANSFLOW_REFRESH_SCREENSHOTS=1.

    Tests never change tracked files: README's screenshots are refreshed on purpose only.
    """
    refresh = os.environ.get("TRANSFLOW_REFRESH_SCREENSHOTS") == "1"
    folder = ROOT / "output" / "screenshots" if refresh else scratch / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def errors(err: str) -> list[str]:
    """The `error:` lines of what a command printed to stderr."""
    return [line for line in err.splitlines() if line.startswith("error:")]


@pytest.fixture
def short_article(project: Path, tiny_model) -> Path:  # type: ignore[no-untyped-def]
    """A project whose one article is short, translated: for tests that need a record, not a long run."""
    seed = project / "sources" / SEED.name
    seed.write_text("Altena - Der Rat tagt. Die Kümmerer helfen.\n\nDas Ehrenamt trägt.\n", encoding="utf-8")
    assert run_cli("translate", "--project", str(project))[0] == 0
    return project


SCHEMAS = ROOT / "tests" / "schemas"


def valid_xliff(path: Path):  # type: ignore[no-untyped-def]
    """Validate an XLIFF file against the OASIS XLIFF 1.2 strict schema; return translate-toolkit's store.

    The schema imports W3C's xml.xsd by its web address: a resolver hands it the copy beside it,
    so validating needs no network (tests/schemas/README.md says where the files come from).
    """
    from lxml import etree
    from translate.storage import xliff

    class Local(etree.Resolver):
        def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
            if url.endswith("/xml.xsd"):
                return self.resolve_filename(str(SCHEMAS / "xml.xsd"), context)
            return None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Local())
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff-core-1.2-strict.xsd"), parser))
    document = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False))
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)
    return xliff.xlifffile.parsefile(str(path))


# The TBX core structure (ISO 30042:2008, the structure TBXcdv04.dtd declares) as a DTD written for
# these tests: the official TBXcdv04.dtd is not packaged by Debian, PyPI or npm, so it could not be
# had. Content models follow the core structure: auxiliary information before the language sets
# and after a tig's term and term notes, never after them.
_AUX = "descrip | descripGrp | admin | adminGrp | transacGrp | note | ref | xref"
TBX_CORE_RULES = f"""
<!ELEMENT martif (martifHeader, text)>
<!ATTLIST martif type CDATA #REQUIRED xml:lang CDATA #REQUIRED>
<!ELEMENT martifHeader (fileDesc, encodingDesc?, revisionDesc?)>
<!ELEMENT fileDesc (titleStmt?, publicationStmt?, sourceDesc+)>
<!ELEMENT sourceDesc (p+)>
<!ELEMENT p (#PCDATA)>
<!ELEMENT text (front?, body, back?)>
<!ELEMENT body (termEntry+)>
<!ELEMENT termEntry (({_AUX})*, langSet+)>
<!ATTLIST termEntry id ID #IMPLIED>
<!ELEMENT langSet (({_AUX})*, (tig | ntig)+)>
<!ATTLIST langSet xml:lang CDATA #REQUIRED>
<!ELEMENT tig (term, termNote*, ({_AUX})*)>
<!ELEMENT term (#PCDATA)>
<!ELEMENT termNote (#PCDATA)>
<!ATTLIST termNote type CDATA #REQUIRED>
<!ELEMENT descrip (#PCDATA)>
<!ATTLIST descrip type CDATA #REQUIRED>
<!ELEMENT note (#PCDATA)>
"""
# TBX-Basic's data categories and picklists (TBX-Basic 2.1), plus transferComment from the TBX default set.
TBX_CATEGORIES = {
    ("termNote", "termType"): {"fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase"},
    ("termNote", "grammaticalNumber"): {"singular", "plural", "dual", "mass", "otherNumber"},
    ("termNote", "partOfSpeech"): {"noun", "verb", "adjective", "adverb", "properNoun", "other"},
    ("termNote", "grammaticalGender"): {"masculine", "feminine", "neuter", "other"},
    ("termNote", "transferComment"): None,
    ("descrip", "definition"): None,
    ("descrip", "subjectField"): None,
}


def valid_tbx(path: Path):  # type: ignore[no-untyped-def]
    """Check a TBX file transflow wrote: the DTD it names, the core structure, TBX-Basic data categories.

    Returns translate-toolkit's store (the file read back by an independent reader).
    """
    import io

    from lxml import etree
    from translate.storage import tbx

    document = etree.parse(
        str(path), etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)
    )
    assert document.docinfo.public_id == "ISO 12200:1999A//DTD MARTIF core (DXFcdV04)//EN"
    assert document.docinfo.system_url == "TBXcdv04.dtd"
    rules = etree.DTD(io.StringIO(TBX_CORE_RULES))
    assert rules.validate(document), "\n".join(str(e) for e in rules.error_log)
    for element in document.iter("termNote", "descrip"):
        key = (element.tag, element.get("type"))
        assert key in TBX_CATEGORIES, f"{key} is not a TBX data category"
        allowed = TBX_CATEGORIES[key]
        assert allowed is None or element.text in allowed, f"{key}: {element.text!r} not in the picklist"
    return tbx.tbxfile.parsefile(str(path))
