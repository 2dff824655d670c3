"""Nordic public bodies and places generated from the reference CSVs in `data/reference/`.

Each municipality, Norwegian county authority, Swedish or Danish region and Swedish
agency becomes an Organisation LOCATED_IN its Place; places are PART_OF their
county or region and country. Place ids come from official codes (`place:se-municipality-2081`),
so two municipalities of the same name (Herøy, Våler) stay apart.

Examples
--------
>>> swedish_long_names("Borås")
['Borås kommun', 'Borås stad']
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
from graph.ids import node_id
from graph.model import Edge, Node, NodeType, Props, RelType

__all__ = ["ReferenceData", "load_reference", "norwegian_forms", "swedish_long_names"]

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


def _genitive(name: str) -> str:
    return name if name[-1] in "sxz" else f"{name}s"


def swedish_long_names(name: str) -> list[str]:
    """How a Swedish municipality is written in full: "X kommun", "Xs kommun", "X stad", "Xs stad"."""
    forms = [f"{name} kommun", f"{_genitive(name)} kommun", f"{name} stad", f"{_genitive(name)} stad"]
    return list(dict.fromkeys(forms))


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

    def organisation(self, name: str, org_type: str, country: str, place: str, **props: object) -> str:
        aliases = [alias for alias in props.pop("aliases", []) if alias != name]  # type: ignore[attr-defined]
        body: Props = {"name": name, "org_type": org_type, "country": country}
        if aliases:
            body["aliases"] = list(dict.fromkeys(aliases))
        body.update({key: value for key, value in props.items() if value})  # type: ignore[misc]
        organisation = self.node(node_id(NodeType.ORGANISATION, name), NodeType.ORGANISATION, body)
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


def _sweden(data: ReferenceData, folder: Path) -> None:
    counties: dict[str, str] = {}
    for row in _rows(folder, "se_municipalities.csv"):
        code, county_code = row["code"], row["county_code"]
        if county_code not in counties:
            county = row["county_name"]
            short = county.removesuffix(" län").removesuffix("s")
            counties[county_code] = _place(data, "SE", "county", county_code, [county, short], country_place("SE"))
        place = _place(data, "SE", "municipality", code, [row["name"]], counties[county_code])
        long_names = swedish_long_names(row["name"])
        data.organisation(
            long_names[0], "municipality", "SE", place, code=code, aliases=[*long_names[1:], row["name"]]
        )
    for row in _rows(folder, "se_regions.csv"):
        county_name = str(data.nodes[counties[row["code"]]].props["name"])
        data.organisation(
            row["name"],
            "region",
            "SE",
            counties[row["code"]],
            code=row["code"],
            aliases=[f"Landstinget {row['name'].removeprefix('Region ')}", f"Landstinget i {county_name}"],
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


def _norway(data: ReferenceData, folder: Path) -> None:
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
                aliases=[f"{form} fylkeskommune" for form in forms],
            )
    rows = list(_rows(folder, "no_municipalities.csv"))
    first_forms = Counter(norwegian_forms(row["name"])[0] for row in rows)
    for row in rows:
        forms = norwegian_forms(row["name"])
        county = norwegian_forms(row["county_name"])[0]
        qualifier = f" ({county})" if first_forms[forms[0]] > 1 else ""
        place = _place(data, "NO", "municipality", row["code"], [f"{forms[0]}{qualifier}", *forms], counties[row["county_code"]])
        data.organisation(
            f"{forms[0]} kommune{qualifier}",
            "municipality",
            "NO",
            place,
            code=row["code"],
            aliases=[*(f"{form} kommune" for form in forms), *forms],
        )


def _denmark(data: ReferenceData, folder: Path) -> None:
    regions: dict[str, str] = {}
    for row in _rows(folder, "dk_regions.csv"):
        regions[row["code"]] = _place(data, "DK", "region", row["code"], [row["name"]], country_place("DK"))
        data.organisation(row["name"], "region", "DK", regions[row["code"]], code=row["code"])
    for row in _rows(folder, "dk_municipalities.csv"):
        name = row["name"]
        place = _place(data, "DK", "municipality", row["code"], [name], regions[row["region_code"]])
        data.organisation(
            f"{name} Kommune", "municipality", "DK", place, code=row["code"], aliases=[f"{_genitive(name)} Kommune", name]
        )


def load_reference(folder: Path) -> ReferenceData:
    """Generate the public bodies and places of Sweden, Norway and Denmark."""
    data = ReferenceData()
    for country, props in COUNTRIES.items():
        data.node(country_place(country), NodeType.PLACE, {**props, "kind": "country", "country": country})
    _sweden(data, folder)
    _norway(data, folder)
    _denmark(data, folder)
    return data
