"""Person mentions, in the patterns reports use:

- ``Mr. Tariq Khosa (Director, CGR)``                       name, then title and organization in parentheses
- ``Ms. Shehla Raza, Deputy Speaker of Sindh Provincial Assembly``   name, then an appositive title
- ``Executive Director SSDO, Syed Kausar Abbas``            title and organization before the name
- ``CEO SHARP-Pakistan Muhammad Mudassar Sanghaira``, ``Chairperson of SHRC Iqbal Detho``
- ``Sustainable Social Development Organization's (SSDO) Executive Director Syed Kausar Abbas``
- ``Mr. Umar Khan from CFHR``                                 organization only
- ``Two experts took part: TIP survivor from New York Ansa and Joseph from ...``   a list of people
- later short mentions: ``Sanghaira``, ``Ms. Sheikh``, ``Ambassador Mansoor`` (resolved in people.py)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records.names import CREDENTIALS, DESIGNATIONS, HONORIFICS
from ..records.names import NAME_PREFIXES as LINEAGE_PREFIXES
from .orgs import CONNECTORS, ORG_HEADS, has_head, is_acronym
from .places import PLACE_WORDS, is_place

# what may stand before a name is one vocabulary, kept with the name key (kg.records.names): courtesy
# titles, designations ("Justice", "Hon."), credentials ("FCPA John Doe", "Adv. Jane Roe"); short ones
# may be written with a full stop
_TITLES = sorted((w.capitalize() + (r"\.?" if len(w) <= 4 else "") for w in (*HONORIFICS, *DESIGNATIONS)),
                 key=len, reverse=True)  # fmt: skip
HONORIFIC = "(?:" + "|".join([*_TITLES, *(re.escape(c) for c in CREDENTIALS)]) + ")"
# military and police ranks before a name, compound ranks first, with a retired mark: "Capt (r)", "Major General"
RANK = (r"(?:(?:Major|Lieutenant|Lt\.?|Brigadier|Brig\.?|Maj\.?) Gen(?:eral|\.)?|Lieutenant Colonel|Lt\.? Col\.?|"
        r"Air (?:Chief )?Marshal|Air Commodore|(?:Vice|Rear) Admiral|Wing Commander|Squadron Leader|Sqn\.? Ldr\.?|"
        r"Flight Lieutenant|Admiral|Commodore|General|Gen\.|Brigadier|Brig\.|Colonel|Col\.|Major|Maj\.|Captain|Capt\.?|"
        r"Lieutenant|Lt\.|Commander|Cdr\.?)(?:\s*\((?:r|R|retd\.?|Retd\.?|retired|Retired)\))?")  # fmt: skip
HONORIFIC_RE = re.compile(rf"\b{HONORIFIC}(?=\s)")
# a letter of a name, any Latin script ("Zveržhanovski", "Müller"): re has no \p{Lu}, so the classes are built
_LATIN = [chr(c) for c in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)] if chr(c).isalpha()]
UPPER = "A-Z" + "".join(c for c in _LATIN if c.isupper())
LOWER = "a-z" + "".join(c for c in _LATIN if c.islower())
NAME_PREFIXES = {p.capitalize() for p in LINEAGE_PREFIXES}  # kept as part of the name, as written
TITLE_WORDS = frozenset("""
director directors ceo cfo coo president chair chairperson chairman chairwoman coordinator manager officer
secretary minister speaker member head lecturer professor counsellor counselor consultant adviser advisor
commissioner inspector inspector-general superintendent founder co-founder chief deputy executive additional
assistant associate principal representative researcher analyst journalist editor lawyer advocate judge
senator governor mayor dean fellow specialist expert survivor spokesperson spokesman attorney prosecutor
general registrar trustee patron convener convenor leader ambassador envoy attaché attache counsel
lead moderator facilitator trainer investigator magistrate legislator parliamentarian lawmaker educationist
activist scholar academic economist diplomat criminologist sociologist psychologist official officials
addl ig dig aig dg adg ssp sp dsp dpo sho rector pro-rector chancellor vice-chancellor provost warden
""".split())  # fmt: skip
MODIFIERS = frozenset("""
assistant associate adjunct visiting emeritus
project field programme program country regional senior junior legal policy communications research managing
founding national provincial district former acting vice joint special technical media board
""".split())  # fmt: skip
STOP = frozenset("""
The In On At He She They His Her It Its This That These Those A An And Also But As With From By For Of To
After Before During While According Participants Speakers Representatives Delegates Proceedings Funding
Keynote Roundtable Introductory Closing Remarks Event Title Date Venue Purpose Organizers Partners Download
Read More Related View All Our Local We Mr Ms Dr Thank Oops Unveiling Breakdown Overview Two Three Four Five
Civil Society International National Global Regional Federal Provincial Day Declaration Convention Protocol
Act Prevention Fight Transnational Organized Crime Forms Against Human Rights Trafficking Smuggling Migrants
Persons Justice Criminal Watchlist Tier Initiative Commission Centre Center Alliance Network Workshop
Session Conference Dialogue Meeting Training Webinar Speakers Experts Government Police Ministry Zone
Immigration Director Chairperson Board Member Counsellor Consultant Lecturer Executive Deputy General Chief
Boat Incident Additional Affairs Foreign Office Embassy High Asia Central South North East West
Sunday Monday Tuesday Wednesday Thursday Friday Saturday January February March April May June July August
September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
""".split())  # fmt: skip
# the area a post covers, written after the title ("Addl IG Operations", "Dean Social Sciences"): never a name
FUNCTIONS = frozenset("""
Operations Affairs Investigations Investigation Administration Admin Security Training Finance Intelligence
Discipline Inspection Sciences Science Relations Planning Development Research Policy Legal Communications
Coordination Logistics Establishment Headquarters Crime Crimes Prosecution Enforcement Narcotics Customs Health
Education Welfare Programmes Programs Projects Monitoring Evaluation Technology Cybercrime Counterterrorism
Sociology Anthropology Economics Criminology Psychology Law Studies
""".split())  # fmt: skip
# lowercase words that never describe a post ("while Director General ..."): a clause, not a title
NOT_DESCRIPTORS = frozenset("""
while whereas when where as who which that and but or then also was were is are be been being has have had
said says told added he she they it this these those their his her its our we i you an a the
""".split())  # fmt: skip
NAME_TOKEN = rf"[{UPPER}][{LOWER}]+(?:[-'’][{UPPER}{LOWER}][{LOWER}]+)*"
NAME_RUN = re.compile(rf"{NAME_TOKEN}(?:\s+{NAME_TOKEN}){{0,9}}")  # titles may run into the name
RANK_RE = re.compile(RANK)
CHAIN_PART = re.compile(rf"(?:{RANK}|{HONORIFIC})(?=\s|$)")
CHAIN = re.compile(rf"\b((?:(?:{RANK}|{HONORIFIC})\s+)+)({NAME_TOKEN}(?:\s+{NAME_TOKEN}){{0,4}})")
# a delegation or team of an organization, then its members: "a delegation of the Anti Narcotics Force, which included"
DELEGATION = re.compile(r"\b(?:delegation|team|mission|contingent)\s+(?:of|from)\s+(?:the\s+)?"
                        r"((?:[A-Z][\w\-]*)(?:\s+(?:[A-Z][\w\-]*|of|for|on|and|&))*),?\s+"
                        r"(?:(?:which|that|who)\s+)?(?:included|includes|including|comprising|comprised|consisting of|led by|headed by)\b")
PEOPLE_NOUNS = re.compile(r"\b(?:experts?|speakers?|panell?ists?|participants?|guests?|delegates?|trainers?|"
                          r"resource persons?|panel|people|persons?)\b", re.I)  # fmt: skip


@dataclass
class Mention:
    name: str  # as written, without honorifics
    sentence: int
    start: int  # offset of the name in the sentence
    honorific: str | None = None
    title: str | None = None  # the title alone ("Director")
    org: str | None = None  # the organization as written ("CGR")
    written: str | None = None  # title and organization as the source writes them ("Director, CGR")
    how: str = ""
    note: str | None = None
    span: tuple[int, int] = (0, 0)  # where the title/organization after the name was read (no names inside)

    @property
    def short(self) -> bool:
        return len(self.name.split()) == 1


def name_ok(token: str, after_honorific: bool = False) -> bool:
    """A word that can be part of a person's name."""
    if token in STOP or token in FUNCTIONS or token.casefold() in ORG_HEADS or token.casefold() in TITLE_WORDS \
            or RANK_RE.fullmatch(token):
        return False
    return after_honorific or token not in PLACE_WORDS


