from arabic.ner import crf
from arabic.ner.default import SHIPPED_MODEL
from arabic.ner.resources import lexicon


def test_the_shipped_model_was_built_with_the_shipped_name_list():
    # the model stores how many lexicon entries it was trained with: a rebuilt list needs a rebuilt model
    model = crf.CrfModel.load(SHIPPED_MODEL)
    assert model.meta["lexicon"] == len(lexicon())
    assert model.version == "anercorp-" + model.meta["fingerprint"][:16]
