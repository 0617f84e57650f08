"""The embedded toy world: English from a small grammar and pseudo-languages derived from it by seeded rules.

Every sentence is first drawn as an abstract clause (subject, verb, tense, object, adverb, place) and then
*realised* in each language, so all languages are exactly parallel. Each pseudo-language has its own seeded
lexicon, constituent order, adjective and adposition placement, plural and past-tense affixes, and script:
Lumish (Latin, SOV), Vorsk (Cyrillic, VSO), Tenglan (Han characters, written without spaces) and Orvic
(Latin, prefixing). With `word_order="english"` (the demo's) every pseudo-language keeps English's constituent
order and differs in lexicon, morphology and script only: a tiny model learns that monotone translation within
the demo's budget, and the x2x difficulty the paper studies (off-target output) does not depend on word order.
Nothing here touches the network; the same seed always gives the same world.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from eax.languages import PIVOT

NOUNS = (
    "dog cat bird horse cow fish farmer teacher doctor child woman man king queen soldier sailor baker "
    "painter singer writer student friend neighbour stranger merchant hunter house garden river forest "
    "mountain village city road bridge market school church castle tower boat ship wagon wheel door "
    "window table chair bed lamp book letter song story picture map key box basket bottle cup plate "
    "bread apple cheese soup coffee milk stone tree flower leaf field hill lake island beach cloud star "
    "moon sun storm wind fire candle clock coat hat shoe ring sword shield drum bell rope net flag "
    "lantern blanket carpet mirror ladder hammer needle pencil kettle oven barn well gate fence wall"
).split()
ADJECTIVES = (
    "big small old young red blue green black white yellow happy sad quiet loud tall short strong weak "
    "rich poor kind cruel brave shy clever foolish warm cold dark bright heavy light fast slow new "
    "ancient golden wooden broken empty full clean dirty hungry tired busy lazy gentle wild strange "
    "famous hidden sleepy noisy lonely proud honest cheerful careful curious gray silver sharp"
).split()
TRANSITIVE_VERBS = (
    "see find watch follow carry paint build open close clean visit help call answer love hate need want "
    "bring cook wash fix push pull lift hold count draw greet thank join guard"
).split()
INTRANSITIVE_VERBS = "sleep walk laugh sing dance wait work rest shout smile cry swim travel listen play".split()
ADVERBS = (
    "slowly quickly quietly loudly happily sadly often rarely today yesterday again early late together "
    "alone carefully gladly suddenly softly bravely"
).split()
PREPOSITIONS = "in near behind under beside above across through".split()

IRREGULAR_PLURALS = {"man": "men", "woman": "women", "child": "children", "fish": "fish"}
IRREGULAR_PAST = {
    "see": "saw", "find": "found", "build": "built", "bring": "brought", "hold": "held", "draw": "drew",
    "sing": "sang", "swim": "swam", "sleep": "slept", "shut": "shut",
}

LEXICON_CLASSES = {
    "noun": NOUNS,
    "adjective": ADJECTIVES,
    "verb": TRANSITIVE_VERBS + INTRANSITIVE_VERBS,
    "adverb": ADVERBS,
    "preposition": PREPOSITIONS,
}
FUNCTION_WORDS = ("DEF", "INDEF", "PLURAL", "PAST")
MIN_WORDS, MAX_WORDS = 3, 10


@dataclass(frozen=True)
class Lemmas:
    """The English lemmas sentences are drawn from, and how: Zipfian over the whole lexicon (natural text), or
    uniformly over a few (a world small enough for a tiny model to learn on a laptop)."""

    nouns: tuple[str, ...]
    adjectives: tuple[str, ...]
    transitive_verbs: tuple[str, ...]
    intransitive_verbs: tuple[str, ...]
    adverbs: tuple[str, ...]
    prepositions: tuple[str, ...]
    zipfian: bool

    def choice(self, rng: random.Random, words: tuple[str, ...]) -> str:
        return zipf_choice(rng, words) if self.zipfian else rng.choice(words)


def lemmas(count: int | None) -> Lemmas:
    """All lemmas, Zipfian (count None), or about `count` of them, each class in its share, drawn uniformly."""
    classes = (NOUNS, ADJECTIVES, TRANSITIVE_VERBS, INTRANSITIVE_VERBS, ADVERBS, PREPOSITIONS)
    if count is None:
        return Lemmas(*(tuple(words) for words in classes), zipfian=True)
    total = sum(map(len, classes))
    return Lemmas(*(tuple(words[:max(2, round(count * len(words) / total))]) for words in classes), zipfian=False)


@dataclass(frozen=True)
class NounPhrase:
    noun: str
    adjective: str | None
    plural: bool
    definite: bool


@dataclass(frozen=True)
class Clause:
    subject: NounPhrase
    verb: str
    past: bool
    obj: NounPhrase | None
    adverb: str | None
    place: tuple[str, NounPhrase] | None


@dataclass(frozen=True)
class Grammar:
    """How one pseudo-language orders, inflects and writes a clause."""

    code: str
    script: str  # "latin", "cyrillic" or "han"
    clause_order: tuple[str, ...]  # slots S V O A P (subject, verb, object, adverb, place)
    adjective_after_noun: bool
    postpositions: bool
    affix_position: str  # "suffix" or "prefix" (han: a separate particle after the word)
    consonants: str
    vowels: str


GRAMMARS: dict[str, Grammar] = {
    "qaa": Grammar("qaa", "latin", ("S", "O", "A", "P", "V"), True, True, "suffix", "lmnrtkvs", "aeiou"),
    "qab": Grammar("qab", "cyrillic", ("V", "S", "O", "P", "A"), False, False, "suffix", "bdgkmnprstvz", "aeiou"),
    "qac": Grammar("qac", "han", ("S", "A", "P", "V", "O"), False, True, "suffix", "", ""),
    "qad": Grammar("qad", "latin", ("A", "S", "V", "O", "P"), True, False, "prefix", "bdfghjklmnp", "aeiy"),
}

ENGLISH_ORDER = ("S", "V", "O", "A", "P")
WORD_ORDERS = ("english", "own")


def in_english_order(grammar: Grammar) -> Grammar:
    """The grammar with English's constituent order, adjectives before nouns and prepositions; its lexicon,
    sounds, affixes and script unchanged."""
    return replace(grammar, clause_order=ENGLISH_ORDER, adjective_after_noun=False, postpositions=False)


CYRILLIC = str.maketrans("abdefghijklmnoprstuvyz", "абдефгхийклмнопрстувыз")
HAN_BLOCK = (0x4E00, 0x9FA5)


def zipf_choice(rng: random.Random, words: list[str]) -> str:
    """Draw a word with Zipfian frequency (the k-th word has weight 1/k), as in natural text."""
    return rng.choices(words, cum_weights=_zipf_cumulative(len(words)))[0]


def _zipf_cumulative(n: int) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, n + 1):
        total += 1 / rank
        cumulative.append(total)
    return cumulative


def draw_noun_phrase(rng: random.Random, words: Lemmas) -> NounPhrase:
    adjective = words.choice(rng, words.adjectives) if rng.random() < 0.5 else None
    return NounPhrase(words.choice(rng, words.nouns), adjective, rng.random() < 0.3, rng.random() < 0.6)


def draw_clause(rng: random.Random, words: Lemmas | None = None) -> Clause:
    """One abstract clause whose English realisation has MIN_WORDS to MAX_WORDS words."""
    words = words or lemmas(None)
    while True:
        transitive = rng.random() < 0.7
        verb = words.choice(rng, words.transitive_verbs if transitive else words.intransitive_verbs)
        clause = Clause(
            subject=draw_noun_phrase(rng, words),
            verb=verb,
            past=rng.random() < 0.5,
            obj=draw_noun_phrase(rng, words) if transitive else None,
            adverb=words.choice(rng, words.adverbs) if rng.random() < 0.35 else None,
            place=(words.choice(rng, words.prepositions), draw_noun_phrase(rng, words)) if rng.random() < 0.4 else None,
        )
        if MIN_WORDS <= len(realise_english(clause).split()) <= MAX_WORDS:
            return clause


def _english_plural(noun: str) -> str:
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith("f"):
        return noun[:-1] + "ves"
    return noun + "s"


def _english_verb(verb: str, past: bool, plural_subject: bool) -> str:
    if past:
        if verb in IRREGULAR_PAST:
            return IRREGULAR_PAST[verb]
        if verb.endswith("e"):
            return verb + "d"
        if verb.endswith("y") and verb[-2] not in "aeiou":
            return verb[:-1] + "ied"
        return verb + "ed"
    return verb if plural_subject else _english_plural(verb)


def _english_np(np: NounPhrase) -> list[str]:
    noun = _english_plural(np.noun) if np.plural else np.noun
    words = [np.adjective, noun] if np.adjective else [noun]
    if np.definite:
        return ["the", *words]
    if np.plural:
        return ["some", *words]
    return ["an" if words[0][0] in "aeiou" else "a", *words]


def realise_english(clause: Clause) -> str:
    words = _english_np(clause.subject)
    words.append(_english_verb(clause.verb, clause.past, clause.subject.plural))
    if clause.obj:
        words += _english_np(clause.obj)
    if clause.adverb:
        words.append(clause.adverb)
    if clause.place:
        words += [clause.place[0], *_english_np(clause.place[1])]
    return _sentence(words, ".")


def _sentence(words: list[str], full_stop: str, separator: str = " ") -> str:
    text = separator.join(words)
    return text[:1].upper() + text[1:] + full_stop


def build_lexicon(grammar: Grammar, seed: int) -> dict[str, str]:
    """A unique pseudo-word for every English lemma and grammatical marker, drawn from the grammar's sounds."""
    rng = random.Random(f"{seed}:{grammar.code}")
    short_lemmas = (*FUNCTION_WORDS, *PREPOSITIONS)
    content_lemmas = [lemma for words in LEXICON_CLASSES.values() for lemma in words if lemma not in PREPOSITIONS]
    lexicon: dict[str, str] = {}
    used: set[str] = set()
    for lemma in (*short_lemmas, *content_lemmas):
        short = lemma in short_lemmas
        while True:
            word = _draw_word(grammar, rng, short)
            if word not in used:
                break
        used.add(word)
        lexicon[lemma] = word
    return lexicon


