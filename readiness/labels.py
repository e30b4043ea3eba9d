"""The tool's own words in English, Vietnamese and French.

Framework texts carry their own translations; these are the labels readiness itself prints
around them. A language without a label falls back to English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from readiness.text import in_language

LABELS: dict[str, dict[str, str]] = {
    "evidence": {"en": "evidence", "vi": "minh chứng", "fr": "preuves"},
    "city profile": {"en": "city profile", "vi": "thông tin thành phố", "fr": "profil de la ville"},
    "or": {"en": "or", "vi": "hoặc", "fr": "ou"},
    "min_count": {"en": "{n} records or more", "vi": "từ {n} minh chứng trở lên", "fr": "{n} pièces ou plus"},
    "max_age": {"en": "within {n} years", "vi": "trong vòng {n} năm", "fr": "de moins de {n} ans"},
    "file attached": {"en": "file attached", "vi": "có tệp đính kèm", "fr": "fichier joint"},
    "verified": {"en": "verified", "vi": "đã xác minh", "fr": "vérifiée"},
    "max_words": {"en": "at most {n} words", "vi": "tối đa {n} từ", "fr": "{n} mots au plus"},
    "data_age": {
        "en": "data within {n} years",
        "vi": "số liệu trong vòng {n} năm",
        "fr": "données de moins de {n} ans",
    },
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
        "vi": "{areas} lĩnh vực, {criteria} tiêu chí; đạt khi điểm từ "
              "{threshold} và mọi tiêu chí bắt buộc đều đáp ứng.",
        "fr": "{areas} domaines, {criteria} critères ; prête à partir de "
              "{threshold} si chaque critère bloquant est rempli.",
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
    # scoring: statuses and verdicts
    "met": {"en": "met", "vi": "đạt", "fr": "rempli"},
    "partial": {"en": "partial", "vi": "đạt một phần", "fr": "partiel"},
    "missing": {"en": "missing", "vi": "chưa có", "fr": "manquant"},
    "stale": {"en": "stale", "vi": "quá cũ", "fr": "périmé"},
    "unverified": {"en": "unverified", "vi": "chưa xác minh", "fr": "non vérifié"},
    "not_applicable": {"en": "not applicable", "vi": "không áp dụng", "fr": "sans objet"},
    "ready": {"en": "ready", "vi": "sẵn sàng", "fr": "prête"},
    "ready_with_gaps": {"en": "ready with gaps", "vi": "sẵn sàng, còn thiếu sót", "fr": "prête avec des lacunes"},
    "not_ready": {"en": "not ready", "vi": "chưa sẵn sàng", "fr": "pas prête"},
    "sent": {"en": "sent to the National Commission", "vi": "đã gửi Ủy ban Quốc gia UNESCO",
             "fr": "envoyée à la Commission nationale"},
    "endorsed": {"en": "endorsed by the National Commission", "vi": "đã được Ủy ban Quốc gia UNESCO xác nhận",
                 "fr": "approuvée par la Commission nationale"},
    "member": {"en": "member of the network", "vi": "thành viên Mạng lưới", "fr": "membre du réseau"},
    "not_eligible": {"en": "not eligible", "vi": "chưa đủ điều kiện", "fr": "non éligible"},
    "own_threshold": {"en": "(our threshold, not UNESCO's)",
                      "vi": "(ngưỡng do chúng tôi đặt, không phải của UNESCO)",
                      "fr": "(notre seuil, pas celui de l'UNESCO)"},
    "own_threshold_inline": {"en": ", our threshold, not UNESCO's",
                             "vi": ", ngưỡng do chúng tôi đặt, không phải của UNESCO",
                             "fr": ", notre seuil, pas celui de l'UNESCO"},
    "own_rule_inline": {"en": ", our rule, not UNESCO's",
                        "vi": ", quy tắc do chúng tôi đặt, không phải của UNESCO",
                        "fr": ", notre règle, pas celle de l'UNESCO"},
    "own_rule": {"en": "(our rule, not UNESCO's)",
                 "vi": "(quy tắc do chúng tôi đặt, không phải của UNESCO)",
                 "fr": "(notre règle, pas celle de l'UNESCO)"},
    "own_indicator": {"en": "our proxy, not a UNESCO measurement",
                      "vi": "chỉ số đại diện do chúng tôi chọn, không phải thước đo của UNESCO",
                      "fr": "notre indicateur indirect, pas une mesure de l'UNESCO"},
    "waits_for": {"en": "due once {field} is set", "vi": "chỉ xét khi đã có {field}",
                  "fr": "dû une fois {field} renseigné"},
    "evidence_since": {"en": "evidence from {date} on (since membership)",
                       "vi": "chỉ tính minh chứng từ {date} (từ khi là thành viên)",
                       "fr": "pièces à partir du {date} (depuis l'adhésion)"},
    "eligibility": {"en": "eligibility", "vi": "điều kiện tham gia", "fr": "éligibilité"},
    "rule.member_months": {"en": "members of the network for more than {months} months",
                           "vi": "thành viên Mạng lưới trên {months} tháng",
                           "fr": "membres du réseau depuis plus de {months} mois"},
    "rule.winner_wait": {"en": "past winners wait {years} years", "vi": "thành phố đã đoạt giải phải chờ {years} năm",
                         "fr": "les lauréats attendent {years} ans"},
    "rule.since_membership": {"en": "only progress since joining counts: evidence dated before member_since does not",
                              "vi": "chỉ tính tiến bộ từ khi gia nhập: minh chứng trước member_since không được tính",
                              "fr": "seuls les progrès depuis l'adhésion comptent"},
    "eligible": {"en": "eligible", "vi": "đủ điều kiện", "fr": "éligible"},
    "no score": {"en": "no score", "vi": "chưa có điểm", "fr": "pas de score"},
    "as of": {"en": "as of", "vi": "tính đến ngày", "fr": "au"},
    "line.score": {"en": "score {score} (ready at {threshold})", "vi": "điểm {score} (đạt khi từ {threshold})",
                   "fr": "score {score} (prête à {threshold})"},
    "line.met": {"en": "criteria met {met} of {applicable} ({share})",
                 "vi": "tiêu chí đạt {met}/{applicable} ({share})",
                 "fr": "critères remplis {met} sur {applicable} ({share})"},
    "line.na": {"en": "{n} not applicable", "vi": "{n} không áp dụng", "fr": "{n} sans objet"},
    "line.verdict": {"en": "verdict", "vi": "kết luận", "fr": "verdict"},
    "line.blocking": {
        "en": "blocking unmet",
        "vi": "tiêu chí bắt buộc chưa đạt",
        "fr": "critères bloquants non remplis",
    },
    "col.area": {"en": "AREA / CRITERION", "vi": "LĨNH VỰC / TIÊU CHÍ", "fr": "DOMAINE / CRITÈRE"},
    "col.status": {"en": "STATUS", "vi": "TRẠNG THÁI", "fr": "STATUT"},
    "col.coverage": {"en": "COVERAGE", "vi": "MỨC ĐÁP ỨNG", "fr": "COUVERTURE"},
    "col.counted": {"en": "COUNTED", "vi": "MINH CHỨNG ĐƯỢC TÍNH", "fr": "PIÈCES COMPTÉES"},
    "col.priority": {"en": "PRIORITY", "vi": "ƯU TIÊN", "fr": "PRIORITÉ"},
    "col.criterion": {"en": "CRITERION", "vi": "TIÊU CHÍ", "fr": "CRITÈRE"},
    "col.todo": {"en": "WHAT IS MISSING AND WHAT TO DO", "vi": "CÒN THIẾU GÌ VÀ CẦN LÀM GÌ",
                 "fr": "CE QUI MANQUE ET QUOI FAIRE"},
    "col.city": {"en": "CITY", "vi": "THÀNH PHỐ", "fr": "VILLE"},
    "col.framework": {"en": "FRAMEWORK", "vi": "BỘ TIÊU CHÍ", "fr": "RÉFÉRENTIEL"},
    "col.score": {"en": "SCORE", "vi": "ĐIỂM", "fr": "SCORE"},
    "col.met": {"en": "CRITERIA MET", "vi": "TIÊU CHÍ ĐẠT", "fr": "CRITÈRES REMPLIS"},
    "col.verdict": {"en": "VERDICT", "vi": "KẾT LUẬN", "fr": "VERDICT"},
    "col.blocking": {"en": "BLOCKING UNMET", "vi": "BẮT BUỘC CHƯA ĐẠT", "fr": "BLOQUANTS NON REMPLIS"},
    "col.unit": {"en": "UNIT", "vi": "ĐƠN VỊ", "fr": "UNITÉ"},
    "col.records": {"en": "RECORDS", "vi": "MINH CHỨNG", "fr": "PIÈCES"},
    "col.record": {"en": "RECORD", "vi": "MINH CHỨNG", "fr": "PIÈCE"},
    "col.kind": {"en": "KIND", "vi": "LOẠI", "fr": "TYPE"},
    "col.date": {"en": "DATE", "vi": "NGÀY", "fr": "DATE"},
    "col.record_status": {"en": "STATUS", "vi": "TÌNH TRẠNG", "fr": "STATUT"},
    "col.linked": {"en": "LINKED", "vi": "LIÊN KẾT", "fr": "LIEN"},
    "col.counts": {"en": "COUNTED?", "vi": "ĐƯỢC TÍNH?", "fr": "COMPTÉE ?"},
    "col.field": {"en": "FIELD", "vi": "MỤC", "fr": "CHAMP"},
    "col.ok": {"en": "OK", "vi": "ĐẠT", "fr": "OK"},
    "col.value": {"en": "VALUE / PROBLEM", "vi": "GIÁ TRỊ / VẤN ĐỀ", "fr": "VALEUR / PROBLÈME"},
    "col.until": {"en": "UNTIL", "vi": "ĐẾN NGÀY", "fr": "JUSQU'AU"},
    "col.title": {"en": "TITLE", "vi": "TÊN", "fr": "TITRE"},
    "col.runs_out": {"en": "RUNS OUT BY", "vi": "LÝ DO HẾT HẠN", "fr": "EXPIRE PAR"},
    "col.then": {"en": "THEN", "vi": "KHI ĐÓ", "fr": "ALORS"},
    "col.matched": {"en": "MATCHED WORDS", "vi": "TỪ KHỚP", "fr": "MOTS TROUVÉS"},
    "suggested": {"en": "suggested", "vi": "gợi ý", "fr": "suggéré"},
    "points": {"en": "+{n} pts", "vi": "+{n} điểm", "fr": "+{n} pts"},
    "draft framework": {"en": "draft framework: wording to be checked",
                        "vi": "bộ tiêu chí nháp: cần đối chiếu văn bản gốc",
                        "fr": "référentiel en brouillon : libellé à vérifier"},
    "no unit": {"en": "(no unit)", "vi": "(chưa có đơn vị)", "fr": "(sans unité)"},
    "by_unit_title": {"en": "{city} · {framework}: counting records by unit and area",
                      "vi": "{city} · {framework}: minh chứng được tính theo đơn vị và lĩnh vực",
                      "fr": "{city} · {framework} : pièces comptées par unité et domaine"},
    "areas": {"en": "areas", "vi": "lĩnh vực", "fr": "domaines"},
    "validity": {"en": "validity", "vi": "hiệu lực", "fr": "validité"},
    "age limit": {"en": "age limit", "vi": "giới hạn thời gian", "fr": "limite d'âge"},
    "still covered": {"en": "still covered", "vi": "vẫn đạt", "fr": "toujours couvert"},
    "yes": {"en": "yes", "vi": "có", "fr": "oui"},
    "no": {"en": "no", "vi": "không", "fr": "non"},
    "direct": {"en": "direct", "vi": "trực tiếp", "fr": "direct"},
    "counts": {"en": "counts", "vi": "được tính", "fr": "compte"},
    "counts_partly": {"en": "counts {share} until verified", "vi": "được tính {share} cho đến khi xác minh",
                      "fr": "compte pour {share} jusqu'à vérification"},
    "x.asks": {"en": "asks for", "vi": "yêu cầu", "fr": "demande"},
    "x.status": {"en": "status", "vi": "trạng thái", "fr": "statut"},
    "x.status_line": {"en": "{status}, coverage {coverage}, {points} points of the {framework} score",
                      "vi": "{status}, mức đáp ứng {coverage}, chiếm {points} điểm của {framework}",
                      "fr": "{status}, couverture {coverage}, {points} points du score {framework}"},
    "x.na": {"en": "not applicable", "vi": "không áp dụng", "fr": "sans objet"},
    "x.unlinked": {"en": "no record is linked to it, directly or through a crosswalk",
                   "vi": "chưa có minh chứng nào được liên kết, trực tiếp hay qua bảng đối chiếu",
                   "fr": "aucune pièce n'y est liée, directement ou par correspondance"},
    "x.todo": {"en": "to do", "vi": "cần làm", "fr": "à faire"},
    "x.no_value": {"en": "no value", "vi": "chưa có giá trị", "fr": "pas de valeur"},
    "x.words": {"en": "words: {counts} (the limit applies to {language} only)",
                "vi": "số từ: {counts} (giới hạn chỉ áp dụng cho bản {language})",
                "fr": "mots : {counts} (la limite ne s'applique qu'à la version {language})"},
    "x.year_unknown": {"en": "year unknown", "vi": "chưa rõ năm", "fr": "année inconnue"},
    "x.target_reached": {"en": "target reached", "vi": "đạt mục tiêu", "fr": "cible atteinte"},
    "x.target_missed": {"en": "target {target} not reached", "vi": "chưa đạt mục tiêu {target}",
                        "fr": "cible {target} non atteinte"},
    "msg.no_gaps": {"en": "no gaps: every applicable criterion of {city} is met",
                    "vi": "không còn thiếu sót: mọi tiêu chí áp dụng của {city} đều đạt",
                    "fr": "aucune lacune : chaque critère applicable de {city} est rempli"},
    "msg.gaps": {"en": "{n} gap(s); explain one with: readiness score --city {city} --explain {criterion}",
                 "vi": "{n} thiếu sót; xem chi tiết: readiness score --city {city} --explain {criterion} --lang vi",
                 "fr": "{n} lacune(s) ; détail : readiness score --city {city} --explain {criterion}"},
    "msg.nothing_due": {"en": "nothing runs out between {start} and {end}",
                        "vi": "không có minh chứng nào hết hạn từ {start} đến {end}",
                        "fr": "rien n'expire entre le {start} et le {end}"},
    "msg.due": {"en": "{n} record-criterion pair(s) run out by {end}; {falling} criterion(s) would fall",
                "vi": "{n} cặp minh chứng - tiêu chí hết hạn trước {end}; {falling} tiêu chí sẽ không còn đạt",
                "fr": "{n} couple(s) pièce-critère expirent d'ici le {end} ; {falling} critère(s) tomberaient"},
    "fresh": {"en": "fresh", "vi": "còn mới", "fr": "à jour"},
    "met_of": {"en": "{met}/{applicable} met", "vi": "đạt {met}/{applicable}", "fr": "{met}/{applicable} remplis"},
    "owner": {"en": "owner", "vi": "đơn vị phụ trách", "fr": "responsable"},
    "and": {"en": "and", "vi": "và", "fr": "et"},
    "within_year": {"en": "within a year", "vi": "trong vòng 1 năm", "fr": "de moins d'un an"},
    "within_years": {"en": "within {n} years", "vi": "trong vòng {n} năm", "fr": "de moins de {n} ans"},
    "last_year": {"en": "the last year", "vi": "1 năm gần đây", "fr": "la dernière année"},
    "last_years": {"en": "the last {n} years", "vi": "{n} năm gần đây", "fr": "les {n} dernières années"},
    # scoring: why a record does not count (evidence --explain)
    "why.rejected": {"en": "rejected", "vi": "bị từ chối", "fr": "rejetée"},
    "why.wrong_kind": {"en": "not a kind this criterion takes", "vi": "không đúng loại minh chứng tiêu chí yêu cầu",
                       "fr": "pas d'un type que ce critère accepte"},
    "why.future": {
        "en": "dated after the as-of date",
        "vi": "có ngày sau ngày tính điểm",
        "fr": "datée après la date de calcul",
    },
    "why.expired": {"en": "no longer valid", "vi": "đã hết hiệu lực", "fr": "n'est plus valide"},
    "why.undated": {"en": "has no date, and the criterion has an age limit",
                    "vi": "không có ngày, trong khi tiêu chí giới hạn thời gian",
                    "fr": "sans date, alors que le critère a une limite d'âge"},
    "why.too_old": {"en": "too old", "vi": "quá cũ", "fr": "trop ancienne"},
    "why.before_window": {"en": "dated before the city became a member; only progress since joining counts",
                          "vi": "có ngày trước khi thành phố là thành viên; chỉ tính tiến bộ từ khi gia nhập",
                          "fr": "antérieure à l'adhésion ; seuls les progrès depuis l'adhésion comptent"},
    "why.no_file": {"en": "no file attached", "vi": "chưa có tệp đính kèm", "fr": "aucun fichier joint"},
    "why.not_verified": {"en": "not verified, and the criterion asks for verified records",
                         "vi": "chưa được xác minh, trong khi tiêu chí yêu cầu minh chứng đã xác minh",
                         "fr": "non vérifiée, alors que le critère l'exige"},
    # scoring: gaps, each a problem and the action that closes it
    "reason.missing": {
        "en": "no {kinds} record: add one and link it to {ref}",
        "vi": "chưa có minh chứng loại {kinds}: bổ sung và liên kết với {ref}",
    },
    "reason.missing_recent": {
        "en": "no {kinds} record from {last}: add one and link it to {ref}",
        "vi": "chưa có minh chứng loại {kinds} trong {last}: bổ sung và liên kết với {ref}",
    },
    "reason.need_more": {
        "en": "{have} of the {need} {kinds} records it asks for: add {more} more",
        "vi": "mới có {have}/{need} minh chứng loại {kinds} theo yêu cầu: bổ sung thêm {more}",
    },
    "reason.waiting": {
        "en": "{records} wait for verification: a reviewer checks them (readiness evidence verify)",
        "vi": "{records} đang chờ xác minh: người thẩm định kiểm tra (readiness evidence verify)",
    },
    "reason.link_existing": {
        "en": "{record} ({kind}, {date}) is linked only to the area and would count "
              "here: link it (readiness evidence link {record} {ref})",
        "vi": "{record} ({kind}, {date}) mới liên kết với lĩnh vực và đáp ứng tiêu chí "
              "này: liên kết (readiness evidence link {record} {ref})",
    },
    "reason.stale": {
        "en": "latest {kinds} record ({record}) is from {date}; the criterion asks for one {within}: add a newer one",
        "vi": "minh chứng loại {kinds} mới nhất ({record}) có từ {date}; tiêu chí "
              "yêu cầu {within}: bổ sung minh chứng mới hơn",
    },
    "reason.expired": {
        "en": "{record} was valid until {date}: add the current one",
        "vi": "{record} chỉ có hiệu lực đến {date}: bổ sung văn bản còn hiệu lực",
    },
    "reason.undated": {
        "en": "{record} has no date and the criterion asks for records {within}: give its "
              "date (readiness evidence edit {record} --start ...)",
        "vi": "{record} chưa có ngày, trong khi tiêu chí yêu cầu minh chứng {within}: bổ "
              "sung ngày (readiness evidence edit {record} --start ...)",
    },
    "reason.no_file": {
        "en": "{record} has no file attached: attach the document (readiness evidence attach {record} FILE)",
        "vi": "{record} chưa có tệp đính kèm: đính kèm văn bản (readiness evidence attach {record} TỆP)",
    },
    "reason.future": {
        "en": "{record} is dated after {as_of} and does not count on that day",
        "vi": "{record} có ngày sau {as_of} nên chưa được tính vào ngày đó",
    },
    "reason.before_window": {
        "en": "{record} is dated before {since}, when the city joined; only progress since joining counts",
        "vi": "{record} có ngày trước {since}, ngày thành phố gia nhập; chỉ tính tiến bộ từ khi gia nhập",
    },
    "reason.not_member": {
        "en": "the city is not a member of the network (member_since is not set); only members may be nominated",
        "vi": "thành phố chưa là thành viên Mạng lưới (chưa nhập member_since); chỉ thành viên mới được đề cử",
    },
    "reason.member_too_recent": {
        "en": "member since {since}: only members of more than {months} months may be nominated "
              "(eligible from {eligible_from})",
        "vi": "là thành viên từ {since}: chỉ thành viên trên {months} tháng mới được đề cử "
              "(đủ điều kiện từ ngày {eligible_from})",
    },
    "reason.past_winner": {
        "en": "won the Award in {year}; past winners wait {years} years (eligible again from {eligible_from})",
        "vi": "đã nhận Giải thưởng năm {year}; thành phố đã đoạt giải phải chờ {years} năm "
              "(đủ điều kiện lại từ năm {eligible_from})",
    },
    "reason.wrong_kind": {
        "en": "{record} is of kind {kind}; this criterion takes {kinds}: link a matching record instead",
        "vi": "{record} là minh chứng loại {kind}; tiêu chí này cần loại {kinds}: liên kết minh chứng phù hợp",
    },
    "reason.rejected": {
        "en": "{record} was rejected ({why}): correct it and submit it again",
        "vi": "{record} bị từ chối ({why}): chỉnh sửa và nộp lại",
    },
    "reason.field_missing": {
        "en": "{field} is not set: readiness city set \"{city}\" {field} ...",
        "vi": "chưa nhập {field}: readiness city set \"{city}\" {field} ...",
    },
    "reason.too_long": {
        "en": "{field} ({language}) has {words} words; the form allows {max}: shorten it",
        "vi": "{field} ({language}) có {words} từ; mẫu đơn cho phép tối đa {max}: rút gọn lại",
    },
    "reason.no_lang": {
        "en": "{field} has no text in {language}, the language of communication: add it "
              "(readiness city set \"{city}\" {field} --lang {language} ...)",
        "vi": "{field} chưa có bản {language}, ngôn ngữ liên lạc: bổ sung (readiness "
              "city set \"{city}\" {field} --lang {language} ...)",
    },
    "reason.old_figure": {
        "en": "{field} is from {year}; the criterion asks for data {within}: update it",
        "vi": "{field} là số liệu năm {year}; tiêu chí yêu cầu số liệu {within}: cập nhật",
    },
    "reason.unrated": {
        "en": "not rated yet: {topics} (readiness city set \"{city}\" challenge.TOPIC 1-5)",
        "vi": "chưa chấm điểm: {topics} (readiness city set \"{city}\" challenge.CHU_DE 1-5)",
    },
    "reason.indicator_missing": {
        "en": "indicator {indicator} has no value: add a statistic record that reports it",
        "vi": "chỉ số {indicator} chưa có giá trị: bổ sung minh chứng số liệu thống kê có chỉ số này",
    },
    "reason.indicator_stale": {
        "en": "indicator {indicator} has no value since {year}: add a newer one",
        "vi": "chỉ số {indicator} không có giá trị mới từ năm {year}: bổ sung số liệu mới hơn",
    },
}


# The same problems said in plain words, for documents a person reads (the dossier): the
# terminal's texts above name the command that closes a gap; a printed page names the action.
PLAIN: dict[str, dict[str, str]] = {
    "waiting": {"en": "{records} wait for a reviewer to verify them",
                "vi": "{records} đang chờ người thẩm định xác minh"},
    "link_existing": {"en": "{record} ({kind}, {date}) is linked only to the area and would count here: "
                            "link it to this criterion",
                      "vi": "{record} ({kind}, {date}) mới liên kết với lĩnh vực và đáp ứng tiêu chí này: "
                            "liên kết minh chứng với tiêu chí"},
    "undated": {"en": "{record} has no date and the criterion asks for records {within}: give its date",
                "vi": "{record} chưa có ngày, trong khi tiêu chí yêu cầu minh chứng {within}: bổ sung ngày"},
    "no_file": {"en": "{record} has no file attached: attach the document",
                "vi": "{record} chưa có tệp đính kèm: đính kèm văn bản"},
    "field_missing": {"en": "{field} is not set in the city profile: fill it in",
                      "vi": "chưa nhập {field} trong thông tin thành phố: bổ sung"},
    "no_lang": {"en": "{field} has no text in {language}, the language of communication: add it",
                "vi": "{field} chưa có bản {language}, ngôn ngữ liên lạc: bổ sung"},
    "unrated": {"en": "not rated yet: {topics}; rate each from 1 to 5",
                "vi": "chưa chấm điểm: {topics}; chấm mỗi chủ đề từ 1 đến 5"},
    "indicator_undated": {"en": "indicator {indicator} has a value whose year is unknown: give the year of its data",
                          "vi": "chỉ số {indicator} có giá trị chưa rõ năm: bổ sung năm của số liệu"},
}


def label(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (English if missing), with ``{n}``-style values filled in."""
    return in_language(LABELS[key], lang).format(**values)


