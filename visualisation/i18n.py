"""Interface texts in Swedish, Norwegian bokmål and English, and the choice between them.

The language comes from `?lang=` when given, else from the browser's Accept-Language.
Danish and nynorsk readers get bokmål, the nearest language we write; anything else
gets English.

Examples
--------
>>> choose_language(None, "nb-NO,nb;q=0.9,en;q=0.5")
'nb'
>>> choose_language("sv", "en-GB")
'sv'
>>> choose_language(None, "da, en;q=0.3")
'nb'
>>> choose_language(None, "fr-FR")
'en'
>>> Texts("nb")["search.submit"]
'Finn tidligere arbeid'
>>> Texts("en").format("network.trimmed", shown=10, total=25)
'Showing the 10 most relevant of 25 nodes: the rest are furthest from the focus and least connected.'
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.model import NodeType, RelType

__all__ = ["DEFAULT_LANGUAGE", "UI_LANGUAGES", "Texts", "all_keys", "choose_language"]

UI_LANGUAGES: tuple[str, ...] = ("sv", "nb", "en")
"""Languages the pages are written in, in the order the language switch shows them."""

DEFAULT_LANGUAGE = "en"

_NEAREST = {"sv": "sv", "nb": "nb", "no": "nb", "nn": "nb", "da": "nb", "en": "en"}

_TEXTS: Mapping[str, Mapping[str, str]] = {
    "site.name": {"sv": "Behovsgraf", "nb": "Behovsgraf", "en": "Behovsgraf"},
    "site.tagline": {
        "sv": "Hitta tidigare utvecklingsarbete i nordisk offentlig sektor",
        "nb": "Finn tidligere utviklingsarbeid i nordisk offentlig sektor",
        "en": "Find prior development work in the Nordic public sector",
    },
    "nav.label": {"sv": "Huvudmeny", "nb": "Hovedmeny", "en": "Main menu"},
    "nav.search": {"sv": "Sök", "nb": "Søk", "en": "Search"},
    "nav.network": {"sv": "Nätverk", "nb": "Nettverk", "en": "Network"},
    "nav.language": {"sv": "Språk", "nb": "Språk", "en": "Language"},
    "nav.skip": {"sv": "Hoppa till innehållet", "nb": "Hopp til innholdet", "en": "Skip to content"},
    "language.sv": {"sv": "Svenska", "nb": "Svenska", "en": "Svenska"},
    "language.nb": {"sv": "Norsk (bokmål)", "nb": "Norsk (bokmål)", "en": "Norsk (bokmål)"},
    "language.en": {"sv": "English", "nb": "English", "en": "English"},
    "footer.about": {
        "sv": "Behovsgraf samlar utvecklingsarbete som utgått från målgruppers behov, med källor.",
        "nb": "Behovsgraf samler utviklingsarbeid som tok utgangspunkt i målgruppers behov, med kilder.",
        "en": "Behovsgraf collects development work that started from the needs of the people served, with sources.",
    },
    "search.title": {
        "sv": "Vilket problem ska du utforska?",
        "nb": "Hvilket problem skal du utforske?",
        "en": "What problem are you about to explore?",
    },
    "search.intro": {
        "sv": "Beskriv problemet med egna ord. Vi letar fram tidigare arbeten i Sverige, Norge och Danmark "
        "som mött liknande behov, och visar varför de matchar.",
        "nb": "Beskriv problemet med egne ord. Vi finner tidligere arbeid i Sverige, Norge og Danmark "
        "som har møtt lignende behov, og viser hvorfor de passer.",
        "en": "Describe the problem in your own words. We find prior work in Sweden, Norway and Denmark "
        "that met similar needs, and show why each one matches.",
    },
    "search.problem": {
        "sv": "Beskriv problemet du ska utforska",
        "nb": "Beskriv problemet du skal utforske",
        "en": "Describe the problem you are about to explore",
    },
    "search.hint": {
        "sv": "Till exempel vem som berörs, vad som inte fungerar och vad ni vill förstå. "
        "Svenska, norska, danska eller engelska går bra.",
        "nb": "For eksempel hvem det gjelder, hva som ikke fungerer og hva dere vil forstå. "
        "Norsk, svensk, dansk eller engelsk går fint.",
        "en": "For example who is affected, what is not working and what you want to understand. "
        "Swedish, Norwegian, Danish or English all work.",
    },
    "search.filters": {"sv": "Avgränsa (valfritt)", "nb": "Avgrens (valgfritt)", "en": "Narrow down (optional)"},
    "search.country": {"sv": "Land", "nb": "Land", "en": "Country"},
    "search.topic": {"sv": "Ämne", "nb": "Tema", "en": "Topic"},
    "search.target_group": {"sv": "Målgrupp", "nb": "Målgruppe", "en": "Target group"},
    "search.any": {"sv": "Alla", "nb": "Alle", "en": "Any"},
    "search.submit": {"sv": "Hitta tidigare arbeten", "nb": "Finn tidligere arbeid", "en": "Find prior work"},
    "search.results": {"sv": "Tidigare arbeten", "nb": "Tidligere arbeid", "en": "Prior work"},
    "search.count": {
        "sv": "{count} arbeten matchar, det mest relevanta först.",
        "nb": "{count} arbeid passer, det mest relevante først.",
        "en": "{count} cases match, the most relevant first.",
    },
    "search.strong": {
        "sv": "{strong} tidigare arbeten matchar väl; {count} visas, det mest relevanta först.",
        "nb": "{strong} tidligere arbeid passer godt; {count} vises, det mest relevante først.",
        "en": "{strong} earlier cases match well; {count} shown, the most relevant first.",
    },
    "search.none": {
        "sv": "Inga tidigare arbeten matchade. Pröva andra ord eller ta bort en avgränsning.",
        "nb": "Ingen tidligere arbeid passet. Prøv andre ord eller fjern en avgrensning.",
        "en": "No prior work matched. Try other words or remove a filter.",
    },
    "search.empty_graph": {
        "sv": "Grafen är tom: inga arbeten har lästs in ännu.",
        "nb": "Grafen er tom: ingen arbeid er lest inn ennå.",
        "en": "The graph is empty: no cases have been loaded yet.",
    },
    "search.all_as_network": {
        "sv": "Visa alla träffar som nätverk",
        "nb": "Vis alle treff som nettverk",
        "en": "Show all results as a network",
    },
    "hit.organisations": {"sv": "Organisationer", "nb": "Organisasjoner", "en": "Organisations"},
    "hit.year": {"sv": "År", "nb": "År", "en": "Year"},
    "hit.confidence": {"sv": "Träff", "nb": "Treff", "en": "Match"},
    "hit.country": {"sv": "Land", "nb": "Land", "en": "Country"},
    "hit.methods": {"sv": "Metoder", "nb": "Metoder", "en": "Methods"},
    "hit.reasons": {"sv": "Därför matchar den", "nb": "Derfor passer den", "en": "Why it matches"},
    "hit.sources": {"sv": "Källor", "nb": "Kilder", "en": "Sources"},
    "hit.show_in_network": {"sv": "Visa i nätverk", "nb": "Vis i nettverk", "en": "Show in network"},
    "case.summary": {"sv": "Sammanfattning", "nb": "Sammendrag", "en": "Summary"},
    "case.language": {"sv": "Språk", "nb": "Språk", "en": "Language"},
    "case.stakeholders": {
        "sv": "Organisationer och roller",
        "nb": "Organisasjoner og roller",
        "en": "Organisations and roles",
    },
    "case.organisation": {"sv": "Organisation", "nb": "Organisasjon", "en": "Organisation"},
    "case.role": {"sv": "Roll", "nb": "Rolle", "en": "Role"},
    "case.needs": {"sv": "Behov", "nb": "Behov", "en": "Needs"},
    "case.target_groups": {"sv": "Målgrupper", "nb": "Målgrupper", "en": "Target groups"},
    "case.methods": {"sv": "Metoder", "nb": "Metoder", "en": "Methods"},
    "case.topics": {"sv": "Ämnen", "nb": "Temaer", "en": "Topics"},
    "case.places": {"sv": "Platser", "nb": "Steder", "en": "Places"},
    "case.sources": {"sv": "Källor", "nb": "Kilder", "en": "Sources"},
    "case.related": {"sv": "Relaterade arbeten", "nb": "Relatert arbeid", "en": "Related cases"},
    "case.neighbourhood": {
        "sv": "Nätverket kring arbetet",
        "nb": "Nettverket rundt arbeidet",
        "en": "Network around the case",
    },
    "case.open_network": {
        "sv": "Öppna nätverket i helsida",
        "nb": "Åpne nettverket i helside",
        "en": "Open the full network view",
    },
    "case.none": {"sv": "Inga uppgifter.", "nb": "Ingen opplysninger.", "en": "Not recorded."},
    "node.description": {"sv": "Beskrivning", "nb": "Beskrivelse", "en": "Description"},
    "fact.org_type": {"sv": "Typ av organisation", "nb": "Type organisasjon", "en": "Kind of organisation"},
    "fact.kind": {"sv": "Typ", "nb": "Type", "en": "Kind"},
    "fact.code": {"sv": "Kod", "nb": "Kode", "en": "Code"},
    "fact.aliases": {"sv": "Andra namn", "nb": "Andre navn", "en": "Other names"},
    "content_language.sv": {"sv": "svenska", "nb": "svensk", "en": "Swedish"},
    "content_language.nb": {"sv": "norska (bokmål)", "nb": "norsk (bokmål)", "en": "Norwegian (bokmål)"},
    "content_language.nn": {"sv": "norska (nynorska)", "nb": "norsk (nynorsk)", "en": "Norwegian (nynorsk)"},
    "content_language.da": {"sv": "danska", "nb": "dansk", "en": "Danish"},
    "content_language.en": {"sv": "engelska", "nb": "engelsk", "en": "English"},
    "node.connections": {"sv": "Kopplingar", "nb": "Koblinger", "en": "Connections"},
    "node.properties": {"sv": "Uppgifter", "nb": "Opplysninger", "en": "Details"},
    "not_found.title": {"sv": "Hittades inte", "nb": "Fant ikke siden", "en": "Not found"},
    "not_found.text": {
        "sv": "Det finns inget i grafen med id {node_id}.",
        "nb": "Det finnes ikke noe i grafen med id {node_id}.",
        "en": "Nothing in the graph has the id {node_id}.",
    },
    "bad_request.types": {
        "sv": "Okänd nodtyp {name}. Kända typer: {known}.",
        "nb": "Ukjent nodetype {name}. Kjente typer: {known}.",
        "en": "Unknown node type {name}. Known types: {known}.",
    },
    "bad_request.depth": {
        "sv": "Antalet steg måste vara ett heltal från 1 till {most}, inte {value}.",
        "nb": "Antall steg må være et heltall fra 1 til {most}, ikke {value}.",
        "en": "The number of steps must be a whole number from 1 to {most}, not {value}.",
    },
    "unauthorised.title": {"sv": "Inloggning krävs", "nb": "Innlogging kreves", "en": "Sign-in required"},
    "unauthorised.text": {
        "sv": "Den här installationen visar bara grafen för den som har en API-nyckel.",
        "nb": "Denne installasjonen viser bare grafen for den som har en API-nøkkel.",
        "en": "This installation shows the graph only to callers with an API key.",
    },
    "unavailable.title": {
        "sv": "Tillfälligt otillgänglig",
        "nb": "Midlertidig utilgjengelig",
        "en": "Temporarily unavailable",
    },
    "unavailable.text": {
        "sv": "Grafen kan inte nås just nu. Försök igen om en stund.",
        "nb": "Grafen kan ikke nås akkurat nå. Prøv igjen om litt.",
        "en": "The graph cannot be reached right now. Please try again shortly.",
    },
    "internal.title": {"sv": "Något gick fel", "nb": "Noe gikk galt", "en": "Something went wrong"},
    "internal.text": {
        "sv": "Sidan kunde inte visas. Ange fel-id {request_id} om du kontaktar förvaltaren.",
        "nb": "Siden kunne ikke vises. Oppgi feil-id {request_id} hvis du kontakter forvalteren.",
        "en": "The page could not be shown. Quote error id {request_id} if you contact the administrator.",
    },
    "error.back": {"sv": "Till sökningen", "nb": "Til søket", "en": "Back to the search"},
    "case.similar": {"sv": "Liknande arbeten", "nb": "Lignende arbeid", "en": "Similar cases"},
    "bad_request.title": {"sv": "Felaktig förfrågan", "nb": "Ugyldig forespørsel", "en": "Bad request"},
    "network.title": {"sv": "Nätverk", "nb": "Nettverk", "en": "Network"},
    "network.around": {
        "sv": "Nätverket kring {label}",
        "nb": "Nettverket rundt {label}",
        "en": "Network around {label}",
    },
    "network.for_search": {
        "sv": "Nätverket för sökningen",
        "nb": "Nettverket for søket",
        "en": "Network for the search",
    },
    "network.start": {
        "sv": "Sök efter ett problem eller välj ett arbete för att se dess nätverk.",
        "nb": "Søk etter et problem eller velg et arbeid for å se nettverket.",
        "en": "Search for a problem or pick a case to see its network.",
    },
    "network.back": {"sv": "← Till sökningen", "nb": "← Til søket", "en": "← Back to the search"},
    "network.depth": {"sv": "Steg från fokus", "nb": "Steg fra fokus", "en": "Steps from the focus"},
    "network.types": {"sv": "Nodtyper", "nb": "Nodetyper", "en": "Node types"},
    "network.apply": {"sv": "Uppdatera", "nb": "Oppdater", "en": "Update"},
    "network.find": {"sv": "Hitta i nätverket", "nb": "Finn i nettverket", "en": "Find in the network"},
    "network.find_button": {"sv": "Hitta", "nb": "Finn", "en": "Find"},
    "network.find_hint": {
        "sv": "Markerar noder vars namn innehåller texten.",
        "nb": "Markerer noder der navnet inneholder teksten.",
        "en": "Highlights nodes whose name contains the text.",
    },
    "network.found": {"sv": "{count} noder hittades.", "nb": "{count} noder funnet.", "en": "{count} nodes found."},
    "network.fit": {"sv": "Visa hela nätverket", "nb": "Vis hele nettverket", "en": "Show the whole network"},
    "network.zoom_in": {"sv": "Zooma in", "nb": "Zoom inn", "en": "Zoom in"},
    "network.zoom_out": {"sv": "Zooma ut", "nb": "Zoom ut", "en": "Zoom out"},
    "network.summary": {
        "sv": "Nätverksdiagram med {nodes} noder och {edges} kopplingar. Samma innehåll finns som tabell nedanför.",
        "nb": "Nettverksdiagram med {nodes} noder og {edges} koblinger. Det samme innholdet finnes som tabell "
        "nedenfor.",
        "en": "Network diagram with {nodes} nodes and {edges} connections. The same content follows as a table.",
    },
    "network.help": {
        "sv": "Dra för att flytta, scrolla för att zooma. Klicka på en nod för att öppna dess sida.",
        "nb": "Dra for å flytte, rull for å zoome. Klikk på en node for å åpne siden.",
        "en": "Drag to move, scroll to zoom. Click a node to open its page.",
    },
    "network.loading": {"sv": "Ritar nätverket …", "nb": "Tegner nettverket …", "en": "Drawing the network …"},
    "network.no_script": {
        "sv": "Diagrammet kräver JavaScript. Tabellen nedanför visar samma nätverk.",
        "nb": "Diagrammet krever JavaScript. Tabellen nedenfor viser det samme nettverket.",
        "en": "The diagram needs JavaScript. The table below shows the same network.",
    },
    "network.trimmed": {
        "sv": "Visar de {shown} mest relevanta av {total} noder: resten ligger längst från fokus och har minst "
        "kopplingar.",
        "nb": "Viser de {shown} mest relevante av {total} noder: resten ligger lengst fra fokus og har færrest "
        "koblinger.",
        "en": "Showing the {shown} most relevant of {total} nodes: the rest are furthest from the focus and least "
        "connected.",
    },
    "network.cut": {
        "sv": "Grannskapet är större än vad som hämtades; färre steg eller färre nodtyper ger en fullständig bild.",
        "nb": "Nabolaget er større enn det som ble hentet; færre steg eller færre nodetyper gir et fullstendig bilde.",
        "en": "The neighbourhood is larger than what was fetched; fewer steps or fewer node types give the full "
        "picture.",
    },
    "network.narrow": {
        "sv": "Välj färre nodtyper eller färre steg för att se allt.",
        "nb": "Velg færre nodetyper eller færre steg for å se alt.",
        "en": "Choose fewer node types or fewer steps to see everything.",
    },
    "network.as_table": {"sv": "Nätverket som tabell", "nb": "Nettverket som tabell", "en": "The network as a table"},
    "network.table_caption": {
        "sv": "{edges} kopplingar mellan {nodes} noder",
        "nb": "{edges} koblinger mellom {nodes} noder",
        "en": "{edges} connections between {nodes} nodes",
    },
    "network.from": {"sv": "Från", "nb": "Fra", "en": "From"},
    "network.relation": {"sv": "Relation", "nb": "Relasjon", "en": "Relation"},
    "network.to": {"sv": "Till", "nb": "Til", "en": "To"},
    "network.unconnected": {
        "sv": "Noder utan kopplingar i vyn",
        "nb": "Noder uten koblinger i visningen",
        "en": "Nodes without connections in this view",
    },
    "network.empty": {
        "sv": "Nätverket är tomt med de valda nodtyperna.",
        "nb": "Nettverket er tomt med de valgte nodetypene.",
        "en": "The network is empty with the chosen node types.",
    },
    "tooltip.open": {"sv": "Klicka för att öppna", "nb": "Klikk for å åpne", "en": "Click to open"},
    "type.Case": {"sv": "Utvecklingsarbete", "nb": "Utviklingsarbeid", "en": "Case"},
    "type.Organisation": {"sv": "Organisation", "nb": "Organisasjon", "en": "Organisation"},
    "type.Need": {"sv": "Behov", "nb": "Behov", "en": "Need"},
    "type.TargetGroup": {"sv": "Målgrupp", "nb": "Målgruppe", "en": "Target group"},
    "type.Method": {"sv": "Metod", "nb": "Metode", "en": "Method"},
    "type.Topic": {"sv": "Ämne", "nb": "Tema", "en": "Topic"},
    "type.Place": {"sv": "Plats", "nb": "Sted", "en": "Place"},
    "type.Source": {"sv": "Källa", "nb": "Kilde", "en": "Source"},
    "rel.PARTICIPATED_IN": {"sv": "deltog i", "nb": "deltok i", "en": "took part in"},
    "rel.ADDRESSES": {"sv": "möter behovet", "nb": "møter behovet", "en": "addresses"},
    "rel.OF": {"sv": "behov hos", "nb": "behov hos", "en": "need of"},
    "rel.TARGETS": {"sv": "riktar sig till", "nb": "retter seg mot", "en": "targets"},
    "rel.USED": {"sv": "använde", "nb": "brukte", "en": "used"},
    "rel.INCORPORATES": {"sv": "innefattar", "nb": "omfatter", "en": "incorporates"},
    "rel.DEVELOPED_BY": {"sv": "utvecklad av", "nb": "utviklet av", "en": "developed by"},
    "rel.ABOUT": {"sv": "handlar om", "nb": "handler om", "en": "about"},
    "rel.LOCATED_IN": {"sv": "ligger i", "nb": "ligger i", "en": "located in"},
    "rel.PART_OF": {"sv": "del av", "nb": "del av", "en": "part of"},
    "rel.MEMBER_OF": {"sv": "medlem i", "nb": "medlem i", "en": "member of"},
    "rel.SUCCESSOR_OF": {"sv": "efterträdde", "nb": "etterfulgte", "en": "succeeded"},
    "rel.BROADER": {"sv": "ingår i", "nb": "inngår i", "en": "narrower than"},
    "rel.DESCRIBED_IN": {"sv": "beskrivs i", "nb": "beskrevet i", "en": "described in"},
    "rel.RELATED_TO": {"sv": "relaterat till", "nb": "relatert til", "en": "related to"},
    "role.owner": {"sv": "ägare", "nb": "eier", "en": "owner"},
    "role.partner": {"sv": "partner", "nb": "partner", "en": "partner"},
    "role.funder": {"sv": "finansiär", "nb": "finansiør", "en": "funder"},
    "role.facilitator": {"sv": "processledare", "nb": "prosessleder", "en": "facilitator"},
    "role.participant": {"sv": "deltagare", "nb": "deltaker", "en": "participant"},
    "related.builds_on": {"sv": "bygger på", "nb": "bygger på", "en": "builds on"},
    "related.similar_to": {"sv": "liknar", "nb": "ligner", "en": "similar to"},
    "related.follow_up_of": {"sv": "uppföljning av", "nb": "oppfølging av", "en": "follow-up of"},
    "country.SE": {"sv": "Sverige", "nb": "Sverige", "en": "Sweden"},
    "country.NO": {"sv": "Norge", "nb": "Norge", "en": "Norway"},
    "country.DK": {"sv": "Danmark", "nb": "Danmark", "en": "Denmark"},
    "country.FI": {"sv": "Finland", "nb": "Finland", "en": "Finland"},
    "country.IS": {"sv": "Island", "nb": "Island", "en": "Iceland"},
}


def choose_language(requested: str | None, accept_language: str | None) -> str:
    """The page language: `requested` when we write it, else the best match in Accept-Language.

    Parameters
    ----------
    requested
        The `?lang=` value, if any.
    accept_language
        The Accept-Language header, if any.

    Returns
    -------
    str
        One of `UI_LANGUAGES`.
    """
    if requested:
        nearest = _NEAREST.get(requested.strip().lower())
        if nearest:
            return nearest
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        nearest = _NEAREST.get(tag.strip().lower().split("-")[0])
        if nearest and quality > 0:
            ranked.append((-quality, position, nearest))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


class Texts:
    """The interface texts of one language, looked up by key.

    A missing key raises `KeyError`: every key is tested to exist in every language.
    """

    def __init__(self, lang: str) -> None:
        if lang not in UI_LANGUAGES:
            raise ValueError(f"no texts for language {lang!r}; choose one of {', '.join(UI_LANGUAGES)}")
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        return _TEXTS[key][self.lang]

    def format(self, key: str, **values: object) -> str:
        """The text for `key` with `{name}` placeholders filled in."""
        return self[key].format(**values)

    def node_type(self, node_type: NodeType) -> str:
        """The name of a node type."""
        return self[f"type.{node_type.value}"]

    def relation(self, rel: RelType, props: Mapping[str, object]) -> str:
        """How an edge reads: the organisation's role, the kind of relation between cases, or the type."""
        role = props.get("role")
        if rel is RelType.PARTICIPATED_IN and isinstance(role, str) and f"role.{role}" in _TEXTS:
            return self[f"role.{role}"]
        kind = props.get("kind")
        if rel is RelType.RELATED_TO and isinstance(kind, str) and f"related.{kind}" in _TEXTS:
            return self[f"related.{kind}"]
        return self[f"rel.{rel.value}"]

    def optional(self, key: str, fallback: str) -> str:
        """The text for `key` when we have one (reason kinds, country codes), else `fallback`."""
        return _TEXTS[key][self.lang] if key in _TEXTS else fallback


def all_keys() -> tuple[str, ...]:
    """Every text key (for tests that check each language has each text)."""
    return tuple(_TEXTS)
