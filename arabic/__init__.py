"""Arabic text layer of newsreader: pure Python, no Django imports.

Everything here works on plain ``str`` with offsets in Unicode code points, so it
can be tested directly and reused by the importer, the annotation services, the
suggesters and search alike.

* text: :mod:`~arabic.clean` (import-time clean-up), :mod:`~arabic.normalize`
  (folded view + index map), :mod:`~arabic.tokens`, :mod:`~arabic.sentences`,
  :mod:`~arabic.quotemarks`;
* suggesters: :mod:`~arabic.matching` (gazetteer), :mod:`~arabic.quotes`,
  :mod:`~arabic.ner.crf`, :mod:`~arabic.ner.bert`, all together in
  :mod:`~arabic.suggest`;
* words: :mod:`~arabic.morphology`;
* camel-tools data set-up: :mod:`~arabic.camel`;
* measuring: :mod:`~arabic.conll`, :mod:`~arabic.evaluation`, :mod:`~arabic.evaluate`.
"""
