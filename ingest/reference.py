"""Nordic public bodies and places generated from the reference CSVs in `data/reference/`.

Each municipality, Norwegian county authority, Swedish or Danish region and Swedish
agency becomes an Organisation LOCATED_IN its Place; places are PART_OF their
county or region and country. Place ids come from official codes (`place:se-municipality-2081`),
so two municipalities of the same name (Herøy, Våler) stay apart.

A body is named as it names itself: the Swedish legal form with its genitive
("Ängelholms kommun", "Falu kommun"), "stad" where the municipality calls itself so
("Malmö stad"), the Danish "X Kommune" ("Københavns Kommune") and the Norwegian
form of a name with Sami and Kven forms as aliases. The rules are in code, their
exceptions in `official_names.csv`. Organisation ids stay those of the first
generated form ("organisation:falun-kommun"), so links made before keep working.

English forms are aliases too: the English exonym of a place ("Gothenburg") and the
official English name of a Danish region from `english_names.csv`, and "X County
Council" for a Swedish region or a Norwegian county authority ("X County
Municipality" too). A municipality's former names ("Kristiania", "Nærøy") from
`former_names.csv` become `former_names` of its successor today; one that is the
name of another body today is refused.

Examples
--------
>>> swedish_legal_name("Ängelholm"), swedish_legal_name("Uppsala"), swedish_legal_name("Grums")
('Ängelholms kommun', 'Uppsala kommun', 'Grums kommun')
>>> norwegian_forms("Rosse - Røros")
['Rosse', 'Røros']
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import IngestError
from graph.ids import fold, node_id
from graph.model import Edge, Node, NodeType, Props, RelType
from ingest.aliases import former_names_of

__all__ = [
    "OfficialName",
    "ReferenceData",
    "english_names",
    "former_names",
    "load_reference",
    "norwegian_forms",
    "official_names",
    "swedish_legal_name",
]

ASSERTER = "vocabulary"

COUNTRIES: dict[str, Props] = {
    "SE": {"name": "Sverige", "label_en": "Sweden", "label_nb": "Sverige", "label_da": "Sverige", "aliases": ["Sweden"]},
    "NO": {"name": "Norge", "label_en": "Norway", "label_sv": "Norge", "label_nn": "Noreg", "label_da": "Norge",
           "aliases": ["Norway", "Noreg"]},
    "DK": {"name": "Danmark", "label_en": "Denmark", "label_sv": "Danmark", "label_nb": "Danmark",
           "aliases": ["Denmark"]},
}


def country_place(country: str) -> str:
    """The id of a country's place node."""
    return f"place:{country.lower()}"


def _place_id(country: str, kind: str, code: str) -> str:
    return f"place:{country.lower()}-{kind}-{code}"


_SWEDISH_VOWELS = frozenset("aeiouyåäö")


def swedish_legal_name(name: str) -> str:
    """The legal long form of a Swedish municipality: "X kommun" with the genitive of fixed names.

    A name ending in a consonant takes an s ("Lunds kommun") unless it ends in s, x or z
    ("Grums kommun", "Kalix kommun"); a name ending in a vowel takes none ("Uppsala kommun").
    Falun and Kalmar, which once ended in a vowel, are exceptions listed in `official_names.csv`,
    which also gives the legal form of each municipality that calls itself "stad".
    """
    last = name[-1].casefold()
    if last in _SWEDISH_VOWELS or last in "sxz":
        return f"{name} kommun"
    return f"{name}s kommun"


@dataclass(frozen=True, slots=True)
class OfficialName:
    """A body's own name where the rules do not give it, with the forms it is also written in."""

    name: str
    aliases: tuple[str, ...]
    source: str


def official_names(folder: Path) -> dict[tuple[str, str], OfficialName]:
    """`official_names.csv` by (country, code); `aliases` are separated by "|"."""
    return {
        (row["country"], row["code"]): OfficialName(
            row["name"], tuple(alias for alias in row["aliases"].split("|") if alias), row["source"]
        )
        for row in _rows(folder, "official_names.csv")
    }


def english_names(folder: Path) -> dict[tuple[str, str], str]:
    """`english_names.csv` by (country, code): an English exonym or a body's official English name."""
    return {(row["country"], row["code"]): row["name_en"] for row in _rows(folder, "english_names.csv")}


def former_names(folder: Path) -> dict[tuple[str, str], list[str]]:
    """`former_names.csv` by the (country, code) of today's successor: the names it, or a body merged into it, had."""
    found: dict[tuple[str, str], list[str]] = {}
    for row in _rows(folder, "former_names.csv"):
        found.setdefault((row["country"], row["code"]), []).append(row["former_name"])
    return found


def norwegian_forms(name: str) -> list[str]:
    """The official forms of a Norwegian name (Norwegian, Sami, Kven), split on " - " only."""
    return [part.strip() for part in name.split(" - ") if part.strip()]


