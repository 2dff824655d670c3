"""A `CaseSource` over any store's bounded calls, kept fresh through the store's change feed.

Nothing here reads the whole graph for a query. Candidates come from the store's own
indexes: nearest case vectors (`GraphStore.nearest`: the embedded store's in-memory
matrix, Neo4j's vector index), full-text matches (`text_matches`: FTS5, Neo4j's
full-text index) and the cases linked to the concepts the problem names
(`edges_of_many`). Documents are built from `get_many`, `edges_of_many` and the stored
vectors of the candidates (their inferred concept links are the stored `INFERRED_LINK`
edges, see `graph.ranking.inferred`), and cached; the vocabulary catalogue (a few hundred concepts)
is held in memory.

`sync` applies what was committed since the source's revision: it drops the cached
documents the change touches and rebuilds the catalogue when a concept changed, then
swaps the new state in. Readers never wait for it: a reader that finds another thread
syncing answers from the current state. On a store reached over the network, `sync`
asks at most every `refresh_seconds`.

Vectors are never computed here except for vocabulary concepts that have none yet
(few, stored at once so they are embedded only once); cases and needs are embedded
after their write by `graph.ranking.worker`, and until then a document has no vectors
(findable by its words, not yet by meaning).
"""

from __future__ import annotations

import bisect
import json
import logging
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from graph.changes import ChangeSet, ChangesExpired
from graph.errors import StoreError
from graph.model import Direction, Edge, Node, NodeType, RelType
from graph.ranking.documents import CaseDoc, Link, case_passages, own_text, passages_hash
from graph.ranking.embedding import Embedder
from graph.ranking.facets import CaseFacets, by_language
from graph.ranking.inferred import CaseReading, read_cases, rejected_concepts, stated_links, stored_links, wanted_links
from graph.ranking.needs import NeedIndex
from graph.ranking.problem import Problem
from graph.ranking.source import (
    CANDIDATES,
    CASE_RELS,
    CONCEPT_TYPES,
    ConceptCatalogue,
    NeedDoc,
    Matrix,
    is_vocabulary,
    language_centres,
)
from graph.ranking.texts import concept_texts, need_text
from graph.store import GraphStore
from graph.vectors import StoredVectors, Vector

__all__ = ["DOCUMENT_CACHE", "FACETS", "StoredCaseSource"]

log = logging.getLogger(__name__)

DOCUMENT_CACHE = 20_000
"""Case documents kept in memory per source (least recently used dropped first)."""
_CANDIDATE_SHARES = (0.5, 0.3)
"""Of the candidate budget: nearest vectors first, then full-text matches, the rest for concept-linked cases."""
_FACET_CHUNK = 2_000
"""Cases read per round when the facets are built."""
FACETS = "search.case-facets"
"""The name the case facets are kept under in the store (`GraphStore.put_derived`)."""
KEEP_FACETS_AFTER = 1_000
"""Kept facets brought up to date by reading this many changed cases or more are kept again at once."""
_TEXT_QUERY_WORDS = 12
"""The rarest content words of a problem that make its full-text query (common words match everything)."""
_CONCEPT_CASES = 64
"""At most this many cases per named concept join the candidates."""
CENTRE_SAMPLE = 2_000
"""At most this many case vectors (spread over the newest-first list) are read for a language's centre;
once a centre rests on this many, a few more cases move it little."""
CENTRE_DRIFT = 0.05
"""Centres resting on `CENTRE_SAMPLE` vectors or more are worked out again when the case count has moved
by this share."""


