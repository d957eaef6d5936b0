"""What the public postal service (bưu chính công ích) is, as said to the citizen: by the postal request
(actions/postal.py) and by the answer about a dossier's delivery (actions/dossier.py)."""

from __future__ import annotations

# Said when a postal request starts (it also answers "gửi về nhà qua bưu điện được không") and when the
# citizen asks about the service itself in the middle of the form ("gửi bưu điện có mất phí không").
# Source: Quyết định 45/2016/QĐ-TTg of the Prime Minister (receiving dossiers and returning results of
# administrative procedures through the public postal service): the citizen pays the postal charge at the
# postal tariff, besides the procedure's own fee (uncertain: the article was not re-checked against later
# amendments).
SERVICE_INFO = (
    "Dạ, được ạ: qua dịch vụ bưu chính công ích, Bưu điện có thể đến nhận hồ sơ tại nhà để nộp giúp và "
    "chuyển trả kết quả giải quyết thủ tục hành chính về tận nhà (Quyết định 45/2016/QĐ-TTg). Cước dịch vụ "
    "do người dân trả theo bảng giá của bưu điện, ngoài phí, lệ phí của thủ tục (nếu có) ạ."
)
# The button that accepts an offer to have a result delivered (typed words: the form reads the service).
POSTAL_DELIVERY_PAYLOAD = "đăng ký bưu điện trả kết quả về nhà"
