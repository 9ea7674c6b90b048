"""The municipalities' monitoring requirements (``tests/data/requirements/<preset>.toml``) and their checks.

Each file lists what one seed's monitoring and evaluation chapters require of the annual report, the updated
plan and the evaluations: the requirement, the seed's lines and words, who prepares/approves, when, the
document, and one or more checks a test runs on the built .docx read back with python-docx. The same data is
rendered as ``docs/prasibas/<preset>.md`` (``python -m tests.requirements_support`` rewrites them; a test
keeps them in step).
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest

from generator.core.config import Config
from generator.core.period import Period
from generator.documents.common import capitalised
from generator.documents.evaluation import evaluation_year, make_evaluation
from generator.documents.fit import pieces
from generator.documents.pdf import to_pdf
from generator.pipeline.demo import run_demo

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "tests" / "data" / "requirements"
DOCS = ROOT / "docs" / "prasibas"

#: Document key -> file name pattern under outbox/<Y>/ ({y} = the period's year).
DOCUMENTS = {
    "report": "gada_parskats_{y}.docx",
    "annex": "gada_parskats_{y}_pielikums.docx",
    "plan": "ricibas_plans_{y}.docx",
    "summary": "publiskais_kopsavilkums_{y}.docx",
    "evaluation_mid": "starpposma_izvertejums_{y}.docx",
    "evaluation_final": "nosleguma_zinojums_{y}.docx",
}
DOCUMENT_NAMES = {
    "report": "gada pārskats", "annex": "gada pārskata pielikums", "plan": "aktualizētais rīcības plāns",
    "summary": "publiskais kopsavilkums", "evaluation_mid": "starpposma izvērtējums",
    "evaluation_final": "noslēguma ziņojums", "extracts": "iestāžu izraksti",
}


def load(preset: str) -> dict[str, Any]:
    return tomllib.loads((REQUIREMENTS / f"{preset}.toml").read_text(encoding="utf-8"))


@dataclass
class Read:
    """A .docx as a person sees it: paragraphs (with style names) and tables (rows of cell texts)."""

    paragraphs: list[tuple[str, str]] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)

    @classmethod
    def of(cls, path: Path) -> Read:
        doc = docx.Document(str(path))
        out = cls([(p.style.name if p.style is not None else "", p.text) for p in doc.paragraphs])
        for table in doc.tables:
            out.tables.append([[c.text for c in row.cells] for row in table.rows])
        return out

    def texts(self) -> list[str]:
        return [t for _, t in self.paragraphs] + [c for t in self.tables for r in t for c in r]

    def tables_with(self, column: str) -> list[list[list[str]]]:
        found = [t for t in self.tables if t and any(column in c for c in t[0])]
        assert found, f"nav tabulas ar kolonnu «{column}»"
        return found

    def table_with(self, column: str) -> list[list[str]]:
        return self.tables_with(column)[0]


def _col(table: list[list[str]], column: str) -> int:
    return next(n for n, c in enumerate(table[0]) if column in c)


def run_check(check: dict[str, Any], cfg: Config, doc: Read) -> None:
    """Assert one check on a read document; raises AssertionError naming what is missing."""
    kind = check["kind"]
    if kind == "text":
        assert any(check["text"] in t for t in doc.texts()), f"nav teksta «{check['text']}»"
    elif kind == "heading":
        assert any(s.startswith(("Heading", "Title")) and check["text"] in t for s, t in doc.paragraphs), \
            f"nav virsraksta «{check['text']}»"
    elif kind == "table":
        table = doc.table_with(check["columns"][0])
        for column in check["columns"]:
            assert any(column in c for c in table[0]), f"tabulā nav kolonnas «{column}»"
    elif kind == "activity_rows":  # over every table with the column (the report has one per goal)
        rows: dict[str, str] = {}
        for table in doc.tables_with(check["column"]):
            col, num = _col(table, check["column"]), _col(table, "Nr.")
            rows.update({r[num]: r[col] for r in table[1:]})
        wanted = [a for a in cfg.plan.activities if not check.get("only") or getattr(a, check["only"])]
        for act in wanted:
            assert act.number in rows, f"nav rindas aktivitātei {act.number}"
            assert rows[act.number].strip(), f"aktivitātei {act.number} tukša kolonna «{check['column']}»"
    elif kind == "goal_headings":
        headings = {t for s, t in doc.paragraphs if s.startswith("Heading")}
        for goal in cfg.plan.goals:
            assert f"{goal.number}. mērķis: {goal.title}" in headings, f"nav mērķa {goal.number} virsraksta"
    elif kind == "goal_improvements":
        texts = doc.texts()
        for goal in cfg.plan.goals:
            for result in goal.expected_results:
                assert any(capitalised(result) in t for t in texts), f"mērķim {goal.number} nav «{result}»"
    elif kind == "task_rows":
        table = doc.table_with("Darba uzdevums")
        task, col = _col(table, "Darba uzdevums"), _col(table, check["column"])
        rows = {r[task]: r for r in table[1:]}
        for act in cfg.plan.activities:
            for t in act.tasks:
                assert capitalised(t.title) in rows, f"nav darba uzdevuma «{t.title[:40]}…»"
                assert rows[capitalised(t.title)][col].strip()
    elif kind == "indicator_rows":
        table = doc.table_with(check["column"])
        col = _col(table, check["column"])
        body = [r for r in table[2:] if len(set(r)) > 1]
        assert len(body) == sum(len(i.rows) for i in cfg.plan.indicators), "ne katram rādītājam ir rinda"
        assert all(r[col].strip() for r in body), f"tukša kolonna «{check['column']}»"
    elif kind == "year_columns":
        table = doc.table_with(check["column"])
        head = table[0]
        for year in check["years"]:
            assert any(str(year) in c for c in head), f"nav kolonnas gadam {year}"
    else:
        raise AssertionError(f"nezināms pārbaudes veids {kind}")


#: The demo's "today" in every requirements test: calendar-year presets build 2026 (Rīga's mid-term year),
#: school-year presets 2026./2027. (Ludza's and Ogre's last plan year).
TODAY = date(2026, 11, 30)


@dataclass
class Built:
    """A preset's demo workspace after ``pmp build`` and both evaluations, its documents read back."""

    cfg: Config
    docs: dict[str, Read]
    paths: dict[str, Path] = field(default_factory=dict)


