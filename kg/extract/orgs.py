"""Organizations in a report: names recognized by their head word ("... Commission", "Centre for ..."),
acronyms defined in parentheses ("Centre for Governance Research (CGR)") and used alone later, and a
sector guessed from the name for a person to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..records import name_key
from .places import COUNTRIES, PLACES

ORG_HEADS = frozenset("""
organization organisation organizations commission centre center agency office initiative society council
ministry bureau union alliance network institute institution university college school foundation forum
authority department police court assembly trust association federation unit embassy consulate observatory
parliament senate government secretariat directorate division board committee chamber bank fund coalition
hub academy cell wing force corporation company ltd inc group partnership programme program project service
services tribunal agencies
""".split())  # fmt: skip
CONNECTORS = frozenset({"of", "for", "on", "and", "against", "the", "in", "&", "-", "to", "de"})
# all-capital words that are not organizations by themselves
NOT_ORG_ACRONYMS = frozenset({"NGO", "NGOs", "MOU", "MoU", "CEO", "ADG", "DG", "DIG", "IG", "TIP", "SOM", "TOC", "THB",
                              "ID", "PDF", "COVID", "AM", "PM", "II", "III", "IV", "ACT", "KPK", "KP", "US", "UN"})  # fmt: skip
# words that make "<these> of <organization>" a phrase about people, not part of the organization's name
PEOPLE_WORDS = frozenset("""representatives representative members member delegates staff officials official director
general chairperson chairman chair head chief president secretary minister officer deputy additional executive ceo
team students""".split())  # fmt: skip
ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?:-[A-Z][a-z]+)?\b|\b[A-Z]{2,}[0-9]*[A-Z]*\b")
WORD = re.compile(r"[A-Za-z][A-Za-z'’.&\-]*|&|-")
DEFINITION = re.compile(r"\(\s*(?P<acr>[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)\s*\)")
WELL_KNOWN = {  # bodies reports name by acronym only; expanded so a reviewer sees what was assumed
    "UNODC": "United Nations Office on Drugs and Crime", "UNHCR": "United Nations High Commissioner for Refugees",
    "IOM": "International Organization for Migration", "ILO": "International Labour Organization",
    "UNDP": "United Nations Development Programme", "UNICEF": "United Nations Children's Fund",
    "INTERPOL": "International Criminal Police Organization", "EU": "European Union", "UN": "United Nations",
    "FIA": "Federal Investigation Agency", "NACTA": "National Counter Terrorism Authority",
}  # fmt: skip


def is_acronym(token: str) -> bool:
    """An organization-like acronym: GI-TOC, SHARP-Pakistan, NET4U, FIA (not NGO, TIP, UK)."""
    return bool(ACRONYM.fullmatch(token)) and token not in NOT_ORG_ACRONYMS and token not in COUNTRIES \
        and sum(c.isupper() for c in token) >= 2  # fmt: skip


def has_head(name: str) -> bool:
    """True when a name reads like an organization's: an organization word, or a name ending in "Aid"."""
    words = [w.strip(".,'’").casefold() for w in re.split(r"[\s\-]+", name) if w]
    return any(w in ORG_HEADS or w.removesuffix("'s") in ORG_HEADS for w in words) or bool(re.search(r"[a-z]Aid\b", name))


def initials_match(acronym: str, name: str) -> bool:
    """True when the acronym's letters are the initials of the name's words, in order (lower-case
    connectors optional): NIOC ~ National Initiative against Organized Crime, CFHR ~ Centre for Human Rights."""
    letters = [c for c in acronym.upper() if c.isalpha()]
    words = [w for w in re.split(r"[\s\-]+", name) if w and w[0].isalpha()]
    if not letters or not words or words[0][0].upper() != letters[0]:
        return False
    i = 0
    for w in words:
        if i < len(letters) and w[0].upper() == letters[i]:
            i += 1
        elif w[0].isupper() and w.casefold() not in CONNECTORS:
            return False  # a capitalized word the acronym skips: not this name
    return i == len(letters)


def long_form(before: str, acronym: str) -> str | None:
    """The name an acronym in parentheses abbreviates, taken from the words just before it."""
    words = WORD.findall(before)[-12:]
    # the run of capitalized words and connectors ending right before the parenthesis
    run: list[str] = []
    for w in reversed(words):
        if w[0].isupper() or w.casefold() in CONNECTORS or w.endswith(("'s", "’s")):
            run.insert(0, w)
        else:
            break
    if not run:
        return None
    run[-1] = re.sub(r"['’]s$", "", run[-1])
    for start in range(len(run) - 1, -1, -1):  # the shortest run whose initials give the acronym
        if run[start][0].isupper() and initials_match(acronym, " ".join(run[start:])):
            return _trim(" ".join(run[start:]))
    while run and (run[0].casefold() in CONNECTORS or not run[0][0].isupper()):
        run.pop(0)
    text = _trim(" ".join(run))
    return text if text and has_head(text) else None


def _trim(text: str) -> str:
    return re.sub(r"^(?:The|the)\s+", "", text).strip(" -,")


