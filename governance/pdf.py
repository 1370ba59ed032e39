"""PDF documents in Chinese: the CJK font the portal ships (WenQuanYi Micro Hei, Apache-2.0
or GPL-3 with the font exception; see fonts/wqy-microhei-LICENSE.txt), registered once."""

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
CJK_FONT = "WenQuanYiMicroHei"


@cache
def cjk_font():
    """The name of a registered font covering Chinese (embedded, subset, in every PDF)."""
    pdfmetrics.registerFont(TTFont(CJK_FONT, str(FONT_FILE), subfontIndex=0))
    return CJK_FONT
