"""Papers issued before the 2025 reorganisation of administrative units ("sáp nhập tỉnh rồi có phải đổi căn
cước không", "sổ đỏ ghi huyện Cái Bè cũ có phải làm lại không"): they stay valid, nobody may be made to
exchange them for the new names.

Since 1 July 2025 Đồng Tháp includes former Tiền Giang and districts are gone (Nghị quyết 202/2025/QH15,
1663/NQ-UBTVQH15): citizens ask whether their papers, which name the old province, district or commune,
must be redone. The answer is one rule for every paper (Điều 10 Nghị quyết 190/2025/QH15, applied to the
2025 reorganisation by Điều 14 Nghị quyết 76/2025/UBTVQH15), with the one exchange the law allows on
request (the identity card, điểm đ khoản 1 Điều 24 Luật Căn cước 2023).
"""

from __future__ import annotations

import re

from vietnam.text import fold

__all__ = ["asks_about_merger_papers", "merger_papers_answer"]

# The reorganisation, as citizens name it (folded): "sáp nhập", "sắp xếp lại", "đổi tên xã", "bỏ huyện",
# "tỉnh cũ", "Tiền Giang cũ", "địa chỉ cũ".
_MERGER = re.compile(
    r"\b(?:sap nhap|sat nhap|xap nhap|sap xep (?:lai|don vi|dvhc|tinh|xa)|hop nhat|nhap tinh|nhap xa"
    r"|doi ten (?:tinh|huyen|xa|phuong|thi tran|dia danh)|bo (?:cap )?huyen|khong con (?:cap )?huyen"
    r"|(?:tinh|huyen|xa|phuong|thi tran|thi xa|thanh pho|tien giang|dia chi|ten) cu(?! tru)"
    r"|(?:tinh|huyen|xa|phuong|thi tran|thi xa) (?:[a-z]+ ){1,3}cu(?! tru)"
    r"|dia gioi hanh chinh|don vi hanh chinh moi|nhap (?:vo|vao|voi|ve) (?:dong thap|tinh)"
    r"|(?:ghi|de|con ghi|in) (?:tinh )?tien giang|tien giang (?:nhap|sap nhap))\b"
)
# Whether the paper must be redone or is still good (folded).
_REDO = re.compile(
    r"\b(?:(?:co )?phai (?:di )?(?:doi|lam lai|cap doi|cap lai|dieu chinh|cap nhat)|doi lai|lam lai|cap doi"
    r"|con (?:gia tri|hieu luc|dung duoc|xai duoc|xai dc|dung dc|su dung duoc)|het (?:gia tri|hieu luc)"
    r"|co sao (?:khong|ko|hong|hok)|bi sao (?:khong|ko|hong)|co can doi|can doi (?:lai|khong|ko|hong)"
    r"|bat buoc doi|co bat buoc|(?:di )?dang ky lai|khai bao lai)\b"
)
# The paper lost or damaged ("sổ đỏ trôi mất luôn", "căn cước bị rách"): it is redone for that, whatever
# old place names the story gives ("nhà em ở xã Mỹ Xương cũ"); not "mất" alone ("mất mấy ngày").
_MISHAP = re.compile(
    r"\b(?:bi mat|lam mat|danh mat|danh roi|troi mat|mat luon|mat tieu|mat het|that lac|bi trom|bi cuop"
    r"|cuon troi|bi troi|troi luon|bi chay|chay mat|chay het|bi rach|rach nat|bi nat|hu hong|bi hu|bi uot"
    r"|khong tim thay|kiem khong ra|kiem hoai|tim hoai)\b"
)
_CARD = re.compile(r"\b(?:can cuoc|cccd|cmnd|chung minh nhan dan|the cc)\b")
_RESIDENCE = re.compile(r"\b(?:thuong tru|tam tru|ho khau|cu tru|noi o)\b")

_RULE = (
    "Dạ, giấy tờ đã được cấp trước khi sắp xếp đơn vị hành chính (thẻ căn cước, giấy khai sinh, giấy chứng "
    "nhận quyền sử dụng đất, giấy phép...) mà chưa hết thời hạn thì vẫn còn giá trị sử dụng cho đến khi hết "
    "hạn; anh/chị không phải làm lại hay cấp đổi chỉ vì tên tỉnh, huyện, xã đã thay đổi, và cơ quan nhà nước "
    "không được yêu cầu người dân cấp đổi, trừ trường hợp pháp luật có quy định khác (Điều 10 Nghị quyết "
    "190/2025/QH15; Điều 14 Nghị quyết 76/2025/UBTVQH15)."
)
_CARD_NOTE = (
    "Riêng thẻ căn cước: nếu anh/chị muốn thẻ ghi địa danh mới, anh/chị có thể tự nguyện đề nghị cấp đổi "
    "tại Công an xã, phường (điểm đ khoản 1 Điều 24 Luật Căn cước 2023); không đổi thì thẻ cũ vẫn dùng "
    "bình thường đến mốc tuổi phải đổi."
)


_RESIDENCE_NOTE = (
    "Riêng nơi thường trú, tạm trú: khi tên đơn vị hành chính thay đổi, cơ quan đăng ký cư trú tự điều "
    "chỉnh, cập nhật địa chỉ trong Cơ sở dữ liệu về cư trú, anh/chị không phải đăng ký lại (điểm c khoản 1 "
    "và khoản 3 Điều 26 Luật Cư trú 2020)."
)


def asks_about_merger_papers(question: str) -> bool:
    """Whether ``question`` asks if a paper naming the old units must be redone or is still valid (not when
    the paper was lost or damaged: that is why it is redone)."""
    folded = fold(question)
    return bool(_MERGER.search(folded)) and bool(_REDO.search(folded)) and not _MISHAP.search(folded)


def merger_papers_answer(question: str) -> str:
    """The rule for papers issued before the reorganisation, with the identity card's optional exchange
    when the question is about the card and the residence update when it is about the residence."""
    folded = fold(question)
    notes = [
        note
        for pattern, note in ((_CARD, _CARD_NOTE), (_RESIDENCE, _RESIDENCE_NOTE))
        if pattern.search(folded)
    ]
    return "\n".join([_RULE, *notes])
