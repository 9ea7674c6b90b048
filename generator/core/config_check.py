"""Loading config.toml: its checks beyond the structure, and the Latvian wording of pydantic's errors.

Each problem is one line starting with the key path, e.g.
``plan.activities[12].goal: mērķis "16" nav definēts``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import MANUAL, METRIC_KEYS, SCHOOL_METRICS, InstitutionKind
from .errors import ConfigError

if TYPE_CHECKING:  # pydantic is imported by the first validation, not by whoever reads a cached config
    from pydantic import ValidationError

    from .config import Config

_PYDANTIC_LV: dict[str, str] = {
    "missing": "obligāts lauks nav norādīts",
    "extra_forbidden": "nezināms lauks (pārbaudiet nosaukumu)",
    "string_type": "gaidīts teksts",
    "int_type": "gaidīts vesels skaitlis",
    "int_parsing": "gaidīts vesels skaitlis",
    "int_from_float": "gaidīts vesels skaitlis",
    "float_type": "gaidīts skaitlis",
    "float_parsing": "gaidīts skaitlis",
    "bool_type": "gaidīts true vai false",
    "bool_parsing": "gaidīts true vai false",
    "list_type": "gaidīts saraksts [...]",
    "dict_type": "gaidīta tabula",
    "model_type": "gaidīta tabula",
    "model_attributes_type": "gaidīta tabula",
    "literal_error": "neatļauta vērtība",
    "enum": "neatļauta vērtība",
    "string_pattern_mismatch": "neatbilst formātam",
    "string_too_short": "nedrīkst būt tukšs",
    "string_too_long": "pārāk garš",
    "too_short": "sarakstā jābūt vismaz vienam elementam",
    "greater_than_equal": "vērtība par mazu",
    "less_than_equal": "vērtība par lielu",
}


def _loc_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def pydantic_problems(err: ValidationError) -> list[str]:
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        etype = e["type"]
        if etype == "value_error":
            msg = str(e.get("ctx", {}).get("error", e["msg"]))
        else:
            msg = _PYDANTIC_LV.get(etype, e["msg"])
            if etype in ("literal_error", "enum"):
                msg += f" (atļautās: {e.get('ctx', {}).get('expected', '')})"
            if etype == "string_pattern_mismatch" and loc and loc[-1] == "id":
                msg = "identifikatoram jābūt no mazajiem latīņu burtiem, cipariem, '-' un '_'"
        problems.append(f"{_loc_path(loc)}: {msg}")
    return problems


def check_references(cfg: Config) -> list[str]:
    """Cross-reference problems of a structurally valid config, one Latvian line each."""
    problems: list[str] = []
    years = set(cfg.period.plan_years)
    inst_ids = [i.id for i in cfg.institutions]
    kinds = {k.value for k in InstitutionKind}
    fund_ids = [f.id for f in cfg.funding_sources]

    def dupes(items: list[str], path: str, what: str) -> None:
        seen: set[str] = set()
        for n, item in enumerate(items):
            if item in seen:
                problems.append(f"{path}[{n}]: {what} \"{item}\" atkārtojas")
            seen.add(item)

    dupes(inst_ids, "institutions", "iestādes id")
    dupes(fund_ids, "funding_sources", "finansējuma avota id")
    dupes([g.number for g in cfg.plan.goals], "plan.goals", "mērķa numurs")
    dupes([a.number for a in cfg.plan.activities], "plan.activities", "aktivitātes numurs")
    dupes([i.number for i in cfg.plan.indicators], "plan.indicators", "rādītāja numurs")

    for m in cfg.period.milestones:
        if m not in years:
            problems.append(f"period.milestones: gads {m} nav plāna periodā {min(years)}–{max(years)}")
    if sum(1 for i in cfg.institutions if i.kind == InstitutionKind.education_board) != 1:
        problems.append("institutions: jābūt tieši vienai iestādei ar kind = \"education_board\" (izglītības pārvalde)")

    def check_ref(ref: str, path: str) -> None:
        if ref.startswith("kind:"):
            if ref[5:] not in kinds:
                problems.append(f"{path}: iestāžu veids \"{ref[5:]}\" nav zināms")
        elif ref not in inst_ids:
            problems.append(f"{path}: iestāde \"{ref}\" nav definēta sadaļā institutions")

    for n, mem in enumerate(cfg.cooperation_group.members):
        check_ref(mem.institution, f"cooperation_group.members[{n}].institution")

    goal_numbers = {g.number for g in cfg.plan.goals}
    for n, act in enumerate(cfg.plan.activities):
        p = f"plan.activities[{n}]"
        if act.goal not in goal_numbers:
            problems.append(f"{p}.goal: mērķis \"{act.goal}\" nav definēts")
        for k, ref in enumerate(act.responsible):
            check_ref(ref, f"{p}.responsible[{k}]")
        for k, ref in enumerate(act.involved):
            check_ref(ref, f"{p}.involved[{k}]")
        for k, y in enumerate(act.years):
            if y not in years:
                problems.append(f"{p}.years[{k}]: gads {y} nav plāna periodā {min(years)}–{max(years)}")
        for k, fid in enumerate(act.funding):
            if fid not in fund_ids:
                problems.append(f"{p}.funding[{k}]: finansējuma avots \"{fid}\" nav definēts sadaļā funding_sources")
        for k, pf in enumerate(act.planned_funding):
            if pf.source and pf.source not in fund_ids:
                problems.append(f"{p}.planned_funding[{k}].source: finansējuma avots \"{pf.source}\" nav definēts")
            if pf.year is not None and pf.year not in years:
                problems.append(f"{p}.planned_funding[{k}].year: gads {pf.year} nav plāna periodā")

    for n, ind in enumerate(cfg.plan.indicators):
        p = f"plan.indicators[{n}]"
        if ind.goal is not None and ind.goal not in goal_numbers:
            problems.append(f"{p}.goal: mērķis \"{ind.goal}\" nav definēts")
        for r, row in enumerate(ind.rows):
            metric = ind.row_metric(row)
            mpath = f"{p}.rows[{r}].metric" if row.metric else f"{p}.metric"
            if metric != MANUAL and metric not in METRIC_KEYS:
                problems.append(f"{mpath}: nezināms rādītāja aprēķins \"{metric}\" (atļauti: manual, "
                                f"{', '.join(sorted(METRIC_KEYS))})")
            for year in row.targets:
                if not year.isdigit() or int(year) not in cfg.period.milestones:
                    problems.append(f"{p}.rows[{r}].targets.{year}: gads {year} nav starprezultātu gads "
                                    f"(period.milestones = {cfg.period.milestones})")
    return problems


# ---- loading ---------------------------------------------------------------------------------

NO_SCHOOLS = ("rādītāju {number} aprēķina no skolu veidlapām F2, bet sadaļā institutions nav nevienas skolas "
              "(kind = \"school\"), kas tās iesniegtu: pievienojiet skolas vai katru gadu ievadiet šī rādītāja "
              "vērtību pārvaldes veidlapā F4")


TO_BE_SET = ("rādītāja {number} mērķis ({years}) vēl nav noteikts („{raw}”): kad tas noteikts, ierakstiet to "
             "config.toml, citādi vērtējums būs „nav nosakāms”")


def config_warnings(cfg: Config) -> list[str]:
    """What is valid but leaves the documents short, one Latvian line each with its key path.

    Indicators computed from the schools' F2 in a plan whose config asks no school for an F2 (Rīga's
    programme names no schools) — their values can only come from the board's F4; and targets the
    programme left to be set later ("Sasniedzamie rezultāti tiks noteikti 2024. g.", Daugavpils), against
    which nothing can be assessed until the board writes them into config.toml.
    """
    warnings: list[str] = []
    for n, ind in enumerate(cfg.plan.indicators):
        for r, row in enumerate(ind.rows):
            metric = ind.row_metric(row)
            if metric in SCHOOL_METRICS and not cfg.computed_from_forms(metric):
                path = f"plan.indicators[{n}].rows[{r}].metric" if row.metric else f"plan.indicators[{n}].metric"
                warnings.append(f"{path}: {NO_SCHOOLS.format(number=ind.number)}")
                break
    for n, ind in enumerate(cfg.plan.indicators):
        for r, row in enumerate(ind.rows):
            later = [year for year, target in row.targets.items() if target.is_placeholder]
            if later:
                text = TO_BE_SET.format(number=ind.number, years=", ".join(later), raw=row.targets[later[0]].raw)
                warnings.append(f"plan.indicators[{n}].rows[{r}].targets: {text}")
    return warnings


def parse_config(data: dict[str, Any]) -> Config:
    """Validate a parsed TOML document; raise :class:`ConfigError` with every problem."""
    from pydantic import ValidationError

    from .config_model import Config

    try:
        cfg = Config.model_validate(data)
    except ValidationError as e:
        raise ConfigError(pydantic_problems(e)) from e
    problems = check_references(cfg)
    if problems:
        raise ConfigError(problems)
    return cfg


def read_config(path: Path) -> bytes:
    """config.toml's bytes; :class:`ConfigError` when there is no such file."""
    if not path.is_file():
        raise ConfigError([f"{path}: konfigurācijas fails nav atrasts (izveidojiet darba vietu ar `pmp init`)"])
    return path.read_bytes()


def load_config(path: Path) -> Config:
    """Read and validate a config.toml file."""
    return config_from_bytes(path, read_config(path))


def config_from_bytes(path: Path, source: bytes) -> Config:
    """Validate the bytes ``source`` read from config.toml at ``path`` (named in the messages)."""
    import tomllib  # here: a command that restores the kept config parses no TOML

    try:
        # As Path.read_text reads it: UTF-8, universal newlines.
        data = tomllib.loads(io.TextIOWrapper(io.BytesIO(source), encoding="utf-8").read())
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([f"{path.name}: TOML sintakses kļūda: {e}"]) from e
    except UnicodeDecodeError as e:
        raise ConfigError([f"{path.name}: failam jābūt UTF-8 kodējumā"]) from e
    return parse_config(data)
