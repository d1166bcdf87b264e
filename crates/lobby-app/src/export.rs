//! Files for spreadsheets: every CSV export goes through `write_csv`, which
//! neutralises cells a spreadsheet would run as a formula. Never write CSV
//! by hand elsewhere.

use crate::{AppError, AppResult};

/// A cell as text a spreadsheet shows and never evaluates: one that starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return (Excel, LibreOffice
/// and Sheets read those as a formula, `=HYPERLINK(…)`, `@SUM(…)`) gets a
/// leading apostrophe, which they display as text (OWASP's advice).
pub fn csv_cell(v: &str) -> std::borrow::Cow<'_, str> {
    match v.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{v}").into(),
        _ => v.into(),
    }
}

/// A CSV file with a header, in UTF-8 with a byte-order mark (so Excel on a
/// Chinese Windows opens it right), every cell neutralised by `csv_cell`.
pub fn write_csv(header: &[&str], rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let e = |e: csv::Error| AppError::Internal(e.into());
        w.write_record(header.iter().map(|h| csv_cell(h).into_owned()))
            .map_err(e)?;
        for r in rows {
            w.write_record(r.iter().map(|c| csv_cell(c).into_owned()))
                .map_err(e)?;
        }
        w.flush().map_err(|e| AppError::Internal(e.into()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for bad in [
            "=HYPERLINK(\"http://x\",\"a\")",
            "@SUM(A1)",
            "+1",
            "-2",
            "\tx",
            "\r=1",
        ] {
            assert_eq!(csv_cell(bad), format!("'{bad}"));
        }
        for good in ["华信科技", "021-5555 0000", "", "a=b"] {
            assert_eq!(csv_cell(good), good);
        }
        let f = write_csv(&["名称"], &[vec!["=1+1".into()], vec!["ok".into()]]).unwrap();
        let text = String::from_utf8(f).unwrap();
        assert!(text.contains("'=1+1") && !text.contains("\n=1+1"), "{text}");
    }
}
