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

from .orgs import CONNECTORS, ORG_HEADS, has_head, is_acronym
from .places import PLACE_WORDS, is_place

HONORIFIC = r"(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|Engr|Hon|Mx)\.?|Professor|Ambassador|Justice|Senator|Sir|Dame|Madam|Barrister|Mister)"
HONORIFIC_RE = re.compile(rf"\b{HONORIFIC}(?=\s)")
NAME_PREFIXES = {"Syed", "Syeda", "Sayed", "Sayyid", "Sayyed"}  # kept as part of the name, as written
TITLE_WORDS = frozenset("""
director directors ceo cfo coo president chair chairperson chairman chairwoman coordinator manager officer
secretary minister speaker member head lecturer professor counsellor counselor consultant adviser advisor
commissioner inspector inspector-general superintendent founder co-founder chief deputy executive additional
assistant associate principal representative researcher analyst journalist editor lawyer advocate judge
senator governor mayor dean fellow specialist expert survivor spokesperson spokesman attorney prosecutor
general registrar trustee patron convener convenor leader ambassador envoy attaché attache counsel
""".split())  # fmt: skip
MODIFIERS = frozenset("""
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
NAME_TOKEN = r"[A-Z][a-z]+(?:[-'’][A-Za-z][a-z]+)*"
NAME_RUN = re.compile(rf"{NAME_TOKEN}(?:\s+{NAME_TOKEN}){{0,4}}")
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

    @property
    def short(self) -> bool:
        return len(self.name.split()) == 1


def name_ok(token: str, after_honorific: bool = False) -> bool:
    """A word that can be part of a person's name."""
    if token in STOP or token.casefold() in ORG_HEADS or token.casefold() in TITLE_WORDS:
        return False
    return after_honorific or token not in PLACE_WORDS


def find_mentions(sentence: str, index: int) -> list[Mention]:
    """Every person mention in one sentence (full names with their title/organization, and short ones)."""
    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    # 1. after honorifics: "Mr. Ambassador Mansoor Ahmad Khan", "Dr. Syed Kaleem Imam", "Ms. Sheikh"
    for m in re.finditer(rf"\b((?:{HONORIFIC}\s+)+)({NAME_TOKEN}(?:\s+{NAME_TOKEN}){{0,4}})", sentence):
        honorifics = m.group(1).split()
        tokens = m.group(2).split()
        kept = []
        for t in tokens:
            if not name_ok(t, after_honorific=True):
                break
            kept.append(t)
        if not kept:
            continue
        name = " ".join(kept)
        mention = Mention(name, index, m.start(2), honorific=_best_honorific(honorifics), how="honorific")
        _attach(sentence, mention, m.start(2) + len(name), m.start())
        mentions.append(mention)
        taken.append((m.start(), m.start(2) + len(name)))
    # 2. names without honorific, when a title or "Syed" says it is a person
    for m in NAME_RUN.finditer(sentence):
        if any(a <= m.start() < b for a, b in taken):
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
        if mention.title is None and mention.org is None:
            mention.how = "name prefix"
        mentions.append(mention)
        taken.append((start, start + len(name)))
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
    return word if word.endswith(".") or len(word) > 4 else word + "."


def _attach(sentence: str, mention: Mention, end: int, begin: int) -> None:
    """Read the title and organization around a name: parentheses or appositive after it, a title
    phrase before it, or "from ORG"."""
    rest = sentence[end:]
    paren = re.match(r"\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)", rest)
    if paren:
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
    appositive = re.match(r",\s*([^,;:()]+(?:\([A-Z]+\)[^,;:()]*)?)(?=,|\s+who\b|\.?$|;)", rest)
    if appositive and _title_phrase(appositive.group(1).strip()):
        phrase = appositive.group(1).strip()
        mention.title, mention.org = split_title_org(phrase)
        mention.written, mention.how = phrase, mention.how + "+appositive"
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


def has_title_word(text: str) -> bool:
    return any(w.strip(".,()").casefold() in TITLE_WORDS for w in re.split(r"[\s/]+", text))


def _title_phrase(text: str) -> bool:
    """True for "Director of Academic Engagement at GI-TOC", "project coordinator", "CEO SHARP-Pakistan";
    False for a clause ("emphasized the necessity ...") or another person ("Mr. Sarmad Saeed")."""
    words = text.split()
    if not words or len(words) > 12 or HONORIFIC_RE.search(text) or not has_title_word(text):
        return False
    for w in words:
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
        if (words[i][0].isupper() or words[i].casefold() in TITLE_WORDS) and _title_phrase(tail) and has_title_word(tail):
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
    if possessive and (has_head(possessive.group(1)) or is_acronym(possessive.group(1))):
        return possessive.group(3).strip() or None, possessive.group(1).strip()
    for sep in (" at ", " of ", " with "):
        parts = phrase.split(sep)
        for i in range(1, len(parts)):
            title, org = sep.join(parts[:i]).strip(), sep.join(parts[i:]).strip()
            org = re.sub(r"^the\s+", "", org)
            if has_title_word(title) and (is_acronym(org) or has_head(org)):
                return title, org
    words = phrase.split()
    if len(words) > 1 and is_acronym(words[-1]):
        return " ".join(words[:-1]), words[-1]
    if len(words) > 1 and is_acronym(words[0]) and has_title_word(" ".join(words[1:])):
        return " ".join(words[1:]), words[0]
    inner = [w for w in words[1:-1] if is_acronym(w) and not w.startswith("(")]
    if inner:
        return phrase, inner[0]
    for i in range(1, len(words)):  # "Director General National Police Bureau"
        tail = " ".join(words[i:])
        if has_head(words[-1]) and not has_title_word(tail) and has_title_word(" ".join(words[:i])):
            return " ".join(words[:i]), tail
    return phrase, None


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