def org_names(sentence: str) -> list[tuple[str, int]]:
    """Organization names in free text, with their offsets: runs of capitalized words (and connectors)
    headed by an organization word ("Sindh Human Rights Commission", "Ministry of Foreign Affairs")."""
    found = []
    pattern = re.compile(r"(?:(?:[A-Z][\w'’&.\-]*|of|for|on|and|against|the|in|&)\s+)*[A-Z][\w'’&.\-]*")
    for m in pattern.finditer(sentence):
        offset = m.start()
        for words in _segments(m.group(0).split()):
            text = _org_from_words(words)
            if text:
                found.append((text, offset + m.group(0).find(text.split()[0])))
    return found


def _segments(words: list[str]) -> list[list[str]]:
    """Split a run at "and" where it joins two names ("UNODC and the Ministry of ...") rather than
    being part of one ("Crime Prevention and Criminal Justice")."""
    segments, current = [], []
    for i, w in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        before = current[-1] if current else ""
        if w in ("and", "&") and (after in ("the", "The") or is_acronym(before) or before.casefold() in ORG_HEADS):
            segments.append(current)
            current = []
        else:
            current.append(w)
    segments.append(current)
    return [s for s in segments if s]


def _org_from_words(words: list[str]) -> str | None:
    words = list(words)
    while words and (words[0].casefold() in CONNECTORS or words[0] in ("The", "A", "An", "In", "On", "By")):
        words.pop(0)
    while words and words[-1].casefold() in CONNECTORS:
        words.pop()
    for i in range(len(words) - 1, 0, -1):  # "Representatives of the Sindh Government", "Director General of the FMU"
        if words[i] in ("of", "from") and not has_head(" ".join(words[:i])) and has_head(" ".join(words[i + 1 :])) \
                and any(w.casefold() in PEOPLE_WORDS for w in words[:i]):
            words = words[i + 1 :]
            break
    while words and words[0] in ("the", "The"):
        words.pop(0)
    if len(words) >= 3 and words[-2] == "in" and words[-1] in PLACES:  # "... High Commission in Islamabad"
        words = words[:-2]
    while len(words) > 1 and words[-1] in PLACES and words[-2].casefold() not in CONNECTORS:
        words.pop()  # "Universal College Lahore" -> the college (sub_units keeps the place for the initials)
    words = [re.sub(r"['’]s$", "", w) for w in words]
    text = " ".join(words)
    if len(words) < 2 and not re.search(r"[a-z]Aid$", text):
        return None
    head = words[-1].casefold().strip(".,")
    inner_head = any(w.casefold() in ORG_HEADS and i + 1 < len(words) and words[i + 1].casefold() in CONNECTORS
                     for i, w in enumerate(words))  # "Alliance of NGOs on ...", "Ministry of Foreign Affairs"
    return text if head in ORG_HEADS or inner_head or re.search(r"[a-z]Aid$", text) else None


RUN = re.compile(r"(?:(?:[A-Z][\w'’&.\-]*|of|for|on|and|against|the|in|&)\s+)*[A-Z][\w'’&.\-]*")
POSSESSIVE_UNIT = re.compile(r"\b([A-Z][A-Za-z0-9\-]+)['’]s\s+((?:[A-Z][\w\-]*)(?:\s+(?:[A-Z][\w\-]*|of|for|on|and|&))*)")


def sub_units(sentence: str) -> list[tuple[str, str]]:
    """(unit, parent) pairs: "the Department of Sociology of International Islamic University Islamabad",
    "the Human Trafficking Unit of the United Nations Office ...", "IOM’s Immigration and Protection Unit"."""
    out = []
    for run in RUN.finditer(sentence):
        words = run.group(0).split()
        for i, w in enumerate(words):  # each "of" of the run, the first that parts two organizations
            if w != "of":
                continue
            unit, parent = list(words[:i]), list(words[i + 1 :])
            while unit and (unit[0].casefold() in PEOPLE_WORDS or unit[0].casefold() in CONNECTORS):
                unit.pop(0)  # "Head of the Human Trafficking Unit of ..."
            while parent and parent[0].casefold() in CONNECTORS:
                parent.pop(0)
            while parent and parent[-1].casefold() in CONNECTORS:
                parent.pop()
            u, p = _up_to_head(" ".join(unit)), " ".join(parent)
            if len(u.split()) >= 2 and has_head(u) and len(parent) >= 2 and has_head(p) \
                    and not any(x.casefold() in PEOPLE_WORDS for x in u.split()):
                out.append((u, p))
                break
    for m in POSSESSIVE_UNIT.finditer(sentence):
        parent, unit = m.group(1), _up_to_head(m.group(2))
        if (is_acronym(parent) or has_head(parent)) and has_head(unit) and len(unit.split()) >= 2:
            out.append((unit, parent))
    return out