def find_mentions(sentence: str, index: int) -> list[Mention]:
    """Every person mention in one sentence (full names with their title/organization, and short ones)."""
    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    # 1. after honorifics and ranks: "Mr. Ambassador Mansoor Ahmad Khan", "Prof Dr Syed Kaleem Imam", "Capt (r) Arif Khan"
    pos = 0
    while (m := CHAIN.search(sentence, pos)) is not None:
        pos = m.start(2)  # on a miss, the name part may hold the next chain ("General Police Punjab Capt (r) X")
        parts = CHAIN_PART.findall(m.group(1))
        begin = m.start()
        # "Director General Major General X", "Assistant Professor Sociology": the first word ends a title
        while parts and _ends_title(sentence[:begin], parts[0]):
            begin += m.group(1)[begin - m.start():].find(parts[0]) + len(parts[0])
            begin += len(sentence[begin:]) - len(sentence[begin:].lstrip())
            parts = parts[1:]
        if not parts:
            continue
        tokens = m.group(2).split()
        kept = []
        for t in tokens:
            if not name_ok(t, after_honorific=True):
                break
            kept.append(t)
        if not kept:
            continue
        name = " ".join(kept)
        ranks = [p for p in parts if RANK_RE.fullmatch(p)]
        honorific = " ".join(ranks) if ranks else _best_honorific(" ".join(parts).split())
        mention = Mention(name, index, m.start(2), honorific=honorific, how="honorific")
        _attach(sentence, mention, m.start(2) + len(name), begin)
        if ranks and mention.title is None:  # "Colonel Shafiq": the rank is all the text says of the post
            mention.title = mention.written = " ".join(ranks)
        mentions.append(mention)
        taken.append((begin, m.start(2) + len(name)))
        pos = m.start(2) + len(name)
    # 2. names without honorific, when a title or "Syed" says it is a person
    for m in NAME_RUN.finditer(sentence):
        if any(a <= m.start() < b for a, b in taken) or any(a <= m.start() < b for x in mentions for a, b in [x.span]):
            continue
        tokens = m.group(0).split()
        # keep the longest stretch of name words at the end of the run (titles/orgs may precede it)
        kept: list[str] = []
        for t in reversed(tokens):
            if not name_ok(t):
                break
            kept.insert(0, t)
        if len(kept) < 2 or len(kept) > 5:
            continue
        # the first words may end a title ("Minister for Interior Mohsin Naqvi"): try shorter names too
        mention = None
        for k in range(0, len(kept) - 1):
            name = " ".join(kept[k:])
            start = m.start() + m.group(0).rfind(name)
            if sentence[:start].count("(") > sentence[:start].count(")") or len(kept) - k > 4:
                continue  # inside parentheses: a title or an organization, not a person
            candidate = Mention(name, index, start, how="title")
            _attach(sentence, candidate, start + len(name), start)
            if candidate.title is not None or (k == 0 and kept[0] in NAME_PREFIXES):
                mention = candidate
                break
        if mention is None:
            continue  # capitalized words (even before an acronym in parentheses) are not enough for a person
        name, start = mention.name, mention.start
        if any(a < start + len(name) and start < b for a, b in taken):
            continue  # "... Force Brigadier Khalid": the name after the rank is already read
        if mention.title is None and mention.org is None:
            mention.how = "name prefix"
        mentions.append(mention)
        taken.append((start, start + len(name)))
    _delegation(sentence, mentions)
    # 3. a list of people after a colon: "Two experts took part in the session: TIP survivor from New York Ansa and ..."
    mentions += _colon_list(sentence, index, taken)
    # 4. a short mention opening the sentence: "Sanghaira told the gathering ..." (resolved later, or dropped)
    first = re.match(rf"({NAME_TOKEN})\s+(?=[a-z])", sentence)
    if first and name_ok(first.group(1)) and not any(a <= 0 < b for a, b in taken):
        mentions.append(Mention(first.group(1), index, 0, how="short"))
    return sorted(mentions, key=lambda x: x.start)


