//! The go-live benchmark's workbook (BENCHMARKS.md, "Going live"): a
//! building of N units in the templates' format, with a tenant, a lease
//! and an electricity meter per unit and M months of opening balances
//! each — or only the units sheet, for the preview of a small file.

use std::path::PathBuf;

#[derive(clap::Args)]
pub struct BookArgs {
    #[arg(long, default_value_t = 5000)]
    units: usize,
    /// Months of opening balances per tenant (0: none).
    #[arg(long, default_value_t = 24)]
    months: u32,
    /// Only the units sheet.
    #[arg(long)]
    units_only: bool,
    #[arg(long)]
    out: PathBuf,
}

fn sheet(
    wb: &mut rust_xlsxwriter::Workbook,
    name: &str,
    head: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> anyhow::Result<usize> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    let mut n = 0;
    for (r, row) in rows.enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v)?;
        }
        n += 1;
    }
    Ok(n)
}

pub fn book(a: &BookArgs) -> anyhow::Result<()> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let unit = |i: usize| format!("B{:02}{:02}", i / 20 + 1, i % 20 + 1);
    let tenant = |i: usize| format!("基准租户{i:05}");
    let floor = |i: usize| format!("{}F", i / 20 + 1);
    let mut rows = sheet(
        &mut wb,
        "单元",
        &["楼栋", "楼层", "单元号", "面积（㎡）", "状态", "备注"],
        (0..a.units).map(|i| {
            vec![
                "基准楼".into(),
                floor(i),
                unit(i),
                format!("{}.{:02}", 40 + i % 160, i % 100),
                String::new(),
                String::new(),
            ]
        }),
    )?;
    if !a.units_only {
        rows += sheet(
            &mut wb,
            "租户",
            &["租户名称", "类型", "单元", "办公电话"],
            (0..a.units).map(|i| {
                vec![
                    tenant(i),
                    "company".into(),
                    String::new(),
                    format!("021-6{i:07}"),
                ]
            }),
        )?;
        rows += sheet(
            &mut wb,
            "租约",
            &["单元", "租户", "起租日", "到期日", "月租金参考（元）"],
            (0..a.units).map(|i| {
                vec![
                    unit(i),
                    tenant(i),
                    "2024-12-01".into(),
                    "2027-11-30".into(),
                    format!("{}.00", 8000 + i % 9000),
                ]
            }),
        )?;
        rows += sheet(
            &mut wb,
            "能源表",
            &["单元", "表类", "表号", "倍率", "期初读数", "读数日期"],
            (0..a.units).map(|i| {
                vec![
                    unit(i),
                    "electricity".into(),
                    format!("BE-{i:05}"),
                    "1".into(),
                    format!("{}.5", 1000 + i),
                    "2026-11-30".into(),
                ]
            }),
        )?;
        let months = a.months as usize;
        rows += sheet(
            &mut wb,
            "期初欠费",
            &["租户", "账期", "收费项目", "欠款金额（元）", "缴费期限"],
            (0..a.units).flat_map(|i| {
                (0..months).map(move |m| {
                    // Two years back from last month.
                    let total = 2026 * 12 + 10 - (months - m) as i64;
                    let (y, mo) = (total / 12, total % 12 + 1);
                    vec![
                        tenant(i),
                        format!("{y}-{mo:02}"),
                        "物业管理费".into(),
                        format!("{}.50", 300 + i % 700),
                        format!("{y}-{mo:02}-15"),
                    ]
                })
            }),
        )?;
    }
    wb.save(&a.out)?;
    println!("wrote {rows} rows to {}", a.out.display());
    Ok(())
}
