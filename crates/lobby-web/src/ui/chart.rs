//! A bar chart drawn on the server as SVG (the ticket summary, the
//! department report), so a printed page has it without script.

/// One bar of a server-drawn SVG chart, with its value written above it.
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub label: String,
    pub n: i64,
    /// The bar's middle, where its value and day are written.
    pub mid: i64,
}

/// A bar chart with its axes: the value scale on the left (0, half, top,
/// each with a grid line) and the days along the bottom (a label every few
/// bars so they never overlap).
pub struct Chart {
    pub bars: Vec<Bar>,
    /// (y, value) of each grid line.
    pub ticks: Vec<(i64, i64)>,
    /// (x, text) of each day label.
    pub days: Vec<(i64, String)>,
    /// Where the plot starts (after the value scale) and its height.
    pub left: i64,
    pub height: i64,
    pub width: i64,
    /// Values are written above bars wide enough to hold them.
    pub values: bool,
}

pub const CHART_H: i64 = 120;
const CHART_LEFT: i64 = 30;

/// A top for the value scale that halves into whole numbers: 1, 2, 4, 6,
/// 10, 20, 40, 60, 100 … at least `max`.
fn nice_top(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 4, 6, 10] {
            if m * step >= max {
                return m * step;
            }
        }
        step *= 10;
    }
}

pub fn chart(items: &[lobby_app::reports::Count], width: i64) -> Chart {
    let top = nice_top(items.iter().map(|c| c.n).max().unwrap_or(0).max(1));
    let plot = width - CHART_LEFT;
    let w = (plot / items.len().max(1) as i64).max(2);
    let bars: Vec<Bar> = items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let h = c.n * CHART_H / top;
            let x = CHART_LEFT + i as i64 * w;
            Bar {
                x,
                y: CHART_H - h,
                w: (w - 2).max(1),
                h,
                label: c.key.clone(),
                n: c.n,
                mid: x + (w - 2).max(1) / 2,
            }
        })
        .collect();
    // A day label (MM-DD) at most every 60 px.
    let every = (60 / w).max(1) as usize;
    let days = bars
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(_, b)| (b.mid, b.label.get(5..).unwrap_or(&b.label).to_string()))
        .collect();
    Chart {
        ticks: [0, top / 2, top]
            .iter()
            .map(|v| (CHART_H - v * CHART_H / top, *v))
            .collect(),
        days,
        left: CHART_LEFT,
        height: CHART_H,
        width,
        values: w >= 14,
        bars,
    }
}
