"""One resource loader: every model file of the package is read through pipeline.resources."""
import ast
from pathlib import Path

import pytest

from pipeline.backends.gazetteer import Gazetteer
from pipeline.backends.person_names import load_surnames
from pipeline.errors import ResourceError
from pipeline.resources import read_lines, read_mapping, read_table, read_word_list, read_words, resolve
from pipeline.stages.keywords import load_idf
from pipeline.text.boilerplate import load_rules

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"


def test_resources_read_lines_skips_blank_and_comment_lines_and_keeps_line_numbers(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("\ufeff# 注释\n\n阿里巴巴\r\n  \n腾讯\u2028控股\n", encoding="utf-8")
    assert read_lines(path) == [(3, "阿里巴巴"), (5, "腾讯\u2028控股")]  # a BOM, CRLF; U+2028 is data
    assert read_word_list(path) == {"阿里巴巴", "腾讯\u2028控股"}


def test_resources_third_party_files_keep_hash_and_space_lines(tmp_path):
    path = tmp_path / "q2b.dic"
    path.write_text("#\t#\n\u3000\t \n\n", encoding="utf-8")
    assert read_mapping(path, comments=False) == {"#": "#", "\u3000": " "}
    assert read_mapping(path) == {}


def test_resources_a_bad_row_names_the_file_and_line(tmp_path):
    path = tmp_path / "rules.tsv"
    path.write_text("# reason\tscope\tmax\tregex\nad\tline\t10\t广告\nad\tline\t10\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"rules\.tsv:3: expected 4 tab-separated fields, got 3"):
        read_table(path, 4, 4)
    with pytest.raises(ResourceError, match=r"rules\.tsv:3"):
        load_rules(path)


@pytest.mark.parametrize("content", [b"\xff\xfe\x00bad", b"\xb0\xa2\xc0\xef\xb0\xcd\xb0\xcd"])  # UTF-16, GBK
def test_resources_non_utf8_file_is_a_resource_error_naming_it(tmp_path, content):
    path = tmp_path / "gbk_words.txt"
    path.write_bytes(content)
    with pytest.raises(ResourceError, match="gbk_words.txt: not UTF-8"):
        read_word_list(path)
    with pytest.raises(ResourceError, match="gbk_words.txt"):
        Gazetteer([path])


def test_resources_missing_file_is_a_resource_error(tmp_path):
    with pytest.raises(ResourceError, match="cannot read"):
        read_lines(tmp_path / "absent.tsv")


def test_resources_idf_and_surnames_read_through_the_one_loader(tmp_path):
    idf = tmp_path / "idf.txt"
    idf.write_text("阿里巴巴 9.5\n腾讯 8.0\n", encoding="utf-8")
    table, median = load_idf(str(idf))
    assert table == {"阿里巴巴": 9.5, "腾讯": 8.0} and median == pytest.approx(8.75)
    idf.write_text("阿里巴巴 9.5\n腾讯 高\n", encoding="utf-8")
    load_idf.cache_clear()
    with pytest.raises(ResourceError, match=r"idf\.txt:2: expected 'word idf'"):
        load_idf(str(idf))
    surnames = load_surnames()
    assert list(surnames)[:1] == read_words(resolve("surnames.txt"))[:1] and "欧阳" in surnames


def test_resources_no_module_opens_a_resource_file_itself():
    """Stages, backends and text tools read model files only through pipeline.resources."""
    offenders = []
    for folder in ("stages", "backends", "text"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name in ("open", "read_text", "readlines"):
                        offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    assert offenders == []