_CONCEPT_VECTORS: dict[tuple[str, str], Vector] = {}
"""Concept vectors by (model, text hash): a vocabulary loaded into several stores is embedded once per process."""
_CONCEPT_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Centres:
    """Language centres, the revision and case count they were worked out at, and how many vectors they rest on."""

    centres: dict[str, Matrix]
    revision: int
    cases: int
    vectors: int

    def stale(self, revision: int, cases: int) -> bool:
        """Whether writes since may have moved them noticeably."""
        if revision == self.revision:
            return False
        return self.vectors < CENTRE_SAMPLE or abs(cases - self.cases) >= CENTRE_DRIFT * max(self.cases, 1)

    def encode(self) -> bytes:
        """JSON for `GraphStore.put_derived` (float32 values survive the round trip exactly)."""
        centres = {language: vector.tolist() for language, vector in self.centres.items()}
        return json.dumps({"cases": self.cases, "vectors": self.vectors, "centres": centres}).encode()

    @classmethod
    def decode(cls, revision: int, data: bytes) -> _Centres:
        """Centres from `encode`'s bytes; `ValueError` when they are not such bytes."""
        try:
            found = json.loads(data)
            centres = {str(language): np.asarray(vector, dtype=np.float32) for language, vector in found["centres"].items()}
            if any(vector.ndim != 1 for vector in centres.values()) or len({len(v) for v in centres.values()}) > 1:
                raise ValueError("centres of mixed or wrong shapes")
            return cls(centres, revision, int(found["cases"]), int(found["vectors"]))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not encoded centres: {exc!r}") from exc


@dataclass(frozen=True, slots=True)
class _Catalogue:
    """The vocabulary as the source holds it: concepts with vectors, broader links, needs."""

    concepts: ConceptCatalogue
    broader: dict[str, frozenset[str]]
    ancestors: dict[str, frozenset[str]] = field(default_factory=dict)
    """Every broader concept of a concept, up the hierarchy, filled as asked (each case asks for its links')."""


