"""Benchmark `ledger import` against a bare text extraction of the same PDF with the same library.

Builds a synthetic task-division plan of about 300 pages (a numbered outline, every task with its annotation,
some with deadlines in the text, and an attached ruled table), prints it to PDF with LibreOffice, then in one
process times pdfplumber's bare `extract_text()` of every page and the whole import. Prints tasks/s of each and
their ratio (import / bare; the target is ≥ 0.5). Not part of the test suite.

    python bench/import.py [--pages 300]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx
import pdfplumber

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from ledger.importer import import_document  # noqa: E402

UNITS = ["区发展改革局", "区财政局", "区住房城乡建设局", "区交通运输局", "区市场监管局", "区城管局", "区水务局"]
CN = "一二三四五六七八九十"
TASKS_PER_PAGE = 11  # what a printed A4 page of this plan holds
TABLE_ROWS = 60


def _cn(n: int) -> str:
    """1 -> 一, 12 -> 十二, 35 -> 三十五."""
    tens, units = divmod(n, 10)
    if n <= 10:
        return CN[n - 1]
    return ("" if tens == 1 else CN[tens - 1]) + "十" + (CN[units - 1] if units else "")


def synthetic_plan(path: Path, pages: int) -> int:
    """A Word plan of about `pages` pages; returns how many tasks it holds."""
    document = docx.Document()
    document.add_paragraph("示范区2022年重点工作任务分工方案")
    document.add_paragraph("为深入贯彻落实上级部署，结合我区实际，制定本方案。各项任务列第一位的为牵头单位。")
    tasks = 0
    outline_tasks = (pages - TABLE_ROWS // 15) * TASKS_PER_PAGE
    part = section = 0
    while tasks < outline_tasks:
        part += 1
        document.add_paragraph(f"{_cn(min(part, 99))}、第{part}部分重点工作")
        for _ in range(4):
            section += 1
            document.add_paragraph(f"（{_cn(min(section, 99))}）推进第{section}项重点工作。")
            for item in range(1, 9):
                lead, support = UNITS[tasks % 7], UNITS[(tasks + 3) % 7]
                deadline = f"{2022 + tasks % 3}年{tasks % 12 + 1}月底前" if tasks % 2 else "长期坚持"
                document.add_paragraph(
                    f"{item}.完善第{tasks + 1}项工作机制，加强统筹协调，细化工作措施，压实工作责任，"
                    f"确保各项任务按期完成，{deadline}完成阶段性目标。（牵头单位：{lead}；责任单位：{support}、各街道）"
                )
                tasks += 1
    document.add_paragraph("附件")
    table = document.add_table(rows=TABLE_ROWS + 1, cols=5)
    table.style = "Table Grid"
    for c, label in enumerate(["序号", "具体措施", "牵头单位", "配合单位", "完成时限"]):
        table.cell(0, c).text = label
    for r in range(1, TABLE_ROWS + 1):
        values = [str(r), f"建设第{r}个项目，完成投资计划。", UNITS[r % 7], UNITS[(r + 1) % 7], "2022年年底前"]
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.save(str(path))
    return tasks + TABLE_ROWS


def to_pdf(source: Path) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("需要 LibreOffice（soffice）来生成 PDF")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(source.parent / 'profile').as_uri()}",  # its own profile: others may run one
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=900,
    )
    return source.with_suffix(".pdf")


def bare_extraction(pdf: Path) -> int:
    with pdfplumber.open(str(pdf)) as document:
        return sum(len(page.extract_text() or "") for page in document.pages)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        expected = synthetic_plan(Path(tmp) / "plan.docx", args.pages)
        pdf = to_pdf(Path(tmp) / "plan.docx")
        with pdfplumber.open(str(pdf)) as document:
            pages = len(document.pages)
        bare = imported = float("inf")
        for _ in range(2):  # alternate, and keep each one's best: the machine is shared
            start = time.perf_counter()
            bare_extraction(pdf)
            bare = min(bare, time.perf_counter() - start)
            start = time.perf_counter()
            result = import_document(pdf)
            imported = min(imported, time.perf_counter() - start)
    found = len(result.tasks)
    print(f"PDF {pages} 页，任务 {expected} 项；导入识别 {found} 项")
    print(f"bare extract_text: {bare:.1f} s  {expected / bare:,.0f} tasks/s")
    print(f"ledger import:     {imported:.1f} s  {found / imported:,.0f} tasks/s")
    print(f"ratio (import / bare): {(found / imported) / (expected / bare):.2f}")


if __name__ == "__main__":
    main()