def _up_to_head(name: str) -> str:
    """A unit's name ends at its last organization word: "Protection Unit Eugene Park" -> "Protection Unit"."""
    words = name.split()
    last = max((i for i, w in enumerate(words) if w.casefold() in ORG_HEADS), default=len(words) - 1)
    if last + 1 < len(words) and words[last + 1].casefold() in CONNECTORS:
        return name  # "Department of Sociology": the name goes on after its organization word
    return " ".join(words[: last + 1])


@dataclass(eq=False)
class Org:
    key: str  # stable within one extraction
    name: str
    acronyms: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    quote: str = ""  # the first sentence naming it
    how: str = ""  # how it was found, for the reviewer
    parent: str | None = None  # the key of the organization it is a unit of

    def names(self) -> list[str]:
        return [self.name, *self.acronyms, *self.aliases]


class OrgTable:
    """The organizations of one report, each once, found by name, acronym or a shorter form."""

    def __init__(self):
        self.orgs: list[Org] = []
        self._keys: dict[str, Org] = {}  # folded name, alias or acronym -> organization
        self._full: dict[str, str] = {}  # org key -> folded full name

    def _index(self, org: Org) -> None:
        self._full[org.key] = name_key(org.name)
        for n in org.names():
            self._keys.setdefault(name_key(n), org)

    def find(self, text: str) -> Org | None:
        text = _trim(text.strip())
        if not text:
            return None
        key = name_key(text)
        if key in self._keys:
            return self._keys[key]
        acronym = is_acronym(text)
        for org in self.orgs:  # an undefined acronym whose letters are the initials of a known name, or back
            if acronym and not org.acronyms and any(initials_match(text, n) for n in [org.name, *org.aliases]):
                org.acronyms.append(text)
                self._index(org)
                return org
            if not acronym and org.name in org.acronyms and initials_match(org.name, text):
                return org
        if len(key.split()) < 2 or not has_head(text):
            return None
        for org in self.orgs:  # "Police Punjab" for the Punjab Police: the same words in another order
            if sorted(self._full[org.key].split()) == sorted(key.split()):
                if text not in org.aliases:
                    org.aliases.append(text)
                    self._index(org)
                return org
        for org in self.orgs:  # "the National Initiative" for the National Initiative against Organized Crime
            if self._full[org.key].startswith(key + " "):
                if text not in org.aliases:
                    org.aliases.append(text)
                    self._index(org)
                return org
        return None

    def add(self, name: str, acronym: str | None = None, quote: str = "", how: str = "") -> Org:
        """The organization known by ``name`` or ``acronym``, created when new."""
        name = _trim(name)
        org = self.find(name) or (self.find(acronym) if acronym else None)
        if org is None:
            if acronym and acronym == name:
                org = Org(f"o{len(self.orgs)}", name, [acronym], quote=quote, how=how or "named by acronym only")
            else:
                org = Org(f"o{len(self.orgs)}", name, [acronym] if acronym and acronym != name else [], quote=quote, how=how)
            self.orgs.append(org)
            self._index(org)
            return org
        if acronym and acronym not in org.acronyms and acronym != org.name:
            org.acronyms.append(acronym)
        if org.name in org.acronyms and name not in org.acronyms:  # learnt the full name of an acronym-only org
            org.name = name
        elif name != org.name and name not in org.acronyms and name not in org.aliases and name_key(name) != name_key(org.name):
            org.aliases.append(name)
        self._index(org)
        return org


SECTOR_RULES = [  # first match wins; checked against the name and acronyms, case-insensitively
    (r"\bpolice\b|\bFIA\b|law enforcement|\bconstabulary\b|\bcustoms\b|\banti-narcotics force\b", "law-enforcement"),
    (r"\bembass(y|ies)\b|\bhigh commission\b|\bconsulate\b|aid\b|\bUSAID\b|\bdevelopment agency\b", "donor"),
    (r"\bUNODC\b|\bUN\b|\bunited nations\b|\bEU\b|\beuropean union\b|\bIOM\b|\bILO\b|\bUNHCR\b|\bINTERPOL\b|\bworld bank\b", "international-organization"),
    (r"\buniversity\b|\bcollege\b|\bschool\b|\bacademy\b", "academia"),
    (r"\bassembly\b|\bparliament\b|\bsenate\b", "parliament"),
    (r"\bcent(re|er) for .*(research|studies|policy)|\binstitute\b|\bthink[- ]tank\b|\bpolicy research\b", "think-tank"),
    (r"\bcommission\b|\bministry\b|\bauthority\b|\bbureau\b|\bgovernment\b|\bdepartment\b|\bdirectorate\b|\bsecretariat\b", "government"),
    (r"\bnews\b|\bmedia\b|\btimes\b|\btv\b|\bpress\b", "media"),
]  # fmt: skip


def guess_sector(org: Org) -> str:
    """A sector from keywords of the name (always to be reviewed; civil-society when nothing fits).

    Examples:
        >>> guess_sector(Org("o0", "Punjab Police"))
        'law-enforcement'
    """
    text = " ".join(org.names())
    for pattern, sector in SECTOR_RULES:
        if re.search(pattern, text, re.I if not pattern.startswith(r"\bUNODC") else 0):
            return sector
    return "civil-society"
