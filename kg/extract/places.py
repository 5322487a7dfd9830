"""A small gazetteer: country names, and cities with their country. Used to tell a place from a
person's name ("TIP survivor from New York Ansa") and to read the event's city and country.
"""

from __future__ import annotations

COUNTRIES = frozenset("""
Afghanistan Albania Algeria Argentina Armenia Australia Austria Azerbaijan Bahrain Bangladesh Belarus
Belgium Bhutan Bolivia Bosnia Brazil Bulgaria Cambodia Cameroon Canada Chile China Colombia Croatia Cuba
Cyprus Denmark Egypt Eritrea Estonia Ethiopia Finland France Georgia Germany Ghana Greece Guatemala Hungary
Iceland India Indonesia Iran Iraq Ireland Israel Italy Japan Jordan Kazakhstan Kenya Kosovo Kuwait
Kyrgyzstan Laos Latvia Lebanon Libya Lithuania Luxembourg Malaysia Maldives Mali Malta Mexico Moldova
Mongolia Montenegro Morocco Mozambique Myanmar Nepal Netherlands Niger Nigeria Norway Oman Pakistan
Palestine Panama Peru Philippines Poland Portugal Qatar Romania Russia Rwanda Senegal Serbia Singapore
Slovakia Slovenia Somalia Spain Sudan Sweden Switzerland Syria Taiwan Tajikistan Tanzania Thailand
Tunisia Turkey Türkiye Turkmenistan Uganda Ukraine Uruguay Uzbekistan Venezuela Vietnam Yemen Zambia
Zimbabwe UAE UK USA
""".split()) | {"Saudi Arabia", "Sri Lanka", "South Africa", "South Korea", "North Korea", "New Zealand",
               "United Kingdom", "United States", "United Arab Emirates", "Czech Republic", "Ivory Coast"}  # fmt: skip

# City -> country. Pakistan's cities first (the project's reports come from there), then capitals
# and hubs that reports on transnational crime often name.
CITIES = {
    **{c: "Pakistan" for c in ("Karachi", "Lahore", "Islamabad", "Rawalpindi", "Peshawar", "Quetta", "Multan",
                               "Faisalabad", "Hyderabad", "Sialkot", "Gujranwala", "Sukkur", "Gwadar", "Abbottabad",
                               "Bahawalpur", "Larkana", "Mardan", "Muzaffarabad", "Gilgit", "Turbat")},
    "Kabul": "Afghanistan", "Kandahar": "Afghanistan", "Tehran": "Iran", "Delhi": "India", "New Delhi": "India",
    "Mumbai": "India", "Dhaka": "Bangladesh", "Kathmandu": "Nepal", "Colombo": "Sri Lanka", "Dubai": "UAE",
    "Abu Dhabi": "UAE", "Doha": "Qatar", "Riyadh": "Saudi Arabia", "Muscat": "Oman", "Baghdad": "Iraq",
    "Istanbul": "Turkey", "Ankara": "Turkey", "Cairo": "Egypt", "Tripoli": "Libya", "Athens": "Greece",
    "Rome": "Italy", "Vienna": "Austria", "Geneva": "Switzerland", "Brussels": "Belgium", "Paris": "France",
    "Berlin": "Germany", "London": "United Kingdom", "The Hague": "Netherlands", "Washington": "United States",
    "New York": "United States", "Bangkok": "Thailand", "Kuala Lumpur": "Malaysia", "Jakarta": "Indonesia",
    "Manila": "Philippines", "Beijing": "China", "Tashkent": "Uzbekistan", "Dushanbe": "Tajikistan",
    "Almaty": "Kazakhstan", "Nairobi": "Kenya", "Lagos": "Nigeria", "Bishkek": "Kyrgyzstan",
}  # fmt: skip
REGIONS = frozenset({"Punjab", "Sindh", "Balochistan", "Khyber Pakhtunkhwa", "KPK", "KP", "Asia", "Europe",
                     "Africa", "Central Asia", "South Asia", "Middle East", "Gulf"})  # fmt: skip
PLACES = COUNTRIES | set(CITIES) | REGIONS
# every word that is part of a place name, for telling places from people
PLACE_WORDS = frozenset(w for place in PLACES for w in place.split())


def is_place(text: str) -> bool:
    """True for a country, city or region name (case-insensitive for all-capital datelines)."""
    return text in PLACES or text.title() in PLACES


def country_of(city: str) -> str | None:
    return CITIES.get(city) or CITIES.get(city.title())