def _draw_word(grammar: Grammar, rng: random.Random, short: bool) -> str:
    if grammar.script == "han":
        return chr(rng.randint(*HAN_BLOCK))  # one character per word, as most Chinese morphemes
    syllables = 1 if short else rng.choice((2, 2, 3))
    return "".join(rng.choice(grammar.consonants) + rng.choice(grammar.vowels) for _ in range(syllables))


def _inflect(word: str, marker: str, grammar: Grammar) -> list[str]:
    if grammar.script == "han":
        return [word, marker]
    return [marker + word] if grammar.affix_position == "prefix" else [word + marker]


def _pseudo_np(np: NounPhrase, grammar: Grammar, lexicon: dict[str, str]) -> list[str]:
    noun = lexicon[np.noun]
    nominal = _inflect(noun, lexicon["PLURAL"], grammar) if np.plural else [noun]
    if np.adjective:
        adjective = [lexicon[np.adjective]]
        nominal = nominal + adjective if grammar.adjective_after_noun else adjective + nominal
    return [lexicon["DEF" if np.definite else "INDEF"], *nominal]


def realise(clause: Clause, grammar: Grammar, lexicon: dict[str, str]) -> str:
    """The clause in one pseudo-language: constituent order, inflection, adpositions, script and spacing."""
    verb = lexicon[clause.verb]
    slots: dict[str, list[str]] = {
        "S": _pseudo_np(clause.subject, grammar, lexicon),
        "V": _inflect(verb, lexicon["PAST"], grammar) if clause.past else [verb],
        "O": _pseudo_np(clause.obj, grammar, lexicon) if clause.obj else [],
        "A": [lexicon[clause.adverb]] if clause.adverb else [],
        "P": [],
    }
    if clause.place:
        preposition, np = clause.place
        phrase = _pseudo_np(np, grammar, lexicon)
        adposition = [lexicon[preposition]]
        slots["P"] = phrase + adposition if grammar.postpositions else adposition + phrase
    words = [word for slot in grammar.clause_order for word in slots[slot]]
    if grammar.script == "han":
        return _sentence(words, "。", separator="")
    if grammar.script == "cyrillic":
        words = [word.translate(CYRILLIC) for word in words]
    return _sentence(words, ".")


