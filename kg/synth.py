"""Synthetic records of any size, shaped like the real data, for benchmarks and scale tests.

The shape follows what reports of this field look like: a few people and organizations turn up at
many events and most at one or two (participation drawn from a Zipf-like law), people hold one or
two memberships, events carry several themes, span years of dates and have one to three organizers.
Every fact comes with its sentence, and each report gets a source text holding every sentence it
quotes, so the output passes ``kg validate`` like hand-written records.

The same seed gives the same bytes: one ``random.Random(seed)`` drives everything, in a fixed order.

Examples
--------
>>> from kg.synth import synthesize
>>> counts = synthesize(100, "build/synth-100", seed=1)   # doctest: +SKIP
>>> counts["events"]                                      # doctest: +SKIP
100
"""

from __future__ import annotations

import bisect
import itertools
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import yaml

from . import vocab
from .themes import theme_ids

FIRST = ("Amina Ali Ayesha Bilal Carlos Chen Daniel Elena Fatima Farid Grace Hassan Ibrahim Irina Javed "
         "Julia Kamal Laila Lucas Maria Mehmet Nadia Omar Priya Rahul Rosa Saad Sana Sofia Tariq Usman "
         "Vera Wei Yusuf Zainab Zara Ahmed Anna Ben Clara David Emma Felix Hana Ivan Jonas Kofi").split()  # fmt: skip
LAST = ("Khan Ahmed Shaw Garcia Ivanova Okafor Rossi Silva Tanaka Mueller Haddad Novak Mensah Qureshi "
        "Rahman Santos Kowalski Dubois Nguyen Park Lopez Osei Petrov Malik Farouk Costa Jensen Moreau "
        "Bakr Celik Dlamini Fischer Hussain Iqbal Kim Lindqvist Mwangi Nasser Ortiz Popescu").split()  # fmt: skip
HONORIFICS = ("Mr.", "Ms.", "Dr.", "Prof.", "Ambassador", None, None)
ORG_WORDS = ("Centre", "Institute", "Council", "Network", "Forum", "Foundation", "Agency", "Office", "Alliance",
             "Commission", "Initiative", "Bureau")  # fmt: skip
ORG_TOPICS = ("Governance", "Human Rights", "Justice", "Security Studies", "Peace", "Crime Prevention",
              "Public Policy", "Rule of Law", "Development", "Border Studies", "Financial Integrity",
              "Migration", "Youth", "Environmental Justice", "Media Freedom")  # fmt: skip
PLACES = (("Lahore", "Pakistan"), ("Islamabad", "Pakistan"), ("Karachi", "Pakistan"), ("Vienna", "Austria"),
          ("Geneva", "Switzerland"), ("Nairobi", "Kenya"), ("Bangkok", "Thailand"), ("Dakar", "Senegal"),
          ("Bogota", "Colombia"), ("Mexico City", "Mexico"), ("Tbilisi", "Georgia"), ("Kyiv", "Ukraine"),
          ("Johannesburg", "South Africa"), ("Manila", "Philippines"), ("Tunis", "Tunisia"))  # fmt: skip
VENUES = ("Convention Centre", "University Hall", "Hotel Conference Room", "Press Club", "Parliament House")
TITLES = ("Director", "Senior Fellow", "Programme Officer", "Chair", "Researcher", "Head of Policy",
          "Executive Director", "Advisor", "Coordinator", "Member")  # fmt: skip
SPEAKER_ROLES = ("opening-speaker", "keynote-speaker", "roundtable-speaker", "speaker", "speaker", "speaker",
                 "moderator", "presenter", "participant", "closing-speaker")  # fmt: skip
EVENTS_PER_REPORT = 4