def _best_honorific(words: list[str]) -> str:
    """The most telling honorific of a chain: "Mr. Ambassador" -> "Ambassador"."""
    plain = {"mr", "mrs", "ms", "miss", "mister", "mx"}
    specific = [w for w in words if w.rstrip(".").casefold() not in plain]
    word = (specific or words)[-1]
    return word if word.endswith(".") or len(word) > 4 or word.isupper() else word + "."


def _ends_title(before: str, part: str) -> bool:
    """True when an honorific or rank word really ends the title before it: "Assistant Professor",
    "Director General", "Inspector General"."""
    words = before.split()
    prev = words[-1].strip(",.").casefold() if words else ""
    if len(part.split()) > 1:
        return False  # "Major General": a rank of its own
    first = part.rstrip(".")
    return (prev in TITLE_WORDS or prev in MODIFIERS) and not before.rstrip().endswith(",") and \
        first in ("General", "Professor", "Ambassador", "Justice", "Senator")


def _delegation(sentence: str, mentions: list[Mention]) -> None:
    """Members named after "a delegation of ORG, which included ..." belong to ORG (when nothing else is said)."""
    for d in DELEGATION.finditer(sentence):
        org = d.group(1).strip()
        if not (has_head(org) or is_acronym(org)):
            continue
        for m in mentions:
            if m.start > d.end() and m.org is None:
                m.org, m.how = org, m.how + "+member of a delegation"


