"""Interface texts in Swedish, Norwegian bokmål and nynorsk, Danish and English, and the choice between them.

The language comes from `?lang=` when given, else from the browser's Accept-Language
(`no` is read as bokmål); anything else gets English.

Examples
--------
>>> choose_language(None, "nb-NO,nb;q=0.9,en;q=0.5")
'nb'
>>> choose_language("sv", "en-GB")
'sv'
>>> choose_language(None, "da, en;q=0.3")
'da'
>>> choose_language(None, "nn-NO, nb;q=0.8")
'nn'
>>> choose_language(None, "fr-FR")
'en'
>>> Texts("nb")["search.submit"]
'Finn tidligere arbeid'
>>> Texts("en").format("network.trimmed", shown=10, total=25)
'Showing the 10 most relevant of 25 nodes: the rest are furthest from the focus and least connected.'
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.model import LANGUAGES, NodeType, RelType

__all__ = ["DEFAULT_LANGUAGE", "UI_LANGUAGES", "Texts", "accepted_languages", "all_keys", "choose_language"]

UI_LANGUAGES: tuple[str, ...] = LANGUAGES
"""Languages the pages are written in, in the order the language switch shows them."""

DEFAULT_LANGUAGE = "en"

_NEAREST = {**{code: code for code in UI_LANGUAGES}, "no": "nb"}

_TEXTS: Mapping[str, Mapping[str, str]] = {
    "site.name": {"sv": "Behovsgraf", "nb": "Behovsgraf", "nn": "Behovsgraf", "da": "Behovsgraf", "en": "Behovsgraf"},
    "site.tagline": {
        "sv": "Hitta tidigare utvecklingsarbete i nordisk offentlig sektor",
        "nb": "Finn tidligere utviklingsarbeid i nordisk offentlig sektor",
        "nn": "Finn tidlegare utviklingsarbeid i nordisk offentleg sektor",
        "da": "Find tidligere udviklingsarbejde i den nordiske offentlige sektor",
        "en": "Find prior development work in the Nordic public sector",
    },
    "nav.label": {"sv": "Huvudmeny", "nb": "Hovedmeny", "nn": "Hovudmeny", "da": "Hovedmenu", "en": "Main menu"},
    "nav.search": {"sv": "Sök", "nb": "Søk", "nn": "Søk", "da": "Søg", "en": "Search"},
    "nav.network": {"sv": "Nätverk", "nb": "Nettverk", "nn": "Nettverk", "da": "Netværk", "en": "Network"},
    "nav.language": {"sv": "Språk", "nb": "Språk", "nn": "Språk", "da": "Sprog", "en": "Language"},
    "nav.skip": {
        "sv": "Hoppa till innehållet",
        "nb": "Hopp til innholdet",
        "nn": "Hopp til innhaldet",
        "da": "Spring til indholdet",
        "en": "Skip to content",
    },
    "language.sv": {"sv": "Svenska", "nb": "Svenska", "nn": "Svenska", "da": "Svenska", "en": "Svenska"},
    "language.nb": {
        "sv": "Norsk (bokmål)",
        "nb": "Norsk (bokmål)",
        "nn": "Norsk (bokmål)",
        "da": "Norsk (bokmål)",
        "en": "Norsk (bokmål)",
    },
    "language.nn": {
        "sv": "Norsk (nynorsk)",
        "nb": "Norsk (nynorsk)",
        "nn": "Norsk (nynorsk)",
        "da": "Norsk (nynorsk)",
        "en": "Norsk (nynorsk)",
    },
    "language.da": {"sv": "Dansk", "nb": "Dansk", "nn": "Dansk", "da": "Dansk", "en": "Dansk"},
    "language.en": {"sv": "English", "nb": "English", "nn": "English", "da": "English", "en": "English"},
    "footer.about": {
        "sv": "Behovsgraf samlar utvecklingsarbete som utgått från målgruppers behov, med källor.",
        "nb": "Behovsgraf samler utviklingsarbeid som tok utgangspunkt i målgruppers behov, med kilder.",
        "nn": "Behovsgraf samlar utviklingsarbeid som tok utgangspunkt i behova til målgruppene, med kjelder.",
        "da": "Behovsgraf samler udviklingsarbejde, der tog udgangspunkt i målgruppers behov, med kilder.",
        "en": "Behovsgraf collects development work that started from the needs of the people served, with sources.",
    },
    "search.title": {
        "sv": "Vilket problem ska du utforska?",
        "nb": "Hvilket problem skal du utforske?",
        "nn": "Kva problem skal du utforske?",
        "da": "Hvilket problem skal du udforske?",
        "en": "What problem are you about to explore?",
    },
    "search.intro": {
        "sv": "Beskriv problemet med egna ord. Vi letar fram tidigare arbeten i Sverige, Norge och Danmark som mött "
        "liknande behov, och visar varför de matchar.",
        "nb": "Beskriv problemet med egne ord. Vi finner tidligere arbeid i Sverige, Norge og Danmark som har møtt "
        "lignende behov, og viser hvorfor de passer.",
        "nn": "Beskriv problemet med eigne ord. Vi finn tidlegare arbeid i Sverige, Noreg og Danmark som har møtt "
        "liknande behov, og viser kvifor dei passar.",
        "da": "Beskriv problemet med dine egne ord. Vi finder tidligere arbejde i Sverige, Norge og Danmark, der har"
        " mødt lignende behov, og viser, hvorfor det passer.",
        "en": "Describe the problem in your own words. We find prior work in Sweden, Norway and Denmark that met "
        "similar needs, and show why each one matches.",
    },
    "search.problem": {
        "sv": "Beskriv problemet du ska utforska",
        "nb": "Beskriv problemet du skal utforske",
        "nn": "Beskriv problemet du skal utforske",
        "da": "Beskriv det problem, du skal udforske",
        "en": "Describe the problem you are about to explore",
    },
    "search.hint": {
        "sv": "Till exempel vem som berörs, vad som inte fungerar och vad ni vill förstå. Svenska, norska, danska "
        "eller engelska går bra.",
        "nb": "For eksempel hvem det gjelder, hva som ikke fungerer og hva dere vil forstå. Bokmål, nynorsk, svensk,"
        " dansk eller engelsk går fint.",
        "nn": "Til dømes kven det gjeld, kva som ikkje fungerer og kva de vil forstå. Nynorsk, bokmål, svensk, dansk"
        " eller engelsk går fint.",
        "da": "For eksempel hvem det drejer sig om, hvad der ikke fungerer, og hvad I vil forstå. Dansk, svensk, "
        "norsk eller engelsk går fint.",
        "en": "For example who is affected, what is not working and what you want to understand. Swedish, Norwegian,"
        " Danish or English all work.",
    },
    "search.filters": {
        "sv": "Avgränsa (valfritt)",
        "nb": "Avgrens (valgfritt)",
        "nn": "Avgrens (valfritt)",
        "da": "Afgræns (valgfrit)",
        "en": "Narrow down (optional)",
    },
    "search.country": {"sv": "Land", "nb": "Land", "nn": "Land", "da": "Land", "en": "Country"},
    "search.topic": {"sv": "Ämne", "nb": "Tema", "nn": "Tema", "da": "Emne", "en": "Topic"},
    "search.target_group": {
        "sv": "Målgrupp",
        "nb": "Målgruppe",
        "nn": "Målgruppe",
        "da": "Målgruppe",
        "en": "Target group",
    },
    "search.method": {"sv": "Metod", "nb": "Metode", "nn": "Metode", "da": "Metode", "en": "Method"},
    "search.status": {"sv": "Status", "nb": "Status", "nn": "Status", "da": "Status", "en": "Status"},
    "search.facet_total": {
        "sv": "Siffrorna anger hur många arbeten varje val lämnar. Med valen nu: {count} arbeten",
        "nb": "Tallene viser hvor mange saker hvert valg gir. Med valgene nå: {count} saker",
        "nn": "Tala viser kor mange saker kvart val gir. Med vala no: {count} saker",
        "da": "Tallene viser, hvor mange projekter hvert valg giver. Med de nuværende valg: {count} projekter",
        "en": "The numbers say how many cases each choice leaves. With the choices made: {count} cases",
    },
    "search.facet_years": {
        "sv": "från {first} till {last}",
        "nb": "fra {first} til {last}",
        "nn": "frå {first} til {last}",
        "da": "fra {first} til {last}",
        "en": "from {first} to {last}",
    },
    "status.planned": {"sv": "planerade", "nb": "planlagt", "nn": "planlagde", "da": "planlagte", "en": "planned"},
    "status.ongoing": {"sv": "pågående", "nb": "pågående", "nn": "pågåande", "da": "igangværende", "en": "ongoing"},
    "status.completed": {"sv": "avslutade", "nb": "avsluttet", "nn": "avslutta", "da": "afsluttede", "en": "completed"},
    "status.discontinued": {"sv": "avbrutna", "nb": "avbrutt", "nn": "avbrotne", "da": "afbrudte", "en": "discontinued"},
    "search.year_from": {"sv": "Från år", "nb": "Fra år", "nn": "Frå år", "da": "Fra år", "en": "From year"},
    "search.year_to": {"sv": "Till år", "nb": "Til år", "nn": "Til år", "da": "Til år", "en": "To year"},
    "search.any": {"sv": "Alla", "nb": "Alle", "nn": "Alle", "da": "Alle", "en": "Any"},
    "search.submit": {
        "sv": "Hitta tidigare arbeten",
        "nb": "Finn tidligere arbeid",
        "nn": "Finn tidlegare arbeid",
        "da": "Find tidligere arbejde",
        "en": "Find prior work",
    },
    "search.results": {
        "sv": "Tidigare arbeten",
        "nb": "Tidligere arbeid",
        "nn": "Tidlegare arbeid",
        "da": "Tidligere arbejde",
        "en": "Prior work",
    },
    "search.count": {
        "sv": "{count} arbeten matchar, de mest relevanta först.",
        "nb": "{count} saker passer, den mest relevante først.",
        "nn": "{count} saker passar, den mest relevante først.",
        "da": "{count} projekter passer, det mest relevante først.",
        "en": "{count} cases match, the most relevant first.",
    },
    "search.strong": {
        "sv": "{strong} tidigare arbeten matchar väl; {count} visas, det mest relevanta först.",
        "nb": "{strong} tidligere arbeid passer godt; {count} vises, det mest relevante først.",
        "nn": "{strong} tidlegare arbeid passar godt; {count} vert viste, det mest relevante først.",
        "da": "{strong} tidligere arbejder passer godt; {count} vises, det mest relevante først.",
        "en": "{strong} earlier cases match well; {count} shown, the most relevant first.",
    },
    "search.none": {
        "sv": "Inga tidigare arbeten matchade. Pröva andra ord eller ta bort en avgränsning.",
        "nb": "Ingen tidligere arbeid passet. Prøv andre ord eller fjern en avgrensning.",
        "nn": "Ikkje noko tidlegare arbeid passa. Prøv andre ord eller fjern ei avgrensing.",
        "da": "Intet tidligere arbejde passede. Prøv andre ord, eller fjern en afgrænsning.",
        "en": "No prior work matched. Try other words or remove a filter.",
    },
    "search.empty_graph": {
        "sv": "Grafen är tom: inga arbeten har lästs in ännu.",
        "nb": "Grafen er tom: ingen arbeid er lest inn ennå.",
        "nn": "Grafen er tom: ikkje noko arbeid er lese inn enno.",
        "da": "Grafen er tom: der er endnu ikke indlæst noget arbejde.",
        "en": "The graph is empty: no cases have been loaded yet.",
    },
    "search.download": {
        "sv": "Ladda ner listan",
        "nb": "Last ned listen",
        "nn": "Last ned lista",
        "da": "Download listen",
        "en": "Download the list",
    },
    "search.all_as_network": {
        "sv": "Visa alla träffar som nätverk",
        "nb": "Vis alle treff som nettverk",
        "nn": "Vis alle treffa som nettverk",
        "da": "Vis alle resultater som netværk",
        "en": "Show all results as a network",
    },
    "hit.organisations": {
        "sv": "Organisationer",
        "nb": "Organisasjoner",
        "nn": "Organisasjonar",
        "da": "Organisationer",
        "en": "Organisations",
    },
    "hit.year": {"sv": "År", "nb": "År", "nn": "År", "da": "År", "en": "Year"},
    "hit.country": {"sv": "Land", "nb": "Land", "nn": "Land", "da": "Land", "en": "Country"},
    "hit.methods": {"sv": "Metoder", "nb": "Metoder", "nn": "Metodar", "da": "Metoder", "en": "Methods"},
    "hit.reasons": {
        "sv": "Därför matchar den",
        "nb": "Derfor passer den",
        "nn": "Difor passar det",
        "da": "Derfor passer det",
        "en": "Why it matches",
    },
    "hit.sources": {"sv": "Källor", "nb": "Kilder", "nn": "Kjelder", "da": "Kilder", "en": "Sources"},
    "hit.show_in_network": {
        "sv": "Visa i nätverk",
        "nb": "Vis i nettverk",
        "nn": "Vis i nettverk",
        "da": "Vis i netværk",
        "en": "Show in network",
    },
    "reason.words": {"sv": "Samma ord", "nb": "Samme ord", "nn": "Same ord", "da": "Samme ord", "en": "Same words"},
    "reason.need": {"sv": "Behov", "nb": "Behov", "nn": "Behov", "da": "Behov", "en": "Need"},
    "reason.target_group": {
        "sv": "Målgrupp",
        "nb": "Målgruppe",
        "nn": "Målgruppe",
        "da": "Målgruppe",
        "en": "Target group",
    },
    "reason.method": {"sv": "Metod", "nb": "Metode", "nn": "Metode", "da": "Metode", "en": "Method"},
    "reason.topic": {"sv": "Ämne", "nb": "Tema", "nn": "Tema", "da": "Emne", "en": "Topic"},
    "reason.organisation": {
        "sv": "Organisation",
        "nb": "Organisasjon",
        "nn": "Organisasjon",
        "da": "Organisation",
        "en": "Organisation",
    },
    "reason.place": {"sv": "Plats", "nb": "Sted", "nn": "Stad", "da": "Sted", "en": "Place"},
    "reason.graph": {
        "sv": "Delar behov, målgrupper eller metoder med de bästa träffarna",
        "nb": "Deler behov, målgrupper eller metoder med de beste treffene",
        "nn": "Deler behov, målgrupper eller metodar med dei beste treffa",
        "da": "Deler behov, målgrupper eller metoder med de bedste resultater",
        "en": "Shares needs, target groups or methods with the best matches",
    },
    "reason.country": {
        "sv": "Samma land",
        "nb": "Samme land",
        "nn": "Same land",
        "da": "Samme land",
        "en": "Same country",
    },
    "reason.recency": {
        "sv": "Nyare arbete",
        "nb": "Nyere arbeid",
        "nn": "Nyare arbeid",
        "da": "Nyere arbejde",
        "en": "More recent work",
    },
    "case.summary": {"sv": "Sammanfattning", "nb": "Sammendrag", "nn": "Samandrag", "da": "Resumé", "en": "Summary"},
    "case.language": {"sv": "Språk", "nb": "Språk", "nn": "Språk", "da": "Sprog", "en": "Language"},
    "hit.confidence": {"sv": "Träff", "nb": "Treff", "nn": "Treff", "da": "Match", "en": "Match"},
    "case.stakeholders": {
        "sv": "Organisationer och roller",
        "nb": "Organisasjoner og roller",
        "nn": "Organisasjonar og roller",
        "da": "Organisationer og roller",
        "en": "Organisations and roles",
    },
    "case.organisation": {
        "sv": "Organisation",
        "nb": "Organisasjon",
        "nn": "Organisasjon",
        "da": "Organisation",
        "en": "Organisation",
    },
    "case.role": {"sv": "Roll", "nb": "Rolle", "nn": "Rolle", "da": "Rolle", "en": "Role"},
    "case.needs": {"sv": "Behov", "nb": "Behov", "nn": "Behov", "da": "Behov", "en": "Needs"},
    "case.target_groups": {
        "sv": "Målgrupper",
        "nb": "Målgrupper",
        "nn": "Målgrupper",
        "da": "Målgrupper",
        "en": "Target groups",
    },
    "case.methods": {"sv": "Metoder", "nb": "Metoder", "nn": "Metodar", "da": "Metoder", "en": "Methods"},
    "case.topics": {"sv": "Ämnen", "nb": "Temaer", "nn": "Tema", "da": "Emner", "en": "Topics"},
    "case.places": {"sv": "Platser", "nb": "Steder", "nn": "Stader", "da": "Steder", "en": "Places"},
    "case.sources": {"sv": "Källor", "nb": "Kilder", "nn": "Kjelder", "da": "Kilder", "en": "Sources"},
    "case.related": {
        "sv": "Relaterade arbeten",
        "nb": "Relatert arbeid",
        "nn": "Relatert arbeid",
        "da": "Relateret arbejde",
        "en": "Related cases",
    },
    "case.neighbourhood": {
        "sv": "Nätverket kring arbetet",
        "nb": "Nettverket rundt arbeidet",
        "nn": "Nettverket rundt arbeidet",
        "da": "Netværket omkring arbejdet",
        "en": "Network around the case",
    },
    "case.open_network": {
        "sv": "Öppna nätverket på en egen sida",
        "nb": "Åpne nettverket på en egen side",
        "nn": "Opne nettverket på ei eiga side",
        "da": "Åbn netværket på en side for sig",
        "en": "Open the full network view",
    },
    "case.none": {
        "sv": "Inga uppgifter.",
        "nb": "Ingen opplysninger.",
        "nn": "Ingen opplysningar.",
        "da": "Ingen oplysninger.",
        "en": "Not recorded.",
    },
    "case.provenance": {
        "sv": "Var uppgifterna kommer ifrån",
        "nb": "Hvor opplysningene kommer fra",
        "nn": "Kvar opplysningane kjem frå",
        "da": "Hvor oplysningerne kommer fra",
        "en": "Where the facts come from",
    },
    "case.title": {"sv": "Titel", "nb": "Tittel", "nn": "Tittel", "da": "Titel", "en": "Title"},
    "case.history": {
        "sv": "Ändringshistorik",
        "nb": "Endringshistorikk",
        "nn": "Endringshistorikk",
        "da": "Ændringshistorik",
        "en": "Change history",
    },
    "history.run": {"sv": "Körning", "nb": "Kjøring", "nn": "Køyring", "da": "Kørsel", "en": "Run"},
    "history.when": {"sv": "När", "nb": "Når", "nn": "Når", "da": "Hvornår", "en": "When"},
    "history.who": {"sv": "Vem", "nb": "Hvem", "nn": "Kven", "da": "Hvem", "en": "Who"},
    "history.files": {"sv": "Filer", "nb": "Filer", "nn": "Filer", "da": "Filer", "en": "Files"},
    "history.changes": {"sv": "Ändringar", "nb": "Endringer", "nn": "Endringar", "da": "Ændringer", "en": "Changes"},
    "history.created": {"sv": "Skapad", "nb": "Opprettet", "nn": "Oppretta", "da": "Oprettet", "en": "Created"},
    "history.removed": {"sv": "Borttagen", "nb": "Fjernet", "nn": "Fjerna", "da": "Fjernet", "en": "Removed"},
    "history.asserted": {
        "sv": "Ny koppling",
        "nb": "Ny kobling",
        "nn": "Ny kopling",
        "da": "Ny forbindelse",
        "en": "Link added",
    },
    "history.retracted": {
        "sv": "Borttagen koppling",
        "nb": "Fjernet kobling",
        "nn": "Fjerna kopling",
        "da": "Fjernet forbindelse",
        "en": "Link removed",
    },
    "history.relinked": {
        "sv": "Ändrad koppling",
        "nb": "Endret kobling",
        "nn": "Endra kopling",
        "da": "Ændret forbindelse",
        "en": "Link changed",
    },
    "history.reverts": {
        "sv": "ångrar körning {run}",
        "nb": "angrer kjøring {run}",
        "nn": "angrar køyring {run}",
        "da": "fortryder kørsel {run}",
        "en": "reverts run {run}",
    },
    "history.shown": {
        "sv": "Visar de {shown} senaste av {total} körningar.",
        "nb": "Viser de {shown} siste av {total} kjøringer.",
        "nn": "Viser dei {shown} siste av {total} køyringar.",
        "da": "Viser de {shown} seneste af {total} kørsler.",
        "en": "Showing the latest {shown} of {total} runs.",
    },
    "history.none": {
        "sv": "Inga ändringar registrerade.",
        "nb": "Ingen endringer registrert.",
        "nn": "Ingen endringar registrerte.",
        "da": "Ingen ændringer registreret.",
        "en": "No changes recorded.",
    },
    "case.provenance_fact": {"sv": "Uppgift", "nb": "Opplysning", "nn": "Opplysning", "da": "Oplysning", "en": "Fact"},
    "case.provenance_quote": {"sv": "Citat", "nb": "Sitat", "nn": "Sitat", "da": "Citat", "en": "Quote"},
    "case.provenance_document": {
        "sv": "Dokument",
        "nb": "Dokument",
        "nn": "Dokument",
        "da": "Dokument",
        "en": "Document",
    },
    "case.provenance_where": {
        "sv": "Var i dokumentet",
        "nb": "Hvor i dokumentet",
        "nn": "Kvar i dokumentet",
        "da": "Hvor i dokumentet",
        "en": "Where in it",
    },
    "case.unconfirmed": {
        "sv": "ej bekräftad",
        "nb": "ikke bekreftet",
        "nn": "ikkje stadfesta",
        "da": "ikke bekræftet",
        "en": "not confirmed",
    },
    "node.description": {
        "sv": "Beskrivning",
        "nb": "Beskrivelse",
        "nn": "Skildring",
        "da": "Beskrivelse",
        "en": "Description",
    },
    "fact.org_type": {
        "sv": "Typ av organisation",
        "nb": "Type organisasjon",
        "nn": "Type organisasjon",
        "da": "Type organisation",
        "en": "Kind of organisation",
    },
    "fact.kind": {"sv": "Typ", "nb": "Type", "nn": "Type", "da": "Type", "en": "Kind"},
    "fact.code": {"sv": "Kod", "nb": "Kode", "nn": "Kode", "da": "Kode", "en": "Code"},
    "fact.aliases": {
        "sv": "Andra namn",
        "nb": "Andre navn",
        "nn": "Andre namn",
        "da": "Andre navne",
        "en": "Other names",
    },
    "content_language.sv": {"sv": "svenska", "nb": "svensk", "nn": "svensk", "da": "svensk", "en": "Swedish"},
    "content_language.nb": {
        "sv": "norska (bokmål)",
        "nb": "norsk (bokmål)",
        "nn": "norsk (bokmål)",
        "da": "norsk (bokmål)",
        "en": "Norwegian (bokmål)",
    },
    "content_language.nn": {
        "sv": "norska (nynorska)",
        "nb": "norsk (nynorsk)",
        "nn": "norsk (nynorsk)",
        "da": "norsk (nynorsk)",
        "en": "Norwegian (nynorsk)",
    },
    "content_language.da": {"sv": "danska", "nb": "dansk", "nn": "dansk", "da": "dansk", "en": "Danish"},
    "content_language.en": {"sv": "engelska", "nb": "engelsk", "nn": "engelsk", "da": "engelsk", "en": "English"},
    "node.connections": {
        "sv": "Kopplingar",
        "nb": "Koblinger",
        "nn": "Koplingar",
        "da": "Forbindelser",
        "en": "Connections",
    },
    "node.properties": {
        "sv": "Uppgifter",
        "nb": "Opplysninger",
        "nn": "Opplysningar",
        "da": "Oplysninger",
        "en": "Details",
    },
    "not_found.title": {
        "sv": "Hittades inte",
        "nb": "Fant ikke siden",
        "nn": "Fann ikkje sida",
        "da": "Siden blev ikke fundet",
        "en": "Not found",
    },
    "not_found.text": {
        "sv": "Det finns inget i grafen med id {node_id}.",
        "nb": "Det finnes ikke noe i grafen med id {node_id}.",
        "nn": "Det finst ikkje noko i grafen med id {node_id}.",
        "da": "Der findes intet i grafen med id {node_id}.",
        "en": "Nothing in the graph has the id {node_id}.",
    },
    "bad_request.types": {
        "sv": "Okänd nodtyp {name}. Kända typer: {known}.",
        "nb": "Ukjent nodetype {name}. Kjente typer: {known}.",
        "nn": "Ukjend nodetype {name}. Kjende typar: {known}.",
        "da": "Ukendt nodetype {name}. Kendte typer: {known}.",
        "en": "Unknown node type {name}. Known types: {known}.",
    },
    "bad_request.depth": {
        "sv": "Antalet steg måste vara ett heltal från 1 till {most}, inte {value}.",
        "nb": "Antall steg må være et heltall fra 1 til {most}, ikke {value}.",
        "nn": "Talet på steg må vere eit heiltal frå 1 til {most}, ikkje {value}.",
        "da": "Antallet trin skal være et helt tal fra 1 til {most}, ikke {value}.",
        "en": "The number of steps must be a whole number from 1 to {most}, not {value}.",
    },
    "bad_request.year": {
        "sv": "Ett år skrivs med fyra siffror, inte {value}.",
        "nb": "Et år skrives med fire sifre, ikke {value}.",
        "nn": "Eit år blir skrive med fire siffer, ikkje {value}.",
        "da": "Et år skrives med fire cifre, ikke {value}.",
        "en": "A year is written with four digits, not {value}.",
    },
    "unauthorised.title": {
        "sv": "Inloggning krävs",
        "nb": "Innlogging kreves",
        "nn": "Innlogging krevst",
        "da": "Login påkrævet",
        "en": "Sign-in required",
    },
    "unauthorised.text": {
        "sv": "Den här installationen visar bara grafen för den som har en API-nyckel.",
        "nb": "Denne installasjonen viser bare grafen for den som har en API-nøkkel.",
        "nn": "Denne installasjonen viser berre grafen for den som har ein API-nøkkel.",
        "da": "Denne installation viser kun grafen for dem, der har en API-nøgle.",
        "en": "This installation shows the graph only to callers with an API key.",
    },
    "unauthorised.no_role": {
        "sv": "Ditt konto har ingen roll som får läsa grafen. Be din administratör om den.",
        "nb": "Kontoen din har ingen rolle som kan lese grafen. Be administratoren om den.",
        "nn": "Kontoen din har inga rolle som kan lese grafen. Be administratoren om ho.",
        "da": "Din konto har ingen rolle, der må læse grafen. Bed din administrator om den.",
        "en": "Your account has no role that may read the graph. Ask your administrator for one.",
    },
    "unavailable.title": {
        "sv": "Tillfälligt otillgänglig",
        "nb": "Midlertidig utilgjengelig",
        "nn": "Mellombels utilgjengeleg",
        "da": "Midlertidigt utilgængelig",
        "en": "Temporarily unavailable",
    },
    "unavailable.text": {
        "sv": "Grafen kan inte nås just nu. Försök igen om en stund.",
        "nb": "Grafen kan ikke nås akkurat nå. Prøv igjen om litt.",
        "nn": "Grafen kan ikkje nåast akkurat no. Prøv igjen om litt.",
        "da": "Grafen kan ikke nås lige nu. Prøv igen om lidt.",
        "en": "The graph cannot be reached right now. Please try again shortly.",
    },
    "internal.title": {
        "sv": "Något gick fel",
        "nb": "Noe gikk galt",
        "nn": "Noko gjekk gale",
        "da": "Noget gik galt",
        "en": "Something went wrong",
    },
    "internal.text": {
        "sv": "Sidan kunde inte visas. Ange fel-id {request_id} om du kontaktar förvaltaren.",
        "nb": "Siden kunne ikke vises. Oppgi feil-id {request_id} hvis du kontakter forvalteren.",
        "nn": "Sida kunne ikkje visast. Oppgje feil-id {request_id} om du kontaktar forvaltaren.",
        "da": "Siden kunne ikke vises. Oplys fejl-id {request_id}, hvis du kontakter administratoren.",
        "en": "The page could not be shown. Quote error id {request_id} if you contact the administrator.",
    },
    "error.back": {
        "sv": "Till sökningen",
        "nb": "Til søket",
        "nn": "Til søket",
        "da": "Til søgningen",
        "en": "Back to the search",
    },
    "account.sign_in": {"sv": "Logga in", "nb": "Logg inn", "nn": "Logg inn", "da": "Log ind", "en": "Sign in"},
    "account.sign_out": {"sv": "Logga ut", "nb": "Logg ut", "nn": "Logg ut", "da": "Log ud", "en": "Sign out"},
    "account.signed_in_as": {
        "sv": "Inloggad som {person}",
        "nb": "Logget inn som {person}",
        "nn": "Logga inn som {person}",
        "da": "Logget ind som {person}",
        "en": "Signed in as {person}",
    },
    "signin.failed.title": {
        "sv": "Inloggningen misslyckades",
        "nb": "Innloggingen mislyktes",
        "nn": "Innlogginga mislukkast",
        "da": "Login mislykkedes",
        "en": "Sign-in failed",
    },
    "signin.off": {
        "sv": "Den här installationen har ingen inloggning.",
        "nb": "Denne installasjonen har ingen innlogging.",
        "nn": "Denne installasjonen har inga innlogging.",
        "da": "Denne installation har intet login.",
        "en": "This installation has no sign-in.",
    },
    "signin.expired": {
        "sv": "Inloggningen tog för lång tid eller startades i en annan webbläsare. Försök igen.",
        "nb": "Innloggingen tok for lang tid eller ble startet i en annen nettleser. Prøv igjen.",
        "nn": "Innlogginga tok for lang tid eller vart starta i ein annan nettlesar. Prøv igjen.",
        "da": "Login tog for lang tid eller blev startet i en anden browser. Prøv igen.",
        "en": "The sign-in took too long or was started in another browser. Please try again.",
    },
    "signin.refused": {
        "sv": "Identitetsleverantören godkände inte inloggningen.",
        "nb": "Identitetsleverandøren godkjente ikke innloggingen.",
        "nn": "Identitetsleverandøren godkjende ikkje innlogginga.",
        "da": "Identitetsudbyderen godkendte ikke login.",
        "en": "The identity provider did not accept the sign-in.",
    },
    "signin.unavailable": {
        "sv": "Identitetsleverantören svarar inte just nu. Försök igen om en stund.",
        "nb": "Identitetsleverandøren svarer ikke akkurat nå. Prøv igjen om litt.",
        "nn": "Identitetsleverandøren svarar ikkje akkurat no. Prøv igjen om litt.",
        "da": "Identitetsudbyderen svarer ikke lige nu. Prøv igen om lidt.",
        "en": "The identity provider is not answering right now. Please try again shortly.",
    },
    "form.refused.title": {
        "sv": "Formuläret avvisades",
        "nb": "Skjemaet ble avvist",
        "nn": "Skjemaet vart avvist",
        "da": "Formularen blev afvist",
        "en": "Form refused",
    },
    "form.refused.session": {
        "sv": "Du är inte inloggad längre. Logga in och skicka formuläret igen.",
        "nb": "Du er ikke logget inn lenger. Logg inn og send skjemaet på nytt.",
        "nn": "Du er ikkje innlogga lenger. Logg inn og send skjemaet på nytt.",
        "da": "Du er ikke logget ind længere. Log ind, og send formularen igen.",
        "en": "You are no longer signed in. Sign in and send the form again.",
    },
    "form.refused.token": {
        "sv": "Formuläret kom inte från den här sidan eller är för gammalt. Ladda om sidan och försök igen.",
        "nb": "Skjemaet kom ikke fra denne siden eller er for gammelt. Last siden på nytt og prøv igjen.",
        "nn": "Skjemaet kom ikkje frå denne sida eller er for gammalt. Last sida på nytt og prøv igjen.",
        "da": "Formularen kom ikke fra dette websted eller er for gammel. Genindlæs siden, og prøv igen.",
        "en": "The form did not come from this site or is too old. Reload the page and try again.",
    },
    "form.refused.type": {
        "sv": "Förfrågan var inte ett formulär.",
        "nb": "Forespørselen var ikke et skjema.",
        "nn": "Førespurnaden var ikkje eit skjema.",
        "da": "Forespørgslen var ikke en formular.",
        "en": "The request was not a form.",
    },
    "signed_out.title": {
        "sv": "Du är utloggad",
        "nb": "Du er logget ut",
        "nn": "Du er logga ut",
        "da": "Du er logget ud",
        "en": "You are signed out",
    },
    "signed_out.text": {
        "sv": "Din session är avslutad i Behovsgraf. Logga ut även hos identitetsleverantören på en delad dator.",
        "nb": "Økten din i Behovsgraf er avsluttet. Logg også ut hos identitetsleverandøren på en delt datamaskin.",
        "nn": "Økta di i Behovsgraf er avslutta. Logg òg ut hos identitetsleverandøren på ei delt datamaskin.",
        "da": "Din session i Behovsgraf er afsluttet. Log også ud hos identitetsudbyderen på en delt computer.",
        "en": "Your Behovsgraf session has ended. On a shared computer, also sign out at the identity provider.",
    },
    "nav.intake": {
        "sv": "Rapportera ett behov",
        "nb": "Meld inn et behov",
        "nn": "Meld inn eit behov",
        "da": "Indmeld et behov",
        "en": "Report a need",
    },
    "watch.button": {
        "sv": "Bevaka detta problem",
        "nb": "Følg med på dette",
        "nn": "Følg med på dette",
        "da": "Følg med i dette",
        "en": "Watch this problem",
    },
    "watch.explain": {
        "sv": "Få veta när någon annan börjar arbeta med samma problem.",
        "nb": "Få vite når noen andre begynner å arbeide med det samme problemet.",
        "nn": "Få vite når nokon andre byrjar å arbeide med det same problemet.",
        "da": "Få besked, når andre begynder at arbejde med det samme problem.",
        "en": "Hear when someone else starts working on the same problem.",
    },
    "watch.sign_in": {
        "sv": "Logga in för att bevaka problemet",
        "nb": "Logg inn for å følge med på problemet",
        "nn": "Logg inn for å følgje med på problemet",
        "da": "Log ind for at følge med i problemet",
        "en": "Sign in to watch this problem",
    },
    "watch.title": {
        "sv": "Bevakning",
        "nb": "Følg med",
        "nn": "Følg med",
        "da": "Følg med",
        "en": "Watch",
    },
    "watch.created": {
        "sv": "Bevakningen är sparad. Nya och ändrade fall som liknar problemet hamnar i flödet nedan.",
        "nb": "Du følger nå med. Nye og endrede saker som ligner problemet, kommer i strømmen nedenfor.",
        "nn": "Du følgjer no med. Nye og endra saker som liknar problemet, kjem i straumen nedanfor.",
        "da": "Du følger nu med. Nye og ændrede sager, der ligner problemet, kommer i feedet nedenfor.",
        "en": "The watch is saved. New and changed cases like the problem appear in the feed below.",
    },
    "watch.feed": {
        "sv": "Adress till Atom-flödet (lägg in den i din flödesläsare eller ditt intranät)",
        "nb": "Adressen til Atom-strømmen (legg den inn i nyhetsleseren eller intranettet)",
        "nn": "Adressa til Atom-straumen (legg ho inn i nyheitslesaren eller intranettet)",
        "da": "Adressen på Atom-feedet (læg den i din feedlæser eller på intranettet)",
        "en": "Address of the Atom feed (add it to your feed reader or intranet)",
    },
    "watch.feed_note": {
        "sv": "Adressen är nyckeln till flödet: visa den bara för dem som ska följa det. Den visas bara nu.",
        "nb": "Adressen er nøkkelen til strømmen: vis den bare til dem som skal følge den. Den vises bare nå.",
        "nn": "Adressa er nøkkelen til straumen: vis ho berre til dei som skal følgje ho. Ho vert berre vist no.",
        "da": "Adressen er nøglen til feedet: vis den kun til dem, der skal følge det. Den vises kun nu.",
        "en": "The address is the feed's key: show it only to those who should follow it. It is shown only now.",
    },
    "watch.back": {
        "sv": "Tillbaka till sökningen",
        "nb": "Tilbake til søket",
        "nn": "Tilbake til søket",
        "da": "Tilbage til søgningen",
        "en": "Back to the search",
    },
    "watch.off": {
        "sv": "Den här servern kör inga bevakningar.",
        "nb": "Denne serveren kjører ingen oppfølging.",
        "nn": "Denne tenaren køyrer inga oppfølging.",
        "da": "Denne server kører ingen overvågning.",
        "en": "This server runs no watches.",
    },
    "watch.empty": {
        "sv": "Beskriv problemet först.",
        "nb": "Beskriv problemet først.",
        "nn": "Skildra problemet først.",
        "da": "Beskriv problemet først.",
        "en": "Describe the problem first.",
    },
    "watch.too_many": {
        "sv": "Du har redan {count} bevakningar; ta bort någon först.",
        "nb": "Du følger allerede med på {count} problemer; slett noen først.",
        "nn": "Du følgjer alt med på {count} problem; slett nokre først.",
        "da": "Du følger allerede {count} problemer; slet nogle først.",
        "en": "You already keep {count} watches; delete some first.",
    },
    "watch.refused.title": {
        "sv": "Inte tillåtet",
        "nb": "Ikke tillatt",
        "nn": "Ikkje tillate",
        "da": "Ikke tilladt",
        "en": "Not allowed",
    },
    "watch.refused.text": {
        "sv": "Ditt konto har ingen roll som får spara bevakningar (propose eller write). Be din administratör om den.",
        "nb": "Kontoen din har ingen rolle som kan lagre oppfølging (propose eller write). Be administratoren om den.",
        "nn": "Kontoen din har inga rolle som kan lagre oppfølging (propose eller write). Be administratoren om ho.",
        "da": "Din konto har ingen rolle, der må gemme overvågninger (propose eller write). Bed din administrator om den.",
        "en": "Your account has no role that may save watches (propose or write). Ask your administrator for one.",
    },
    "intake.title": {
        "sv": "Rapportera ett behov",
        "nb": "Meld inn et behov",
        "nn": "Meld inn eit behov",
        "da": "Indmeld et behov",
        "en": "Report a need",
    },
    "intake.intro": {
        "sv": "Beskriv behovet med de ord som de som har det använder. Det sparas i grafen under ditt namn.",
        "nb": "Beskriv behovet med ordene til dem som har det. Det lagres i grafen under ditt navn.",
        "nn": "Skildra behovet med orda til dei som har det. Det vert lagra i grafen under namnet ditt.",
        "da": "Beskriv behovet med ordene fra dem, der har det. Det gemmes i grafen under dit navn.",
        "en": "Describe the need in the words of those who have it. It is stored in the graph under your name.",
    },
    "intake.text": {"sv": "Behovet", "nb": "Behovet", "nn": "Behovet", "da": "Behovet", "en": "The need"},
    "intake.submit": {
        "sv": "Spara behovet",
        "nb": "Lagre behovet",
        "nn": "Lagra behovet",
        "da": "Gem behovet",
        "en": "Store the need",
    },
    "intake.empty": {
        "sv": "Skriv behovet först.",
        "nb": "Skriv behovet først.",
        "nn": "Skriv behovet først.",
        "da": "Skriv behovet først.",
        "en": "Write the need first.",
    },
    "intake.sign_in": {
        "sv": "Logga in för att rapportera ett behov.",
        "nb": "Logg inn for å melde inn et behov.",
        "nn": "Logg inn for å melde inn eit behov.",
        "da": "Log ind for at indmelde et behov.",
        "en": "Sign in to report a need.",
    },
    "intake.refused.title": {
        "sv": "Inte tillåtet",
        "nb": "Ikke tillatt",
        "nn": "Ikkje tillate",
        "da": "Ikke tilladt",
        "en": "Not allowed",
    },
    "intake.refused.text": {
        "sv": "Ditt konto har ingen roll som får spara behov (propose eller write). Be din administratör om den.",
        "nb": "Kontoen din har ingen rolle som kan lagre behov (propose eller write). Be administratoren om den.",
        "nn": "Kontoen din har inga rolle som kan lagre behov (propose eller write). Be administratoren om ho.",
        "da": "Din konto har ingen rolle, der må gemme behov (propose eller write). Bed din administrator om den.",
        "en": "Your account has no role that may store needs (propose or write). Ask your administrator for one.",
    },
    "intake.stored": {
        "sv": "Behovet är sparat.",
        "nb": "Behovet er lagret.",
        "nn": "Behovet er lagra.",
        "da": "Behovet er gemt.",
        "en": "The need is stored.",
    },
    "intake.known": {
        "sv": "Det här behovet fanns redan i grafen.",
        "nb": "Dette behovet fantes allerede i grafen.",
        "nn": "Dette behovet fanst alt i grafen.",
        "da": "Dette behov fandtes allerede i grafen.",
        "en": "This need was already in the graph.",
    },
    "case.similar": {
        "sv": "Liknande arbeten",
        "nb": "Lignende arbeid",
        "nn": "Liknande arbeid",
        "da": "Lignende arbejde",
        "en": "Similar cases",
    },
    "bad_request.title": {
        "sv": "Felaktig förfrågan",
        "nb": "Ugyldig forespørsel",
        "nn": "Ugyldig førespurnad",
        "da": "Ugyldig forespørgsel",
        "en": "Bad request",
    },
    "network.title": {"sv": "Nätverk", "nb": "Nettverk", "nn": "Nettverk", "da": "Netværk", "en": "Network"},
    "network.around": {
        "sv": "Nätverket kring {label}",
        "nb": "Nettverket rundt {label}",
        "nn": "Nettverket rundt {label}",
        "da": "Netværket omkring {label}",
        "en": "Network around {label}",
    },
    "network.for_search": {
        "sv": "Nätverket för sökningen",
        "nb": "Nettverket for søket",
        "nn": "Nettverket for søket",
        "da": "Netværket for søgningen",
        "en": "Network for the search",
    },
    "network.start": {
        "sv": "Sök efter ett problem eller välj ett arbete för att se dess nätverk.",
        "nb": "Søk etter et problem eller velg et arbeid for å se nettverket.",
        "nn": "Søk etter eit problem eller vel eit arbeid for å sjå nettverket.",
        "da": "Søg efter et problem, eller vælg et arbejde for at se dets netværk.",
        "en": "Search for a problem or pick a case to see its network.",
    },
    "network.shared_title": {
        "sv": "Det här har de bästa träffarna gemensamt",
        "nb": "Dette har de beste treffene felles",
        "nn": "Dette har dei beste treffa felles",
        "da": "Det har de bedste resultater til fælles",
        "en": "What the top results share",
    },
    "network.top_hits": {
        "sv": "De {count} bästa träffarna",
        "nb": "De {count} beste treffene",
        "nn": "Dei {count} beste treffa",
        "da": "De {count} bedste resultater",
        "en": "The top {count} results",
    },
    "network.shared_by": {
        "sv": "träff {ranks}",
        "nb": "treff {ranks}",
        "nn": "treff {ranks}",
        "da": "resultat {ranks}",
        "en": "results {ranks}",
    },
    "network.nothing_shared": {
        "sv": "De bästa träffarna har inga behov, målgrupper, metoder, ämnen eller organisationer gemensamt.",
        "nb": "De beste treffene har ingen behov, målgrupper, metoder, temaer eller organisasjoner felles.",
        "nn": "Dei beste treffa har ingen behov, målgrupper, metodar, tema eller organisasjonar felles.",
        "da": "De bedste resultater har ingen behov, målgrupper, metoder, emner eller organisationer til fælles.",
        "en": "The top results share no needs, target groups, methods, topics or organisations.",
    },
    "network.shared_intro": {
        "sv": "Nätverket nedan visar de bästa träffarna och det som minst två av dem delar.",
        "nb": "Nettverket nedenfor viser de beste treffene og det som minst to av dem deler.",
        "nn": "Nettverket nedanfor viser dei beste treffa og det som minst to av dei deler.",
        "da": "Netværket nedenfor viser de bedste resultater og det, mindst to af dem deler.",
        "en": "The network below shows the top results and what at least two of them share.",
    },
    "network.back": {
        "sv": "← Till sökningen",
        "nb": "← Til søket",
        "nn": "← Til søket",
        "da": "← Til søgningen",
        "en": "← Back to the search",
    },
    "network.depth": {
        "sv": "Steg från fokus",
        "nb": "Steg fra fokus",
        "nn": "Steg frå fokus",
        "da": "Trin fra fokus",
        "en": "Steps from the focus",
    },
    "network.types": {"sv": "Nodtyper", "nb": "Nodetyper", "nn": "Nodetypar", "da": "Nodetyper", "en": "Node types"},
    "network.apply": {"sv": "Uppdatera", "nb": "Oppdater", "nn": "Oppdater", "da": "Opdater", "en": "Update"},
    "network.find": {
        "sv": "Hitta i nätverket",
        "nb": "Finn i nettverket",
        "nn": "Finn i nettverket",
        "da": "Find i netværket",
        "en": "Find in the network",
    },
    "network.find_button": {"sv": "Hitta", "nb": "Finn", "nn": "Finn", "da": "Find", "en": "Find"},
    "network.find_hint": {
        "sv": "Markerar noder vars namn innehåller texten.",
        "nb": "Markerer noder der navnet inneholder teksten.",
        "nn": "Markerer nodar der namnet inneheld teksten.",
        "da": "Markerer noder, hvis navn indeholder teksten.",
        "en": "Highlights nodes whose name contains the text.",
    },
    "network.found": {
        "sv": "{count} noder hittades.",
        "nb": "{count} noder funnet.",
        "nn": "{count} nodar funne.",
        "da": "{count} noder fundet.",
        "en": "{count} nodes found.",
    },
    "network.fit": {
        "sv": "Visa hela nätverket",
        "nb": "Vis hele nettverket",
        "nn": "Vis heile nettverket",
        "da": "Vis hele netværket",
        "en": "Show the whole network",
    },
    "network.zoom_in": {"sv": "Zooma in", "nb": "Zoom inn", "nn": "Zoom inn", "da": "Zoom ind", "en": "Zoom in"},
    "network.zoom_out": {"sv": "Zooma ut", "nb": "Zoom ut", "nn": "Zoom ut", "da": "Zoom ud", "en": "Zoom out"},
    "network.summary": {
        "sv": "Nätverksdiagram med {nodes} noder och {edges} kopplingar. Samma innehåll finns som tabell nedanför.",
        "nb": "Nettverksdiagram med {nodes} noder og {edges} koblinger. Det samme innholdet finnes som tabell "
        "nedenfor.",
        "nn": "Nettverksdiagram med {nodes} nodar og {edges} koplingar. Det same innhaldet finst som tabell "
        "nedanfor.",
        "da": "Netværksdiagram med {nodes} noder og {edges} forbindelser. Det samme indhold findes som tabel "
        "nedenfor.",
        "en": "Network diagram with {nodes} nodes and {edges} connections. The same content follows as a table.",
    },
    "network.help": {
        "sv": "Dra för att flytta, scrolla för att zooma. Klicka på en nod för att öppna dess sida.",
        "nb": "Dra for å flytte, rull for å zoome. Klikk på en node for å åpne siden.",
        "nn": "Dra for å flytte, rull for å zoome. Klikk på ein node for å opne sida.",
        "da": "Træk for at flytte, rul for at zoome. Klik på en node for at åbne dens side.",
        "en": "Drag to move, scroll to zoom. Click a node to open its page.",
    },
    "network.loading": {
        "sv": "Ritar nätverket …",
        "nb": "Tegner nettverket …",
        "nn": "Teiknar nettverket …",
        "da": "Tegner netværket …",
        "en": "Drawing the network …",
    },
    "network.no_script": {
        "sv": "Diagrammet kräver JavaScript. Tabellen nedanför visar samma nätverk.",
        "nb": "Diagrammet krever JavaScript. Tabellen nedenfor viser det samme nettverket.",
        "nn": "Diagrammet krev JavaScript. Tabellen nedanfor viser det same nettverket.",
        "da": "Diagrammet kræver JavaScript. Tabellen nedenfor viser det samme netværk.",
        "en": "The diagram needs JavaScript. The table below shows the same network.",
    },
    "network.trimmed": {
        "sv": "Visar de {shown} mest relevanta av {total} noder: resten ligger längst från fokus och har minst "
        "kopplingar.",
        "nb": "Viser de {shown} mest relevante av {total} noder: resten ligger lengst fra fokus og har færrest "
        "koblinger.",
        "nn": "Viser dei {shown} mest relevante av {total} nodar: resten ligg lengst frå fokus og har færrast "
        "koplingar.",
        "da": "Viser de {shown} mest relevante af {total} noder: resten ligger længst fra fokus og har færrest "
        "forbindelser.",
        "en": "Showing the {shown} most relevant of {total} nodes: the rest are furthest from the focus and least "
        "connected.",
    },
    "network.cut": {
        "sv": "Grannskapet är större än vad som hämtades; färre steg eller färre nodtyper ger en fullständig bild.",
        "nb": "Nabolaget er større enn det som ble hentet; færre steg eller færre nodetyper gir et fullstendig "
        "bilde.",
        "nn": "Nabolaget er større enn det som vart henta; færre steg eller færre nodetypar gir eit fullstendig "
        "bilete.",
        "da": "Nabolaget er større end det, der blev hentet; færre trin eller færre nodetyper giver et fuldstændigt "
        "billede.",
        "en": "The neighbourhood is larger than what was fetched; fewer steps or fewer node types give the full "
        "picture.",
    },
    "network.narrow": {
        "sv": "Välj färre nodtyper eller färre steg för att se allt.",
        "nb": "Velg færre nodetyper eller færre steg for å se alt.",
        "nn": "Vel færre nodetypar eller færre steg for å sjå alt.",
        "da": "Vælg færre nodetyper eller færre trin for at se det hele.",
        "en": "Choose fewer node types or fewer steps to see everything.",
    },
    "network.as_table": {
        "sv": "Nätverket som tabell",
        "nb": "Nettverket som tabell",
        "nn": "Nettverket som tabell",
        "da": "Netværket som tabel",
        "en": "The network as a table",
    },
    "network.table_caption": {
        "sv": "{edges} kopplingar mellan {nodes} noder",
        "nb": "{edges} koblinger mellom {nodes} noder",
        "nn": "{edges} koplingar mellom {nodes} nodar",
        "da": "{edges} forbindelser mellem {nodes} noder",
        "en": "{edges} connections between {nodes} nodes",
    },
    "network.from": {"sv": "Från", "nb": "Fra", "nn": "Frå", "da": "Fra", "en": "From"},
    "network.relation": {"sv": "Relation", "nb": "Relasjon", "nn": "Relasjon", "da": "Relation", "en": "Relation"},
    "network.to": {"sv": "Till", "nb": "Til", "nn": "Til", "da": "Til", "en": "To"},
    "network.unconnected": {
        "sv": "Noder utan kopplingar i vyn",
        "nb": "Noder uten koblinger i visningen",
        "nn": "Nodar utan koplingar i visinga",
        "da": "Noder uden forbindelser i visningen",
        "en": "Nodes without connections in this view",
    },
    "network.empty": {
        "sv": "Nätverket är tomt med de valda nodtyperna.",
        "nb": "Nettverket er tomt med de valgte nodetypene.",
        "nn": "Nettverket er tomt med dei valde nodetypane.",
        "da": "Netværket er tomt med de valgte nodetyper.",
        "en": "The network is empty with the chosen node types.",
    },
    "tooltip.open": {
        "sv": "Klicka för att öppna",
        "nb": "Klikk for å åpne",
        "nn": "Klikk for å opne",
        "da": "Klik for at åbne",
        "en": "Click to open",
    },
    "type.Case": {
        "sv": "Utvecklingsarbete",
        "nb": "Utviklingsarbeid",
        "nn": "Utviklingsarbeid",
        "da": "Udviklingsarbejde",
        "en": "Case",
    },
    "type.Organisation": {
        "sv": "Organisation",
        "nb": "Organisasjon",
        "nn": "Organisasjon",
        "da": "Organisation",
        "en": "Organisation",
    },
    "type.Need": {"sv": "Behov", "nb": "Behov", "nn": "Behov", "da": "Behov", "en": "Need"},
    "type.TargetGroup": {
        "sv": "Målgrupp",
        "nb": "Målgruppe",
        "nn": "Målgruppe",
        "da": "Målgruppe",
        "en": "Target group",
    },
    "type.Method": {"sv": "Metod", "nb": "Metode", "nn": "Metode", "da": "Metode", "en": "Method"},
    "type.Topic": {"sv": "Ämne", "nb": "Tema", "nn": "Tema", "da": "Emne", "en": "Topic"},
    "type.Place": {"sv": "Plats", "nb": "Sted", "nn": "Stad", "da": "Sted", "en": "Place"},
    "type.Source": {"sv": "Källa", "nb": "Kilde", "nn": "Kjelde", "da": "Kilde", "en": "Source"},
    "rel.PARTICIPATED_IN": {
        "sv": "deltog i",
        "nb": "deltok i",
        "nn": "var med i",
        "da": "deltog i",
        "en": "took part in",
    },
    "rel.ADDRESSES": {
        "sv": "möter behovet",
        "nb": "møter behovet",
        "nn": "møter behovet",
        "da": "imødekommer behovet",
        "en": "addresses",
    },
    "rel.OF": {"sv": "behov hos", "nb": "behov hos", "nn": "behov hos", "da": "behov hos", "en": "need of"},
    "rel.TARGETS": {
        "sv": "riktar sig till",
        "nb": "retter seg mot",
        "nn": "rettar seg mot",
        "da": "retter sig mod",
        "en": "targets",
    },
    "rel.USED": {"sv": "använde", "nb": "brukte", "nn": "brukte", "da": "brugte", "en": "used"},
    "rel.INCORPORATES": {
        "sv": "innefattar",
        "nb": "omfatter",
        "nn": "omfattar",
        "da": "omfatter",
        "en": "incorporates",
    },
    "rel.DEVELOPED_BY": {
        "sv": "utvecklad av",
        "nb": "utviklet av",
        "nn": "utvikla av",
        "da": "udviklet af",
        "en": "developed by",
    },
    "rel.ABOUT": {"sv": "handlar om", "nb": "handler om", "nn": "handlar om", "da": "handler om", "en": "about"},
    "rel.LOCATED_IN": {"sv": "ligger i", "nb": "ligger i", "nn": "ligg i", "da": "ligger i", "en": "located in"},
    "rel.PART_OF": {"sv": "del av", "nb": "del av", "nn": "del av", "da": "del af", "en": "part of"},
    "rel.MEMBER_OF": {"sv": "medlem i", "nb": "medlem i", "nn": "medlem i", "da": "medlem af", "en": "member of"},
    "rel.SUCCESSOR_OF": {
        "sv": "efterträdde",
        "nb": "etterfulgte",
        "nn": "etterfølgde",
        "da": "efterfulgte",
        "en": "succeeded",
    },
    "rel.BROADER": {"sv": "ingår i", "nb": "inngår i", "nn": "inngår i", "da": "indgår i", "en": "narrower than"},
    "rel.DESCRIBED_IN": {
        "sv": "beskrivs i",
        "nb": "beskrevet i",
        "nn": "skildra i",
        "da": "beskrevet i",
        "en": "described in",
    },
    "rel.RELATED_TO": {
        "sv": "relaterat till",
        "nb": "relatert til",
        "nn": "relatert til",
        "da": "relateret til",
        "en": "related to",
    },
    "role.owner": {"sv": "ägare", "nb": "eier", "nn": "eigar", "da": "ejer", "en": "owner"},
    "role.partner": {"sv": "partner", "nb": "partner", "nn": "partnar", "da": "partner", "en": "partner"},
    "role.funder": {
        "sv": "finansiär",
        "nb": "finansiør",
        "nn": "finansiør",
        "da": "finansieringskilde",
        "en": "funder",
    },
    "role.facilitator": {
        "sv": "processledare",
        "nb": "prosessleder",
        "nn": "prosessleiar",
        "da": "procesleder",
        "en": "facilitator",
    },
    "role.participant": {"sv": "deltagare", "nb": "deltaker", "nn": "deltakar", "da": "deltager", "en": "participant"},
    "related.builds_on": {
        "sv": "bygger på",
        "nb": "bygger på",
        "nn": "byggjer på",
        "da": "bygger på",
        "en": "builds on",
    },
    "related.similar_to": {"sv": "liknar", "nb": "ligner", "nn": "liknar", "da": "ligner", "en": "similar to"},
    "related.follow_up_of": {
        "sv": "uppföljning av",
        "nb": "oppfølging av",
        "nn": "oppfølging av",
        "da": "opfølgning af",
        "en": "follow-up of",
    },
    "country.SE": {"sv": "Sverige", "nb": "Sverige", "nn": "Sverige", "da": "Sverige", "en": "Sweden"},
    "country.NO": {"sv": "Norge", "nb": "Norge", "nn": "Noreg", "da": "Norge", "en": "Norway"},
    "country.DK": {"sv": "Danmark", "nb": "Danmark", "nn": "Danmark", "da": "Danmark", "en": "Denmark"},
    "country.FI": {"sv": "Finland", "nb": "Finland", "nn": "Finland", "da": "Finland", "en": "Finland"},
    "country.IS": {"sv": "Island", "nb": "Island", "nn": "Island", "da": "Island", "en": "Iceland"},
    "rel.CLOSE_MATCH": {
        "sv": "motsvarar nära",
        "nb": "tilsvarer nær",
        "nn": "svarar nær til",
        "da": "svarer nøje til",
        "en": "close match of",
    },
    "rel.INFERRED_LINK": {
        "sv": "föreslagen koppling till",
        "nb": "foreslått kobling til",
        "nn": "føreslått kopling til",
        "da": "foreslået kobling til",
        "en": "suggested link to",
    },
    "rel.REJECTED_LINK": {
        "sv": "avvisad koppling till",
        "nb": "avvist kobling til",
        "nn": "avvist kopling til",
        "da": "afvist kobling til",
        "en": "rejected link to",
    },
    "inferred.heading": {
        "sv": "Föreslagna kopplingar",
        "nb": "Foreslåtte koblinger",
        "nn": "Føreslåtte koplingar",
        "da": "Foreslåede koblinger",
        "en": "Suggested links",
    },
    "inferred.intro": {
        "sv": "Begrepp ur vokabulären som fallets egna målgrupper, ämnen och metoder liknar till betydelsen. "
        "De är härledda, inte angivna av fallet.",
        "nb": "Begreper fra vokabularet som sakens egne målgrupper, temaer og metoder ligner i betydning. "
        "De er utledet, ikke oppgitt av saken.",
        "nn": "Omgrep frå vokabularet som målgruppene, temaa og metodane til saka liknar i tyding. "
        "Dei er utleidde, ikkje oppgjevne av saka.",
        "da": "Begreber fra vokabularet, som sagens egne målgrupper, emner og metoder ligner i betydning. "
        "De er udledt, ikke angivet af sagen.",
        "en": "Vocabulary concepts the case's own target groups, topics and methods resemble in meaning. "
        "They are inferred, not stated by the case.",
    },
    "inferred.suggested": {"sv": "föreslagen", "nb": "foreslått", "nn": "føreslått", "da": "foreslået", "en": "inferred"},
    "inferred.concept": {"sv": "Begrepp", "nb": "Begrep", "nn": "Omgrep", "da": "Begreb", "en": "Concept"},
    "inferred.via": {"sv": "Utifrån", "nb": "Ut fra", "nn": "Ut frå", "da": "Ud fra", "en": "From"},
    "inferred.similarity": {"sv": "Likhet", "nb": "Likhet", "nn": "Likskap", "da": "Lighed", "en": "Similarity"},
    "inferred.decide": {"sv": "Beslut", "nb": "Avgjørelse", "nn": "Avgjerd", "da": "Beslutning", "en": "Decision"},
    "inferred.confirm": {"sv": "Bekräfta", "nb": "Bekreft", "nn": "Stadfest", "da": "Bekræft", "en": "Confirm"},
    "inferred.reject": {"sv": "Avvisa", "nb": "Avvis", "nn": "Avvis", "da": "Afvis", "en": "Reject"},
    "inferred.confirm_label": {
        "sv": "Bekräfta kopplingen till {concept}",
        "nb": "Bekreft koblingen til {concept}",
        "nn": "Stadfest koplinga til {concept}",
        "da": "Bekræft koblingen til {concept}",
        "en": "Confirm the link to {concept}",
    },
    "inferred.reject_label": {
        "sv": "Avvisa kopplingen till {concept}",
        "nb": "Avvis koblingen til {concept}",
        "nn": "Avvis koplinga til {concept}",
        "da": "Afvis koblingen til {concept}",
        "en": "Reject the link to {concept}",
    },
    "inferred.refused.title": {
        "sv": "Kopplingen kan inte ändras",
        "nb": "Koblingen kan ikke endres",
        "nn": "Koplinga kan ikkje endrast",
        "da": "Koblingen kan ikke ændres",
        "en": "The link cannot be changed",
    },
    "inferred.refused.text": {
        "sv": "Att bekräfta eller avvisa föreslagna kopplingar kräver inloggning med skrivbehörighet.",
        "nb": "Å bekrefte eller avvise foreslåtte koblinger krever innlogging med skrivetilgang.",
        "nn": "Å stadfeste eller avvise føreslåtte koplingar krev innlogging med skrivetilgang.",
        "da": "At bekræfte eller afvise foreslåede koblinger kræver login med skriveadgang.",
        "en": "Confirming or rejecting suggested links needs a sign-in with write access.",
    },
    "inferred.gone": {
        "sv": "Det finns ingen föreslagen koppling från fallet till det begreppet (den kan redan vara bekräftad eller avvisad).",
        "nb": "Det finnes ingen foreslått kobling fra saken til det begrepet (den kan allerede være bekreftet eller avvist).",
        "nn": "Det finst inga føreslått kopling frå saka til det omgrepet (ho kan alt vere stadfest eller avvist).",
        "da": "Der er ingen foreslået kobling fra sagen til det begreb (den kan allerede være bekræftet eller afvist).",
        "en": "There is no suggested link from this case to that concept (it may already be confirmed or rejected).",
    },
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
    for tag in accepted_languages(accept_language):
        nearest = _NEAREST.get(tag)
        if nearest:
            return nearest
    return DEFAULT_LANGUAGE


def accepted_languages(accept_language: str | None) -> list[str]:
    """The primary language tags of an Accept-Language header, most wanted first (q=0 left out).

    >>> accepted_languages("en;q=0.5, da, nb-NO;q=0.8, sv;q=0")
    ['da', 'nb', 'en']
    """
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary and quality > 0:
            ranked.append((-quality, position, primary))
    return [primary for _, _, primary in sorted(ranked)]


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
