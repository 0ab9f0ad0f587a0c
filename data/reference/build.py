#!/usr/bin/env python3
"""One-off builder for the reference data shipped in data/reference/.

Reads the public reference material (the Ministry's "Mô tả dữ liệu ĐẦU NĂM" of
26/10/2020 dumped to TSV, and the post-2025 administrative units of
thanglequoc/vietnamese-provinces-database) and writes compact JSON/CSV files
next to this script. The product reads only these outputs, never the source.

Usage:  python3 data/reference/build.py [SOURCE_DIR]
        SOURCE_DIR defaults to ../../../shared/reference relative to this file.

Standard library only; rerunnable (outputs are overwritten deterministically).
"""

import csv
import json
import os
import re
import shutil
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.normpath(
    os.path.join(HERE, "..", "..", "..", "shared", "reference"))
SPEC = os.path.join(SRC, "moet-csdl-2020", "spec")
VNADMIN = os.path.join(SRC, "vn-admin")
OUT = HERE

# Pre-2025 administrative units go to admin-units-2020.json, not code-lists.json.
ADMIN_SHEETS = {"DM_TINH", "DM_HUYEN", "DM_XA"}
OBJECT_SHEETS = ["TruongHocInfo", "LstDiemTruongInfo", "LstLopHocInfo", "LstHocSinh", "LstCanBo"]


def norm(s):
    """NFC, collapse internal whitespace (incl. NBSP / line breaks) and strip."""
    if s is None:
        return ""
    s = unicodedata.normalize("NFC", s)
    return " ".join(s.split())