class StoredCaseSource:
    """Candidates and documents read from the store on demand, cached and kept fresh by `sync`."""

    def __init__(self, store: GraphStore, embedder: Embedder, *, refresh_seconds: float = 0.0) -> None:
        self.store = store
        self.embedder = embedder
        self.refresh_seconds = refresh_seconds
        self.revision = store.revision()
        self._docs: OrderedDict[str, CaseDoc] = OrderedDict()
        self._dependents: dict[str, set[str]] = defaultdict(set)
        self._case_ids: list[str] | None = None
        self._cases_total: int | None = None
        self._facets: CaseFacets | None = None
        self._facets_lock = threading.Lock()
        self._facets_kept_at: int | None = None
        self._needs: NeedIndex | None = None
        self._needs_lock = threading.Lock()
        self._centres: _Centres | None = None
        self._concept_edges: dict[str, list[Edge]] = {}
        self._catalogue = self._read_catalogue()
        self._docs_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._synced_at = time.monotonic()
        self._synced_writes = store.writes_here()

    # ------------------------------------------------------------------ freshness
    def sync(self) -> None:
        """Apply the changes committed since `revision` (returns at once when another thread is at it).

        Between two looks at the change feed (`refresh_seconds`) only this process's own writes are seen,
        at once: a case proposed through this server ranks on its next query."""
        writes = self.store.writes_here()
        if time.monotonic() - self._synced_at < self.refresh_seconds and writes == self._synced_writes:
            return
        if not self._sync_lock.acquire(blocking=False):
            return
        try:
            self._synced_at = time.monotonic()
            self._synced_writes = writes
            try:
                change = self.store.changes(self.revision)
            except ChangesExpired:
                self._reset(self.store.revision())
                return
            if change.revision != self.revision:
                self._apply(change)
        finally:
            self._sync_lock.release()

    def _reset(self, revision: int) -> None:
        catalogue = self._read_catalogue()
        with self._docs_lock:
            self._docs.clear()
            self._dependents.clear()
            self._case_ids = None
            self._cases_total = None
            self._facets = None
            self._needs = None
            self._centres = None
            self._concept_edges.clear()
            self._catalogue = catalogue
            self.revision = revision

    def _touched(self, change: ChangeSet) -> tuple[set[str], dict[str, Node]]:
        """The ids a change touches (nodes, vectors and both ends of edges), and the changed nodes that are not
        vocabulary concepts, as stored now."""
        touched = set(change.nodes_changed | change.nodes_removed | change.vectors_changed)
        for key in change.edges_added | change.edges_removed:
            touched.update((key[0], key[2]))
        concepts = {node.id for node in self._catalogue.concepts.nodes}
        changed = self.store.get_many(sorted(change.nodes_changed - concepts)) if change.nodes_changed else {}
        return touched, changed

    def _catalogue_changed(self, touched: set[str], changed: dict[str, Node]) -> bool:
        """Whether a change touched the vocabulary (a concept held, or a node that is now one)."""
        concepts = {node.id for node in self._catalogue.concepts.nodes}
        return bool(touched & concepts) or any(
            node.type in CONCEPT_TYPES and is_vocabulary(node) for node in changed.values()
        )

    def _apply(self, change: ChangeSet) -> None:
        touched, changed = self._touched(change)
        catalogue_changed = self._catalogue_changed(touched, changed)
        catalogue = self._read_catalogue() if catalogue_changed else self._catalogue
        case_ids_changed = bool(change.nodes_removed) or any(n.type is NodeType.CASE for n in changed.values())
        needs = self._needs
        if needs is not None:
            needs.remove(change.nodes_removed)
            needs.put(self._need_docs(sorted(
                {node.id for node in changed.values() if node.type is NodeType.NEED}
                | {node_id for node_id in change.vectors_changed if node_id in needs}
            )))
        facets = self._facets
        graph_touched = touched - (change.vectors_changed - change.nodes_changed)
        if facets is not None and (graph_touched or catalogue_changed):
            cases = self._affected_cases(graph_touched, catalogue_changed)
            facets = None if cases is None else facets.updated(
                self._build(sorted(cases), with_vectors=False).values(), change.nodes_removed | cases
            )
        with self._docs_lock:
            self._facets = facets
            for node_id in touched:
                self._docs.pop(node_id, None)
                self._concept_edges.pop(node_id, None)
                for case_id in self._dependents.pop(node_id, ()):
                    self._docs.pop(case_id, None)
            if catalogue_changed:
                self._docs.clear()
                self._dependents.clear()
                self._concept_edges.clear()
            if case_ids_changed and self._case_ids is not None:
                added = [node.id for node in changed.values() if node.type is NodeType.CASE]
                self._case_ids = _with_cases(self._case_ids, added, change.nodes_removed)
            if case_ids_changed:
                self._cases_total = len(self._case_ids) if self._case_ids is not None else None
            self._catalogue = catalogue
            self.revision = change.revision

    def _affected_cases(self, touched: set[str], catalogue_changed: bool) -> set[str] | None:
        """The cases whose facets a change may alter (None: rebuild all, after a vocabulary change)."""
        if catalogue_changed:
            return None
        cases = set(touched)
        with self._docs_lock:
            for node_id in touched:
                cases.update(self._dependents.get(node_id, ()))
        needs = [n.id for n in self.store.get_many(sorted(touched)).values() if n.type is NodeType.NEED]
        for edges in self.store.edges_of_many(needs, rel=RelType.ADDRESSES, direction=Direction.IN).values():
            cases.update(edge.source for edge in edges)
        return cases

    def facets(self) -> CaseFacets:
        """Every case's country, language, year and links as arrays; built once, then updated by `sync`."""
        self.sync()
        facets = self._facets
        if facets is None:
            facets = self._load_facets(build=True)
            assert facets is not None
        return facets

    def _load_facets(self, *, build: bool) -> CaseFacets | None:
        """The facets: those held, else the store's kept ones brought up to date, else (when `build`) built from
        every case and kept in the store for the next process."""
        with self._facets_lock:
            facets = self._facets
            if facets is not None:
                return facets
            revision = self.revision
            facets = self._kept_facets(revision)
            if facets is None and build:
                ids = self.all_case_ids()
                facets = CaseFacets.of(doc for start in range(0, len(ids), _FACET_CHUNK)
                                       for doc in self._build(ids[start : start + _FACET_CHUNK], with_vectors=False).values())
                self._keep_facets(facets, revision)
            if facets is not None:
                with self._docs_lock:
                    if self.revision == revision:
                        self._facets = facets
            return facets

    def _kept_facets(self, revision: int) -> CaseFacets | None:
        """The facets the store keeps, with the cases changed since they were kept read anew (None when none are
        kept, they are unreadable, or the change log no longer reaches back to them)."""
        try:
            found = self.store.derived(FACETS)
        except StoreError as exc:
            log.warning("cannot read the kept case facets: %s", exc)
            return None
        if found is None or found[0] > revision:
            return None
        kept_at, data = found
        try:
            facets = CaseFacets.decode(data)
        except ValueError as exc:
            log.warning("the case facets kept in %s are unreadable (%s); building them anew", self.store.location, exc)
            return None
        if kept_at == revision:
            return facets
        try:
            change = self.store.changes(kept_at)
        except ChangesExpired:
            return None
        touched, changed = self._touched(change)
        cases = self._affected_cases(touched - (change.vectors_changed - change.nodes_changed),
                                     self._catalogue_changed(touched, changed))
        if cases is None:
            return None
        facets = facets.updated(self._build(sorted(cases), with_vectors=False).values(), change.nodes_removed | cases)
        if len(cases) >= KEEP_FACETS_AFTER:
            self._keep_facets(facets, change.revision)
        return facets

    def keep_facets(self) -> None:
        """Keep the facets held (when built and changed since last kept) in the store, for the next process."""
        with self._facets_lock:
            facets, revision = self._facets, self.revision
            if facets is not None and revision != self._facets_kept_at:
                self._keep_facets(facets, revision)

    def _keep_facets(self, facets: CaseFacets, revision: int) -> None:
        try:
            self.store.put_derived(FACETS, revision, facets.encode())
            self._facets_kept_at = revision
        except StoreError as exc:
            log.warning("cannot keep the case facets in %s: %s", self.store.location, exc)

    def centres(self) -> dict[str, Matrix]:
        """Each language's centre of the case vectors (see `source.language_centres`), from a spread sample."""
        self.sync()
        found = self._centres if self._centres is not None else self._kept_centres()
        if found is not None and not found.stale(self.revision, self._case_count()):
            self._centres = found
            return found.centres
        revision, cases = self.revision, self._case_count()
        rows: list[tuple[str | None, Matrix]] = []
        facets = self._load_facets(build=False)  # else the cases' languages alone (building facets reads every link)
        languages = facets.by_language() if facets is not None else by_language(self.store.find(NodeType.CASE))
        for language, ids in languages.items():
            sample = ids[::max(1, len(ids) // CENTRE_SAMPLE)][:CENTRE_SAMPLE]
            stored = self.store.vectors(self.embedder.model, sample)
            # in the sample's order, so that every backend sums the same floats in the same order
            rows += [(language or None, stored[case_id].own) for case_id in sample if case_id in stored]
        found = _Centres(language_centres(rows), revision, cases, len(rows))
        with self._docs_lock:
            if self.revision == revision:
                self._centres = found
        try:
            self.store.put_derived(self._centres_name, revision, found.encode())
        except StoreError as exc:
            log.warning("cannot keep the language centres in %s: %s", self.store.location, exc)
        return found.centres

    @property
    def _centres_name(self) -> str:
        return f"search.language-centres.{self.embedder.model}"

    def _kept_centres(self) -> _Centres | None:
        """The centres the store keeps for this model (None when none, or unreadable)."""
        try:
            found = self.store.derived(self._centres_name)
        except StoreError as exc:
            log.warning("cannot read the kept language centres: %s", exc)
            return None
        if found is None or found[0] > self.revision:
            return None
        try:
            return _Centres.decode(found[0], found[1])
        except ValueError as exc:
            log.warning("the language centres kept in %s are unreadable (%s)", self.store.location, exc)
            return None

    # ------------------------------------------------------------------ catalogue
    def _read_catalogue(self) -> _Catalogue:
        """The vocabulary concepts with their stored vectors (embedding and storing the few that lack one)."""
        nodes = tuple(
            sorted(
                (node for node_type in CONCEPT_TYPES for node in self.store.find(node_type) if is_vocabulary(node)),
                key=lambda node: node.id,
            )
        )
        ids = [node.id for node in nodes]
        texts = concept_texts(nodes)
        stored = self.store.vectors(self.embedder.model, ids)
        missing = [node.id for node in nodes if stored.get(node.id) is None or stored[node.id].text_hash != texts[node.id][0]]
        if missing:
            new = {
                node_id: StoredVectors(texts[node_id][0], vector[None, :])
                for node_id, vector in zip(missing, self._concept_vectors([texts[i] for i in missing]), strict=True)
            }
            self.store.put_vectors(self.embedder.model, new)
            stored.update(new)
        vectors = (
            np.stack([stored[node_id].own for node_id in ids]).astype(np.float32)
            if ids
            else np.zeros((0, self.embedder.dimension), dtype=np.float32)
        )
        broader: dict[str, set[str]] = defaultdict(set)
        for node_id, edges in self.store.edges_of_many(ids, rel=RelType.BROADER, direction=Direction.OUT).items():
            broader[node_id].update(edge.target for edge in edges)
        organisations = tuple(sorted(self.store.find(NodeType.ORGANISATION), key=lambda node: node.id))
        return _Catalogue(
            ConceptCatalogue(nodes, vectors, {node_id: i for i, node_id in enumerate(ids)}, organisations),
            {key: frozenset(value) for key, value in broader.items()},
        )

    def _concept_vectors(self, texts: list[tuple[str, str]]) -> list[Vector]:
        """Vectors of (hash, text) concept texts, each embedded once per model in this process."""
        model = self.embedder.model
        with _CONCEPT_LOCK:
            todo = list(dict.fromkeys((h, t) for h, t in texts if (model, h) not in _CONCEPT_VECTORS))
        if todo:
            rows = self.embedder.embed_passages([text for _, text in todo])
            with _CONCEPT_LOCK:
                _CONCEPT_VECTORS.update(((model, h), rows[i]) for i, (h, _) in enumerate(todo))
        with _CONCEPT_LOCK:
            return [_CONCEPT_VECTORS[(model, h)] for h, _ in texts]

    def concepts(self) -> ConceptCatalogue:
        """The vocabulary concepts with their vectors."""
        self.sync()
        return self._catalogue.concepts

    def _ancestors(self, concept: str) -> frozenset[str]:
        catalogue = self._catalogue
        found = catalogue.ancestors.get(concept)
        if found is None:
            seen: set[str] = set()
            todo = list(catalogue.broader.get(concept, ()))
            while todo:
                current = todo.pop()
                if current not in seen:
                    seen.add(current)
                    todo.extend(catalogue.broader.get(current, ()))
            found = catalogue.ancestors[concept] = frozenset(seen)
        return found

    # ------------------------------------------------------------------ candidates
    def _case_count(self) -> int:
        total = self._cases_total
        if total is None:
            total = self._cases_total = int(self.store.stats().nodes.get(NodeType.CASE.value, 0))
        return total

    def candidates(self, problem: Problem, *, limit: int = CANDIDATES) -> list[str]:
        """Every case when there are at most `limit`; else nearest vectors, text matches and concept-linked cases."""
        self.sync()
        if self._case_count() <= limit:
            return self.all_case_ids()
        chosen: dict[str, None] = {}
        by_vector, by_text = (int(limit * share) for share in _CANDIDATE_SHARES)
        for case_id, _ in self.store.nearest(self.embedder.model, problem.vector, node_type=NodeType.CASE, k=by_vector):
            chosen.setdefault(case_id, None)
        for case_id, _ in self.store.text_matches(_text_query(problem), node_type=NodeType.CASE, k=by_text):
            chosen.setdefault(case_id, None)
        named = sorted(problem.concepts, key=lambda concept: (-problem.concepts[concept], concept))
        linked = self._edges_into(named)
        for concept in named:
            for edge in linked.get(concept, ()):
                if len(chosen) >= limit:
                    break
                if edge.type in CASE_RELS and edge.source not in chosen:
                    chosen[edge.source] = None
        return list(chosen)[:limit]

    def _edges_into(self, concepts: list[str]) -> dict[str, list[Edge]]:
        """The first `_CONCEPT_CASES` edges into each concept by key, kept until the change feed touches the concept
        (a concept of 100,000 cases has thousands of edges; a query reads a few)."""
        found = {concept: self._concept_edges[concept] for concept in concepts if concept in self._concept_edges}
        missing = [concept for concept in concepts if concept not in found]
        if missing:
            revision = self.revision
            read = {
                concept: edges[:_CONCEPT_CASES]
                for concept, edges in self.store.edges_of_many(missing, direction=Direction.IN).items()
            }
            with self._docs_lock:
                if self.revision == revision:
                    self._concept_edges.update(read)
            found.update(read)
        return found

    def all_case_ids(self) -> list[str]:
        """Every case id, sorted (read once, then kept by the change feed)."""
        self.sync()
        ids = self._case_ids
        if ids is None:
            ids = sorted(node.id for node in self.store.find(NodeType.CASE))
            with self._docs_lock:
                self._case_ids = ids
        return list(ids)

    # ------------------------------------------------------------------ documents
    def documents(self, case_ids: Collection[str]) -> dict[str, CaseDoc]:
        """The documents of the ids that name cases (read from the store on a cache miss)."""
        self.sync()
        found: dict[str, CaseDoc] = {}
        with self._docs_lock:
            for case_id in case_ids:
                doc = self._docs.get(case_id)
                if doc is not None:
                    self._docs.move_to_end(case_id)
                    found[case_id] = doc
        missing = [case_id for case_id in case_ids if case_id not in found]
        if missing:
            revision = self.revision
            built = self._build(missing)
            with self._docs_lock:
                if self.revision == revision:
                    self._remember(built)
            found.update(built)
        return {case_id: found[case_id] for case_id in case_ids if case_id in found}

    def _remember(self, built: dict[str, CaseDoc]) -> None:
        for case_id, doc in built.items():
            self._docs[case_id] = doc
            for passage in doc.passages:
                self._dependents[passage.node_id].add(case_id)
            for link in (*doc.links, *doc.broader):
                self._dependents[link.node.id].add(case_id)
        while len(self._docs) > DOCUMENT_CACHE:
            self._docs.popitem(last=False)

    def _build(self, case_ids: list[str], *, with_vectors: bool = True) -> dict[str, CaseDoc]:
        """Documents of these ids with a handful of bounded store calls (without vectors for facets)."""
        reading = read_cases(self.store, case_ids, self.embedder.model)
        if not reading.cases:
            return {}
        stored = self.store.vectors(self.embedder.model, list(reading.cases)) if with_vectors else {}
        return {
            case_id: self._document(case, reading, stored.get(case_id))
            for case_id, case in reading.cases.items()
        }

    def _document(self, case: Node, reading: CaseReading, stored: StoredVectors | None) -> CaseDoc:
        """A case's document; its inferred links are the stored ones under this model, else inferred now."""
        edges = reading.edges.get(case.id, [])
        stated, needs = stated_links(case, edges, reading.nodes, reading.need_of)
        passages = tuple(case_passages(case, needs))
        # the hash of `texts.case_texts`, from the passages at hand
        is_fresh = stored is not None and stored.text_hash == passages_hash(own_text(case), passages)
        vectors = stored.matrix if is_fresh and stored is not None else None
        concepts = self._catalogue.concepts
        inferred = stored_links(case.id, edges, concepts, self.embedder.model, stated)
        if inferred is None:
            inferred = wanted_links(stated, reading.free_vectors, concepts, rejected_concepts(case.id, edges))
        links = tuple(stated + inferred)
        linked = {link.node.id for link in stated}
        broader_ids = {b for link in links for b in self._ancestors(link.node.id)} - linked
        broader = tuple(
            Link(concepts.nodes[concepts.position[b]], case.id) for b in sorted(broader_ids) if b in concepts.position
        )
        return CaseDoc(case, passages, links, broader, vectors)

    # ------------------------------------------------------------------ needs and nodes
    def needs(self) -> NeedIndex:
        """Every stored need with its vector and lemmas; read once, then kept by the feed need by need."""
        self.sync()
        index = self._needs
        if index is None:
            with self._needs_lock:
                index = self._needs
                if index is None:
                    revision, index = self.revision, NeedIndex()
                    ids = sorted(node.id for node in self.store.find(NodeType.NEED))
                    for start in range(0, len(ids), _FACET_CHUNK):
                        index.put(self._need_docs(ids[start : start + _FACET_CHUNK]))
                    with self._docs_lock:
                        if self.revision == revision:
                            self._needs = index
        return index

    def _need_docs(self, need_ids: list[str]) -> list[NeedDoc]:
        """The needs among these ids with their vectors (None while not embedded for their current text)."""
        if not need_ids:
            return []
        nodes = [node for node in self.store.get_many(need_ids).values() if node.type is NodeType.NEED]
        stored = self.store.vectors(self.embedder.model, [node.id for node in nodes])
        docs = []
        for node in nodes:
            vectors = stored.get(node.id)
            fresh = vectors is not None and vectors.text_hash == need_text(node)[0]
            docs.append(NeedDoc(node, vectors.own if fresh and vectors is not None else None))
        return docs

    def node(self, node_id: str) -> Node | None:
        """Any node by id."""
        concepts = self._catalogue.concepts
        if node_id in concepts.position:
            return concepts.nodes[concepts.position[node_id]]
        return self.store.get(node_id)


def _with_cases(ids: list[str], added: Collection[str], removed: Collection[str]) -> list[str]:
    """A sorted id list with ids added and removed: by bisection when a write touched few of the cases."""
    if len(added) + len(removed) > _FACET_CHUNK:
        return sorted((set(ids) - set(removed)) | set(added))
    found = list(ids)
    for case_id in removed:
        at = bisect.bisect_left(found, case_id)
        if at < len(found) and found[at] == case_id:
            del found[at]
    for case_id in added:
        at = bisect.bisect_left(found, case_id)
        if at == len(found) or found[at] != case_id:
            found.insert(at, case_id)
    return found


def _text_query(problem: Problem) -> str:
    """The problem's rarest content words (as written and as lemmas), for the store's full-text index.

    Words that weigh nothing (`language.COMMON_ZIPF`) are left out unless the problem has no other:
    they match a large share of the cases, which costs the index time and brings no candidate the
    word signal would score.
    """
    rare = [term for term in problem.terms if term.weight > 0] or list(problem.terms)
    terms = sorted({term.word: term for term in rare}.values(), key=lambda term: (-term.weight, term.word))
    chosen = terms[:_TEXT_QUERY_WORDS]
    words = [word for term in chosen for word in (term.word, term.key)]
    return " ".join(dict.fromkeys(words)) if words else problem.text