RECORD_STATUS: dict[str, dict[str, str]] = {
    "draft": {"en": "draft", "vi": "nháp", "fr": "brouillon"},
    "submitted": {"en": "submitted", "vi": "đã nộp", "fr": "soumise"},
    "verified": {"en": "verified", "vi": "đã xác minh", "fr": "vérifiée"},
    "rejected": {"en": "rejected", "vi": "bị từ chối", "fr": "rejetée"},
}
"""A record's review status. Kept apart from LABELS, where "verified" is a criterion's requirement."""


def record_status(status: str, lang: str) -> str:
    """A record's review status (draft, submitted, verified, rejected) in ``lang``; unknown ones as they are."""
    return in_language(RECORD_STATUS.get(status), lang) or status


def join_words(items: list, lang: str, conjunction: str = "and") -> str:
    """"HN-0012 and HN-0019", "a, b and c"; in Vietnamese "a, b và c"."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {label(conjunction, lang)} {words[-1]}"


class Coded(Protocol):
    """A problem as the engine states it: a code (``reason.CODE`` here) and the values it names."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> Mapping[str, Any]: ...


def reason_text(reason: Coded, lang: str = "en", *, plain: bool = False, **known: Any) -> str:
    """A scoring reason (a gap's problem, a profile field's) said in ``lang``.

    Lists become "a, b and c"; framework texts (a dict per language) the one in ``lang``; kinds
    their names, joined with "or"; ``years`` gives ``within`` ("within 2 years") and ``last``.
    ``known`` are values the reason may name without carrying them (``city``: a profile field's
    problem names the city whose profile lacks it); the reason's own values come first. ``plain``
    says it without command lines (``PLAIN``), for a printed document.
    """
    params = {**known, **reason.params}

    def say(v: Any) -> Any:
        if isinstance(v, list):
            return join_words(v, lang)
        if isinstance(v, dict):  # a framework text in several languages
            return in_language(v, lang)
        return v

    values = {k: say(v) for k, v in params.items()}
    years = params.get("years")
    if years is not None:
        values["within"] = label("within_years", lang, n=years) if years != "1" else label("within_year", lang)
        values["last"] = label("last_years", lang, n=years) if years != "1" else label("last_year", lang)
    if "kinds" in params:
        values["kinds"] = join_words([label(k, lang) for k in params["kinds"]], lang, "or")
    if "kind" in params:
        values["kind"] = label(params["kind"], lang)
    if plain:
        code = reason.code
        if code == "indicator_stale" and params.get("year") in (None, "?"):
            code = "indicator_undated"  # the engine's "since ?": a value with no year
        if code in PLAIN:
            return in_language(PLAIN[code], lang).format(**values)
    return label(f"reason.{reason.code}", lang, **values)


