//! Property tests for the parsers of outside input (issue 13): whatever
//! bytes or JSON arrive, they never panic, and what they accept is within
//! the limits. Run with the unit tests; more cases with
//! `PROPTEST_CASES=100000 cargo test -p lobby-app fuzz`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;

use crate::photos::{check_photo, MAX_PHOTO_PIXELS};
use crate::tenants::{read_table, MAX_IMPORT_COLUMNS, MAX_IMPORT_ROWS};
use crate::tickets::{NewTicketFields, NewTicketInput};

/// Bytes that start like the files people upload (ZIP, PNG, JPEG, WebP,
/// CSV with a BOM) followed by anything.
fn upload() -> impl Strategy<Value = Vec<u8>> {
    let heads: Vec<Vec<u8>> = vec![
        b"PK\x03\x04".to_vec(),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(),
        b"\xff\xd8\xff\xe0".to_vec(),
        b"RIFF\x00\x00\x00\x00WEBPVP8 ".to_vec(),
        b"\xEF\xBB\xBF".to_vec(),
        Vec::new(),
    ];
    (
        proptest::sample::select(heads),
        proptest::collection::vec(any::<u8>(), 0..2048),
    )
        .prop_map(|(mut h, rest)| {
            h.extend(rest);
            h
        })
}

proptest! {
    #[test]
    fn a_roster_file_never_panics_and_stays_in_bounds(bytes in upload()) {
        if let Ok(rows) = read_table(&bytes) {
            prop_assert!(rows.len() <= MAX_IMPORT_ROWS);
            prop_assert!(rows.iter().all(|r| r.len() <= MAX_IMPORT_COLUMNS));
        }
    }

    #[test]
    fn csv_text_never_panics(text in "[a-z0-9,\"\\n\\r 名称公司]{0,400}") {
        if let Ok(rows) = read_table(text.as_bytes()) {
            prop_assert!(rows.len() <= MAX_IMPORT_ROWS);
        }
    }

    #[test]
    fn a_photo_header_never_panics_and_never_passes_a_bomb(bytes in upload()) {
        if let Ok((_, _, w, h)) = check_photo(&bytes) {
            prop_assert!(u64::from(w) * u64::from(h) <= MAX_PHOTO_PIXELS);
        }
    }

    #[test]
    fn a_png_header_with_any_size_is_judged_by_its_pixels(w in 1u32..200_000, h in 1u32..200_000) {
        let png = png_header(w, h);
        match check_photo(&png) {
            Ok((_, ty, pw, ph)) => {
                prop_assert_eq!((ty, pw, ph), ("image/png", w, h));
                prop_assert!(u64::from(w) * u64::from(h) <= MAX_PHOTO_PIXELS);
            }
            Err(e) => {
                prop_assert_eq!(e.field(), Some("file"));
                prop_assert!(u64::from(w) * u64::from(h) > MAX_PHOTO_PIXELS, "{e:?}");
            }
        }
    }

    #[test]
    fn a_ticket_body_never_panics(
        kind in proptest::option::of("[a-z_]{0,12}|repair|complaint"),
        priority in proptest::option::of("[a-z]{0,8}|urgent|normal"),
        title in proptest::option::of(".{0,200}"),
        description in proptest::option::of(".{0,300}"),
        location in proptest::option::of(".{0,150}"),
        channel in proptest::option::of("[a-z_]{0,10}|phone|portal"),
        department in proptest::option::of("[a-z_]{0,16}|engineering"),
        unit_id in proptest::option::of(any::<i64>()),
        odd in proptest::option::of(prop_oneof![Just(serde_json::json!(1)), Just(serde_json::json!([])), Just(serde_json::json!({"a": null}))]),
    ) {
        let mut body = serde_json::Map::new();
        for (k, v) in [("kind", kind), ("priority", priority), ("title", title), ("description", description), ("location", location), ("channel", channel), ("department", department)] {
            if let Some(v) = v { body.insert(k.into(), v.into()); }
        }
        if let Some(u) = unit_id { body.insert("unit_id".into(), u.into()); }
        if let Some(o) = odd { body.insert("title".into(), o); }
        if let Ok(input) = serde_json::from_value::<NewTicketInput>(serde_json::Value::Object(body)) {
            match NewTicketFields::parse(&input) {
                Ok(f) => {
                    prop_assert!(!f.title.trim().is_empty() && f.title.chars().count() <= 120);
                    prop_assert!(f.location.as_ref().is_none_or(|l| l.chars().count() <= 120));
                }
                Err(e) => prop_assert!(e.field().is_some(), "{e:?}"),
            }
        }
    }
}

/// A PNG signature, a valid IHDR chunk claiming `w`×`h` grey pixels and an
/// empty IDAT: all a header check may read.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in bytes {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    let mut chunk = b"IHDR".to_vec();
    chunk.extend(w.to_be_bytes());
    chunk.extend(h.to_be_bytes());
    chunk.extend([8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(13u32.to_be_bytes());
    png.extend(&chunk);
    png.extend(crc32(&chunk).to_be_bytes());
    // An empty IDAT: the decoder reads the header up to the first one.
    png.extend(0u32.to_be_bytes());
    png.extend(b"IDAT");
    png.extend(crc32(b"IDAT").to_be_bytes());
    png
}

/// A sheet read cell by cell is what its used range was: a roster that
/// starts at B3 (a title row and a margin) reads as one starting at A1.
#[test]
fn an_xlsx_reads_from_its_first_used_cell() {
    let sheet = |row: u32, col: u16| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (i, line) in [["租户名称", "类型"], ["华信", "公司"]].iter().enumerate() {
            for (j, v) in line.iter().enumerate() {
                ws.write_string(row + i as u32, col + j as u16, *v).unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    };
    let want = vec![vec!["租户名称", "类型"], vec!["华信", "公司"]];
    assert_eq!(read_table(&sheet(0, 0)).unwrap(), want);
    assert_eq!(read_table(&sheet(2, 1)).unwrap(), want);
}
