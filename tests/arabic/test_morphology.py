"""The camel-tools analyser, tested for real with a tiny database in camel's format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from arabic import camel, morphology

REPO = Path(__file__).resolve().parents[2]

# A handful of entries in the text format camel_tools.morphology.database reads:
# DEFINES, DEFAULTS (digit, punc and latin are needed by the analyser), ORDER,
# TOKENIZATIONS, STEMBACKOFF, PREFIXES / SUFFIXES / STEMS (form, category,
# features) and the three compatibility tables.
TINY_DB = """###DEFINES###
DEFINE pos pos:noun pos:noun_prop pos:verb pos:digit pos:punc pos:latin pos:foreign
DEFINE lex lex:*open*
DEFINE diac diac:*open*
DEFINE gloss gloss:*open*
DEFINE bw bw:*open*
DEFINE root root:*open*
DEFINE pos_lex_logprob pos_lex_logprob:*open*
###DEFAULTS###
DEFAULT pos:noun lex:- diac:- gloss:- bw:- root:- pos_lex_logprob:-99.0
DEFAULT pos:digit lex:- diac:- gloss:- bw:- root:- pos_lex_logprob:-99.0
DEFAULT pos:punc lex:- diac:- gloss:- bw:- root:- pos_lex_logprob:-99.0
DEFAULT pos:latin lex:- diac:- gloss:- bw:- root:- pos_lex_logprob:-99.0
###ORDER###
ORDER pos lex diac gloss bw root pos_lex_logprob
###TOKENIZATIONS###
###STEMBACKOFF###
STEMBACKOFF PROP NProp
###PREFIXES###
\tPref-0\tdiac: bw: gloss:
و\tPref-Wa\tdiac:وَ bw:wa/CONJ gloss:and
ال\tPref-Al\tdiac:ال bw:Al/DET gloss:the
وال\tPref-WaAl\tdiac:وَال bw:wa/CONJ+Al/DET gloss:and+the
###SUFFIXES###
\tSuff-0\tdiac: bw: gloss:
###STEMS###
كتاب\tN\tdiac:كِتاب lex:كِتاب_1 pos:noun gloss:book bw:kitAb/NOUN root:ك.ت.ب pos_lex_logprob:-3.5
كتب\tN\tdiac:كُتُب lex:كِتاب_1 pos:noun gloss:books bw:kutub/NOUN root:ك.ت.ب pos_lex_logprob:-3.5
كتب\tPV\tdiac:كَتَبَ lex:كَتَب-u_1 pos:verb gloss:write bw:katab/PV root:ك.ت.ب pos_lex_logprob:-2.9
قال\tPV\tdiac:قالَ lex:قال-u_1 pos:verb gloss:say bw:qAl/PV root:ق.و.ل pos_lex_logprob:-2.1
بايدن\tNProp\tdiac:بايْدِن lex:بايْدِن_1 pos:noun_prop gloss:Biden bw:bAydn/NOUN_PROP root:PROP pos_lex_logprob:-5.0
NOAN\tNProp\tdiac:NOAN lex:NOAN pos:noun_prop gloss:NOAN bw:NOAN/NOUN_PROP root:PROP pos_lex_logprob:-99.0
###TABLE AB###
Pref-0 N
Pref-0 PV
Pref-0 NProp
Pref-Wa N
Pref-Wa PV
Pref-Wa NProp
Pref-Al N
Pref-WaAl N
###TABLE BC###
N Suff-0
PV Suff-0
NProp Suff-0
###TABLE AC###
Pref-0 Suff-0
Pref-Wa Suff-0
Pref-Al Suff-0
Pref-WaAl Suff-0
"""


def write_db(folder: Path) -> Path:
    path = folder / "data" / "morphology_db" / "calima-msa-r13" / "morphology.db"
    path.parent.mkdir(parents=True)
    path.write_text(TINY_DB, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def analyser(tmp_path_factory):
    return morphology.load(write_db(tmp_path_factory.mktemp("camel")))


def view(analyses):
    return [(a.lemma, a.pos, a.gloss, a.diac) for a in analyses]


@pytest.mark.parametrize(
    "word, expected",
    [
        ("كتاب", [("كِتاب", "noun", "book", "كِتاب")]),
        ("والكتاب", [("كِتاب", "noun", "and+the+book", "وَالكِتاب")]),
        ("وقال", [("قال", "verb", "and+say", "وَقالَ")]),
        ("بايدن", [("بايْدِن", "noun_prop", "Biden", "بايْدِن")]),
        # diacritised input is analysed like the bare word
        ("كِتابٌ", [("كِتاب", "noun", "book", "كِتاب")]),
        # the most frequent reading first: the verb (-2.9) before the plural noun (-3.5)
        ("كتب", [("كَتَب", "verb", "write", "كَتَبَ"), ("كِتاب", "noun", "books", "كُتُب")]),
        # an unknown word gets a proper-noun guess, without camel's NOAN gloss
        ("ترامب", [("ترامب", "noun_prop", "", "ترامب")]),
        ("2021", [("2021", "digit", "2021", "2021")]),
        ("", []),
    ],
)
def test_analyse(analyser, word, expected):
    assert view(analyser.analyse(word)) == expected


def test_best_and_sources(analyser):
    assert analyser.best("كتب").pos == "verb"
    assert analyser.best("ترامب").source == "backoff"
    assert analyser.best("كتاب").root == "ك.ت.ب"
    assert analyser.best("كتاب").score == -3.5


def test_loaded_once_per_path(analyser):
    assert morphology.load(analyser.path) is analyser


def test_a_missing_database_is_not_installed(tmp_path):
    with pytest.raises(camel.NotInstalled, match="no morphology database"):
        morphology.load(tmp_path / "missing.db")


def run(script: str, data: Path, home: Path) -> str:
    env = {**os.environ, "CAMELTOOLS_DATA": str(data), "PYTHONPATH": str(REPO), "HOME": str(home)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_default_database_comes_from_the_data_folder(tmp_path):
    write_db(tmp_path / "camel")
    out = run(
        "import json\nfrom arabic import morphology\nassert morphology.available()\n"
        "a = morphology.analyse_word('والكتاب')[0]\nprint(json.dumps([a.lemma, a.pos, a.gloss], ensure_ascii=False))",
        tmp_path / "camel",
        tmp_path,
    )
    assert json.loads(out) == ["كِتاب", "noun", "and+the+book"]


def test_without_the_database_the_message_says_how_to_install(tmp_path):
    out = run(
        "from arabic import morphology\nfrom arabic.camel import NotInstalled\nassert not morphology.available()\n"
        "try:\n    morphology.analyse_word('كتاب')\nexcept NotInstalled as exc:\n    print(exc)",
        tmp_path / "empty",
        tmp_path,
    )
    assert "not installed" in out and "camel_data -i light" in out
