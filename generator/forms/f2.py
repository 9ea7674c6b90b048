"""F2 "PMP riski. Situācijas apraksts" — a school's yearly risk situation (Ludza annex Nr.6, extended).

The fields exist so that every school-sourced indicator of the five seed programmes can be computed
(see ``METRIC_KEYS`` in config.py). Stages a school does not teach are shown as "—" and read as 0/null.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.config import InstitutionKind
from ..core.vocab import EDUCATION_LEVELS, LEAVING_GRADES, RISK_GROUPS, STAGE_LABELS, SUPPORT_STAFF
from .fields import Field, FormContext, FormDef, Section, Sheet, Table
from .values import fmt_number

if TYPE_CHECKING:
    from ..core.config import Config, Institution
    from .validate import Checker



def _count(key: str, label: str, help: str = "", stage: str | None = None, required: bool = True) -> Field:
    return Field(key, label, "int", required=required, help=help or "Vesels skaitlis, 0 vai vairāk.", stage=stage)


def _note(key: str, label: str, help: str, stage: str | None = None) -> Field:
    return Field(key, label, "text", help=help, stage=stage, lines=3)


def _pupils(prefix: str, when: str) -> tuple[Field, ...]:
    return tuple(_count(f"{prefix}.{s}", f"Izglītojamo skaits {when}, {lbl}", stage=s,
                        help=f"Izglītojamo skaits {when} ({lbl}).") for s, lbl in STAGE_LABELS.items())


def _outcomes(grade: str, stage: str) -> tuple[Field, ...]:
    return (
        _count(f"grade{grade}.enrolled", f"{grade}. klasē mācījās mācību gada beigās", stage=stage),
        _count(f"grade{grade}.certificate", f"Saņēma {'apliecību' if grade == '9' else 'atestātu'}", stage=stage,
               help=f"Izglītojamie, kuri saņēma {'apliecību par vispārējo pamatizglītību' if grade == '9' else 'atestātu par vispārējo vidējo izglītību'}."),
        _count(f"grade{grade}.report_only", "Saņēma tikai liecību", stage=stage,
               help=f"{'Apliecību' if grade == '9' else 'Atestātu'} un tikai liecību saņēmušo kopā jābūt "
                    f"tikpat, cik {grade}. klasē mācījās mācību gada beigās."),
    )


def _finish(data: dict[str, Any], ctx: FormContext) -> dict[str, Any]:
    """Adds ``support_measures``, the total over the stages, used by the all-stage indicators."""
    parts = [data.get("support_measures_basic"), data.get("support_measures_secondary")]
    data["support_measures"] = sum(p for p in parts if p is not None)
    return data


PAGE_MAIN = Sheet(
    name="Situācijas apraksts",
    title="PMP riski. Situācijas apraksts",
    blocks=(
        Section("1. Izglītojamo skaits", _pupils("pupils_start", "mācību gada sākumā")
                + _pupils("pupils_end", "mācību gada beigās") + (
            _count("moved_out", "Mācību gada laikā izstājušies (pārgājuši uz citu skolu)"),
            _count("moved_in", "Mācību gada laikā iestājušies"),
        )),
        Section("2. PMP riskam pakļautie un mācības pārtraukušie", (
            _count("at_risk_basic", "PMP riskam pakļautie pamatizglītībā (1.–9. kl.)", stage="basic"),
            _count("at_risk_secondary", "PMP riskam pakļautie vidējā izglītībā (10.–12. kl.)", stage="secondary"),
            _count("dropouts_basic", "Mācības pārtraukušie pamatizglītībā", stage="basic"),
            _count("dropouts_secondary", "Mācības pārtraukušie vidējā izglītībā", stage="secondary"),
            _note("dropout_causes_basic", "Mācību pārtraukšanas iemesli (pamatizglītība)",
                  "Īsi aprakstiet iemeslus, ja kāds pārtraucis mācības.", stage="basic"),
            _note("dropout_causes_secondary", "Mācību pārtraukšanas iemesli (vidējā izglītība)",
                  "Īsi aprakstiet iemeslus, ja kāds pārtraucis mācības.", stage="secondary"),
        )),
        Section("3. Riska grupu ranžējums (1 — nozīmīgākā, 4 — mazāk nozīmīgā)", tuple(
            Field(f"risk_ranks.{k}", lbl, "int", required=True, min=1, max=4,
                  help="Katru skaitli 1, 2, 3, 4 izmantojiet tieši vienu reizi.")
            for k, lbl in RISK_GROUPS.items()
        ) + (_note("risk_comment", "Komentārs par riska grupām", "Kāpēc šāds ranžējums."),)),
        Section("4. Kavējumi un mācību rezultāti", (
            Field("unexcused_per_pupil_basic", "Neattaisnoti kavētās stundas uz 1 izglītojamo (pamatizglītība)",
                  "float", required=True, stage="basic", help="Skaitlis ar decimāldaļu, piemēram 4,5."),
            Field("unexcused_per_pupil_secondary", "Neattaisnoti kavētās stundas uz 1 izglītojamo (vidējā izglītība)",
                  "float", required=True, stage="secondary", help="Skaitlis ar decimāldaļu, piemēram 4,5."),
            _count("over20_unexcused", "Izglītojamie ar vairāk nekā 20 neattaisnoti kavētām stundām semestrī"),
            _count("extended_year", "Izglītojamie ar pagarinātu mācību gadu"),
            _note("extended_year_subjects", "Mācību priekšmeti (pagarināts mācību gads)", "Kuros priekšmetos."),
            _count("insufficient_grade", "Izglītojamie ar nepietiekamu vērtējumu gadā"),
            _note("insufficient_grade_subjects", "Mācību priekšmeti (nepietiekams vērtējums)", "Kuros priekšmetos."),
            _count("repeating", "Izglītojamie, kuri atkārto mācību gadu"),
            _note("repeating_subjects", "Mācību priekšmeti (atkārto mācību gadu)", "Kuros priekšmetos."),
            _count("grade9_exam_failed", "9. klašu izglītojamie, kuri nenokārtoja valsts pārbaudījumus", stage=LEAVING_GRADES["9"]),
        )),
        Section("5. Atbalsts izglītojamajiem un ģimenēm", (
            _count("support_measures_basic", "Izglītojamie, kuriem sniegti PMP atbalsta pasākumi (1.–9. kl.)",
                   stage="basic"),
            _count("support_measures_secondary", "Izglītojamie, kuriem sniegti PMP atbalsta pasākumi (10.–12. kl.)",
                   stage="secondary"),
            _count("iap", "Izglītojamie ar individuālo atbalsta plānu (IAP)"),
            _count("interest_education", "Izglītojamie vismaz vienā interešu izglītības programmā"),
            _count("career_counselling_7_12", "7.–12. klašu izglītojamie, kuri saņēmuši karjeras konsultācijas",
                   stage="7-12"),
            _count("families_two_talks", "Ģimenes, kuras mācību gadā vismaz 2 reizes piedalījās individuālās "
                   "sarunās ar skolu", help="Visu izglītojamo ģimenes (ne tikai PMP riska), vesels skaitlis."),
        )),
        Section("6. Pedagogi un atbalsta personāls", (
            _count("teachers_total", "Pedagogu skaits kopā"),
            _count("teachers_trained", "Pedagogi, kuri apguvuši PMP riska pazīmju atpazīšanu"),
        ) + tuple(Field(f"support_staff.{k}", f"{lbl} (slodzes)", "float", required=True,
                        help=f"{lbl}: slodžu skaits skolā, piemēram 0,5; ja šāda amata nav — 0.")
                  for k, lbl in SUPPORT_STAFF.items())),
        Section("7. PMP prevencijas darbs", (
            Field("has_pmp_plan", "Skolai ir PMP prevencijas darba plāns", "choice", required=True, choices="yesno"),
            _note("measures_needed", "Nepieciešamie pasākumi PMP mazināšanai", "Kas vēl būtu vajadzīgs."),
        )),
        Section("8. 9. klašu beidzēji", _outcomes("9", LEAVING_GRADES["9"])),
        Section("9. 12. klašu beidzēji", _outcomes("12", LEAVING_GRADES["12"])),
    ),
)

PAGE_TABLES = Sheet(
    name="Partneri un tālākizglītība",
    title="Stratēģiskie partneri un beidzēju tālākizglītība",
    blocks=(
        Table("partners", "Stratēģiskie partneri", (
            Field("partner", "Partneris", required=True, help="Iestāde vai organizācija."),
            Field("kind", "Sadarbības veids", required=True, help="Ko darāt kopā."),
        ), rows=20),
        Table("grade9_continuing", "9. klašu beidzēji: kur turpina izglītību", (
            Field("institution", "Izglītības iestāde", required=True),
            Field("count", "Skaits", "int", required=True),
        ), rows=20),
        Table("grade12_continuing", "12. klašu beidzēji: kur turpina izglītību", (
            Field("institution", "Izglītības iestāde", required=True),
            Field("count", "Skaits", "int", required=True),
        ), rows=20),
    ),
)


def _is_school(inst: Institution, cfg: Config) -> bool:
    return inst.kind == InstitutionKind.school


FORM = FormDef(
    form_id="F2",
    version=1,
    title="PMP riski. Situācijas apraksts",
    slug="situacijas_apraksts",
    sheets=(PAGE_MAIN, PAGE_TABLES),
    applies_to=_is_school,
    finish=_finish,
    instructions=lambda ctx: (
        f"Aizpilda katra vispārizglītojošā skola par {ctx.period.school_year} mācību gadu.",
        *_stages_not_taught(ctx),
        "Riska grupas sakārtojiet pēc nozīmīguma: katram skaitlim 1–4 jābūt tieši vienu reizi.",
    ),
)


def _stages_not_taught(ctx: FormContext) -> tuple[str, ...]:
    """The instructions' line naming the stages this school does not teach (none when it teaches all)."""
    missing = [label for stage, label in STAGE_LABELS.items() if stage not in ctx.institution.stages]
    if not missing:
        return ()
    if len(missing) == 1:
        return (f"Posms, ko skola neīsteno ({missing[0]}), ir atzīmēts ar “—”: tā lauki nav jāaizpilda.",)
    return (f"Posmi, kurus skola neīsteno ({', '.join(missing)}), ir atzīmēti ar “—”: to lauki nav jāaizpilda.",)


