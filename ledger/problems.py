"""The catalogue of problems every command reports.

Each problem type has a stable code (what tests and scripts match on), a severity, a Chinese message
template filled with the problem's fields, and a hint telling the user what to do. Commands never write
free-form problem prose: they call `problem(code, ...)`, so the wording lives in one place.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from .records import displaced

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class ProblemType:
    code: str
    severity: Severity
    template: str
    hint: str
    title: str = ""  # the type's short Chinese name, shown beside the code


# fmt: off
_TYPES = [
    # --- workspace and configuration
    ProblemType("file-missing", ERROR, "找不到文件：{path}", "检查 ledger.toml 中的文件路径，或把文件放到 source/ 下。", title="文件不存在"),
    # --- stages run in order
    ProblemType("outbox-missing", ERROR, "{period}尚未生成填报表，请先运行 ledger render --period {period}", "先生成该报告期的填报表，再发送、催报或生成示例回复。", title="尚未生成填报表"),
    # --- reading tables
    ProblemType("file-unreadable", ERROR, "文件无法读取：{reason}", "用Excel或WPS打开确认文件完好，另存为 .xlsx 后重试。", title="文件无法读取"),
    ProblemType("file-encoding", ERROR, "文本文件编码无法识别（已尝试UTF-8、UTF-16、GB18030）", "用Excel或WPS另存为“CSV UTF-8”或 .xlsx 后重试。", title="编码无法识别"),
    ProblemType("sheet-missing", ERROR, "文件中没有名为“{sheet}”的工作表", "检查 ledger.toml 中的 sheet 设置是否与工作表名称一致。", title="工作表不存在"),
    ProblemType("header-missing", ERROR, "未找到任务表的表头：已查看前{rows}行，没有一行同时含任务内容列（具体措施、重点任务、工作任务等）和其他列名（序号、牵头单位、完成时限等）。最接近表头的是{best}", "确认这是任务清单表格；表头的列名不同时，在 ledger.toml 该文件的 [documents.columns] 中指定，如 \"事项\" = \"具体措施\"。", title="未找到表头"),
    # --- tasks
    ProblemType("task-id-missing", ERROR, "该行没有序号或任务编号，无法生成稳定的任务编号", "补填序号（或任务编号）。", title="缺少序号"),
    ProblemType("task-id-duplicate", ERROR, "任务编号“{task_id}”重复，已在{first}出现", "修改其中一行的序号或任务编号，使其唯一。", title="任务编号重复"),
    ProblemType("measure-empty", ERROR, "任务“{task_id}”的具体措施为空", "补填具体措施，或删除该空行。", title="任务内容为空"),
    ProblemType("task-renumbered", ERROR, "任务编号{task_id}在{period}下发时是“{text}”，现在是“{now}”；{moved}", "任务编号不能随行号改变，否则以前各期的报送和上期填报内容会对到别的任务上：请在任务表中加“任务编号”列（或恢复原序号），原有任务写回原编号，新增任务用新编号（如接在最后一个编号之后）；改好后重新运行 ledger check。", title="任务编号错位"),
    ProblemType("task-text-changed", WARNING, "任务{task_id}的内容与{period}下发时不同：原为“{old}”，现为“{new}”；按同一任务处理，编号不变", "如只是改正错字或个别字句，无需处理；如已是另一项任务，请给它新的任务编号。", title="任务内容有改动"),
    ProblemType("task-removed", WARNING, "任务{task_id}“{text}”在{period}已下发，现已不在任务清单中：自下一期起不再下发，也不再计入各项统计，删除的原因没有记录", "如是误删，请恢复该行；如是取消或销号，请恢复该行后用 ledger tasks cancel（或 close）写明原因，调整会连同时间、原因和操作人留存，通报中也会写明。", title="已下发的任务被删除"),
    ProblemType("lead-missing", WARNING, "任务“{task_id}”没有牵头单位，无人负责填报进展", "在牵头单位列写明牵头单位。", title="缺少牵头单位"),
    # --- indicators (指标台账)
    ProblemType("indicator-header-missing", ERROR, "未找到指标表的表头：没有一行同时含“指标名称”和“指标要求”或目标值（规划值）列", "确认这是指标表格（kind = \"indicators\"）；表头至少写“指标名称”和“指标要求”或“2025年目标值”。", title="未找到指标表头"),
    ProblemType("indicator-unassigned", WARNING, "指标“{indicator}”没有牵头单位，列为未分配，无人填报", "在指标表的牵头单位列写明负责填报的单位。", title="指标未分配"),
    ProblemType("value-unreadable", ERROR, "指标“{indicator}”的本期完成值“{value}”不是数值", "请该单位填写数值，如“94.2”“2.67亿元”；文字说明写在“完成情况说明”列。", title="完成值不是数值"),
    ProblemType("value-ambiguous", ERROR, "指标“{indicator}”的本期完成值“{value}”含多个数，无法确定是哪一个", "请该单位只填一个数值（单位：{measure}），区间或多个数写在“完成情况说明”列。", title="完成值有歧义"),
    ProblemType("value-unit-mismatch", ERROR, "指标“{indicator}”的本期完成值“{value}”与指标单位“{measure}”不符，未换算", "请该单位按指标单位（{measure}）填写数值。", title="完成值单位不符"),
    ProblemType("value-percent-fraction", ERROR, "指标“{indicator}”的本期完成值“{value}”是不带百分号的小数，该指标以%计、基期值和目标值均大于1，无法确定是{value}%还是按小数填写的百分比", "本期未读取。请该单位填写带百分号的数值，如“94.2%”。", title="百分比完成值有歧义"),
    ProblemType("value-worse-than-baseline", WARNING, "指标“{indicator}”本期完成值{value}比基期值{baseline}还差", "提示：请与该单位核实数值是否填错；如属实，在完成情况说明中写明原因。", title="完成值差于基期"),
    ProblemType("value-jump", WARNING, "指标“{indicator}”本期完成值{value}与上期（{last}）相差{times}倍以上", "提示：请与该单位核实单位或小数点（如万元与元、%与小数）是否填错。", title="完成值突变"),
    ProblemType("indicator-unknown", WARNING, "指标编号“{indicator_id}”不在本单位的指标中，该行未汇总", "核对指标编号；请勿修改或复制指标编号。", title="未知指标编号"),
    ProblemType("indicator-missing", WARNING, "指标“{indicator_id}”的行被删除，未填报", "请该单位补报该指标的本期完成值。", title="指标行被删除"),
    ProblemType("indicator-duplicate-row", WARNING, "指标“{indicator_id}”出现了多行，已采用第一行", "删除重复的行，每个指标只保留一行。", title="指标行重复"),
    ProblemType("qualitative-unknown", ERROR, "指标“{indicator}”的完成情况“{value}”不是已达到、推进中、未达到之一", "请该单位从下拉列表中选择。", title="完成情况无法识别"),
    # --- units
    ProblemType("units-file-invalid", ERROR, "单位名录缺少“{column}”列", "单位名录至少需要“单位全称”列，可选“简称/别名”“类别”“所属分组”“联系人”“电子邮箱”“联系电话”。", title="单位名录缺列"),
    ProblemType("unit-duplicate", ERROR, "单位名称或别名“{name}”在单位名录中出现多次", "每个名称只能指向一个单位，删除或改正重复项。", title="单位名称重复"),
    ProblemType("unit-unknown", ERROR, "单位“{name}”不在单位名录中{suggestion}", "改正任务表中的单位名称，或把该单位（或别名）加入单位名录。", title="单位不在名录中"),
    ProblemType("unit-vague", WARNING, "“{name}”是泛指，无法对应到具体单位，已作为文字保留在任务上", "如需这些单位填报，请在任务表中写明具体单位名称。", title="泛指单位"),
    # --- deadlines
    ProblemType("deadline-unparsed", WARNING, "完成时限“{raw}”无法识别为日期，按无期限处理", "改写为“2021年6月底前”“2021年年底前”“2021-2025”等形式。", title="时限无法识别"),
    ProblemType("deadline-festival-year", WARNING, "完成时限“{raw}”没有写年份，可能指{year}年春节，也可能指{next}年春节，按无期限处理", "写明年份，如“{next}年春节前”，或写明日期。", title="春节未写年份"),
    ProblemType("deadline-holiday-beyond", WARNING, "完成时限“{raw}”所指的{holiday}放假日期尚未公布（国家节假日安排只到{last}年），按无期限处理", "写明日期；国务院公布该年放假安排、本工具更新后，可按节日识别。", title="节日日期未公布"),
    ProblemType("deadline-holiday-which", WARNING, "完成时限“{raw}”中的“{word}”{meaning}，无法换算为日期，按无期限处理", "写明节日和年份，如“2021年国庆节前”“2022年春节前”，或写明日期。", title="未写明哪个节日"),
    ProblemType("deadline-holiday-around", WARNING, "完成时限“{raw}”是{holiday}前后的一段时间，没有截止日期，按无期限处理", "写明截止日期，如“2021年10月15日前”。", title="时限为节日前后"),
    ProblemType("deadline-season", WARNING, "完成时限“{raw}”以汛期为准，各地入汛日期不同，无法换算为日期，按无期限处理", "按本地入汛日期写明日期，如“2021年5月31日前”。", title="时限以汛期为准"),
    ProblemType("deadline-missing", WARNING, "任务“{task_id}”没有完成时限", "补填完成时限，或在 ledger.toml 中为该文件设置 default_deadline。", title="缺少完成时限"),
    ProblemType("deadline-month-before", WARNING, "完成时限“{raw}”没有写“底”，也可能指该月1日前，现按{due}前计算", "确指该月底前的，改写为“…月底前”；指该月1日前的，改写为上个月的“…月底前”。", title="时限有两种理解"),
    ProblemType("deadline-before-year", WARNING, "完成时限“{raw}”即{due}，早于本任务清单的年度{year}年，该任务从第一期起就是逾期", "核对年份是否输错；确是以前年度未完成、延续到本年的任务，可不改动，或用 ledger tasks extend 延期。", title="时限早于年度"),
    ProblemType("deadline-start-only", WARNING, "完成时限“{raw}”只写了何时启动，没有写何时完成，现按{due}前完成计算", "写明完成时限，如“2021年底前启动，2022年6月底前完成”。", title="时限只写了启动"),
    # --- returned files
    ProblemType("return-unreadable", ERROR, "报送文件损坏，无法打开（{reason}）", "请该单位用Excel或WPS打开确认文件完好，另存为 .xlsx 后重新报送；其他文件不受影响。", title="报送文件损坏"),
    ProblemType("return-changed", WARNING, "文件在收集后被改动过（收到时{size}字节，现为{now}字节），已按现在的内容汇总", "报送文件夹中的文件应保持单位报送时的原样，多为用WPS或Excel打开后保存所致；请与该单位核实内容，如需按原件汇总，请该单位重新发送。", title="文件收集后被改动"),
    ProblemType("return-file-missing", ERROR, "已登记收到的文件不在 source/returns/{period} 中（已被移走或删除），其内容未汇总", "单位报送的文件没有问题，不用请单位重报：把该文件放回 source/returns/{period}（文件名不变）后重新汇总；确实不要的，用 ledger returns withdraw 撤回并写明原因。", title="报送文件不在原处"),
    ProblemType("return-encrypted", ERROR, "报送文件设置了打开密码，无法读取", "请该单位取消文件密码（文件→信息→保护工作簿），另存为 .xlsx 后重新报送。", title="文件设有密码"),
    ProblemType("return-not-workbook", ERROR, "报送的不是Excel工作簿（{kind}）", "请该单位报送下发的 .xlsx 填报表，不要转换为Word、PDF或图片。", title="不是Excel工作簿"),
    ProblemType("return-too-large", ERROR, "报送文件解压后达{size}，超出安全上限，未读取", "疑似异常文件，请与该单位核实后重新报送。", title="文件过大"),
    ProblemType("return-sheet-too-large", ERROR, "工作表“{sheet}”的范围至少达{extent}，{what}{size}超出上限{cap}（ledger.toml [limits] {key}），整个文件未读取", "疑似异常文件（如在很远的单元格误填了内容，或粘贴了大量行），请该单位删除多余的行列后重新报送；如确属正常的大表，可在 ledger.toml 的 [limits] 中调高 {key}。", title="工作表过大"),
    ProblemType("return-read-failed", ERROR, "读取该文件时出错（{error}），已跳过，其他文件照常汇总", "请把该文件和这条信息转给维护人员；同时请该单位用Excel或WPS另存为 .xlsx 后重新报送。", title="读取出错"),
    ProblemType("problems-not-listed", WARNING, "本文件另有{count}个问题未逐条列出（{codes}）", "问题过多，多为大量新增或复制的行；请该单位在下发的填报表上重新填写后报送。", title="问题未全部列出"),
    ProblemType("return-macro", WARNING, "报送文件含宏，宏未运行，只读取了单元格内容", "请该单位另存为 .xlsx（不含宏）后报送。", title="文件含宏"),
    ProblemType("return-no-metadata", WARNING, "文件缺少填报表的隐藏标识，已根据{how}认定为该单位的报送，按任务编号逐行匹配", "请核对单位是否正确；今后请在下发的填报表上直接填写，不要复制到新文件。", title="缺少隐藏标识"),
    ProblemType("return-unit-unknown", ERROR, "无法确定报送单位{unit_text}", "请确认文件来源，必要时请该单位在下发的填报表上重新填写。", title="报送单位不明"),
    ProblemType("return-wrong-ledger", ERROR, "文件属于其他台账，不是本台账的填报表", "请该单位报送本台账下发的填报表。", title="不是本台账的文件"),
    ProblemType("return-wrong-period", WARNING, "文件是{owner}的{found}填报表，不是{expected}的，未汇总", "如是收集时放错了报告期：用 ledger returns withdraw 撤回本文件，再用 ledger collect --period {found}（或 --period auto）重新收集；如是单位误用了其他月份的填报表，请该单位在{expected}的填报表上填写后重新报送。", title="报告期不符"),
    ProblemType("return-held", WARNING, "这是{unit}的报送，但发件人{sender}（{who}）不是该单位登记的邮箱，暂不汇总（待确认）", "与{unit}核实后，运行 ledger returns accept --period {period} {file} 确认（该单位今后都用这个邮箱报送的，加 --remember）；不是该单位报送的，用 ledger returns withdraw 撤回。", title="发件人待确认"),
    ProblemType("return-superseded", WARNING, "同一单位后来又报送了“{newer}”（按{by}判断），本文件未汇总（内容见“未汇总内容”）", "无需处理；如应以本文件为准，用 ledger returns withdraw 撤回“{newer}”，或请该单位重新报送。", title="已被新报送取代"),
    # --- sheets, rows and cells of a return
    ProblemType("sheet-renamed", WARNING, "工作表被改名（原名“{expected}”），已照常汇总", "今后请勿修改工作表名称。", title="工作表被改名"),
    ProblemType("sheet-header-missing", ERROR, "工作表的表头行（任务编号、完成状态、进展等列名）被删除，无法按列读取，内容未汇总", "请该单位恢复表头行（可从下发的填报表复制第2行），或在下发的填报表上重新填写后报送。", title="表头行被删除"),
    ProblemType("sheet-extra", WARNING, "多出的工作表，不属于下发的填报表", "如有需要汇总的内容，请填入“牵头任务”或“配合任务”表。", title="多余的工作表"),
    ProblemType("cell-merged", WARNING, "单元格被合并，合并区域内只有左上角的内容被读取", "请取消合并，每个任务各占一行。", title="单元格被合并"),
    ProblemType("task-unknown", WARNING, "任务编号“{task_id}”不在本单位的任务中，该行未汇总", "核对任务编号；请勿修改或复制任务编号。", title="未知任务编号"),
    ProblemType("task-duplicate-row", WARNING, "任务“{task_id}”出现了多行，已采用第一行（{first}）", "删除重复的行，每个任务只保留一行。", title="任务行重复"),
    ProblemType("task-missing", WARNING, "任务“{task_id}”的行被删除，未填报", "请该单位补报该任务的进展。", title="任务行被删除"),
    ProblemType("row-added", WARNING, "单位新增了一行（无任务编号），作为建议保留，未汇总", "如确需新增任务，请修改任务清单后重新生成填报表。", title="新增的行"),
    ProblemType("locked-edited", WARNING, "“{column}”被改动：原为“{old}”，现为“{new}”；汇总仍按原文", "任务内容以任务清单为准；如需调整，请与牵头办公室联系。", title="任务内容被改动"),
    ProblemType("return-part-unreadable", WARNING, "文件中的{part}部分损坏，未能读取，其中的内容未汇总", "单元格中的内容已照常汇总；请该单位用Excel或WPS打开该文件，确认{part}完好后另存为 .xlsx 重新报送。", title="部分内容无法读取"),
    ProblemType("instructions-typed", WARNING, "“填报说明”表中填写了内容，未汇总，已列入未汇总内容", "“填报说明”表不汇总：如属本期进展、存在问题或说明，请该单位写入相应任务的单元格。", title="填报说明中填写了内容"),
    ProblemType("cell-text-box", WARNING, "工作表中画有文本框“{text}”；文本框不汇总，已列入未汇总内容", "文本框中的内容不进入台账：如属本期进展、存在问题或说明，请该单位写入相应任务的单元格。", title="文本框"),
    ProblemType("cell-comment", WARNING, "单元格有批注“{text}”；批注不汇总，已列入未汇总内容", "批注中的内容不进入台账：如属本期进展、存在问题或说明，请该单位写入相应单元格。", title="单元格批注"),
    ProblemType("cell-formula", WARNING, "单元格是公式，已读取其计算结果“{value}”", "请改为直接填写内容。", title="公式单元格"),
    ProblemType("cell-format-unread", WARNING, "文件中的单元格格式无法读取（文件部分损坏），数值{number}已按原数汇总；如该单位看到的是百分比，应为{percent}", "请向该单位核实该数值；并请该单位用Excel或WPS另存为 .xlsx 后重新报送。", title="单元格格式无法读取"),
    ProblemType("cell-formula-uncached", WARNING, "单元格是公式“{formula}”，文件中没有保存计算结果，已按公式原文保留", "请改为直接填写内容，或在Excel中打开、重新计算并保存后重新报送。", title="公式没有结果"),
    ProblemType("cell-text-too-long", WARNING, "单元格内容有{length}字，超出Excel单元格32767字的上限；merged.xlsx、汇总台账.xlsx中只写入前面部分，末尾注明“以下未写入”，全文保留在merged.json中", "全文已保留，无需重报；如需在汇总表中完整显示，请该单位精简内容，详细材料作为附件另行报送。", title="单元格内容过长"),
    ProblemType("column-extra", WARNING, "新增了“{column}”列，内容已保留在填报明细中", "今后请勿增加列；补充内容可写在“存在问题”或进展列中。", title="新增的列"),
    ProblemType("date-as-text", WARNING, "日期“{value}”不是日期格式，推断为{date}", "请按2021-06-30的格式填写日期。", title="日期格式不对"),
    ProblemType("date-unreadable", WARNING, "“{value}”不是日期，无法识别，已按原样保存", "请按2021-06-30的格式填写日期。", title="日期无法识别"),
    ProblemType("number-unreadable", WARNING, "“{column}”中存的数值无法读取（NaN或超出范围的数，多为其他软件生成的文件），未汇总，已列入未汇总内容", "请该单位在Excel或WPS中重新填写该单元格后报送。", title="数值无法读取"),
    ProblemType("number-as-text", WARNING, "“{column}”应填数字，却填了“{value}”，推断为{number}", "只填数字，不要带单位或文字（如0.2，而不是“2000万”）。", title="数字格式不对"),
    ProblemType("status-invalid", ERROR, "完成状态“{value}”不在可选范围（{statuses}）", "请从下拉列表中选择完成状态（粘贴会绕过下拉列表）。", title="完成状态无效"),
    ProblemType("status-office-only", ERROR, "完成状态“{value}”由牵头办公室决定，单位不能自行填报", "请从下拉列表中选择完成状态（如“已完成”“滞后”）；任务确需销号、暂缓或取消的，请向牵头办公室申请，经办公室调整后生效。", title="状态须由办公室决定"),
    ProblemType("status-missing", WARNING, "牵头任务“{task_id}”未选择完成状态", "请从下拉列表中选择完成状态。", title="未选完成状态"),
    ProblemType("done-after-return", WARNING, "任务“{task_id}”标为已完成，完成时间“{value}”却晚于本表报送日期{received}", "请该单位核实完成时间：是否把完成时限或计划日期填作了完成时间，或年份、月份填错。", title="完成时间晚于报送"),
    ProblemType("done-without-progress", WARNING, "任务“{task_id}”标为已完成，但未填写{column}", "请填写完成情况（做了什么、何时完成）。", title="已完成未写进展"),
    ProblemType("progress-empty", WARNING, "牵头任务“{task_id}”未填写{column}", "请填写本期工作进展。", title="未填写进展"),
    # --- statuses and the monthly report
    ProblemType("status-spaces", WARNING, "完成状态“{value}”含有空格或不可见字符，已按“{status}”汇总", "今后请从下拉列表中选择完成状态，不要手工输入。", title="状态含空格"),
    # --- configuration and sources (first month)
    ProblemType("config-not-found", ERROR, "工作目录 {root} 中没有 ledger.toml", "在该目录运行 ledger init 创建，或用 --workspace 指定含 ledger.toml 的目录。", title="缺少配置文件"),
    ProblemType("config-encoding", ERROR, "ledger.toml 不是UTF-8编码，无法读取", "用记事本打开 ledger.toml，“另存为”时编码选“UTF-8”。", title="配置文件编码不对"),
    ProblemType("config-syntax", ERROR, "ledger.toml 第{line}行第{column}列：{what}。该行是：{text}", "每项设置写作“键名 = 值”，文字用英文双引号括起，如 title = \"2021年重点任务工作台账\"；数字不加引号。", title="配置格式错误"),
    ProblemType("config-full-width", ERROR, "ledger.toml 第{line}行有中文输入法打出的符号 {chars}。该行是：{text}", "切换到英文输入法重新输入这些符号：引号用英文双引号 \"，等号用半角 =，方括号用 []（不是【】或［］），逗号用半角 ,。", title="配置中有全角符号"),
    ProblemType("config-key-missing", ERROR, "ledger.toml 缺少必填项 {key}", "补上这一项，例如 {example}。", title="缺少必填设置"),
    ProblemType("config-type", ERROR, "ledger.toml 中 {key} 应为{expected}，现为 {value}", "改为正确的写法，例如 {example}。", title="设置的写法不对"),
    ProblemType("config-value", ERROR, "ledger.toml 中 {key} 的取值 {value} 不可用，应为{allowed}", "修改 {key} 后运行 ledger check 检查。", title="设置的取值不对"),
    ProblemType("config-key-unknown", ERROR, "ledger.toml 中的 {key} 不是可用的设置项{suggestion}", "改正拼写或位置；可用的设置项见 ledger init 生成的 ledger.toml 中的说明。", title="未知的设置项"),
    ProblemType("unit-group-unknown", ERROR, "“{name}”指一组单位，但单位名录的“所属分组”列中没有“{group}”", "在单位名录的“所属分组”列，为每个成员单位填写“{group}”，“{name}”即指这些单位。", title="分组不在名录中"),
    ProblemType("unit-option-unknown", ERROR, "单位“{name}”不在单位名录中{suggestion}", "用单位全称、单位名录中“简称/别名”列的名称，或“所属分组”（如“各街道”）。", title="单位名称有误"),
    # --- 机构改革: units renamed and merged
    ProblemType("unit-change-unknown", ERROR, "单位“{name}”不在单位名录中{suggestion}", "用单位名录中的单位全称或简称/别名（已更名或并入其他单位的，用现在的名称）。", title="单位名称有误"),
    ProblemType("unit-name-taken", ERROR, "“{name}”已是单位名录中“{unit}”的名称、简称或曾用名", "更名后的名称不能与其他单位重名；要把一个单位并入另一个单位，用 ledger units merge。", title="名称已被占用"),
    ProblemType("unit-name-invalid", ERROR, "“{name}”不能用作单位名称：{why}", "写单位全称，如“钢城区水利局”：不能为空，不以 = + - @ 开头，不含顿号、逗号、分号、斜杠或空格（它们分隔多个名称），也不能是“街道”这样的分组名称。", title="单位名称不可用"),
    ProblemType("unit-change-same", ERROR, "“{name}”和“{new}”是同一个单位", "更名时写新的名称；合并时写被合并的单位和并入的另一个单位。", title="前后是同一单位"),
    ProblemType("unit-change-order", ERROR, "{name}已有自{later}起的更名或合并记录（{what}），不能再记自更早的{period}起的更改", "按时间先后记录：要更正时，从{later}或以后的期次起再更名或合并一次（如改回原名）。", title="改革记录顺序有误"),
    ProblemType("unit-change-future", ERROR, "起始期次{period}晚于下一期{next}", "单位名录改动后即用于下一次生成的填报表，起始期次最晚为{next}（已下发的期次也可以，从该期起的报送都按新单位汇总）；更晚的改动请到时再做。", title="起始期次过晚"),
    ProblemType("render-before-unit-change", ERROR, "{period}之后已记录了自{start}起的单位更名或合并，不能再重新生成{period}的填报表", "已生成的{period}填报表照常下发、收集、汇总，不必重新生成（按原单位名称报送的，自{start}起按新单位汇总）。", title="不能重新生成"),
    ProblemType("units-file-open", ERROR, "单位名录“{file}”正被其他程序打开（{how}），未作任何更改", "关闭WPS、Excel或LibreOffice中打开的单位名录后重新运行；单位名录和更名合并记录都没有改动。", title="单位名录被占用"),
    ProblemType("units-file-kind", ERROR, "上传的单位名录是{kind}文件，而台账的单位名录是“{units}”，不能保存", "用Excel或WPS打开这个文件，另存为“Excel工作簿（*.xlsx）”后重新上传。", title="单位名录文件类型不对"),
    ProblemType("units-file-not-editable", ERROR, "单位名录“{file}”是{kind}文件，无法自动修改", "用Excel或WPS把单位名录另存为 .xlsx，在 ledger.toml 中把 units_file 改为新文件后重新运行。", title="单位名录无法修改"),
    ProblemType("return-unit-succeeded", WARNING, "文件标识的单位“{named}”已更名或并入{unit}，按{unit}的报送汇总", "无需处理（单位更名、合并见 ledger units log）。", title="按新单位汇总"),
    ProblemType("tasks-example-row", WARNING, "任务清单中还留着示例行“{task_id}”，已跳过", "按示例的格式填好任务后删除示例行；任务编号一经下发不要改动，新增任务接着用新的编号。", title="示例行未删除"),
    ProblemType("tasks-note-units", WARNING, "注释“{text}”为各项任务指定了单位，软件不从注释中读取单位", "在 ledger.toml 该任务清单下写明 extra_support（如 extra_support = [\"各街道\"]），这些单位即作为每项任务的配合单位。", title="注释中指定了单位"),
    ProblemType("units-example-row", WARNING, "单位名录中还留着示例行“{name}”，已跳过", "填好本单位名录后删除示例行。", title="示例行未删除"),
    ProblemType("config-key-moved", WARNING, "ledger.toml 中的 {key} 现在写在 [{section}] 段，本次仍按原设置执行", "把这一行移到 [{section}] 段下。", title="设置项已移动"),
    ProblemType("period-wrong-kind", ERROR, "本台账按{rhythm}调度，报告期{period}不是{rhythm}", "报告期写作 {form}（如 {example}）；年度、半年等汇总请用 ledger report 或 ledger status。", title="报告期与调度周期不符"),
    ProblemType("period-shorter-than-round", ERROR, "本台账按{rhythm}调度，{period}短于一个调度周期，无法汇总", "报告期写作 {form}（如 {example}），或更长的汇总期（如2021-H1、2021）。", title="报告期短于调度周期"),
    ProblemType("calendar-beyond", WARNING, "节假日日历只覆盖到{last}年，{year}年的工作日暂按周一至周五计算", "在 ledger.toml 的 [calendar] 段用 extra_holidays、extra_workdays 写明该年的放假和调休日期，或升级 ledger。", title="节假日日历未覆盖"),
    ProblemType("round-due-invalid", ERROR, "报送截止日期“{text}”无法识别", "写作2021-07-05、2021年7月5日或7月5日（不写年份的，取离本期原定截止日期最近的一年）。", title="截止日期写法不对"),
    ProblemType("round-due-before-start", ERROR, "报送截止日期{due}早于{period}开始之日（{start}），各单位报送都会算作逾期", "请核对日期：报送截止日期应在本期开始之后，一般为本期结束后的某一天。", title="截止日期早于本期"),
    ProblemType("round-why-missing", ERROR, "更改报送截止日期须写明原因", "加上 --why，如 --why \"国庆假期顺延\"。", title="缺少原因"),
    ProblemType("period-far", WARNING, "报告期{period}与台账年度{year}年相差较远", "确认 --period 是否写错（如把2021-06写成2012-06）；如台账已进入新的年度，请修改 ledger.toml 中的 year。", title="报告期可疑"),
    ProblemType("sent-fixed", ERROR, "{label}的填报表已发出或已收到报送，这次生成会改变{units}收到的任务内容", "已下发的内容不能悄悄改变。确需更正的，加 --revise --why \"原因\" 重新生成（修订连同时间、原因和操作人一并留存），再把新的填报表发给相关单位；否则请恢复任务清单。", title="已下发不能改"),
    ProblemType("render-stale", ERROR, "{label}的填报表生成后，又记录了自该期起生效的任务调整（{tasks}），已生成的填报表未按调整办理", "先重新生成再发送：ledger render --period {period}。", title="填报表需重新生成"),
    ProblemType("revise-why-missing", ERROR, "修订{period}已下发的填报表须写明原因", "加上 --why，如 --why \"更正任务12的完成时限\"。", title="缺少原因"),
    # --- the task lifecycle (ledger tasks …)
    ProblemType("task-change-unknown", ERROR, "任务编号“{task_id}”不在任务清单中{suggestion}", "用任务清单中的任务编号（ledger check --tasks 可列出全部任务）。", title="任务编号有误"),
    ProblemType("task-change-why-missing", ERROR, "调整任务须写明原因", "加上 --why，如 --why \"经区政府同意延期\"。", title="缺少原因"),
    ProblemType("task-change-not-applicable", ERROR, "任务{task_id}在{period}{state}，不能{action}", "先用 ledger tasks log 查看该任务的调整记录；{hint}", title="调整与任务现状不符"),
    ProblemType("task-change-fixed", ERROR, "{label}的填报表已发出或已收到报送，不能自该期起改变牵头单位", "用 --from {next} 自下一期起调整：新牵头单位自该期起填报，原牵头单位{label}的报送照常汇总。", title="已下发不能改"),
    ProblemType("task-extend-not-later", ERROR, "任务{task_id}原定完成时限为{due}，{to}不晚于它，不是延期", "延期须写比原定完成时限更晚的日期，请核对年份和月份；再次延期可写早于上次延期的日期，以最后一次批准为准；确需提前到原定时限之前的，请修改任务清单中的完成时限。", title="延期日期不晚于原时限"),
    ProblemType("task-change-date-invalid", ERROR, "延期后的完成时限“{text}”无法识别", "写作2021-09-30或2021年9月30日。", title="日期写法不对"),
    ProblemType("task-change-lead-missing", ERROR, "调整牵头单位须写明新的牵头单位", "加上 --lead 单位名称（单位全称或简称）。", title="缺少牵头单位"),
    ProblemType("task-extend-done", WARNING, "任务{task_id}在{done_in}已由牵头单位报送已完成，延期已照常记录", "该任务仍计为已完成，各输出按完成时的完成时限显示，不写“经批准延期”；如核实尚未完成，请牵头单位在下期如实填报完成状态，届时按延期后的时限计算。", title="延期已完成的任务"),
    ProblemType("task-suspend-done", WARNING, "任务{task_id}在{done_in}已由牵头单位报送已完成，暂缓已照常记录", "暂缓后该任务不计入完成率，列为暂缓任务；如确已完成、无需暂缓，用 ledger tasks resume 恢复，仍计为已完成。", title="暂缓已完成的任务"),
    ProblemType("config-status-office", ERROR, "ledger.toml 中 [report] statuses 列有“{value}”：销号、暂缓、取消由牵头办公室决定，不是单位可选的完成状态", "从 statuses 中删去这些项；任务销号、暂缓、取消用 ledger tasks close、suspend、cancel（见使用说明“任务调整与机构改革”），汇总和通报会单独统计。", title="状态列表含办公室调整"),
    # --- import
    ProblemType("import-format", ERROR, "不支持导入该格式的文件（{suffix}）", "请提供 .docx、.doc、.wps、.pdf、.txt、.md、.html 文件，或 .xlsx、.xls 任务表；扫描件需先识别为文字。", title="格式不支持"),
    ProblemType("import-unreadable", ERROR, "文件无法读取：{reason}", "用Word、WPS或PDF阅读器打开确认文件完好；PDF需有文字层（不是扫描图片）。", title="原文件无法读取"),
    ProblemType("import-doc-needs-libreoffice", ERROR, "读取{suffix}文件需要LibreOffice，本机未安装", "安装LibreOffice，或用Word、WPS将文件另存为 .docx 后重试。", title="缺少LibreOffice"),
    ProblemType("import-section-missing", ERROR, "文件中没有找到包含“{text}”的标题", "核对 --section 的文字，取文件标题中连续的一段即可。", title="未找到该文件"),
    ProblemType("import-no-tasks", ERROR, "未在文件中找到任务（没有带牵头单位或责任单位的条目，也没有任务表格）", "确认这是任务分工方案或工作台账；公报中有多份文件时用 --section 指定其中一份。", title="未找到任务"),
    ProblemType("import-lead-vague", WARNING, "第{number}项任务的牵头单位“{name}”是泛指，没有落实到具体单位", "在导入的任务表中把牵头单位改为具体的单位，如由哪个局、哪个街道牵头。", title="牵头单位为泛指"),
    ProblemType("import-lead-missing", WARNING, "第{number}项任务没有写明牵头单位或责任单位", "在导入的任务表中补填牵头单位。", title="未写牵头单位"),
    ProblemType("import-line-unplaced", WARNING, "“{text}”在任务清单中，但没有写明牵头单位或责任单位，未导入为任务", "如是任务，在导入的任务表中补一行并填写牵头单位；如不是任务，可不处理。", title="未识别的条目"),
    ProblemType("import-row-no-measure", WARNING, "表格中这一行没有任务内容（{text}），未导入为任务", "如是任务，在导入的任务表中补一行并填写具体措施；如不是任务，可不处理。", title="表格行没有任务内容"),
    ProblemType("import-group-unknown", WARNING, "“{name}”指一组单位，单位名录的“所属分组”列中还没有“{group}”", "在单位名录的“所属分组”列，为每个成员单位填写“{group}”，“{name}”即指这些单位；--add-units 不会把分组当作单位加入。", title="分组不在名录中"),
    ProblemType("import-unit-unknown", WARNING, "单位“{name}”不在单位名录中{suggestion}", "核对任务表中的写法，或运行 ledger import … --add-units 将其加入单位名录后补全信息。", title="新单位"),
    ProblemType("import-no-workspace", WARNING, "{file} 下没有 ledger.toml，只显示导入结果，未写入任务表", "先运行 ledger init 新建工作目录，或用 --workspace 指定工作目录。", title="没有工作目录"),
    ProblemType("import-code-taken", ERROR, "ledger.toml 中已有编号为“{doc_code}”的文件", "用 --code 指定另一个文件编号。", title="文件编号重复"),
    ProblemType("import-table-exists", ERROR, "任务表 {file} 已存在，未覆盖", "如需重新导入，先移走或删除该文件。", title="任务表已存在"),
    # --- intake and correction of returns (collect, ledger returns)
    ProblemType("return-order-undecided", WARNING, "与同一单位的“{newer}”保存时间、收到时间都相同，无法判断先后，按收集顺序采用了“{newer}”，本文件未汇总", "请与该单位核实以哪一份为准；如应以本文件为准，用 ledger returns withdraw 撤回“{newer}”。", title="无法判断先后"),
    ProblemType("return-unit-assigned", WARNING, "报送单位已由办公室指定为{unit}（ledger returns assign）", "如指定有误，用 ledger returns assign 重新指定。", title="已指定单位"),
    ProblemType("return-empty", ERROR, "报送的填报表与下发时相同（{rows}行均未填写或未修改），视为未报送本期进展", "请该单位在填报表上填写本期完成状态和进展后重新报送。", title="填报表未填写"),
    ProblemType("return-tasks-unread", ERROR, "填报表中的{rows}项任务一项也没有读到（任务行被删除，或“任务编号”列被删除、改了列名），视为未报送本期进展", "请该单位在下发的填报表上重新填写，不要删除或改动“任务编号”列；已填写的内容见“未汇总内容”。", title="任务行无法读取"),
    ProblemType("progress-unchanged", WARNING, "任务“{task_id}”的{column}与上期相同，未更新", "请该单位填写本期的{column}；汇总和通报中标注为“（与上期相同）”，不作为本期情况引用。", title="与上期相同"),
    ProblemType("status-overdue-on-schedule", WARNING, "任务“{task_id}”已超过完成时限（{deadline}），单位填报为“{status}”", "请该单位核实：已完成的选“已完成”并写明完成时间，未完成的选“滞后”并说明原因；汇总中按逾期（红灯）统计。", title="已超期仍填序时推进"),
    ProblemType("report-date-late", WARNING, "报告日期{report_date}比本期报送时限{due}晚{days}天", "确认报告日期：用 ledger report --date 指定成文日期（如 --date {due_iso}；控制台在“生成通报”上方的报告日期一栏填写）。", title="报告日期过晚"),
    ProblemType("report-date-before-returns", WARNING, "报告日期{report_date}早于{count}份已汇总报送的收到时间（最晚{latest}），通报所述报送情况在报告日尚未发生", "确认报告日期：用 ledger report --date 指定成文日期，不早于最后一份报送收到的日期（如 --date {latest_iso}；控制台在“生成通报”上方的报告日期一栏填写）。", title="报告日期早于报送"),
    ProblemType("report-date-before-due", WARNING, "报告日期{report_date}未过本期报送截止日期{due}，通报中{count}个未报送的单位尚在报送期限内", "确认报告日期：截止日期后再生成通报，或用 ledger report --date 指定成文日期（如 --date {due_iso}；控制台在“生成通报”上方的报告日期一栏填写）。", title="报告日期未过截止日期"),
    ProblemType("return-scan-only", ERROR, "只报送了扫描件（{kind}），没有Excel填报表", "请该单位把填好的Excel填报表（.xlsx）一并报送；扫描件可作为佐证材料附上。", title="只报送了扫描件"),
    ProblemType("collect-other-period", WARNING, "文件是{found}的填报表，却存入了{period}", "如放错了报告期：ledger returns withdraw --period {period} {file} --why \"报告期有误\" 撤回，再用 ledger collect --period {found}（或 --period auto）重新收集。", title="报告期不符"),
    ProblemType("collect-period-unknown", WARNING, "文件没有填报表的报告期标识，--period auto 无法判断应存入哪个报告期，未存入", "用 ledger collect --period 2021-06 这样指定报告期收集该文件。", title="无法判断报告期"),
    ProblemType("collect-symlink", WARNING, "“{file}”是符号链接（指向 {target}），未存入", "符号链接可能指向本机的任何文件，收集时不跟随；如确需收集，请把所指的文件本身复制出来再收集。", title="符号链接未收集"),
    ProblemType("collect-file-unreadable", WARNING, "“{file}”无法读取（{reason}），未存入", "关闭正在打开该文件的程序（WPS、Excel等），确认文件还在、有权限读取后，重新收集该文件；其他文件已照常存入。", title="文件无法读取"),
    ProblemType("collect-archive-kept", WARNING, "压缩文件“{file}”未解压，已原样存入：{reason}", "请该单位把填报表（.xlsx）直接作为附件重新发送；如确需其中的文件，由办公室核实后解压，再用 ledger collect 收集。", title="压缩文件未解压"),
    ProblemType("collect-not-mail", ERROR, "“{file}”不是邮件（{reason}），未从中存入任何文件", "确认这是从邮箱导出的 .eml 邮件或 .mbox 邮箱文件；工作簿请直接收集 .xlsx 文件。", title="不是邮件"),
    ProblemType("collect-period-invalid", WARNING, "文件标识的报告期“{found}”不是本台账的报告期（按{rhythm}调度），无法据此存放", "文件的隐藏标识可能被改动过，请与报送单位核实；用 ledger collect --period 2021-06 这样指定报告期收集该文件。", title="报告期标识无效"),
    ProblemType("received-time-invalid", ERROR, "收到时间“{text}”无法识别", "按“2021-07-04 10:30”或“2021年7月4日10:30”填写（24小时制，按本办公室所在时区）。", title="时间无法识别"),
    ProblemType("mail-nothing-taken", WARNING, "邮件中没有取到文件：{reason}", "在邮箱中打开这封邮件查看；如有报送文件，另存后用 ledger collect 收集。", title="邮件中没有文件"),
    ProblemType("mail-too-large", WARNING, "邮件过大（{size}，超出上限{cap}，ledger.toml [limits] max_mail_mb），未取回：发件人{sender}，主题“{subject}”", "该邮件仍在邮箱中、未标记为已收取：请在邮箱中打开，把其中的填报表另存后用 ledger collect 收集；如确属正常的大邮件，可在 ledger.toml 的 [limits] 中调高 max_mail_mb 后重新收取。", title="邮件过大"),
    ProblemType("mail-attachment-empty", WARNING, "邮件中的附件“{name}”是空文件或无法解码，未存入；同一邮件的其他附件已存入", "请该单位重新发送该文件（多为文件尚未保存完就添加为附件）。", title="附件为空"),
    ProblemType("received-time-implausible", WARNING, "收到时间{found}不可信（早于本期开始{start}，或晚于收集时一天以上），已按收集时间{used}计", "如知道实际收到时间，用 ledger returns set-received --period {period} {file} \"2021-07-04 10:30\" 更正。", title="收到时间不可信"),
    ProblemType("received-date-differs", WARNING, "邮件写明的发送时间{sent}与本单位收信服务器的接收时间{received}相差超过一天，按接收时间计", "发件人电脑的时钟可能不准，或发送时间被改动过；有疑问时与该单位核实。", title="发送时间不符"),
    ProblemType("received-time-outside", ERROR, "收到时间“{text}”不在本期可能的范围内（{start}至{limit}）", "核对年份和月份：收到时间应在报告期开始之后，且不晚于明天。", title="收到时间超出范围"),
    ProblemType("returns-file-unknown", ERROR, "{period}的报送文件中没有“{file}”{suggestion}", "用 ledger returns list --period {period} 查看已收到的文件名。", title="没有该文件"),
    ProblemType("returns-why-missing", ERROR, "{action}文件需要说明原因", "加上 --why \"原因\"，如 --why \"{example}\"。", title="缺少原因"),
    ProblemType("returns-already-withdrawn", ERROR, "文件“{file}”已经撤回（原因：{why}）", "如需恢复，用 ledger returns restore。", title="已经撤回"),
    ProblemType("returns-not-withdrawn", ERROR, "文件“{file}”没有撤回或退回，无需恢复", "用 ledger returns list 查看各文件的状态。", title="没有撤回或退回"),
    ProblemType("returns-already-rejected", ERROR, "文件“{file}”已经退回（原因：{why}）", "单位重新报送后，用 ledger collect 存入即可；退回错了的，用 ledger returns restore 撤销退回。", title="已经退回"),
    ProblemType("returns-reject-no-unit", ERROR, "无法确定文件“{file}”是哪个单位报送的，不能退回", "先用 ledger returns assign 指定单位再退回；不该计入的文件用 ledger returns withdraw 撤回。", title="不能退回"),
    ProblemType("returns-unit-group", ERROR, "“{name}”是一组单位（{members}），一个文件只能指定给一个单位", "用其中一个单位的全称或简称。", title="不能指定为一组单位"),
    ProblemType("returns-not-held", ERROR, "文件“{file}”不是待确认的文件（现为：{state}），无需确认", "用 ledger returns list 查看各文件的状态；只有发件人不是该单位登记邮箱的文件需要确认。", title="无需确认"),
    ProblemType("returns-remember-refused", ERROR, "文件“{file}”的发件邮箱不能登记：{why}", "不加 --remember，只确认这一个文件。", title="邮箱不能登记"),
    ProblemType("record-torn", WARNING, "记录文件 {file} 第{line}行不完整（“{text}”），已跳过该行", "多为上次运行时磁盘已满或被强行中止；其余记录照常使用。如该行是一份收据，重新运行 ledger collect 会补记。", title="记录不完整"),
    ProblemType("return-name-unreadable", WARNING, "报送文件夹中的“{file}”文件名不是UTF-8编码，未读取（多为在Linux上直接解压Windows压缩包所致）", "把该文件移出 source/returns，再用 ledger collect 收集它（收集时会识别GBK编码的文件名）。", title="文件名无法识别"),
    ProblemType("collect-receipt-added", WARNING, "上次收集中断：文件“{file}”已存入但没有收据，本次已补记", "无需处理；可用 ledger returns list 核对该文件的收到时间。", title="补记收据"),
    # --- the workspace and the files the tool writes
    ProblemType("workspace-busy", ERROR, "工作目录正被另一条命令占用：{holder}（进程 {pid}，自{since}起），已等待{waited}秒", "等该命令结束后再运行；如确认该命令已不在运行（如电脑曾断电），删除 {lock} 后重试。", title="工作目录被占用"),
    ProblemType("folder-not-writable", ERROR, "无法写入{folder}（{reason}）", "检查该文件夹是否只读、磁盘是否已满，或是否有权限写入；改正后重新运行，已完成的部分不会重复。", title="无法写入"),
    ProblemType("output-locked", WARNING, "“{file}”正被其他程序打开，无法替换，新文件已另存为“{new}”", "关闭WPS或Excel中打开的“{file}”，以后生成时即可覆盖；本次请打开“{new}”。", title="文件被占用"),
    # --- what units are told (workbooks and mail)
    ProblemType("office-contact-placeholder", ERROR, "填报说明和邮件中的联系人“{contact}”、电话“{phone}”仍是示例，各单位会照此联系", "在 ledger.toml 的 [office] 中填写真实的 contact（联系人）和 phone（联系电话）。", title="联系人仍是示例"),
    ProblemType("round-run-as-shorter", ERROR, "{label}已按更短的期次开展调度（{rounds}），不能再作为一期生成填报表、汇总或发送", "查看和汇总这一期请用 ledger status 或 ledger report --period {period}（汇总其中各期）；以后各期按现在的调度周期写报告期。", title="已按更短期次调度"),
    ProblemType("round-run-as-longer", ERROR, "{label}已在更长的期次{rounds}中开展调度，不能再作为一期生成填报表、汇总或发送", "这段时间的报送请在{rounds}中查看和汇总（ledger status --period {period}）；改变调度周期后，从{rounds}之后的第一期起按现在的调度周期写报告期。", title="已按更长期次调度"),
    ProblemType("round-not-run", ERROR, "{label}尚未开展调度（没有生成填报表、发出邮件，也没有收到报送），不生成通报", "如报告期输错了，请改正；否则先运行 ledger render --period {period} 生成填报表并下发，收到报送后再生成通报。", title="尚未开展调度"),
    ProblemType("period-not-rendered", WARNING, "{label}尚未生成填报表（没有运行过 ledger render --period {period}）", "如报告期输错了，请改正；否则先运行 ledger render --period {period}。", title="尚未生成填报表"),
    # --- the console (ledger serve)
    ProblemType("console-period-missing", ERROR, "没有选择报告期", "在页面上方选择报告期后再操作。", title="没有选择报告期"),
    ProblemType("console-date-invalid", ERROR, "报告日期“{text}”无法识别，未生成通报", "写作2021-07-09或2021年7月9日；不填则为今天。", title="报告日期写法不对"),
    ProblemType("console-send-changed", ERROR, "要发送的邮件与预览时不同（预览时{previewed}封，现在{now}封），未发送", "预览之后情况有了变化（如又收到了报送、有单位报送有误、单位名录改了邮箱），请重新预览，逐封核对后再发送。", title="邮件与预览不同"),
    ProblemType("console-send-unpreviewed", ERROR, "这个发送按钮所在的页面是控制台更新前打开的，无法核对要发送的邮件是否与预览时相同，未发送", "请刷新页面，重新预览，逐封核对后再发送。", title="需要重新预览"),
    ProblemType("console-imap-failed", ERROR, "收取邮件失败：{reason}", "检查 ledger.toml 的 [mail.imap] 设置、网络，以及环境变量 LEDGER_IMAP_PASSWORD 中的密码。", title="收取邮件失败"),
    ProblemType("console-port-in-use", ERROR, "端口{port}已被占用：可能已有一个台账控制台在运行（也可能是另一个台账的），本控制台未启动", "已开着控制台窗口的，在浏览器中打开它显示的地址即可；要同时打开另一个台账，加 --port {next} 换一个端口。", title="控制台端口被占用"),
    ProblemType("console-password-missing", ERROR, "控制台要在 {host} 上供其他电脑访问，但还没有设置密码，未启动", "先运行 ledger serve --set-password 设置密码；只在本机使用时不要加 --host。", title="控制台没有密码"),
]
# fmt: on

CATALOGUE: dict[str, ProblemType] = {t.code: t for t in _TYPES}


@dataclass(frozen=True)
class Problem:
    """One named problem, located as precisely as it can be."""

    code: str
    severity: Severity
    message: str
    hint: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    unit: str | None = None
    task: str | None = None  # the task ID it is about, when it is about one
    # the fields its message was filled with (task_id, value, found …), as plain JSON values for --json readers
    values: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def location(self) -> tuple[str | None, str | None, str | None]:
        return (self.file, self.sheet, self.cell)

    def to_dict(self) -> dict:
        return asdict(self)


def problem(
    code: str,
    *,
    file: str | None = None,
    sheet: str | None = None,
    cell: str | None = None,
    unit: str | None = None,
    **fields: object,
) -> Problem:
    """Build a problem of a catalogued type; an unknown code is a programming error."""
    kind = CATALOGUE[code]
    values = {"file": file, "sheet": sheet, "cell": cell, "unit": unit, **fields}
    task = fields.get("task_id")
    return Problem(
        code=code,
        severity=kind.severity,
        message=kind.template.format(**values),
        hint=kind.hint.format(**values),
        file=file,
        sheet=sheet,
        cell=cell,
        unit=unit,
        task=str(task) if task else None,
        values={k: v if v is None or isinstance(v, str | int | float) else str(v) for k, v in fields.items()},
    )


class ProblemError(Exception):
    """An error reported as a catalogued problem: its code and the fields its message needs."""

    def __init__(self, code: str, **fields: Any) -> None:
        super().__init__(code, fields)
        self.code = code
        self.fields: dict[str, Any] = fields


# A write refused by the system, in the office's words: said with the folder instead of a traceback.
WRITE_REFUSED = {
    errno.EACCES: "没有写入权限，或文件夹是只读的",
    errno.EPERM: "没有写入权限，或文件夹是只读的",
    errno.EROFS: "磁盘是只读的",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "超出磁盘配额",
}


def write_refused(exc: OSError) -> ProblemError | None:
    """A write the system refused (a read-only folder, a full disk) as `folder-not-writable` naming the folder; None
    for any other error. What the CLI's commands and the console's actions say alike."""
    if exc.errno not in WRITE_REFUSED:
        return None
    where = Path(exc.filename) if exc.filename else Path.cwd()
    folder = where if where.is_dir() else where.parent
    return ProblemError("folder-not-writable", folder=str(folder), reason=WRITE_REFUSED[exc.errno])


class ProblemsError(Exception):
    """Several catalogued problems that stop a step together (every renumbered row of a task list at once)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("；".join(p.message for p in problems))
        self.problems = problems


def column_letter(column: int) -> str:
    """Spreadsheet column name from a 1-based number: 2 -> 'B', 27 -> 'AA'. Written here rather than taken from
    openpyxl, whose import (numpy with it) would cost every command a third of a second."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    """Spreadsheet cell name from 1-based row and column: (3, 2) -> 'B3'."""
    return f"{column_letter(column)}{row}"


def held_open(paths: Iterable[Path]) -> list[Problem]:
    """An output another program held open (WPS or Excel on Windows) is written beside it: said, naming both."""
    return [
        problem("output-locked", file=str(original), new=str(path))
        for path in paths
        if (original := displaced(path)) is not None
    ]
