"""Syllable n-gram features that do not depend on how underthesea grouped the syllables.

underthesea segments text typed without diacritics less well ("lam giay" comes out as one word), so word
features of "làm giấy khai sinh" and "lam giay khai sinh" differ. This featurizer counts the
diacritics-free *syllables* of each token's lemma (``khai_sinh`` -> ``khai``, ``sinh``) and, with
``max_ngram: 2``, syllable bigrams across token boundaries: the same evidence whatever the segmentation.

It is Rasa's CountVectorsFeaturizer (word analyzer) with one change: a token is represented by its lemma
with ``_`` turned into spaces, so the vectorizer sees its syllables. One feature row per token is kept.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SyllableCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Counts diacritics-free syllables (and syllable n-grams) of the tokens' lemmas."""

    def _get_message_tokens_by_attribute(self, message: Message, attribute: str) -> list[str]:
        tokens = message.get(TOKENS_NAMES[attribute])
        if not tokens:
            return []
        if attribute != "text":
            return [t.lemma if self.use_lemma else t.text for t in tokens]
        return [t.lemma.replace("_", " ") if self.use_lemma else t.text for t in tokens]