def check(chk: Checker) -> None:
    """Cross-field rules of F2 (single-field checks are generic, see validate.py)."""
    stage_pupils = {
        "basic": chk.sum("pupils_start.1-6", "pupils_start.7-9"),
        "secondary": chk.sum("pupils_start.10-12"),
    }
    words = EDUCATION_LEVELS
    for stage, pupils in stage_pupils.items():
        for key, what in ((f"at_risk_{stage}", "PMP riskam pakļauto"), (f"dropouts_{stage}", "Mācības pārtraukušo")):
            n = chk.get(key)
            if n is None or pupils is None or not chk.applies(key):
                continue
            if n > pupils:
                chk.error(key, f"{what} skaits ({n}) ir lielāks par izglītojamo skaitu {words[stage]} mācību "
                               f"gada sākumā ({pupils}). Pārbaudiet abus skaitļus un izlabojiet.")
            elif key.startswith("dropouts") and pupils and n > 0.1 * pupils:
                chk.warning(key, f"Mācības pārtraukušo skaits ({n}) ir vairāk nekā 10 % no izglītojamajiem "
                                 f"{words[stage]} ({pupils}). Pārbaudiet, vai skaitlis ir pareizs.")
    _ranks(chk)
    for grade in ("9", "12"):
        _outcome_sum(chk, grade)
    failed, enrolled9 = chk.get("grade9_exam_failed"), chk.get("grade9.enrolled")
    if failed is not None and enrolled9 is not None and failed > enrolled9:
        chk.error("grade9_exam_failed", f"Valsts pārbaudījumus nenokārtojušo skaits ({failed}) ir lielāks par "
                                        f"9. klasē mācījušos skaitu ({enrolled9}). Izlabojiet skaitli.")
    trained, total = chk.get("teachers_trained"), chk.get("teachers_total")
    if trained is not None and total is not None and trained > total:
        chk.error("teachers_trained", f"Apmācīto pedagogu skaits ({trained}) ir lielāks par pedagogu skaitu "
                                      f"kopā ({total}). Izlabojiet skaitli.")
    all_pupils = chk.sum(*(f"pupils_start.{s}" for s in STAGE_LABELS))
    older = chk.sum("pupils_start.7-9", "pupils_start.10-12")
    for key, limit, whom in (("over20_unexcused", all_pupils, "visu izglītojamo skaitu"),
                             ("career_counselling_7_12", older, "7.–12. klašu izglītojamo skaitu"),
                             ("support_measures_basic", chk.sum("pupils_start.1-6", "pupils_start.7-9"),
                              "1.–9. klašu izglītojamo skaitu"),
                             ("support_measures_secondary", chk.sum("pupils_start.10-12"),
                              "10.–12. klašu izglītojamo skaitu"),
                             ("interest_education", all_pupils, "visu izglītojamo skaitu"),
                             ("families_two_talks", all_pupils, "visu izglītojamo skaitu")):
        n = chk.get(key)
        if n is not None and limit is not None and n > limit and chk.applies(key):
            chk.error(key, f"Skaits ({n}) ir lielāks par {whom} mācību gada sākumā ({limit}). Izlabojiet skaitli.")
    for key in ("unexcused_per_pupil_basic", "unexcused_per_pupil_secondary"):
        v = chk.get(key)
        if v is not None and v > 50:
            chk.warning(key, f"Vairāk nekā 50 neattaisnoti kavētu stundu uz vienu izglītojamo ({fmt_number(v)}) ir maz "
                             "ticams. Pārbaudiet, vai norādīts vidējais uz vienu izglītojamo, nevis kopskaits.")
    for count_key, text_key in (("dropouts_basic", "dropout_causes_basic"),
                                ("dropouts_secondary", "dropout_causes_secondary"),
                                ("extended_year", "extended_year_subjects"),
                                ("insufficient_grade", "insufficient_grade_subjects"),
                                ("repeating", "repeating_subjects")):
        n = chk.get(count_key)
        if n and chk.applies(text_key) and not chk.get(text_key):
            chk.warning(text_key, f"Norādīti {n} izglītojamie, bet šis lauks ir tukšs. Lūdzu, aizpildiet to.")


