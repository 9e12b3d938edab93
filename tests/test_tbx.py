"""TBX for termbases (issue 27): the glossary out in the TBX core structure, a termbase's TBX 2 and 3 in."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli, valid_tbx

# A termbase's export in TBX-Basic (TBX 2, ISO 30042:2008), as CAT tools and term servers write it.
TBX_BASIC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en-US">
  <martifHeader>
    <fileDesc><sourceDesc><p>Stadt Altena termbase</p></sourceDesc></fileDesc>
    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>
  </martifHeader>
  <text><body>
    <termEntry id="c1">
      <descrip type="subjectField">public administration</descrip>
      <transacGrp><transac type="transactionType">origination</transac><date>2024-03-01</date></transacGrp>
      <langSet xml:lang="de">
        <descrip type="definition">Dienststelle für Meldewesen und Ausweise</descrip>
        <tig>
          <term>Bürgerbüro</term>
          <termNote type="partOfSpeech">noun</termNote>
          <termNote type="grammaticalGender">neuter</termNote>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
        </tig>
        <tig>
          <term>Bürgeramt</term>
          <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
        </tig>
        <tig>
          <term>Einwohnermeldeamt</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
        </tig>
      </langSet>
      <langSet xml:lang="en">
        <tig>
          <term>citizens' office</term>
          <termNote type="partOfSpeech">noun</termNote>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
        </tig>
        <tig>
          <term>citizen service centre</term>
          <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
          <termNote type="geographicalUsage">en-GB</termNote>
        </tig>
        <tig>
          <term>registry office</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
        </tig>
      </langSet>
      <langSet xml:lang="fr"><tig><term>bureau des citoyens</term></tig></langSet>
    </termEntry>
    <termEntry id="c2">
      <langSet xml:lang="de">
        <tig>
          <term>Stadtrat</term>
          <termNote type="partOfSpeech">noun</termNote>
          <termNote type="grammaticalGender">masculine</termNote>
        </tig>
      </langSet>
      <langSet xml:lang="en">
        <tig><term>town council</term></tig>
        <tig><term>town councils</term><termNote type="grammaticalNumber">plural</termNote></tig>
      </langSet>
    </termEntry>
    <termEntry id="c3">
      <langSet xml:lang="de">
        <ntig>
          <termGrp><term>Ratssaal</term><termNote type="partOfSpeech">noun</termNote></termGrp>
          <admin type="source">Hauptsatzung</admin>
        </ntig>
      </langSet>
      <langSet xml:lang="en"><tig><term>council chamber</term></tig></langSet>
    </termEntry>
  </body></text>
</martif>
"""

# TBX 3 (ISO 30042:2019), TBX-Basic dialect: data categories as attributes (DCA) ...
TBX3_DCA = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>Kreis termbase</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <descrip type="subjectField">waste management</descrip>
      <langSec xml:lang="en">
        <termSec><term>bulky waste</term><termNote type="partOfSpeech">noun</termNote></termSec>
      </langSec>
      <langSec xml:lang="de">
        <descrip type="definition">Abfall, der nicht in die Tonne passt</descrip>
        <termSec>
          <term>Sperrmüll</term>
          <termNote type="partOfSpeech">noun</termNote>
          <termNote type="grammaticalGender">masculine</termNote>
        </termSec>
        <termSec><term>Sperrgut</term></termSec>
      </langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""

# ... or as elements (DCT) in the dialect's namespace.
TBX3_DCT = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dct" xml:lang="de" xmlns="urn:iso:std:iso:30042:ed-2"
     xmlns:basic="http://www.tbxinfo.net/ns/basic">
  <tbxHeader><fileDesc><sourceDesc><p>Kreis termbase</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c7">
      <basic:subjectField>road traffic</basic:subjectField>
      <langSec xml:lang="de">
        <termSec>
          <term>Vollsperrung</term>
          <basic:partOfSpeech>noun</basic:partOfSpeech>
          <basic:grammaticalGender>feminine</basic:grammaticalGender>
        </termSec>
      </langSec>
      <langSec xml:lang="en">
        <termSec><term>full closure</term><basic:partOfSpeech>noun</basic:partOfSpeech></termSec>
      </langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""


def entries(project: Path):  # type: ignore[no-untyped-def]
    from transflow.terms.glossary import load_glossary

    return {e.de: e for e in load_glossary(project / "glossary.yml").entries}


