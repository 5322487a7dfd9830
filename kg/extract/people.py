"""From mentions to people: each person once, whether written in full, by surname only ("Sanghaira",
"Ms. Sheikh"), by honorific and first name ("Ambassador Mansoor") or with a typo ("John Colling").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler

from .mentions import NAME_PREFIXES, Mention

TYPO_SIMILARITY = 0.9  # Jaro-Winkler of the differing word ("Colling" ~ "Collins" is 0.94)


@dataclass(eq=False)  # people are compared by identity
class Person:
    name: str
    honorific: str | None = None
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def tokens(self) -> list[str]:
        return self.name.casefold().split()

    @property
    def first_titled(self) -> Mention | None:
        """The first mention that gives a title or an organization (both preferred)."""
        both = [m for m in self.mentions if m.title and m.org]
        some = [m for m in self.mentions if m.title or m.org]
        return (both or some or [None])[0]


class _Index:
    """People by their folded words, so each mention is compared with a few candidates, not all."""

    def __init__(self):
        self.by_words: dict[tuple, Person] = {}
        self.by_word: dict[str, list[Person]] = {}

    def add(self, p: Person) -> None:
        self.by_words[tuple(p.tokens)] = p
        self.by_words.setdefault(tuple(_strip_prefix(p.tokens)), p)
        for w in set(p.tokens):
            bucket = self.by_word.setdefault(w, [])
            if p not in bucket:
                bucket.append(p)

    def candidates(self, tokens: list[str]) -> list[Person]:
        seen: list[Person] = []
        for w in tokens:
            for p in self.by_word.get(w, []):
                if p not in seen:
                    seen.append(p)
        return seen


def group_people(mentions: list[Mention]) -> list[Person]:
    """One Person per individual, in order of first full mention."""
    people: list[Person] = []
    index = _Index()
    full = [m for m in mentions if not m.short or m.how == "list of people"]
    for m in full:
        person = _same_person(index, m)
        if person is None:
            people.append(Person(m.name, m.honorific, mentions=[m]))
            index.add(people[-1])
            if len(m.name.split()) == 1:
                people[-1].notes.append(f"REVIEW: only one name is given (\"{m.name}\"); add a disambiguator to the id")
            if m.note:
                people[-1].notes.append(m.note)
            continue
        person.mentions.append(m)
        if m.honorific and not person.honorific:
            person.honorific = m.honorific
        if len(m.name.split()) > len(person.name.split()):  # a fuller form: keep it as the name
            person.aliases.append(person.name)
            person.name = m.name
            index.add(person)
        elif m.name.casefold() != person.name.casefold() and m.name not in person.aliases:
            person.aliases.append(m.name)
    for m in mentions:
        if m.short and m.how != "list of people":
            person = _by_one_word(index, m.name)
            if person is not None:
                person.mentions.append(m)
                if m.name not in person.aliases and m.name.casefold() != person.name.casefold():
                    person.aliases.append(m.name)
                if m.honorific and m.honorific != person.honorific and m.honorific.rstrip(".") not in ("Mr", "Ms", "Mrs"):
                    person.honorific = m.honorific
            elif m.honorific:  # "Mr. Smith" and no full name anywhere: a person known by one name
                people.append(Person(m.name, m.honorific, mentions=[m],
                                     notes=[f"REVIEW: only one name is given (\"{m.honorific} {m.name}\")"]))
                index.add(people[-1])
    for p in people:
        for m in p.mentions:
            if m.how == "typo" and m.name not in p.aliases:
                p.aliases.append(m.name)
    return people


def _same_person(index: _Index, m: Mention) -> Person | None:
    tokens = m.name.casefold().split()
    exact = index.by_words.get(tuple(tokens)) or index.by_words.get(tuple(_strip_prefix(tokens)))
    if exact:
        return exact
    people = index.candidates(tokens)  # a shared word is needed for every rule below
    for p in people:  # "Mansoor Khan" within "Mansoor Ahmad Khan": same first and last word
        short, long_ = sorted((tokens, p.tokens), key=len)
        if len(short) >= 2 and short[0] == long_[0] and short[-1] == long_[-1] and set(short) <= set(long_):
            return p
    for p in people:  # a typo in one word: "John Colling" for "John Collins"
        if len(tokens) == len(p.tokens) >= 2:
            differing = [(a, b) for a, b in zip(tokens, p.tokens) if a != b]
            if len(differing) == 1 and min(len(differing[0][0]), len(differing[0][1])) >= 4 \
                    and JaroWinkler.similarity(*differing[0]) >= TYPO_SIMILARITY:
                score = JaroWinkler.similarity(m.name.casefold(), p.name.casefold())
                p.notes.append(f"REVIEW: \"{m.name}\" taken as a misspelling of \"{p.name}\" (similarity {score:.2f})")
                m.how = "typo"
                return p
    return None


def _strip_prefix(tokens: list[str]) -> list[str]:
    return tokens[1:] if tokens and tokens[0].title() in NAME_PREFIXES and len(tokens) > 2 else tokens


def _by_one_word(index: _Index, word: str) -> Person | None:
    """The one person a single word names (surname first, then any part of the name)."""
    word = word.casefold()
    anywhere = [p for p in index.by_word.get(word, []) if word in p.tokens]
    last = [p for p in anywhere if p.tokens[-1] == word]
    if len(last) == 1:
        return last[0]
    return anywhere[0] if len(anywhere) == 1 else None
