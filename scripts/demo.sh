#!/usr/bin/env bash
# The whole monthly cycle on the example workspace: check, render, (sample) returns, collect, merge, report.
set -euo pipefail
cd "$(dirname "$0")/.."
ledger=${LEDGER:-.venv/bin/ledger}
period=${PERIOD:-2021-06}
"$ledger" check > build-check.log || { cat build-check.log; exit 1; }
rm -f build-check.log
"$ledger" render --period "$period"
"$ledger" sample-returns --period "$period" "build/$period/sample-inbox"
"$ledger" collect --period "$period" "build/$period/sample-inbox"
"$ledger" merge --period "$period" > "build/$period/merge.log"
tail -n 4 "build/$period/merge.log"
# Six sample replies came from an address not registered for their unit: they wait as 待确认, and this says how
# to accept them (ledger returns accept).
"$ledger" returns list --period "$period" > "build/$period/returns.log"
sed -n '/^待确认/,$p' "build/$period/returns.log"
"$ledger" status --period "$period"
# the report date a leader would sign: a few days after the returns were due, not the day the demo runs
"$ledger" report --period "$period" --date "${REPORT_DATE:-$(date -d "${period}-01 +1 month +8 days" +%F)}"
