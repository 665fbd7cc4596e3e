#!/usr/bin/env bash
# Writes the HTML reports of runs (a tokens one too), a sweep and a break-even, renders each in headless
# Chromium and checks what a reader would get: every chart in the rendered DOM, and a
# 1280 px wide screenshot that is a real picture. Usage: .ci/render-report.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/report-check}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cargo build --release --quiet
bin=target/release/servsim
chromium=${CHROMIUM:-/usr/bin/chromium}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

"$bin" run scenarios/continuous-inference.json --format html --quiet --output "$out/run.html"
"$bin" run scenarios/llm-chat-diurnal.json --format html --quiet --output "$out/llm.html"
"$bin" run scenarios/llm-chat-diurnal-tokens.json --seeds 1 --horizon 1d --format html --quiet \
    --output "$out/tokens.html"
"$bin" sweep scenarios/realtime-slo.json --param platforms.0.scaledown_window_s \
    --values 60,300,600,900,1200 --slo-p99 0.2 --seeds 4 \
    --format html --quiet --output "$out/sweep.html"
"$bin" breakeven scenarios/breakeven-h100.json --param workload.rate_profile.windows.0.end_h \
    --range 1:24:1 --between modal-busy-only spheron-on-demand \
    --format html --quiet --output "$out/breakeven.html"

render() { # NAME CHART_ID…
    local name=$1
    shift
    local page="file://$out/$name.html"
    local flags=(--headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars
        --user-data-dir="$profile")
    "$chromium" "${flags[@]}" --dump-dom "$page" > "$out/$name.dom.html" 2> "$out/$name.log"
    python3 .ci/check_report.py dom "$out/$name.dom.html" "$@"
    rm -f "$out/$name.png"
    "$chromium" "${flags[@]}" --window-size=1280,2400 --screenshot="$out/$name.png" "$page" \
        >> "$out/$name.log" 2>&1
    python3 .ci/check_report.py png "$out/$name.png"
    echo "$name: $(stat -c %s "$out/$name.html") bytes of HTML, $(stat -c %s "$out/$name.png") bytes of PNG, charts: $*"
}

render run chart-cost-breakdown chart-latency-tail chart-timeline-{0..3}
render llm chart-cost-breakdown chart-latency-tail chart-timeline-{0..2}
render tokens chart-cost-breakdown chart-latency-tail chart-ttft-tail chart-tpot-tail \
    chart-timeline-{0..2}
render sweep chart-sweep-cost chart-sweep-p99 chart-cost-breakdown chart-latency-tail
render breakeven chart-breakeven chart-breakeven-p99
echo "rendered 5 reports in $out"