@dataclass(slots=True)
class ReferenceData:
    """Nodes and edges generated from the reference CSVs."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def node(self, node_id_: str, node_type: NodeType, props: Props) -> str:
        old = self.nodes.get(node_id_)
        if old is not None and old.props.get("name") != props.get("name"):
            raise IngestError(f"reference data: {props.get('name')!r} and {old.props.get('name')!r} share the id {node_id_!r}")
        self.nodes[node_id_] = Node(node_id_, node_type, props)
        return node_id_

    def edge(self, source: str, rel: RelType, target: str) -> None:
        self.edges.append(Edge(source, rel, target, ASSERTER))

    def organisation(
        self, name: str, org_type: str, country: str, place: str, *, key: str | None = None, **props: object
    ) -> str:
        """Add a body named `name`; its id comes from `key` (the first generated form) when given."""
        aliases = [alias for alias in props.pop("aliases", []) if alias != name]  # type: ignore[attr-defined]
        body: Props = {"name": name, "org_type": org_type, "country": country}
        if aliases:
            body["aliases"] = list(dict.fromkeys(aliases))
        body.update({key: value for key, value in props.items() if value})  # type: ignore[misc]
        organisation = self.node(node_id(NodeType.ORGANISATION, key or name), NodeType.ORGANISATION, body)
        self.edge(organisation, RelType.LOCATED_IN, place)
        return organisation


def _rows(folder: Path, name: str) -> Iterator[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _place(data: ReferenceData, country: str, kind: str, code: str, names: list[str], parent: str) -> str:
    place = data.node(
        _place_id(country, kind, code),
        NodeType.PLACE,
        {"name": names[0], "kind": kind, "code": code, "country": country, "aliases": names[1:]}
        if len(names) > 1
        else {"name": names[0], "kind": kind, "code": code, "country": country},
    )
    data.edge(place, RelType.PART_OF, parent)
    return place


@dataclass(frozen=True, slots=True)
class _Names:
    """The hand-kept name tables, by (country, code)."""

    official: dict[tuple[str, str], OfficialName]
    english: dict[tuple[str, str], str]
    former: dict[tuple[str, str], list[str]]

    def english_of(self, country: str, code: str) -> list[str]:
        """The English exonym or name of a body or place, if it has one."""
        return [self.english[country, code]] if (country, code) in self.english else []

    def former_of(self, country: str, code: str, word: str) -> list[str]:
        """The former names of a municipality with its type word ("Kristiania kommune"), the legal form in Sweden."""
        olds = self.former.get((country, code), [])
        forms = [f"{old} {word}" for old in olds]
        return forms + [swedish_legal_name(old) for old in olds] if country == "SE" else forms


def _county_councils(name: str) -> list[str]:
    """The English names of a county authority or a Swedish region: "Trøndelag County Council" and the like."""
    return [f"{name} County {word}" for word in ("Council", "Municipality", "Authority")]


def _sweden(data: ReferenceData, folder: Path, names: _Names) -> None:
    counties: dict[str, str] = {}
    one_body: dict[str, tuple[str, OfficialName]] = {}  # region name -> (municipality code, its names)
    region_names = {row["name"] for row in _rows(folder, "se_regions.csv")}
    for row in _rows(folder, "se_municipalities.csv"):
        code, county_code, short = row["code"], row["county_code"], row["name"]
        if county_code not in counties:
            county = row["county_name"]
            forms = [county, county.removesuffix(" län").removesuffix("s")]
            counties[county_code] = _place(data, "SE", "county", county_code, forms, country_place("SE"))
        english = names.english_of("SE", code)
        place = _place(data, "SE", "municipality", code, [short, *english], counties[county_code])
        own = names.official.get(("SE", code))
        legal = swedish_legal_name(short)
        if own is not None and own.name in region_names:  # Region Gotland: a municipality with a region's tasks
            one_body[own.name] = (code, OfficialName(own.name, (*own.aliases, f"{short} kommun", short), own.source))
            continue
        data.organisation(
            own.name if own else legal,
            "municipality",
            "SE",
            place,
            key=f"{short} kommun",
            code=code,
            aliases=[*(own.aliases if own else (legal,)), f"{short} kommun", short, *english],
            former_names=names.former_of("SE", code, "kommun"),
        )
    for row in _rows(folder, "se_regions.csv"):
        county_name = str(data.nodes[counties[row["code"]]].props["name"])  # "Stockholms län"
        county_short = county_name.removesuffix(" län").removesuffix("s")
        aliases = [f"Landstinget i {county_name}", f"{county_name}s landsting", f"Region {county_short}"]
        if row["name"].startswith("Region "):
            aliases.append(f"Landstinget {row['name'].removeprefix('Region ')}")
        municipality_code, own = one_body.get(row["name"], ("", OfficialName(row["name"], (), "")))
        data.organisation(
            row["name"],
            "region",
            "SE",
            counties[row["code"]],
            code=row["code"],
            municipality_code=municipality_code,
            aliases=[*aliases, *_county_councils(county_short), *own.aliases],
        )
    for row in _rows(folder, "se_agencies.csv"):
        data.organisation(
            row["name"],
            "agency",
            "SE",
            country_place("SE"),
            org_nr=row["org_nr"],
            aliases=[row["short_name"], row["name_en"]] if row["name_en"] else [row["short_name"]],
        )


def _norway(data: ReferenceData, folder: Path, names: _Names) -> None:
    counties: dict[str, str] = {}
    for row in _rows(folder, "no_counties.csv"):
        forms = norwegian_forms(row["name"])
        counties[row["code"]] = _place(
            data, "NO", "county", row["code"], [*forms, *(f"{form} fylke" for form in forms)], country_place("NO")
        )
        if row["code"] != "03":  # Oslo is one body: Oslo kommune
            data.organisation(
                f"{forms[0]} fylkeskommune",
                "county",
                "NO",
                counties[row["code"]],
                code=row["code"],
                aliases=[*(f"{form} fylkeskommune" for form in forms), *_county_councils(forms[0])],
            )
    rows = list(_rows(folder, "no_municipalities.csv"))
    first_forms = Counter(norwegian_forms(row["name"])[0] for row in rows)
    for row in rows:
        forms = norwegian_forms(row["name"])
        county = norwegian_forms(row["county_name"])[0]
        qualifier = f" ({county})" if first_forms[forms[0]] > 1 else ""
        own = names.official.get(("NO", row["code"]))
        name = own.name if own else f"{forms[0]} kommune"
        place_name = name.removesuffix(" kommune")
        english = names.english_of("NO", row["code"])
        place = _place(
            data,
            "NO",
            "municipality",
            row["code"],
            [f"{place_name}{qualifier}", *forms, *english],
            counties[row["county_code"]],
        )
        data.organisation(
            f"{name}{qualifier}",
            "municipality",
            "NO",
            place,
            key=f"{forms[0]} kommune{qualifier}",
            code=row["code"],
            aliases=[*(own.aliases if own else ()), *(f"{form} kommune" for form in forms), *forms, *english],
            former_names=names.former_of("NO", row["code"], "kommune"),
        )


def _denmark(data: ReferenceData, folder: Path, names: _Names) -> None:
    regions: dict[str, str] = {}
    for row in _rows(folder, "dk_regions.csv"):
        code, name = row["code"], row["name"]
        english = names.english_of("DK", code)
        regions[code] = _place(data, "DK", "region", code, [name, *english], country_place("DK"))
        own = names.official.get(("DK", code))
        aliases = [*(own.aliases if own else ()), *english]
        data.organisation(own.name if own else name, "region", "DK", regions[code], key=name, code=code, aliases=aliases)
    for row in _rows(folder, "dk_municipalities.csv"):
        code, name = row["code"], row["name"]
        english = names.english_of("DK", code)
        place = _place(data, "DK", "municipality", code, [name, *english], regions[row["region_code"]])
        own = names.official.get(("DK", code))
        data.organisation(
            own.name if own else f"{name} Kommune",
            "municipality",
            "DK",
            place,
            key=f"{name} Kommune",
            code=code,
            aliases=[*(own.aliases if own else ()), f"{name} Kommune", name, *english],
            former_names=names.former_of("DK", code, "Kommune"),
        )


def _refuse_former_names_in_use(data: ReferenceData) -> None:
    """Raise when a former name is today a name of another body: it would stand for two."""
    owners: dict[str, set[str]] = {}
    for node in data.nodes.values():
        if node.type is NodeType.ORGANISATION:
            for name in (node.props["name"], *node.props.get("aliases", [])):  # type: ignore[misc]
                owners.setdefault(fold(str(name)), set()).add(node.id)
    for node in data.nodes.values():
        for former in former_names_of(node):
            others = owners.get(fold(former), set()) - {node.id}
            if others:
                raise IngestError(
                    f"former_names.csv: {former!r} of {node.id} is the name of {', '.join(sorted(others))} today"
                )


def load_reference(folder: Path) -> ReferenceData:
    """Generate the public bodies and places of Sweden, Norway and Denmark."""
    data = ReferenceData()
    for country, props in COUNTRIES.items():
        data.node(country_place(country), NodeType.PLACE, {**props, "kind": "country", "country": country})
    names = _Names(official_names(folder), english_names(folder), former_names(folder))
    _sweden(data, folder, names)
    _norway(data, folder, names)
    _denmark(data, folder, names)
    _refuse_former_names_in_use(data)
    return data