def read_tsv(name):
    path = os.path.join(SPEC, name + ".tsv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [[norm(c) for c in row] for row in csv.reader(f, delimiter="\t")]


def header_index(rows, must_contain=None):
    """Index of the header row: the last row starting with 'STT' among the leading rows
    (the sheets have 1-3 title rows; object sheets have a 2-row header)."""
    idx = None
    for i, row in enumerate(rows[:8]):
        if row and row[0].upper() == "STT":
            if must_contain is None or must_contain in row:
                idx = i
    if idx is None:
        raise ValueError("no STT header row")
    return idx


def cell(row, i):
    return row[i] if i is not None and i < len(row) else ""


# ---------------------------------------------------------------------------
# 1. code lists
# ---------------------------------------------------------------------------

def parse_dm(name):
    rows = read_tsv(name)
    h = header_index(rows)
    header = rows[h]
    # code column: exactly "Mã" if present (DM_TRINH_DO_NGOAI_NGU has "Mã ngoại ngữ" first),
    # else the first column whose header starts with "Mã" (DM_DAN_TOC: "Mã dân tộc").
    code_col = header.index("Mã") if "Mã" in header else next(
        i for i, c in enumerate(header) if c.startswith("Mã"))
    name_col = next(i for i, c in enumerate(header) if c.startswith("Tên"))
    extra_cols = [i for i, c in enumerate(header)
                  if i not in (0, code_col, name_col) and c]
    out, seen = [], set()
    for row in rows[h + 1:]:
        ma, ten = cell(row, code_col), cell(row, name_col)
        if not ma or not ten:  # notes / blank lines (e.g. the footnote rows of DM_VUNG_KHO_KHAN)
            continue
        if ma in seen:
            raise ValueError("%s: duplicate code %r" % (name, ma))
        seen.add(ma)
        item = {"ma": ma, "ten": ten}
        extra = {header[i]: cell(row, i) for i in extra_cols if cell(row, i)}
        if extra:
            item["extra"] = extra
        out.append(item)
    return out


def parse_sme_moet(name):
    """A vendor (_SME) sheet read through its MOET_CODE / CONSTANT_TITLE columns."""
    rows = read_tsv(name)
    h = header_index(rows)
    header = rows[h]
    code_col, name_col = header.index("MOET_CODE"), header.index("CONSTANT_TITLE")
    extra_cols = [i for i, c in enumerate(header) if i not in (0, code_col, name_col) and c]
    out, seen = [], set()
    for row in rows[h + 1:]:
        ma, ten = cell(row, code_col), cell(row, name_col)
        if not ma or not ten or ma in seen:
            continue
        seen.add(ma)
        item = {"ma": ma, "ten": ten}
        extra = {header[i]: cell(row, i) for i in extra_cols if cell(row, i)}
        if extra:
            item["extra"] = extra
        out.append(item)
    return out


def build_code_lists():
    names = sorted(f[:-4] for f in os.listdir(SPEC)
                   if f.startswith("DM_") and f.endswith(".tsv")
                   and not f[:-4].endswith("_SME") and f[:-4] not in ADMIN_SHEETS)
    lists = {n: parse_dm(n) for n in names}
    lists["LOAI_NHAP_HOC"] = parse_sme_moet("LOAI_NHAP_HOC_SME")
    return lists


# ---------------------------------------------------------------------------
# 2. pre-2025 administrative units (DM_TINH / DM_HUYEN / DM_XA)
# ---------------------------------------------------------------------------

def table(name):
    rows = read_tsv(name)
    h = header_index(rows)
    header = rows[h]
    return header, [r for r in rows[h + 1:] if any(r)]


def build_admin_2020():
    hdr, rows = table("DM_TINH")
    c = {k: hdr.index(k) for k in ("Mã", "Tên tỉnh", "Cấp")}
    provinces = [{"ma": cell(r, c["Mã"]), "ten": cell(r, c["Tên tỉnh"]), "cap": cell(r, c["Cấp"])}
                 for r in rows if re.fullmatch(r"\d{2}", cell(r, c["Mã"])) and cell(r, c["Tên tỉnh"])]

    hdr, rows = table("DM_HUYEN")
    c = {k: hdr.index(k) for k in ("Mã", "Tên", "Cấp", "Mã TP")}
    districts = [{"ma": cell(r, c["Mã"]), "ten": cell(r, c["Tên"]), "cap": cell(r, c["Cấp"]),
                  "ma_tinh": cell(r, c["Mã TP"])}
                 for r in rows if re.fullmatch(r"\d{3}", cell(r, c["Mã"])) and cell(r, c["Tên"])]

    hdr, rows = table("DM_XA")
    c = {k: hdr.index(k) for k in ("Mã", "Tên", "Cấp", "Mã QH", "Mã TP")}
    communes = [{"ma": cell(r, c["Mã"]), "ten": cell(r, c["Tên"]), "cap": cell(r, c["Cấp"]),
                 "ma_huyen": cell(r, c["Mã QH"]), "ma_tinh": cell(r, c["Mã TP"])}
                for r in rows if re.fullmatch(r"\d{5}", cell(r, c["Mã"])) and cell(r, c["Tên"])]

    # referential integrity
    pset = {p["ma"] for p in provinces}
    dmap = {d["ma"]: d["ma_tinh"] for d in districts}
    assert len(pset) == len(provinces), "duplicate province code"
    assert len(dmap) == len(districts), "duplicate district code"
    assert len({x["ma"] for x in communes}) == len(communes), "duplicate commune code"
    assert all(d["ma_tinh"] in pset for d in districts), "district with unknown province"
    assert all(dmap.get(x["ma_huyen"]) == x["ma_tinh"] for x in communes), "commune/district/province mismatch"
    return {"provinces": provinces, "districts": districts, "communes": communes}


# ---------------------------------------------------------------------------
# 3. post-2025 administrative units
# ---------------------------------------------------------------------------

def build_admin_2025():
    with open(os.path.join(VNADMIN, "units-2026-provinces-wards.json"), encoding="utf-8") as f:
        data = json.load(f)
    provinces, communes = [], []
    for p in data:
        provinces.append({"ma": norm(p["Code"]), "ten": norm(p["FullName"])})
        for w in p["Wards"]:
            communes.append({"ma": norm(w["Code"]), "ten": norm(w["FullName"]),
                             "ma_tinh": norm(w.get("ProvinceCode") or p["Code"])})
    provinces.sort(key=lambda x: x["ma"])
    communes.sort(key=lambda x: x["ma"])
    pset = {p["ma"] for p in provinces}
    assert len(pset) == len(provinces)
    assert len({c["ma"] for c in communes}) == len(communes), "duplicate ward code"
    assert all(c["ma_tinh"] in pset for c in communes)
    return {"provinces": provinces, "communes": communes}


# ---------------------------------------------------------------------------
# 6. field specification of the object sheets
# ---------------------------------------------------------------------------

def snake(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


# "Bắt buộc nếu" and its typo "Bắt buộc néu" (both case-insensitive); also the
# sheet's other phrasings of a condition: "Bắt buộc với ..." and "không được bỏ trống khi ...".
COND_RE = re.compile(r"bắt buộc (?:nếu|néu|với)|không được bỏ trống khi", re.IGNORECASE)
DM_RE = re.compile(r"\b(DM_[A-Z0-9_]+)\b")
# Fields whose 'CSDL Ngành sử dụng' column spells the values inline although a code list
# in code-lists.json covers them.
CODE_LIST_OVERRIDES = {("LstHocSinh", "LoaiNhapHoc"): "LOAI_NHAP_HOC"}


def condition_text(meaning):
    """The parenthesised condition, else the sentence holding the condition phrase."""
    for m in re.finditer(r"\(([^()]*)\)", meaning):
        if COND_RE.search(m.group(1)):
            return m.group(1).strip()
    for sentence in re.split(r"(?<=[a-zà-ỹ)])\.\s+", meaning):
        if COND_RE.search(sentence):
            sentence = sentence.strip()
            if sentence.endswith(".") and not sentence.endswith("..."):
                sentence = sentence[:-1]
            return sentence
    return None


def build_field_spec(code_lists):
    known = set(code_lists) | ADMIN_SHEETS
    spec = {}
    for sheet in OBJECT_SHEETS:
        rows = read_tsv(sheet)
        h = header_index(rows, must_contain="Field")
        header = rows[h]
        col = {k: header.index(k) for k in
               ("Field", "Kiểu dữ liệu", "Bắt buộc", "Tên", "CSDL Ngành sử dụng")}
        fields = []
        for r in rows[h + 1:]:
            field = cell(r, col["Field"])
            if not field:
                continue
            req = cell(r, col["Bắt buộc"]).lower()
            meaning = cell(r, col["Tên"])
            used = cell(r, col["CSDL Ngành sử dụng"])
            cond = condition_text(meaning) if COND_RE.search(meaning) else None
            if req == "bỏ":
                required = "dropped"
            elif cond:
                required = "conditional"
            elif req == "x":
                required = "always"
            else:
                required = "optional"
            m = DM_RE.fullmatch(used) or DM_RE.search(used)
            code_list = m.group(1) if m else CODE_LIST_OVERRIDES.get((sheet, field))
            if code_list and code_list not in known:
                raise ValueError("%s.%s: unknown code list %s" % (sheet, field, code_list))
            fields.append({
                "field": field,
                "column": snake(field),
                "type": cell(r, col["Kiểu dữ liệu"]) or None,
                "required": required,
                "condition": cond if required == "conditional" else None,
                "meaning": meaning,
                "code_list": code_list,
                # inline value list of the 'CSDL Ngành sử dụng' column when it is not a DM_* name
                # (e.g. "1: Có 0: Không", "01: Trong tỉnh 02: Ngoài tỉnh ...")
                "values_text": used if used and not DM_RE.search(used) else None,
            })
        cols = [f["column"] for f in fields]
        assert len(set(cols)) == len(cols), "%s: duplicate column names" % sheet
        spec[sheet] = fields
    return spec


# ---------------------------------------------------------------------------
# output helpers
# ---------------------------------------------------------------------------

def dump(obj, indent_level=0):
    """Compact JSON: one array element per line, everything else inline."""
    def enc(x):
        return json.dumps(x, ensure_ascii=False, separators=(",", ":"))

    if isinstance(obj, dict):
        parts = ["%s:%s" % (enc(k), dump(v, indent_level + 1)) for k, v in obj.items()]
        return "{\n" + ",\n".join(parts) + "\n}"
    if isinstance(obj, list) and obj and isinstance(obj[0], dict):
        return "[\n" + ",\n".join(enc(x) for x in obj) + "\n]"
    return enc(obj)


def write_json(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(dump(obj) + "\n")
    json.loads(open(path, encoding="utf-8").read())  # round-trip check
    return path


def main():
    if not os.path.isdir(SPEC) or not os.path.isdir(VNADMIN):
        sys.exit("source not found: %s" % SRC)

    code_lists = build_code_lists()
    admin20 = build_admin_2020()
    admin25 = build_admin_2025()
    field_spec = build_field_spec(code_lists)

    write_json("code-lists.json", code_lists)
    write_json("admin-units-2020.json", admin20)
    write_json("admin-units-2025.json", admin25)
    write_json("field-spec.json", field_spec)
    shutil.copyfile(os.path.join(VNADMIN, "province-crosswalk-2025.csv"),
                    os.path.join(OUT, "province-crosswalk-2025.csv"))
    shutil.copyfile(os.path.join(VNADMIN, "vn-provinces-34.topojson"),
                    os.path.join(OUT, "vn-provinces-34.topojson"))

    with open(os.path.join(OUT, "province-crosswalk-2025.csv"), encoding="utf-8", newline="") as f:
        xw = list(csv.reader(f))

    # ---- counts ----
    n_p20, n_d20, n_c20 = (len(admin20[k]) for k in ("provinces", "districts", "communes"))
    n_p25, n_c25 = len(admin25["provinces"]), len(admin25["communes"])
    print("code-lists.json: %d lists, %d codes" % (len(code_lists), sum(map(len, code_lists.values()))))
    for n in sorted(code_lists):
        print("  %-32s %4d" % (n, len(code_lists[n])))
    print("admin-units-2020.json: %d provinces, %d districts, %d communes" % (n_p20, n_d20, n_c20))
    print("admin-units-2025.json: %d provinces, %d communes" % (n_p25, n_c25))
    print("province-crosswalk-2025.csv: %d lines incl. header" % len(xw))
    for s, fl in field_spec.items():
        from collections import Counter
        c = Counter(f["required"] for f in fl)
        print("field-spec.json %-18s %3d fields  %s" % (s, len(fl), dict(sorted(c.items()))))
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT)
                if f.endswith((".json", ".csv", ".topojson")))
    print("total output size: %.2f MB" % (total / 1e6))

    # ---- sanity asserts ----
    assert n_p20 == 63, n_p20
    assert 705 <= n_d20 <= 717, n_d20
    assert 10500 <= n_c20 <= 11200, n_c20
    assert n_p25 == 34, n_p25
    assert 3200 <= n_c25 <= 3400, n_c25
    assert xw[0] == ["new_code", "new_name", "old_code", "old_name"] and len(xw) == 64, len(xw)
    assert {r[2] for r in xw[1:]} == {p["ma"] for p in admin20["provinces"]}, "crosswalk old codes"
    assert {r[0] for r in xw[1:]} == {p["ma"] for p in admin25["provinces"]}, "crosswalk new codes"
    assert [(x["ma"], x["ten"]) for x in code_lists["DM_GIOI_TINH"]] == [("01", "Nam"), ("02", "Nữ")]
    assert [x["ma"] for x in code_lists["DM_TRANG_THAI_HOC_SINH"]] == ["%02d" % i for i in range(1, 13)]
    assert len(code_lists["DM_DAN_TOC"]) >= 54
    assert total < 3.5e6, total
    print("OK")


if __name__ == "__main__":
    main()