def _attach(sentence: str, mention: Mention, end: int, begin: int) -> None:
    """Read the title and organization around a name: parentheses or appositive after it, a title
    phrase before it, or "from ORG"."""
    rest = sentence[end:]
    paren = re.match(r"\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)", rest)
    if paren:
        mention.span = (end, end + paren.end())
        inside = paren.group(1).strip()
        if "," in inside:
            title, org = (p.strip() for p in inside.split(",", 1))
            if has_title_word(title) or is_acronym(org) or has_head(org):
                mention.title, mention.org, mention.written, mention.how = title, org, inside, mention.how + "+parentheses"
                return
        elif has_title_word(inside) and not has_head(inside) and not is_acronym(inside.split()[-1]):
            mention.title, mention.written, mention.how = inside, inside, mention.how + "+parentheses"
            return
        elif has_head(inside) or is_acronym(inside) or is_acronym(inside.split("-")[0]):
            mention.org, mention.written, mention.how = inside, inside, mention.how + "+parentheses"
            return
        if has_title_word(inside):
            mention.title, mention.org = split_title_org(inside)
            mention.written, mention.how = inside, mention.how + "+parentheses"
            return
    appositive = _appositive(rest)
    if appositive:
        phrase, stop = appositive
        mention.title, mention.org = split_title_org(phrase)
        mention.written, mention.how, mention.span = phrase, mention.how + "+appositive", (end, end + stop)
        after = re.match(r",\s*(?:the\s+)?([A-Z][\w\-]*(?:\s+(?:[A-Z][\w\-]*|of|for|on|and|&))*)\s*(?=[,;]|\.?$)", rest[stop:])
        if mention.org is None and after and not has_title_word(after.group(1)) and \
                (is_acronym(after.group(1)) or has_head(after.group(1))):  # "Jane Roe, team Lead, UNODC."
            mention.org, mention.written = after.group(1), f"{phrase}, {after.group(1)}"
            mention.span = (end, end + stop + after.end())
        return
    before = sentence[:begin].rstrip()
    phrase = _left_phrase(before)
    if phrase:
        mention.title, mention.org = split_title_org(phrase)
        mention.written, mention.how = phrase, mention.how + "+title before name"
        return
    works = re.search(r"(?:^|[.;]\s)(?:the\s+)?([A-Z][\w\-]*(?:\s+(?:[A-Z][\w\-]*|of|for|on|and))*),\s+where\s*$", before)
    if works and re.match(r"\s+(?:works|worked|serves|is employed|is based)\b", rest) and \
            (is_acronym(works.group(1)) or has_head(works.group(1))):  # "CFHR, where Ms. Aftab works"
        mention.org, mention.how = works.group(1), mention.how + "+where ... works"
        return
    origin = re.match(r"\s+from\s+(?:the\s+)?([A-Z][\w\-]*(?:\s+(?:[A-Z][\w\-]*|of|for|on|and))*)", rest)
    if origin and (is_acronym(origin.group(1)) or has_head(origin.group(1))):
        mention.org, mention.how = origin.group(1), mention.how + "+from organization"


