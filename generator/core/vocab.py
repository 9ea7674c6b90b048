"""Every vocabulary of the programme, once: forms, statuses, stages, risk groups, roles, levels.

The forms (dropdowns, help), the store schema (CHECK constraints), the documents and the messages all
take their words from here, so adding or renaming a status is one change. Keys are English codes;
values are what a person reads.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

#: Form ids and their Latvian titles.
FORM_TITLES: dict[str, str] = {
    "F1": "Aktivitāšu pārskats",
    "F2": "PMP riski. Situācijas apraksts",
    "F3": "Ziņojums par izglītojamo",
    "F4": "Rādītāju vērtības",
    "F5": "Sanāksmes protokols",
}

#: Execution status of a plan activity, as an institution reports it in F1.
ActivityStatus = Literal["īstenota", "daļēji", "nav īstenota", "nav plānota šogad"]
ACTIVITY_STATUSES: tuple[str, ...] = get_args(ActivityStatus)
DONE, PARTLY, NOT_DONE, NOT_PLANNED = ACTIVITY_STATUSES
#: Statuses that need a comment saying why.
STATUSES_NEEDING_COMMENT = (PARTLY, NOT_DONE)
#: The combined status of an activity nobody reported on.
NO_REPORT = "nav ziņu"

#: A cooperation-group case's status; open ones come back on the next agenda.
NEW_CASE, CASE_IN_REVIEW = OPEN_CASE_STATUSES = ("jauns", "izskatīšanā")
CLOSED_CASE_STATUSES = ("atrisināts", "nodots bāriņtiesai")
CASE_STATUSES = OPEN_CASE_STATUSES + CLOSED_CASE_STATUSES
#: Pseudonymous case id as printed in the F5 and the protocols.
CASE_ID_RE = re.compile(r"^L-[A-Z2-7]{10}$")
#: Kinds of a meeting's agenda item and how the F5 shows them.
AGENDA_ITEM_KINDS: dict[str, str] = {"case": "Gadījums", "plan_review": "Plāna izpilde", "follow_up": "Lēmumu izpilde",
                                     "budget": "Budžets", "other": "Cits jautājums"}
#: What the cooperation group decides about a case.
DECISION_KINDS: dict[str, str] = {
    "support": "atbalsta pasākums",
    "social_service": "nodot sociālajam dienestam",
    "orphans_court": "nodot bāriņtiesai",
    "police": "nodot pašvaldības policijai",
    "closed": "lieta slēgta",
}
#: Referrals and the institution that receives them (the decision's owner when none is named).
REFERRAL_TO: dict[str, str] = {"social_service": "Sociālais dienests", "orphans_court": "Bāriņtiesa",
                               "police": "Pašvaldības policija"}
#: Referrals as the annual report counts them ("Lietas nodotas: sociālajam dienestam — 2").
REFERRAL_DATIVE: dict[str, str] = {"social_service": "sociālajam dienestam", "orphans_court": "bāriņtiesai",
                                   "police": "pašvaldības policijai"}
#: A decision is open until a meeting records it fulfilled.
DECISION_STATES = ("open", "done")
#: What the next meeting records about an open decision.
DECISION_RESULTS: dict[str, str] = {"done": "izpildīts", "not_done": "nav izpildīts", "changed": "mainīts"}
#: On which basis a school reports a pupil in F3.
LEGAL_BASES: dict[str, str] = {
    "mk89": "MK noteikumi Nr. 89 (neattaisnoti kavējumi)",
    "support_plan": "skolas atbalsta plāns",
    "parent_request": "vecāku lūgums",
    "other": "cits pamats",
}

#: A submission's state in the store, and the states `pmp status` shows, with their Latvian names.
SUBMISSION_STATES = ("accepted", "superseded", "rejected")
STATE_LABELS: dict[str, str] = {"accepted": "pieņemts", "held": "aizturēts", "rejected": "noraidīts",
                                "missing": "trūkst"}
#: Why a file is held for the board instead of being judged: our own exception while checking it, or
#: a sender the mail intake could not vouch for.
HELD_KINDS = ("error", "sender")

#: School stages (grades) and their labels.
Stage = Literal["1-6", "7-9", "10-12"]
STAGES: tuple[str, ...] = get_args(Stage)
STAGE_LABELS: dict[str, str] = {"1-6": "1.–6. klase", "7-9": "7.–9. klase", "10-12": "10.–12. klase"}
PRIMARY_STAGE, LOWER_SECONDARY_STAGE, UPPER_SECONDARY_STAGE = STAGES
BASIC_STAGES = frozenset({PRIMARY_STAGE, LOWER_SECONDARY_STAGE})
#: Stages of grades 7–12 (career counselling) and the stage each leaving grade ends.
GRADES_7_12 = (LOWER_SECONDARY_STAGE, UPPER_SECONDARY_STAGE)
LEAVING_GRADES = {"9": LOWER_SECONDARY_STAGE, "12": UPPER_SECONDARY_STAGE}
#: Education levels that F2 splits counts by.
EDUCATION_LEVELS: dict[str, str] = {"basic": "pamatizglītībā", "secondary": "vidējā izglītībā"}

#: The four PMP risk groups a school ranks in F2 and ticks in F3.
RISK_GROUPS: dict[str, str] = {
    "learning": "Mācīšanās un skolas vide",
    "social_health": "Sociālā vide un veselība",
    "economic": "Ekonomiskie faktori",
    "family": "Ģimenes faktori",
}

#: The same groups as the report names them in running text.
RISK_GROUPS_SHORT: dict[str, str] = {
    "learning": "mācību vide",
    "social_health": "sociālā vide un veselība",
    "economic": "ekonomiskie",
    "family": "ģimene",
}

#: Participant groups of an F1 event: the form's column headings and the report's running text.
PARTICIPANT_GROUPS: dict[str, str] = {
    "pupils": "Izglītojamie",
    "parents": "Vecāki",
    "teachers": "Pedagogi, speciālisti",
    "others": "Citi",
}
PARTICIPANT_GROUPS_TEXT: dict[str, str] = {
    "pupils": "izglītojamie",
    "parents": "vecāki",
    "teachers": "pedagogi un speciālisti",
    "others": "citi",
}

#: Support-staff posts (FTE) a school reports in F2.
SUPPORT_STAFF: dict[str, str] = {
    "psychologist": "Psihologs",
    "social_pedagogue": "Sociālais pedagogs",
    "special_pedagogue": "Speciālais pedagogs",
    "speech_therapist": "Logopēds",
    "career_consultant": "Karjeras konsultants",
    "teacher_assistant": "Pedagoga palīgs",
    "nurse": "Medicīnas māsa",
}

#: Prevention levels of the plan's goals, as the tables' spanning rows print them.
Level = Literal["U", "M", "P"]
LEVEL_LABELS: dict[str, str] = {
    "U": "UNIVERSĀLĀ PREVENCIJA",
    "M": "MĒRĶTIECĪGĀ PREVENCIJA",
    "P": "PIELĀGOTĀ PREVENCIJA",
}

#: Assessment of an indicator row against its milestone target (generator.documents.metrics.assess).
ACHIEVED, PROGRESSING, LAGGING = "sasniegts", "virzās", "atpaliek"
#: There is nothing to assess against (no target, a placeholder "tiks noteikti 2024. g.", a text value).
NOT_ASSESSABLE = "nav nosakāms"
NO_DATA = "nav datu"
ASSESSMENTS = (ACHIEVED, PROGRESSING, LAGGING, NOT_ASSESSABLE, NO_DATA)
