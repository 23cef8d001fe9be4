"""The neural tagger's fast inference: what the suggestion pass runs (:class:`FastInference`).

The same network as :meth:`arabic.ner.neural.NeuralModel` ``emissions()`` + ``marginals()``, cheaper. The
BiLSTM's input is a word form's own part (word and stem embeddings, the character CNN over its letters, its
shape: nothing of the sentence) plus its gazetteer and lexicon tags. The LSTM's input projection is linear, so
a word form's share of it (both directions, biases included) is computed once per form and kept, and the
tags' shares are a table of nine rows each; what is left per sentence is the recurrence, run here for both
directions at once over all the sentences of a document (each sentence reversed in place for the backward
direction, so no packing is needed). The CRF layer's forward-backward runs in numpy (float64, scaled
probabilities instead of log-sum-exp). The character CNN and the input projection were two thirds of the
time. tests/arabic/ner/test_neural_fast.py checks the result against emissions() + an exact forward-backward
to 1e-5.

Split from :mod:`arabic.ner.neural` (training, the network, model files) by concern; torch and numpy are
imported when a model tags, not with this module.
"""

from __future__ import annotations

from collections.abc import Sequence

from arabic.matching import Gazetteer
from arabic.ner.features import gazetteer_tags

# the gazetteer and lexicon tag values the network embeds, in the order of its tables (arabic.ner.neural)
GAZ_VALUES = ("", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
_GAZ_ID = {t: i for i, t in enumerate(GAZ_VALUES)}


def _forward_backward(em, lengths, trans, start, end):
    """Posterior tag probabilities of a linear-chain CRF, in numpy: ``em`` (sentences, words, tags) float64
    emissions (padded past each sentence's length), ``trans[i, j]`` from tag i to tag j. Scaled
    probabilities (each step normalised) instead of log-sum-exp: the same posteriors, fewer operations."""
    import numpy as np

    b, t, k = em.shape
    e = np.exp(em - em.max(axis=2, keepdims=True))
    a_mat = np.exp(trans - trans.max())
    alpha = np.empty((b, t, k))
    cur = np.exp(start - start.max()) * e[:, 0]
    alpha[:, 0] = cur = cur / cur.sum(axis=1, keepdims=True)
    for i in range(1, t):
        cur = (cur @ a_mat) * e[:, i]
        alpha[:, i] = cur = cur / cur.sum(axis=1, keepdims=True)
    beta = np.empty((b, t, k))
    stop = np.exp(end - end.max())
    last = (lengths - 1)[:, None]
    cur = np.broadcast_to(stop, (b, k))
    beta[:, t - 1] = cur
    for i in range(t - 2, -1, -1):
        nxt = (e[:, i + 1] * cur) @ a_mat.T
        nxt = nxt / nxt.sum(axis=1, keepdims=True)
        # a sentence's last word gets the end scores; words past the end are never read
        cur = np.where(last == i, stop, nxt)
        beta[:, i] = cur
    post = alpha * beta
    return post / post.sum(axis=2, keepdims=True)


class FastInference:
    """Mixed into :class:`arabic.ner.neural.NeuralModel`: uses its ``module``, ``meta``, ``lexicon``,
    ``_entry``, ``_gazetteer_for`` and its ``_fast``/``_static``/``_static_lock`` fields."""

    # The same network as emissions() + marginals(), cheaper. The BiLSTM's input is
    # a word form's own part (word and stem embeddings, the character CNN over its
    # letters, its shape: nothing of the sentence) plus its gazetteer and lexicon
    # tags. The LSTM's input projection is linear, so a word form's share of it
    # (both directions, biases included) is computed once per form and kept, and
    # the tags' shares are a table of nine rows each; what is left per sentence is
    # the recurrence, run here for both directions at once over all the sentences
    # of a document (each sentence reversed in place for the backward direction, so
    # no packing is needed). The CRF layer's forward-backward runs in numpy
    # (float64, scaled probabilities instead of log-sum-exp). The character CNN and
    # the input projection were two thirds of the time. tests/arabic/ner/test_neural.py
    # checks the result against emissions() + an exact forward-backward to 1e-5.

    # word forms whose input projection is kept: 8 × hidden float32 each (3 kB for hidden 96): ~120 MB at most
    _STATIC_SIZE = 40_000

    def _fast_weights(self):
        """The network's weights as the fast path uses them (computed once per loaded model)."""
        import torch

        fast = self._fast
        if fast is None:
            m = self.module
            h = self.meta["hyper"]
            cut = 2 * h["word_dim"] + h["char_filters"]
            td = h["tag_dim"]
            lstm = m.lstm
            with torch.inference_mode():
                w_ih = torch.cat([lstm.weight_ih_l0, lstm.weight_ih_l0_reverse], 0)  # (8H, input)
                bias = torch.cat([lstm.bias_ih_l0 + lstm.bias_hh_l0, lstm.bias_ih_l0_reverse + lstm.bias_hh_l0_reverse])
                own = torch.cat([w_ih[:, :cut], w_ih[:, cut + 2 * td :]], 1)  # word, stem, characters | shape
                gaz = (m.gaz.weight @ w_ih[:, cut : cut + td].T).numpy()  # (9, 8H)
                lex = (m.lex.weight @ w_ih[:, cut + td : cut + 2 * td].T).numpy()
                w_hh = torch.stack([lstm.weight_hh_l0.T, lstm.weight_hh_l0_reverse.T]).contiguous()  # (2, H, 4H)
                hidden = h["hidden"]
                out_w = m.out.weight.double().numpy()
                fast = self._fast = {
                    "own": own.T.contiguous(), "bias": bias, "gaz": gaz, "lex": lex, "w_hh": w_hh, "hidden": hidden,
                    "out_f": out_w[:, :hidden].T.copy(), "out_b": out_w[:, hidden:].T.copy(),
                    "out_bias": m.out.bias.double().numpy(),
                    "crf": tuple(x.double().numpy() for x in (m.trans, m.start, m.end)),
                }  # fmt: skip
        return fast

    def _static_rows(self, forms: list[str]):
        """Row numbers in ``self._static[1]`` of each word form's share of the LSTM's input projection."""
        import numpy as np
        import torch

        fast = self._fast_weights()
        width = 8 * fast["hidden"]
        if self._static is None:
            self._static = ({}, np.zeros((0, width), dtype=np.float32))
        rows, table = self._static
        missing = [w for w in dict.fromkeys(forms) if w not in rows]
        if rows and len(rows) + len(missing) > self._STATIC_SIZE:
            # a bound on memory: start again (one document's forms always fit, whatever their number)
            rows, table = {}, np.zeros((0, width), dtype=np.float32)
            missing = list(dict.fromkeys(forms))
        if missing:
            entries = [self._entry(w) for w in missing]
            m = self.module
            with torch.inference_mode():
                ch = m.char(torch.tensor([e[2] for e in entries])).transpose(1, 2)
                ch = torch.relu(m.conv(ch)).max(dim=2).values
                ids, stems = torch.tensor([e[0] for e in entries]), torch.tensor([e[1] for e in entries])
                part = torch.cat([m.word(ids), m.word(stems), ch, m.shape(torch.tensor([e[3] for e in entries]))], -1)
                projected = torch.addmm(fast["bias"], part, fast["own"]).numpy()
            first = len(rows)
            if first + len(missing) > len(table):
                grown = np.zeros((max(first + len(missing), min(self._STATIC_SIZE, 2 * len(table))), width), dtype=np.float32)
                grown[:first] = table[:first]
                table = grown
            table[first : first + len(missing)] = projected
            for k, w in enumerate(missing):
                rows[w] = first + k
        self._static = (rows, table)
        return [rows[w] for w in forms]

    def marginal_arrays(self, sentences: Sequence[Sequence[str]], *, gazetteer: Gazetteer | None = None) -> list:
        """Per-word tag probabilities, one float64 numpy array (words, tags) a sentence, columns in
        ``meta["tags"]`` order; no Viterbi. For the suggestion pass: all the sentences (a document)
        at once, gradients off (``torch.inference_mode``)."""
        import numpy as np
        import torch

        g = self._gazetteer_for(gazetteer)
        lexicon = self.lexicon
        tags = self.meta["tags"]
        out: list = [np.zeros((0, len(tags))) for _ in sentences]
        # longest first: at each step the sentences still going are a prefix of the batch
        live = sorted((i for i, s in enumerate(sentences) if len(s)), key=lambda i: -len(sentences[i]))
        if not live:
            return out
        fast = self._fast_weights()
        hidden = fast["hidden"]
        forms = [w for i in live for w in sentences[i]]
        with self._static_lock:
            rows = self._static_rows(forms)  # may grow or replace the table: read it after
            pre = self._static[1][rows]
        gaz_ids = np.zeros(len(forms), dtype=np.int64)
        lex_ids = np.zeros(len(forms), dtype=np.int64)
        at = 0
        entry = self._entry
        for i in live:
            words = sentences[i]
            n = len(words)
            folded = [entry(w)[4] for w in words]
            for target, source in ((gaz_ids, g), (lex_ids, lexicon)):
                found = gazetteer_tags(source, words, folded)
                if any(found):
                    target[at : at + n] = [_GAZ_ID.get(x, 0) for x in found]
            at += n
        pre += fast["gaz"][gaz_ids]
        pre += fast["lex"][lex_ids]
        # the padded batch: word p of sentence r at [r, p] forwards and at [r, n - 1 - p] backwards
        lengths = np.array([len(sentences[i]) for i in live])
        b, t = len(live), int(lengths.max())
        sentence_of = np.repeat(np.arange(b), lengths)
        position = np.arange(len(forms)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        mirrored = lengths[sentence_of] - 1 - position
        steps = np.zeros((t, 2, b, 4 * hidden), dtype=np.float32)
        steps[position, 0, sentence_of] = pre[:, : 4 * hidden]
        steps[mirrored, 1, sentence_of] = pre[:, 4 * hidden :]
        with torch.inference_mode():
            x = torch.from_numpy(steps)
            w_hh = fast["w_hh"]
            h = torch.zeros(2, b, hidden)
            c = torch.zeros(2, b, hidden)
            states = torch.zeros(t, 2, b, hidden)
            # sentences still going at step i (lengths descend): no work on padding
            going = (lengths[None, :] > np.arange(t)[:, None]).sum(axis=1).tolist()
            for i, k in enumerate(going):
                if k < h.shape[1]:
                    h, c = h[:, :k], c[:, :k]
                # gate order of torch's LSTM: input, forget, cell, output
                gates = torch.baddbmm(x[i, :, :k], h, w_hh)
                sig = torch.sigmoid(gates)
                c = torch.addcmul(sig[..., hidden : 2 * hidden] * c, sig[..., :hidden], torch.tanh(gates[..., 2 * hidden : 3 * hidden]))
                h = sig[..., 3 * hidden :] * torch.tanh(c)
                states[i, :, :k] = h
            states = states.numpy()
        forward = states[position, 0, sentence_of].astype(np.float64)
        backward = states[mirrored, 1, sentence_of].astype(np.float64)
        em_flat = forward @ fast["out_f"] + backward @ fast["out_b"] + fast["out_bias"]
        em = np.zeros((b, t, len(tags)))
        em[sentence_of, position] = em_flat
        probs = _forward_backward(em, lengths, *fast["crf"])
        for r, i in enumerate(live):
            out[i] = probs[r, : lengths[r]]
        return out