def _appositive(rest: str) -> tuple[str, int] | None:
    """The title phrase in ", Dean Social Sciences IIUI urged ..." or ", the Regional Representative of X," right
    after a name, with the offset where it stops: up to a comma or the sentence's end, or up to the verb that
    follows it."""
    lead = re.match(r",\s*(?:the\s+)?", rest)
    if not lead:
        return None
    body = re.match(r"[^,;:()]*(?:\([^()]{1,15}\)[^,;:()]*)*", rest[lead.end():]).group(0)
    tail = rest[lead.end() + len(body):]
    whole = body.rstrip().removesuffix(".").rstrip()
    who = re.search(r"\s+who\b", whole)
    if who:
        whole, tail = whole[: who.start()], ","
    if _ends_with_name(whole):
        return None  # "Professor of X at Y University Asha Rahman": the next person of a list
    if (tail[:1] in (",", ";") or not tail.strip()) and _title_phrase(whole):
        return whole, lead.end() + len(whole)
    words = re.finditer(r"\S+", body)
    seen_title = False
    for w in words:  # "Vice President (AF&P) IIUI attended ...": stop at the first word that is not a title's
        word = w.group(0)
        low = word.strip(".,").casefold()
        if seen_title and word[0].islower() and low not in TITLE_WORDS and low not in MODIFIERS and low not in CONNECTORS:
            phrase = body[: w.start()].strip()
            return (phrase, lead.end() + len(body[: w.start()].rstrip())) if _title_phrase(phrase) else None
        seen_title = seen_title or low in TITLE_WORDS
    return None


def _ends_with_name(phrase: str) -> bool:
    words = phrase.split()
    run = 0
    for w in reversed(words):
        if re.fullmatch(NAME_TOKEN, w) and name_ok(w) and not is_place(w):
            run += 1
        else:
            break
    return run >= 2


def has_title_word(text: str) -> bool:
    return any(w.strip(".,()").casefold() in TITLE_WORDS for w in re.split(r"[\s/]+", text))