@dataclass(frozen=True)
class ToyWorld:
    seed: int
    languages: tuple[str, ...]  # non-English toy codes
    lemma_count: int | None = None  # None: the whole lexicon, Zipfian; else about this many lemmas, uniform
    word_order: str = "own"  # "own": each grammar's constituent order; "english": all in English's order

    @property
    def words(self) -> Lemmas:
        return lemmas(self.lemma_count)

    def __post_init__(self) -> None:
        unknown = [code for code in self.languages if code not in GRAMMARS]
        if unknown:
            raise ValueError(f"no toy grammar for {unknown}; toy languages are {sorted(GRAMMARS)}")
        if self.word_order not in WORD_ORDERS:
            raise ValueError(f"word order {self.word_order!r} is not one of {WORD_ORDERS}")

    def grammar(self, code: str) -> Grammar:
        return in_english_order(GRAMMARS[code]) if self.word_order == "english" else GRAMMARS[code]

    def lexicons(self) -> dict[str, dict[str, str]]:
        return {code: build_lexicon(GRAMMARS[code], self.seed) for code in self.languages}

    def realise_all(self, clause: Clause, lexicons: dict[str, dict[str, str]]) -> dict[str, str]:
        texts = {PIVOT: realise_english(clause)}
        texts.update({code: realise(clause, self.grammar(code), lexicons[code]) for code in self.languages})
        return texts


