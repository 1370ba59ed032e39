from django.utils import translation

from governance.masking import mask_mobile, mask_name


def test_mobile_numbers_keep_the_first_three_and_last_four_digits():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_mobile("") == ""
    assert mask_mobile("12345") == "*****"


def test_names_keep_only_the_surname():
    with translation.override("zh-hans"):
        assert mask_name("张建国") == "张某"
        assert mask_name("欧阳娜娜") == "欧阳某"
        assert mask_name("欧阳") == "欧某"  # a given name 阳, not the surname 欧阳
    assert mask_name("  ") == ""