def test_exported_tbx_has_the_core_structure_and_comes_back_whole(project: Path, tmp_path: Path) -> None:
    p = str(project)
    glossary = project / "glossary.yml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8")
        + "  - de: Rat\n    en: council\n    case_sensitive: true\n    forms: [Rates, Räte]\n"
        + "    note: The elected body.\n",
        encoding="utf-8",
    )
    before = entries(project)
    out = tmp_path / "g.tbx"
    assert run_cli("glossary", "export", "tbx", "-o", str(out), "--project", p)[0] == 0
    store = valid_tbx(out)
    assert [(u.source, u.target) for u in store.units] == [(e.de, e.en) for e in before.values()]
    text = out.read_text(encoding="utf-8")
    assert "caseSensitive" not in text and "<note>transflow: case-sensitive</note>" in text
    assert store.units[-1].getnotes().startswith("The elected body.")  # translate-toolkit reads the note
    other = tmp_path / "other"
    (other / "sources").mkdir(parents=True)
    code, printed, err = run_cli("glossary", "import", "tbx", str(out), "--project", str(other))
    assert code == 0 and err == "", err
    assert printed.startswith(f"added {len(before)} term(s)")
    assert entries(other) == {
        de: type(e)(**{**e.__dict__, "line": entries(other)[de].line}) for de, e in before.items()
    }


def test_a_termbase_keeps_synonyms_definitions_subject_and_grammar(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "termbase.tbx"
    path.write_text(TBX_BASIC, encoding="utf-8")
    code, printed, err = run_cli("glossary", "import", "tbx", str(path), "--project", str(project))
    assert code == 0, err
    assert printed.splitlines() == ["added 3 term(s): Bürgerbüro, Stadtrat, Ratssaal"]
    assert err.splitlines() == [
        "warning: Bürgerbüro: transacGrp not kept",
        "warning: Bürgerbüro: geographicalUsage 'en-GB' of 'citizen service centre' not kept",
        "warning: Bürgerbüro: deprecated German term 'Einwohnermeldeamt' not kept",
        "warning: Bürgerbüro: fr terms 'bureau des citoyens' not kept",
        "warning: Ratssaal: source of 'Ratssaal' not kept",
    ]
    office, council = entries(project)["Bürgerbüro"], entries(project)["Stadtrat"]
    assert (office.en, office.forms, office.en_plural) == ("citizens' office", ("Bürgeramt",), None)
    assert office.note == (
        "subject field: public administration; definition: Dienststelle für Meldewesen und Ausweise (de);"
        " German: noun, neuter; English: noun; English also: citizen service centre;"
        " English to avoid: registry office"
    )
    assert (council.en, council.en_plural, council.note) == (
        "town council",
        "town councils",
        "German: noun, masculine",
    )
    hall = entries(project)["Ratssaal"]  # TBX 2's ntig/termGrp
    assert (hall.en, hall.note) == ("council chamber", "German: noun")
    assert run_cli("glossary", "lint", "--project", str(project))[0] == 0


def test_tbx_3_is_read_in_both_styles(project: Path, tmp_path: Path) -> None:
    for name, text in (("dca.tbx", TBX3_DCA), ("dct.tbx", TBX3_DCT)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        code, printed, err = run_cli("glossary", "import", "tbx", str(path), "--project", str(project))
        assert code == 0 and err == "", err
    assert printed.splitlines() == ["added 1 term(s): Vollsperrung"]
    waste, closure = entries(project)["Sperrmüll"], entries(project)["Vollsperrung"]
    assert (waste.en, waste.forms) == ("bulky waste", ("Sperrgut",))
    assert waste.note == (
        "subject field: waste management; definition: Abfall, der nicht in die Tonne passt (de);"
        " German: noun, masculine; English: noun"
    )
    assert (closure.en, closure.note) == (
        "full closure",
        "subject field: road traffic; German: noun, feminine; English: noun",
    )


def test_an_empty_glossary_is_not_written_as_an_invalid_tbx(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    out = tmp_path / "g.tbx"
    code, _, err = run_cli("glossary", "export", "tbx", "-o", str(out), "--project", str(tmp_path))
    assert code == 3 and err.startswith("error: glossary.yml has no terms: no TBX written"), err
    assert not out.exists()