def _ranks(chk: Checker) -> None:
    keys = [f"risk_ranks.{k}" for k in RISK_GROUPS]
    values = [chk.get(k) for k in keys]
    if any(v is None for v in values):
        return
    for key, v in zip(keys, values, strict=True):
        if values.count(v) > 1:
            chk.error(key, f"Rangs {v} norādīts vairākām riska grupām. Katru skaitli 1, 2, 3, 4 izmantojiet "
                           "tieši vienu reizi.")


def _outcome_sum(chk: Checker, grade: str) -> None:
    enrolled = chk.get(f"grade{grade}.enrolled")
    cert, report = chk.get(f"grade{grade}.certificate"), chk.get(f"grade{grade}.report_only")
    if None in (enrolled, cert, report) or not chk.applies(f"grade{grade}.enrolled"):
        return
    doc = "apliecību" if grade == "9" else "atestātu"
    if cert + report != enrolled:
        chk.error(f"grade{grade}.enrolled",
                  f"Saņēmušo {doc} ({cert}) un tikai liecību ({report}) kopā ir {cert + report}, bet "
                  f"{grade}. klasē mācījās {enrolled}. Izlabojiet skaitļus, lai tie sakristu.")
    rows = chk.rows(f"grade{grade}_continuing")
    total = sum(r.get("count") or 0 for _, r in rows)
    if rows and total > enrolled:
        index = rows[-1][0]
        chk.row_error(f"grade{grade}_continuing", index, "count",
                      f"Tālākizglītībā turpinošo kopskaits ({total}) ir lielāks par {grade}. klasē "
                      f"mācījušos skaitu ({enrolled}). Izlabojiet skaitļus.")


FORM.rules = check