def build_preset(preset: str, folder: Path) -> Built:
    """The demo pipeline for ``preset`` (every form filled, ingested, built), plus the evaluations."""
    result = run_demo(folder / preset, TODAY, preset=preset)
    ws, period = result.workspace, result.period
    cfg = ws.config
    out = ws.period_outbox(period.year)
    paths = {key: out / name.format(y=period.year) for key, name in DOCUMENTS.items()
             if (out / name.format(y=period.year)).is_file()}
    for kind in ("mid", "final"):
        year = evaluation_year(cfg, kind)  # type: ignore[arg-type]
        paths[f"evaluation_{kind}"] = make_evaluation(ws, Period(year, cfg.period.kind), kind, TODAY)  # type: ignore[arg-type]
    docs = {key: Read.of(path) for key, path in paths.items()}
    extracts = Read()
    for path in sorted((out / "izraksti").glob("*.docx")):
        one = Read.of(path)
        extracts.paragraphs += one.paragraphs
        extracts.tables += one.tables
    docs["extracts"] = extracts
    return Built(cfg, docs, paths)


def split_words(docx_path: Path) -> list[str]:
    """Pieces of words in the document's PDF that are no word of the document: a word broken mid-word.

    The document's words are every unbreakable piece of its paragraphs, cells and footer (split at spaces
    and after hyphens and slashes, where a line may break); the PDF made by LibreOffice is read back with
    ``pdftotext -raw``. Numbers and punctuation are not words.
    """
    pdf = to_pdf(docx_path)
    doc = docx.Document(str(docx_path))
    known: set[str] = set()
    texts = [p.text for p in doc.paragraphs] + [p.text for s in doc.sections for p in s.footer.paragraphs]
    texts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    for text in texts:
        # A line may break at a space, at a break opportunity inside a word (after a hyphen or slash, after a
        # full stop before a letter, before a dash), or not at all: every run of whole pieces is legitimate.
        known.update(re.split(r"\s+|(?=[–—])", text))
        for word in text.split():
            parts = pieces(word, at_full_stops=True)
            known.update("".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1))
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    strange = []
    for token in raw.split():
        if token not in known and any(ch.isalpha() for ch in token):
            strange.append(token)
    return strange