def make_parallel_corpus(world: ToyWorld, sentences_per_direction: int) -> list[dict[str, str]]:
    """For every training row (fresh sentences for every English-centric direction), its direction and its
    clause in *every* language: the truth the oracle diagnostics score x2x candidates against."""
    rng = random.Random(f"{world.seed}:corpus")
    lexicons = world.lexicons()
    rows = []
    for code in world.languages:
        for src, trg in ((PIVOT, code), (code, PIVOT)):
            for _ in range(sentences_per_direction):
                texts = world.realise_all(draw_clause(rng, world.words), lexicons)
                rows.append({"src_lang": src, "trg_lang": trg, **texts})
    return rows


def english_centric(parallel: list[dict[str, str]]) -> list[dict[str, str]]:
    """The training rows of a parallel corpus in the TowerBlocks-MT schema (each row's own direction)."""
    return [{"src_lang": row["src_lang"], "trg_lang": row["trg_lang"], "src_text": row[row["src_lang"]],
             "trg_text": row[row["trg_lang"]]} for row in parallel]


def make_corpus(world: ToyWorld, sentences_per_direction: int) -> list[dict[str, str]]:
    """English-centric training rows in the TowerBlocks-MT schema, fresh sentences for every direction."""
    return english_centric(make_parallel_corpus(world, sentences_per_direction))


def make_monolingual(world: ToyWorld, sentences_per_language: int, exclude_english: set[str]) -> list[dict[str, str]]:
    """Monolingual text of every language (English too), each sentence its own clause (nothing parallel), none
    from the test set: what a base LLM has read in pretraining before it is fine-tuned."""
    rng = random.Random(f"{world.seed}:monolingual")
    lexicons = world.lexicons()
    rows = []
    for code in (PIVOT, *world.languages):
        kept = 0
        while kept < sentences_per_language:
            clause = draw_clause(rng, world.words)
            english = realise_english(clause)
            if english in exclude_english:
                continue
            text = english if code == PIVOT else realise(clause, world.grammar(code), lexicons[code])
            rows.append({"lang": code, "text": text})
            kept += 1
    return rows


