"""Machine translation: argos packages, CTranslate2, batching, the decoder's attention."""
