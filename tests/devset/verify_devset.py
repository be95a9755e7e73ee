"""Consistency check for the huiben character-annotation dev set.

Run: /work/main/.venv/bin/python verify_devset.py   (needs PyYAML)
For every NAME.yaml: the .txt decodes with the stated encoding, the body
layout matches the paragraph count, every annotated name is declared, every
form occurs in the text, no form is shared by two characters, and each
paragraph list equals what a longest-match substring scan finds (in order of
first mention).  NOT_MENTIONS lists words that contain a character's form
but do not refer to it (deliberate traps); they are masked before scanning.
"""
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff]")

# story file -> words that contain a form but are not mentions of that character
NOT_MENTIONS = {
    "denglong.txt": ["一鍋湯圓"],      # the food, not the cat 湯圓
    "dalishi.txt": ["大熊猫"],         # a panda, not 熊爸爸 (大熊)
}


def body_paragraphs(text):
    lines = text.split("\n")
    return lines[0], [l.strip() for l in lines[1:] if l.strip()]


def scan(par, form2name):
    forms = sorted(form2name, key=len, reverse=True)
    found, i = [], 0
    while i < len(par):
        for f in forms:
            if par.startswith(f, i):
                if form2name[f] not in found:
                    found.append(form2name[f])
                i += len(f)
                break
        else:
            i += 1
    return found


def check(yml):
    errs = []
    ann = yaml.safe_load(yml.read_text(encoding="utf-8"))
    if set(ann) != {"file", "encoding", "characters", "paragraphs"}:
        errs.append(f"keys {sorted(ann)}")
    txt = HERE / ann["file"]
    if txt.stem != yml.stem:
        errs.append("file name does not match yaml name")
    raw = txt.read_bytes()
    text = raw.decode(ann["encoding"])  # raises on bad encoding
    if ann["encoding"] != "utf-8":
        try:
            raw.decode("utf-8")
            errs.append("non-utf-8 story also decodes as utf-8")
        except UnicodeDecodeError:
            pass
    lines = text.split("\n")
    if len(lines) < 3 or lines[1].strip() != "" or not lines[0].strip():
        errs.append("title line / blank line layout")
    for a, b in zip(lines[1:], lines[2:]):
        if a.strip() and b.strip():
            errs.append("two non-empty lines without a blank line between")
            break
    title, pars = body_paragraphs(text)
    body = "\n".join(pars)
    form2name = {}
    for c in ann["characters"]:
        for f in [c["name"], *c["aliases"]]:
            if f in form2name:
                errs.append(f"form {f} declared twice")
            form2name[f] = c["name"]
            if f not in body:
                errs.append(f"form {f} not in body")
    names = [c["name"] for c in ann["characters"]]
    if len(ann["paragraphs"]) != len(pars):
        errs.append(f"{len(ann['paragraphs'])} paragraph entries, {len(pars)} paragraphs")
    for k, (par, lst) in enumerate(zip(pars, ann["paragraphs"]), 1):
        for n in lst:
            if n not in names:
                errs.append(f"p{k}: undeclared {n}")
        masked = par
        for w in NOT_MENTIONS.get(ann["file"], []):
            masked = masked.replace(w, "□" * len(w))
        got = scan(masked, form2name)
        if got != lst:
            errs.append(f"p{k}: annotated {lst}, scan finds {got}: {par[:40]}")
    nchars = len(CJK.findall(body))
    return errs, nchars, len(names), len(pars), ann["encoding"]


def main():
    bad = 0
    ymls = sorted(HERE.glob("*.yaml"))
    for yml in ymls:
        errs, nchars, nc, np_, enc = check(yml)
        print(f"{yml.stem:12s} {enc:8s} {nchars:5d} hanzi  {nc} characters  {np_:3d} paragraphs  {'OK' if not errs else 'FAIL'}")
        for e in errs:
            print("   ", e)
        bad += bool(errs)
    print(f"{len(ymls)} stories, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