def make_devtest(world: ToyWorld, n_sentences: int, exclude_english: set[str]) -> dict[str, list[str]]:
    """A multi-parallel test set, language -> lines, whose English side never occurs in training."""
    rng = random.Random(f"{world.seed}:devtest")
    lexicons = world.lexicons()
    seen = set(exclude_english)
    lines: dict[str, list[str]] = {code: [] for code in (PIVOT, *world.languages)}
    while len(lines[PIVOT]) < n_sentences:
        texts = world.realise_all(draw_clause(rng, world.words), lexicons)
        if texts[PIVOT] in seen:
            continue
        seen.add(texts[PIVOT])
        for code, text in texts.items():
            lines[code].append(text)
    return lines


def corrupt(text: str, rng: random.Random, rate: float, vocabulary: list[str]) -> str:
    """Drop, replace or swap about `rate` of the words: a translation of graded quality."""
    words = text.split() if " " in text else list(text)
    out = []
    for word in words:
        roll = rng.random()
        if roll < rate / 3:
            continue
        out.append(rng.choice(vocabulary) if roll < 2 * rate / 3 else word)
    if len(out) > 1 and rng.random() < rate:
        i = rng.randrange(len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    return (" " if " " in text else "").join(out)


def make_alma_r_triplets(world: ToyWorld, rows_per_language: int) -> dict[str, list[dict]]:
    """Toy rows in the `haoranxu/ALMA-R-Preference` layout, config `{x}-en` -> `translation` structs.

    The "systems" are graded corruptions of the reference (GPT-4 mild, ALMA stronger); their scores are sentence
    chrF (as 0-1) with the reference's own score just below 1, as quality-estimation scores of references are.
    Some rows carry a human label (`Delta`) or serve one direction only (`required_directions`).
    """
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    rng = random.Random(f"{world.seed}:alma_r")
    lexicons = world.lexicons()
    configs: dict[str, list[dict]] = {}
    for code in world.languages:
        rows = []
        for _ in range(rows_per_language):
            texts = world.realise_all(draw_clause(rng, world.words), lexicons)
            example = {code: texts[code], PIVOT: texts[PIVOT], "Delta": 0, "required_directions": ""}
            for lang in (code, PIVOT):
                vocabulary = texts[lang].split() if " " in texts[lang] else list(texts[lang])
                outputs = {"gpt4": corrupt(texts[lang], rng, 0.15, vocabulary),
                           "alma": corrupt(texts[lang], rng, 0.4, vocabulary)}
                scores = {"ref": 0.9 + 0.1 * rng.random()}
                for system, output in outputs.items():
                    example[f"{system}_{lang}"] = output
                    scores[system] = chrf.sentence_score(output, [texts[lang]]).score / 100
                for system, score in scores.items():
                    example[f"{system}_{lang}_kiwi"] = score
                    example[f"{system}_{lang}_xcomet"] = score
                    example[f"{system}_{lang}_kiwi_xcomet"] = score
            roll = rng.random()
            if roll < 0.1:
                example["Delta"] = rng.choice((-1, 1))
            elif roll < 0.2:
                example["required_directions"] = f"{PIVOT}-{code}"
            rows.append(example)
        configs[f"{code}-{PIVOT}"] = rows
    return configs


def make_published_system(devtest: dict[str, list[str]], seed: int,
                          rate: float = 0.1) -> dict[tuple[str, str], list[str]]:
    """Outputs of a strong "published" system for every ordered pair of devtest languages: each reference with a
    light seeded corruption, so the external-system path has real files to score."""
    rng = random.Random(f"{seed}:published")
    outputs = {}
    for trg, references in devtest.items():
        vocabulary = sorted({word for line in references for word in (line.split() if " " in line else line)})
        for src in devtest:
            if src != trg:
                outputs[src, trg] = [corrupt(line, rng, rate, vocabulary) for line in references]
    return outputs