class _Heavy:
    """Draws indexes 0..n-1 with weight 1/(rank+1)^a over a shuffled order: a few come up often."""

    def __init__(self, rng: random.Random, n: int, a: float = 1.0):
        order = list(range(n))
        rng.shuffle(order)
        self.order = order
        self.cum = list(itertools.accumulate(1.0 / (rank + 1) ** a for rank in range(n)))
        self.rng = rng

    def draw(self) -> int:
        return self.order[bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1])]

    def sample(self, k: int) -> list[int]:
        """k distinct indexes (fewer when n < k)."""
        k = min(k, len(self.order))
        out: dict[int, None] = {}
        while len(out) < k:
            out[self.draw()] = None
        return list(out)


def _acronym(name: str) -> str:
    return "".join(w[0] for w in name.replace("of ", "").split() if w[0].isupper())


def _dump(data) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=10_000)


def synthesize(events: int, out: str | os.PathLike, seed: int = 0,
               progress: Callable[[str], None] | None = None) -> dict[str, int]:  # fmt: skip
    """Write a records folder with ``events`` synthetic events to ``out``.

    Parameters
    ----------
    events : int
        Number of events (at least 1). About 140 triples per event once built.
    out : path
        The folder to create. It must not exist or be empty; the records are written to a temporary
        folder beside it and renamed into place when complete.
    seed : int
        The same seed gives the same bytes.
    progress : callable, optional
        Called with a short message now and then (for large ``events``).

    Returns
    -------
    dict
        Counts: events, reports, people, organizations, participations, affiliations.
    """
    if events < 1:
        raise ValueError("the number of events must be at least 1")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty folder")
    say = progress or (lambda message: None)
    rng = random.Random(seed)
    themes = sorted(theme_ids())
    n_people = max(10, int(events * 1.5))
    n_orgs = max(5, events // 5 + 10)

    orgs = []
    used_org_ids: set[str] = set()
    for i in range(n_orgs):
        name = f"{rng.choice(ORG_WORDS)} for {rng.choice(ORG_TOPICS)} {i + 1}"
        oid = f"org-{i + 1}"
        used_org_ids.add(oid)
        org = {"id": oid, "name": name, "acronyms": [_acronym(name) + str(i + 1)], "sector": rng.choice(vocab.SECTORS)}
        if rng.random() < 0.5:
            org["country"] = rng.choice(PLACES)[1]
        if i >= 20 and rng.random() < 0.05:  # a few units of one of the first organizations
            org["kind"] = "unit"
            org["parent"] = f"org-{rng.randrange(20) + 1}"
        orgs.append(org)
    people = []
    memberships: list[list[tuple[int, str]]] = []
    org_draw = _Heavy(rng, n_orgs, 0.8)
    for i in range(n_people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        person = {"id": f"{first}-{last}-{i + 1}".lower(), "name": f"{first} {last}"}
        honorific = rng.choice(HONORIFICS)
        if honorific:
            person["honorific"] = honorific
        if rng.random() < 0.2:
            person["aliases"] = [f"{first[0]}. {last}"]
        people.append(person)
        held = org_draw.sample(1 if rng.random() < 0.7 else 2)
        memberships.append([(o, rng.choice(TITLES)) for o in held])
    say(f"{n_people:,} people, {n_orgs:,} organizations")

    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "reports").mkdir(parents=True)
    (tmp / "sources").mkdir()
    (tmp / "people.yaml").write_text(_dump({"people": people}))
    (tmp / "organizations.yaml").write_text(_dump({"organizations": orgs}))

    person_draw = _Heavy(rng, n_people, 1.0)
    counts = {"events": 0, "reports": 0, "people": n_people, "organizations": n_orgs, "participations": 0,
              "affiliations": 0}  # fmt: skip
    affiliated: set[tuple[int, int]] = set()  # a membership is stated where it is first seen
    n_reports = (events + EVENTS_PER_REPORT - 1) // EVENTS_PER_REPORT
    for r in range(n_reports):
        report_events = range(r * EVENTS_PER_REPORT, min(events, (r + 1) * EVENTS_PER_REPORT))
        text, doc = _report(rng, r, report_events, people, orgs, memberships, person_draw, org_draw, themes, counts,
                            affiliated)
        (tmp / "sources" / f"report-{r + 1:06d}.txt").write_text(text)
        (tmp / "reports" / f"report-{r + 1:06d}.yaml").write_text(_dump(doc))
        if (r + 1) % 500 == 0:
            say(f"{min(events, (r + 1) * EVENTS_PER_REPORT):,} of {events:,} events")
    if out.exists():
        out.rmdir()
    os.replace(tmp, out)
    return counts


def _report(rng, r, report_events, people, orgs, memberships, person_draw, org_draw, themes, counts, affiliated):
    source_id = f"report-{r + 1:06d}"
    lines = [f"Synthetic report {r + 1}", ""]
    doc = {"source": {"id": source_id, "title": f"Synthetic report {r + 1}", "file": f"sources/{source_id}.txt",
                      "type": "report"}, "events": [], "affiliations": []}  # fmt: skip
    for e in report_events:
        counts["events"] += 1
        year = 2012 + rng.randrange(14)
        day = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        city, country = rng.choice(PLACES)
        kind = rng.choice(vocab.EVENT_TYPES[:-1])
        topic = themes[rng.randrange(len(themes))].replace("-", " ")
        name = f"{kind.capitalize()} {e + 1} on {topic}"
        venue = f"{city} {rng.choice(VENUES)}"
        organizers = [orgs[i] for i in org_draw.sample(rng.randint(1, 3))]
        event_themes = sorted(rng.sample(themes, rng.randint(2, 5)))
        said = f"The {name} was held at {venue}, {city}, {country} on {day}."
        by = "Organized by " + ", ".join(f"the {o['name']} ({o['acronyms'][0]})" for o in organizers) + "."
        about = f"The {name} discussed " + ", ".join(t.replace("-", " ") for t in event_themes) + "."
        lines += [said, by, about]
        event = {"id": f"event-{e + 1}", "name": name, "type": kind, "start_date": day, "end_date": day,
                 "venue": venue, "city": city, "country": country, "organizers": [o["id"] for o in organizers],
                 "themes": event_themes}  # fmt: skip
        if rng.random() < 0.5:
            event["counts"] = {"in_person": rng.randrange(10, 200)}
            lines.append(f"The {name} brought together {event['counts']['in_person']} in-person participants.")
        event["quotes"] = {"name": said, "start_date": said, "venue": said, "organizers": by, "themes": about}
        if "counts" in event:
            event["quotes"]["counts"] = lines[-1]
        participants = []
        for p in person_draw.sample(rng.randint(2, 8)):
            person = people[p]
            o, title = memberships[p][rng.randrange(len(memberships[p]))]
            org = orgs[o]
            role = rng.choice(SPEAKER_ROLES)
            spoke_on = sorted(rng.sample(event_themes, rng.randint(0, min(2, len(event_themes)))))
            who = f"{person.get('honorific', '')} {person['name']}".strip()
            sentence = f"{who} ({title}, {org['acronyms'][0]}) took part in the {name} as {role.replace('-', ' ')}"
            sentence += (" and spoke on " + " and ".join(t.replace("-", " ") for t in spoke_on) + ".") if spoke_on else "."
            lines.append(sentence)
            entry = {"person": person["id"], "role": role, "title": f"{title}, {org['acronyms'][0]}"}
            if spoke_on:
                entry["themes"] = spoke_on
            if rng.random() < 0.02:
                entry["sensitivity"] = "internal"
            entry["quote"] = sentence
            participants.append(entry)
            counts["participations"] += 1
            if (p, o) not in affiliated:
                affiliated.add((p, o))
                doc["affiliations"].append({"person": person["id"], "organization": org["id"], "title": title,
                                            "quote": sentence})  # fmt: skip
                counts["affiliations"] += 1
        event["participants"] = participants
        doc["events"].append(event)
        lines.append("")
    counts["reports"] += 1
    return "\n".join(lines) + "\n", doc