# The dossier's own words (``d.`` keys), English and Vietnamese.
DOSSIER: dict[str, dict[str, str]] = {
    "title": {
        "en": "Learning city readiness dossier",
        "vi": "Hồ sơ đánh giá mức độ sẵn sàng xây dựng thành phố học tập",
    },
    "subtitle": {"en": "Application to the UNESCO Global Network of Learning Cities",
                 "vi": "Hồ sơ đăng ký gia nhập Mạng lưới thành phố học tập toàn cầu của UNESCO"},
    "sample": {"en": "Made from sample data: not an application.",
               "vi": "Lập từ dữ liệu mẫu: không phải hồ sơ đăng ký thật."},
    "draft_framework": {"en": "Framework wording is a draft, to be checked against UNESCO's text.",
                        "vi": "Câu chữ của bộ tiêu chí là bản nháp, cần đối chiếu với văn bản của UNESCO."},
    "country": {"en": "Country", "vi": "Quốc gia"},
    "frameworks": {"en": "Frameworks", "vi": "Bộ tiêu chí"},
    "as_of": {"en": "Scored as of", "vi": "Tính điểm đến ngày"},
    "made": {"en": "Made on", "vi": "Ngày lập"},
    "fingerprint": {"en": "Fingerprint of the evidence register (SHA-256)",
                    "vi": "Dấu vân tay của danh mục minh chứng (SHA-256)"},
    "fingerprint_note": {"en": "The same evidence gives the same fingerprint: computed again from the workspace, it "
                               "confirms which state of the evidence this dossier shows.",
                         "vi": "Cùng một bộ minh chứng cho cùng một dấu vân tay: tính lại từ dữ liệu để xác nhận "
                               "trạng thái minh chứng mà hồ sơ thể hiện."},
    "contents": {"en": "Contents", "vi": "Mục lục"},
    "summary": {"en": "Summary", "vi": "Tóm tắt"},
    "verdict": {"en": "Verdict", "vi": "Kết luận"},
    "score": {"en": "Score", "vi": "Điểm"},
    "met": {"en": "Criteria met", "vi": "Tiêu chí đạt"},
    "threshold": {"en": "ready at", "vi": "đạt khi từ"},
    "coverage_by_area": {"en": "Coverage by area", "vi": "Mức đáp ứng theo lĩnh vực"},
    "by_kind": {"en": "Evidence by kind", "vi": "Minh chứng theo loại"},
    "by_year": {"en": "Evidence by year", "vi": "Minh chứng theo năm"},
    "records": {"en": "Records", "vi": "Số minh chứng"},
    "kind": {"en": "Kind", "vi": "Loại"},
    "year": {"en": "Year", "vi": "Năm"},
    "undated": {"en": "undated", "vi": "không rõ năm"},
    "blocking_gaps": {"en": "Blocking gaps", "vi": "Thiếu sót ở tiêu chí bắt buộc"},
    "none": {"en": "None.", "vi": "Không có."},
    "form": {"en": "The application form's answers", "vi": "Nội dung mẫu đơn đăng ký"},
    "profile": {"en": "City profile", "vi": "Thông tin cơ bản của thành phố"},
    "field": {"en": "Item", "vi": "Mục"},
    "value": {"en": "Value", "vi": "Giá trị", "fr": "Valeur"},
    "data_year": {"en": "Data year", "vi": "Năm số liệu"},
    "not_set": {"en": "not set", "vi": "chưa nhập"},
    "words": {"en": "{n} words of {max} allowed", "vi": "{n} từ / tối đa {max} từ"},
    "over_limit": {"en": "over the limit", "vi": "vượt giới hạn"},
    "words_info": {"en": "{n} words, for information: the limit of {max} applies to the {language} version",
                   "vi": "{n} từ, để tham khảo: giới hạn {max} từ áp dụng cho bản {language}"},
    "challenges": {"en": "Challenges (rated 1 to 5)", "vi": "Các thách thức (chấm từ 1 đến 5)"},
    "pledge_state": {"en": "The mayor's pledge and the National Commission's endorsement",
                     "vi": "Cam kết của Chủ tịch UBND và xác nhận của Ủy ban Quốc gia UNESCO"},
    "criteria_evidence": {"en": "Criteria and evidence", "vi": "Tiêu chí và minh chứng"},
    "criterion": {"en": "Criterion", "vi": "Tiêu chí"},
    "status": {"en": "Status", "vi": "Trạng thái"},
    "coverage": {"en": "Coverage", "vi": "Mức đáp ứng"},
    "counted": {"en": "Evidence that counts", "vi": "Minh chứng được tính"},
    "no_evidence": {"en": "No evidence counts yet.", "vi": "Chưa có minh chứng được tính."},
    "organiser": {"en": "Organiser", "vi": "Đơn vị tổ chức"},
    "source": {"en": "Source", "vi": "Nguồn"},
    "only_in": {"en": "only in {language}", "vi": "chỉ có bản {language}"},
    "verified_by_on": {"en": "verified by {who} on {date}", "vi": "đã xác minh: {who}, {date}"},
    "verified_by": {"en": "verified by {who}", "vi": "đã xác minh: {who}"},
    "verified_on": {"en": "verified on {date}", "vi": "đã xác minh {date}"},
    "gaps": {"en": "Gaps and action plan", "vi": "Thiếu sót và kế hoạch khắc phục"},
    "action": {"en": "What is missing and what to do", "vi": "Thiếu gì và cần làm gì"},
    "owner": {"en": "Owner", "vi": "Đơn vị phụ trách"},
    "suggested": {
        "en": "suggested: most active in this area",
        "vi": "đề xuất: đơn vị có nhiều minh chứng nhất trong lĩnh vực",
    },
    "gain": {"en": "Gain", "vi": "Điểm cộng"},
    "blocking": {"en": "blocking", "vi": "bắt buộc"},
    "applicability": {"en": "Criteria not applicable", "vi": "Tiêu chí không áp dụng"},
    "justification": {"en": "Justification", "vi": "Lý do"},
    "definitions": {"en": "How the numbers are defined", "vi": "Cách tính các chỉ số"},
    "register": {"en": "Appendix: evidence register", "vi": "Phụ lục: danh mục minh chứng"},
    "attachments": {"en": "Attached files", "vi": "Tệp đính kèm"},
    "embedded": {"en": "embedded in this PDF", "vi": "đính kèm trong tệp PDF này"},
    "not_embedded": {"en": "not embedded", "vi": "không đính kèm"},
    "page": {"en": "Page", "vi": "Trang"},
    "of": {"en": "of", "vi": "/"},
    "n_more": {"en": "{n} more", "vi": "{n} minh chứng khác", "fr": "{n} autres"},
    "and_more": {"en": "… and {n} more records count here; the register lists them all.",
                 "vi": "… và {n} minh chứng khác được tính ở đây; danh mục minh chứng liệt kê đầy đủ."},
    "photo_taken": {"en": "photo taken {taken}", "vi": "ảnh chụp {taken}", "fr": "photo prise le {taken}"},
    "photo_far_before": {
        "en": "Photo {name} was taken on {taken}, {days} days before the record's dates ({dates}; more than "
              "{far} days apart): check that it shows this activity.",
        "vi": "Ảnh {name} được chụp {taken}, trước thời gian của minh chứng ({dates}) {days} ngày (cách quá "
              "{far} ngày): kiểm tra ảnh có đúng là của hoạt động này không.",
    },
    "photo_far_after": {
        "en": "Photo {name} was taken on {taken}, {days} days after the record's dates ({dates}; more than "
              "{far} days apart): check that it shows this activity.",
        "vi": "Ảnh {name} được chụp {taken}, sau thời gian của minh chứng ({dates}) {days} ngày (cách quá "
              "{far} ngày): kiểm tra ảnh có đúng là của hoạt động này không.",
    },
    "embedded_as": {"en": "embedded as “{name}”", "vi": "đính kèm với tên “{name}”", "fr": "joint sous « {name} »"},
    "more_problems": {"en": "… and {n} more records in the same cases",
                      "vi": "… và {n} minh chứng khác trong các trường hợp tương tự"},
    "compact_register": {"en": "{n} records, one line each: id, kind, date, status, title; each file with its size and "
                                "SHA-256 under its record.",
                         "vi": "{n} minh chứng, mỗi minh chứng một dòng: mã, loại, ngày, trạng thái, tên; mỗi tệp "
                               "kèm dung lượng và SHA-256 dưới minh chứng của nó."},
    "rejected_annex": {"en": "Records rejected by a reviewer", "vi": "Minh chứng bị từ chối"},
    "rejected_note": {"en": "Not counted anywhere in this dossier and their files are not embedded.",
                      "vi": "Không được tính ở bất kỳ phần nào của hồ sơ; tệp đính kèm không được đưa vào."},
    "rejected_because": {"en": "rejected: {why}", "vi": "bị từ chối: {why}"},
    # the application (the form's words, in its languages of communication: English and French)
    "app_title": {"en": "Membership application for the UNESCO Global Network of Learning Cities (GNLC)",
                  "fr": "Demande d'adhésion au Réseau mondial UNESCO des villes apprenantes (GNLC)",
                  "vi": "Đơn đăng ký gia nhập Mạng lưới thành phố học tập toàn cầu của UNESCO (GNLC)"},
    "part1": {"en": "Part 1 (to be filled in by the city)", "fr": "Partie 1 (à remplir par la ville)"},
    "your_city": {"en": "Your city", "fr": "Votre ville"},
    "city_name": {"en": "Name of city", "fr": "Nom de la ville"},
    "f_country": {"en": "Country", "fr": "Pays"},
    "f_website": {"en": "Official city website", "fr": "Site web officiel de la ville"},
    "mayor": {"en": "Mayor", "fr": "Maire"},
    "salutation": {"en": "Salutation", "fr": "Civilité"},
    "full_name": {"en": "Full name", "fr": "Nom complet"},
    "exact_title": {"en": "Exact official title", "fr": "Titre officiel exact"},
    "contact": {"en": "Contact person for the UNESCO Global Network of Learning Cities",
                "fr": "Personne de contact pour le Réseau mondial UNESCO des villes apprenantes"},
    "organisation": {"en": "Organization (if other than municipality)",
                     "fr": "Organisation (si autre que la municipalité)"},
    "postal_address": {"en": "Postal address", "fr": "Adresse postale"},
    "postcode": {"en": "Postcode", "fr": "Code postal"},
    "telephone": {"en": "Telephone number (including country code)",
                  "fr": "Numéro de téléphone (avec l'indicatif du pays)"},
    "email": {"en": "Email address", "fr": "Adresse électronique"},
    "f_language": {"en": "Language of communication", "fr": "Langue de communication"},
    "language_en": {"en": "English", "fr": "anglais"},
    "language_fr": {"en": "French", "fr": "français"},
    "pledge": {"en": "Pledge", "fr": "Engagement"},
    "pledge_text": {
        "en": "The City of {city} hereby applies to join the UNESCO Global Network of Learning Cities. With this "
              "application, the city pledges to work towards the objectives and activities of the network by "
              "adopting its key documents, the Beijing Declaration on Building Learning Cities and the Key "
              "Features of Learning Cities.",
        "fr": "La ville de {city} demande par la présente à rejoindre le Réseau mondial UNESCO des villes "
              "apprenantes. Par cette demande, la ville s'engage à contribuer aux objectifs et aux activités du "
              "réseau en adoptant ses documents clés, la Déclaration de Beijing sur la construction de villes "
              "apprenantes et les Caractéristiques clés des villes apprenantes."},
    "date_line": {"en": "Date", "fr": "Date"},
    "mayor_signature": {"en": "Mayor's signature and official stamp", "fr": "Signature du maire et cachet officiel"},
    "profile_title": {"en": "Your city profile", "fr": "Profil de votre ville"},
    "data": {"en": "Data", "fr": "Données"},
    "data_year_col": {"en": "Year", "fr": "Année"},
    "motivation_q": {"en": "What is your motivation for adopting the learning city concept? Your city's social "
                           "context and motivation for becoming a learning city (200 words at most).",
                     "fr": "Quelle est votre motivation pour adopter le concept de ville apprenante ? Le contexte "
                           "social de votre ville et sa motivation pour devenir une ville apprenante (200 mots au "
                           "plus)."},
    "implementation_q": {"en": "How does your city implement or plan to implement the learning city concept? Its "
                               "actions, with links to reports (200 words at most).",
                         "fr": "Comment votre ville met-elle en œuvre, ou prévoit-elle de mettre en œuvre, le concept "
                               "de ville apprenante ? Ses actions, avec des liens vers des rapports (200 mots au "
                               "plus)."},
    "cited_links": {"en": "Links cited", "fr": "Liens cités"},
    "reports": {"en": "Reports (see the annex)", "fr": "Rapports (voir l'annexe)"},
    "challenges_q": {"en": "What challenges do you face in your city?",
                     "fr": "Quels défis votre ville doit-elle relever ?"},
    "scale": {"en": "Each challenge is rated on a scale from 1 to 5, from 1 (a minor challenge) to 5 (a major "
                    "challenge).",
              "fr": "Chaque défi est noté sur une échelle de 1 à 5, de 1 (un défi mineur) à 5 (un défi majeur)."},
    "challenge": {"en": "Challenge", "fr": "Défi"},
    "rating": {"en": "Rating (1–5)", "fr": "Note (1–5)"},
    "part2": {"en": "Part 2: endorsement by the National Commission for UNESCO",
              "fr": "Partie 2 : approbation par la Commission nationale pour l'UNESCO"},
    "part2_note": {"en": "To be completed by the National Commission for UNESCO once the city has sent it this "
                         "application.",
                   "fr": "À remplir par la Commission nationale pour l'UNESCO une fois la demande reçue de la "
                         "ville."},
    "part2_text": {"en": "The National Commission for UNESCO of {country} endorses the application of the City of "
                         "{city} to join the UNESCO Global Network of Learning Cities.",
                   "fr": "La Commission nationale pour l'UNESCO de {country} approuve la demande de la ville de "
                         "{city} de rejoindre le Réseau mondial UNESCO des villes apprenantes."},
    "name_line": {"en": "Name", "fr": "Nom"},
    "title_line": {"en": "Title", "fr": "Titre"},
    "signature_stamp": {"en": "Signature and official stamp", "fr": "Signature et cachet officiel"},
    "annex": {"en": "Annex: supporting evidence", "fr": "Annexe : pièces justificatives"},
    "annex_note": {"en": "Each item with its reference, kind, date, organiser and source; each file with its size "
                         "and SHA-256 fingerprint, embedded in this PDF.",
                   "fr": "Chaque pièce avec sa référence, son type, sa date, son organisateur et sa source ; chaque "
                         "fichier avec sa taille et son empreinte SHA-256, joint à ce PDF."},
    "annex_not_embedded": {"en": "The files are listed with their SHA-256 fingerprint; this copy does not embed them.",
                           "fr": "Les fichiers sont listés avec leur empreinte SHA-256 ; cette copie ne les joint "
                                 "pas."},
    "annex_empty": {"en": "No supporting evidence is annexed.", "fr": "Aucune pièce justificative n'est annexée."},
    "hole": {"en": "to be completed", "fr": "à compléter"},
    "hole_unset": {"en": "not given", "fr": "non renseigné"},
    "hole_unrated": {"en": "not rated: rate it from 1 to 5", "fr": "non noté : notez-le de 1 à 5"},
    "draft_banner": {"en": "Draft: {n} item(s) the form requires are still to be completed; each is marked.",
                     "fr": "Brouillon : {n} élément(s) exigé(s) par le formulaire restent à compléter ; chacun est "
                           "signalé."},
    "app_fingerprint": {"en": "Fingerprint of the evidence this application was made from (SHA-256)",
                        "fr": "Empreinte des pièces dont cette demande est issue (SHA-256)"},
    "prepared": {"en": "Prepared on {date}", "fr": "Établi le {date}"},
    # the progress report
    "p_title": {"en": "Progress report of a member of the UNESCO Global Network of Learning Cities",
                "vi": "Báo cáo tiến độ của thành viên Mạng lưới thành phố học tập toàn cầu của UNESCO"},
    "p_window": {"en": "Progress from {since} to {until}", "vi": "Tiến độ từ {since} đến {until}"},
    "p_intro": {"en": "What the city did in this period, drawn from its evidence register: {n} record(s) dated in "
                      "the period. Evidence from before the period is not counted.",
                "vi": "Những việc thành phố đã làm trong giai đoạn này, lấy từ danh mục minh chứng: {n} minh chứng "
                      "có ngày trong giai đoạn. Minh chứng trước giai đoạn không được tính."},
    "p_draft": {"en": "Draft: records not yet verified are included, each marked.",
                "vi": "Bản nháp: có cả minh chứng chưa được xác minh, được đánh dấu."},
    "p_done": {"en": "What was done, by the six areas of the Guidelines for Building Learning Cities",
               "vi": "Những việc đã làm, theo sáu lĩnh vực của Hướng dẫn xây dựng thành phố học tập"},
    "p_count": {"en": "{n} record(s) in the period: {kinds}", "vi": "{n} minh chứng trong giai đoạn: {kinds}"},
    "p_none": {"en": "No record of this period.", "vi": "Chưa có minh chứng trong giai đoạn này."},
    "p_other": {"en": "Other activities (linked to no area of the Guidelines)",
                "vi": "Hoạt động khác (chưa gắn với lĩnh vực nào của Hướng dẫn)"},
    "p_figures": {"en": "Figures: indicator values and their change", "vi": "Số liệu: giá trị chỉ số và mức thay đổi"},
    "p_figures_note": {"en": "The latest value reported in the period, the latest before it, and the change.",
                       "vi": "Giá trị mới nhất trong giai đoạn, giá trị mới nhất trước giai đoạn và mức thay đổi."},
    "p_indicator": {"en": "Indicator", "vi": "Chỉ số"},
    "p_before": {"en": "Before the period", "vi": "Trước giai đoạn"},
    "p_latest": {"en": "In the period", "vi": "Trong giai đoạn"},
    "p_change": {"en": "Change", "vi": "Thay đổi"},
    "p_no_figures": {"en": "No indicator value was reported in the period.",
                     "vi": "Không có giá trị chỉ số nào trong giai đoạn."},
    "p_cases": {"en": "Case studies", "vi": "Điển hình"},
    "p_cases_note": {"en": "Records of the period the coordinator marked as case studies (tagged case-study).",
                     "vi": "Minh chứng trong giai đoạn được đầu mối chọn làm điển hình (nhãn case-study)."},
    "p_no_cases": {"en": "No record of the period is marked as a case study.",
                   "vi": "Chưa có minh chứng nào trong giai đoạn được chọn làm điển hình."},
    "p_words": {"en": "{n} words", "vi": "{n} từ"},
    "p_planned": {"en": "What is planned", "vi": "Kế hoạch sắp tới"},
    "p_planned_note": {"en": "Records dated after {day}.", "vi": "Minh chứng có ngày sau {day}."},
    "p_no_planned": {"en": "No record is dated after the period.",
                     "vi": "Không có minh chứng nào có ngày sau giai đoạn."},
    "p_register": {"en": "Annex: the evidence of this report", "vi": "Phụ lục: minh chứng của báo cáo"},
    "p_unverified": {"en": "not yet verified", "vi": "chưa xác minh"},
    "p_areas": {"en": "Areas", "vi": "Lĩnh vực"},
    "app_sample": {"en": "Made from sample data: not an application.",
                   "fr": "Établi à partir de données d'exemple : ce n'est pas une demande."},
}