def check_requirement(built: Built, req: dict[str, Any]) -> None:
    """Every check of one requirement on its document."""
    doc = built.docs.get(req["document"])
    assert doc is not None, f"{req['id']}: dokuments {req['document']} nav izveidots"
    for check in req["check"]:
        try:
            run_check(check, built.cfg, doc)
        except AssertionError as e:
            raise AssertionError(f"{req['id']} ({DOCUMENT_NAMES[req['document']]}): {e}") from e


def preset_tests(preset: str) -> tuple[Any, ...]:
    """The fixture and tests of one preset's ``tests/test_requirements_<preset>.py``: every requirement met
    on the built documents, the Markdown table in step, no word broken in the PDFs."""
    requirements = load(preset)["requirement"]

    @pytest.fixture(scope="module")
    def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
        return build_preset(preset, Path(tmp_path_factory.mktemp(preset)))

    @pytest.mark.slow
    @pytest.mark.parametrize("requirement", requirements, ids=[r["id"] for r in requirements])
    def test_requirement_is_met(built: Built, requirement: dict[str, Any]) -> None:
        check_requirement(built, requirement)

    def test_markdown_table_is_in_step() -> None:
        assert (DOCS / f"{preset}.md").read_text(encoding="utf-8") == render_markdown(load(preset))

    @pytest.mark.slow
    @pytest.mark.parametrize("document", ["report", "plan", "summary"])
    def test_no_word_is_broken_in_the_pdf(built: Built, document: str) -> None:
        """LibreOffice's PDF of the document has no piece of a word that the document does not have whole."""
        assert split_words(built.paths[document]) == []

    return built, test_requirement_is_met, test_markdown_table_is_in_step, test_no_word_is_broken_in_the_pdf


def render_markdown(data: dict[str, Any]) -> str:
    """The requirements table of one municipality as Markdown (Latvian, like the seeds)."""
    lines = [
        f"# {data['municipality']}: uzraudzības prasības pārskatam un aktualizētajam plānam",
        "",
        f"Avots: `seeds/{data['seed']}`, {data['chapter']}. Katru prasību pārbauda "
        f"`tests/test_requirements_{data['preset']}.py`, nolasot izveidotos dokumentus "
        f"(`tests/data/requirements/{data['preset']}.toml`; šo failu veido `python -m tests.requirements_support`).",
        "",
        "| Nr. | Prasība (seed rindas) | Kas sagatavo / apstiprina | Kad | Dokuments | Kā izpildīts |",
        "|---|---|---|---|---|---|",
    ]
    for req in data["requirement"]:
        cells = [req["id"], f"{req['requirement']} ({req['lines']}) — «{req['quote']}»", req.get("who", "—"),
                 req.get("when", "—"), DOCUMENT_NAMES[req["document"]], req["how"]]
        lines.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    for path in sorted(REQUIREMENTS.glob("*.toml")):
        out = DOCS / f"{path.stem}.md"
        out.write_text(render_markdown(load(path.stem)), encoding="utf-8")
        print(out)


if __name__ == "__main__":
    main()