def _title_phrase(text: str) -> bool:
    """True for "Director of Academic Engagement at GI-TOC", "project coordinator", "CEO SHARP-Pakistan";
    False for a clause ("emphasized the necessity ...") or another person ("Mr. Sarmad Saeed")."""
    words = text.split()
    if not words or len(words) > 12 or not has_title_word(text):
        return False
    if any(re.match(rf"\s+{NAME_TOKEN}", text[h.end():]) and name_ok(text[h.end():].split()[0].strip(".,"), True)
           and not _ends_title(text[: h.start()], h.group(0)) for h in HONORIFIC_RE.finditer(text)):
        return False  # "Mr. Sarmad Saeed": another person
    # lowercase words that describe the post may open it: "international law enforcement advisor", "team Lead"
    lead = 0
    while lead < min(len(words), 5) and re.fullmatch(r"[a-z][a-z\-]*", words[lead]) and words[lead] not in CONNECTORS \
            and words[lead] not in TITLE_WORDS and words[lead] not in NOT_DESCRIPTORS:
        lead += 1
    if lead and (lead > 4 or lead == len(words) or words[lead].strip(".,").casefold() not in TITLE_WORDS):
        return False
    for w in words[lead:]:
        bare = w.strip("().,'’").removesuffix("'s").removesuffix("’s")
        if not bare:
            continue
        low = bare.casefold()
        if not (bare[0].isupper() or bare[0].isdigit() or low in TITLE_WORDS or low in MODIFIERS
                or low in CONNECTORS or low in ("at", "from", "&")):
            return False
    return True


def _left_phrase(before: str) -> str | None:
    """The title phrase right before a name: "... Executive Director SSDO," or "Chairperson of SHRC"."""
    if before.endswith(","):  # "Director FIA Lahore Zone, Sarfraz Khan Virk"
        clause = re.split(r"[;:]|,\s|\.\s", before[:-1])[-1].strip()
    else:
        clause = re.split(r"[,;:]\s|\.\s", before)[-1].strip()
    words = clause.split()
    # the longest tail of the clause that is a title phrase starting at a capitalized word
    for i in range(len(words)):
        tail = " ".join(words[i:])
        if words[-1].casefold() in CONNECTORS or words[-1] in ("at", "from"):
            return None  # "Director of Academic Engagement": the name is part of the title
        lower_start = i == 0 or words[i - 1] in ("and", "by", "with", "including", "&")  # "and migration expert X"
        if (words[i][0].isupper() or words[i].casefold() in TITLE_WORDS or lower_start) and _title_phrase(tail) and has_title_word(tail):
            if words[i] in ("The", "A", "An", "In", "On"):
                continue
            return tail
    return None


