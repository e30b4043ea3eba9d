"""The tool's own words in English, Vietnamese and French.

Framework texts carry their own translations; these are the labels readiness itself prints
around them. A language without a label falls back to English.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "evidence": {"en": "evidence", "vi": "minh chứng", "fr": "preuves"},
    "city profile": {"en": "city profile", "vi": "thông tin thành phố", "fr": "profil de la ville"},
    "or": {"en": "or", "vi": "hoặc", "fr": "ou"},
    "min_count": {"en": "{n} records or more", "vi": "từ {n} minh chứng trở lên", "fr": "{n} pièces ou plus"},
    "max_age": {"en": "within {n} years", "vi": "trong vòng {n} năm", "fr": "de moins de {n} ans"},
    "file attached": {"en": "file attached", "vi": "có tệp đính kèm", "fr": "fichier joint"},
    "verified": {"en": "verified", "vi": "đã xác minh", "fr": "vérifiée"},
    "max_words": {"en": "at most {n} words", "vi": "tối đa {n} từ", "fr": "{n} mots au plus"},
    "data_age": {"en": "data within {n} years", "vi": "số liệu trong vòng {n} năm", "fr": "données de moins de {n} ans"},
    "topics": {"en": "topics", "vi": "chủ đề", "fr": "thèmes"},
    "blocking": {"en": "blocking", "vi": "bắt buộc", "fr": "bloquant"},
    "weight": {"en": "weight", "vi": "trọng số", "fr": "poids"},
    "indicator": {"en": "indicator", "vi": "chỉ số", "fr": "indicateur"},
    "target": {"en": "target", "vi": "mục tiêu", "fr": "cible"},
    "also counts for": {"en": "also counts for", "vi": "cũng được tính cho", "fr": "compte aussi pour"},
    "draft": {
        "en": "draft: wording to be checked",
        "vi": "bản nháp: cần đối chiếu với văn bản gốc",
        "fr": "brouillon : libellé à vérifier",
    },
    "summary": {
        "en": "{areas} areas, {criteria} criteria; ready at {threshold} with every blocking criterion met.",
        "vi": "{areas} lĩnh vực, {criteria} tiêu chí; đạt khi điểm từ {threshold} và mọi tiêu chí bắt buộc đều đáp ứng.",
        "fr": "{areas} domaines, {criteria} critères ; prête à partir de {threshold} si chaque critère bloquant est rempli.",
    },
    # evidence kinds
    "plan": {"en": "plan", "vi": "kế hoạch", "fr": "plan"},
    "policy": {"en": "policy", "vi": "chính sách", "fr": "politique"},
    "forum": {"en": "forum", "vi": "diễn đàn", "fr": "forum"},
    "event": {"en": "event", "vi": "sự kiện", "fr": "événement"},
    "programme": {"en": "programme", "vi": "chương trình", "fr": "programme"},
    "statistic": {"en": "statistic", "vi": "số liệu thống kê", "fr": "statistique"},
    "structure": {"en": "structure", "vi": "cơ cấu tổ chức", "fr": "structure"},
    "partnership": {"en": "partnership", "vi": "quan hệ đối tác", "fr": "partenariat"},
    "funding": {"en": "funding", "vi": "kinh phí", "fr": "financement"},
    "report": {"en": "report", "vi": "báo cáo", "fr": "rapport"},
    "media": {"en": "media", "vi": "truyền thông", "fr": "médias"},
    "letter": {"en": "letter", "vi": "văn bản, thư", "fr": "lettre"},
    # profile checks
    "present": {"en": "present", "vi": "có giá trị", "fr": "renseigné"},
    "figure": {"en": "figure with its year", "vi": "số liệu kèm năm", "fr": "chiffre avec son année"},
    "text": {"en": "text", "vi": "văn bản", "fr": "texte"},
    "ratings": {"en": "rated 1-5", "vi": "chấm điểm 1-5", "fr": "noté de 1 à 5"},
}


def label(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (English if missing), with ``{n}``-style values filled in."""
    texts = LABELS[key]
    return texts.get(lang, texts["en"]).format(**values)