def split_title_org(phrase: str) -> tuple[str | None, str | None]:
    """("Director of Academic Engagement", "GI-TOC") from "Director of Academic Engagement at GI-TOC".

    Examples:
        >>> split_title_org("Deputy Speaker of Sindh Provincial Assembly")
        ('Deputy Speaker', 'Sindh Provincial Assembly')
        >>> split_title_org("Director FIA Lahore Zone")
        ('Director FIA Lahore Zone', 'FIA')
        >>> split_title_org("Additional Director General (ADG) Immigration FIA")
        ('Additional Director General (ADG) Immigration', 'FIA')
    """
    phrase = phrase.strip(" ,")
    possessive = re.match(r"^(.+?)['’]s\s+(?:\(([A-Z][\w\-]*)\)\s+)?(.+)$", phrase)
    if possessive and (has_head(possessive.group(1)) or is_acronym(possessive.group(1))) \
            and not has_title_word(possessive.group(1)):  # not "Programme Manager of IOM's ... Unit"
        return possessive.group(3).strip() or None, possessive.group(1).strip()
    for sep in (" at ", " of ", " with "):
        parts = phrase.split(sep)
        for i in range(1, len(parts)):
            title, org = sep.join(parts[:i]).strip(), sep.join(parts[i:]).strip()
            org = re.sub(r"^the\s+", "", org)
            acronyms_only = all(is_acronym(w) for w in org.split())  # "UNODC ROEA"
            if has_title_word(title) and (is_acronym(org) or has_head(org) or acronyms_only):
                return title, org
    words = phrase.split()
    if len(words) > 1 and is_acronym(words[-1]):
        return " ".join(words[:-1]), words[-1]
    if len(words) > 1 and is_acronym(words[0]) and has_title_word(" ".join(words[1:])):
        return " ".join(words[1:]), words[0]
    first_title = next((i for i, w in enumerate(words) if w.strip("(),").casefold() in TITLE_WORDS), 0)
    leading = " ".join(words[:first_title])  # "European Union (EU) Ambassador to Bangladesh"
    if first_title and has_head(re.sub(r"\s*\([^()]*\)$", "", leading)) and words[0][0].isupper():
        return " ".join(words[first_title:]), leading
    inner = [w for w in words[1:-1] if is_acronym(w) and not w.startswith("(")]
    if inner:
        return phrase, inner[0]
    for i in range(1, len(words)):  # "Director General National Police Bureau", "Inspector General Police Punjab"
        tail = " ".join(words[i:])
        if has_head(tail) and words[i][0].isupper() and not has_title_word(tail) and has_title_word(" ".join(words[:i])):
            return " ".join(words[:i]), tail
    unit = _inner_org(words)  # "Chairman Department of Sociology & Deputy Dean": the department
    if unit:
        return phrase, unit
    return phrase, None


def _inner_org(words: list[str]) -> str | None:
    """An organization named inside a title: the run around a capitalized organization word, between title words."""
    def plain(w):
        return w[:1].isupper() and w.casefold() not in TITLE_WORDS and w.casefold() not in MODIFIERS
    for i, w in enumerate(words):
        if w.casefold() in ORG_HEADS and w[:1].isupper():
            a = i
            while a > 0 and plain(words[a - 1]):
                a -= 1
            b = i + 1
            while b + 1 < len(words) and words[b] in ("of", "for", "on") and plain(words[b + 1]):
                b += 2
            if b - a >= 2:
                return " ".join(words[a:b])
    return None


def _colon_list(sentence: str, index: int, taken) -> list[Mention]:
    head, sep, tail = sentence.partition(":")
    if not sep or not PEOPLE_NOUNS.search(head) or len(head.split()) > 15:
        return []
    out = []
    offset = len(head) + 1
    for item_match in re.finditer(r"[^,;]+", tail.rstrip(".")):
        for part in re.split(r"\s+and\s+", item_match.group(0)):
            start = offset + item_match.start() + item_match.group(0).find(part)
            if any(a <= start + len(part) and start <= b for a, b in taken) or len(part.split()) > 10:
                continue
            words = part.split()
            runs, current = [], []
            i = 0
            while i < len(words):
                w = words[i].strip(".,")
                two = " ".join(words[i : i + 2]).strip(".,")
                if len(words) > i + 1 and is_place(two):
                    runs.append(current) if current else None
                    current = []
                    i += 2
                    continue
                if re.fullmatch(NAME_TOKEN, w) and name_ok(w) and not is_place(w):
                    current.append((i, w))
                else:
                    if current:
                        runs.append(current)
                    current = []
                i += 1
            if current:
                runs.append(current)
            runs = [r for r in runs if r]
            if len(runs) != 1 or len(runs[0]) > 4:
                continue
            first, last = runs[0][0][0], runs[0][-1][0]
            name = " ".join(w for _, w in runs[0])
            title = " ".join(words[:first]).strip() or None
            after = " ".join(words[last + 1 :]).strip()
            note = f"REVIEW: described as \"{after}\"" if after else None
            if title is None and not after:
                continue
            pos = start + part.find(name)
            out.append(Mention(name, index, pos, title=title, written=title, how="list of people", note=note))
    return out
