//! Keys (钥匙管理): a register entry has copies numbered 1..=copies; a copy is
//! out to one holder at a time.

/// The copy to hand out: the one asked for if it is in, else the lowest
/// copy that is in; `None` when none is.
pub fn copy_to_issue(copies: i64, out: &[i64], asked: Option<i64>) -> Result<i64, &'static str> {
    match asked {
        Some(c) if !(1..=copies).contains(&c) => Err("no such copy"),
        Some(c) if out.contains(&c) => Err("that copy is out"),
        Some(c) => Ok(c),
        None => (1..=copies)
            .find(|c| !out.contains(c))
            .ok_or("every copy is out"),
    }
}

#[cfg(test)]
mod tests {
    use super::copy_to_issue;

    #[test]
    fn a_copy_is_out_to_one_holder_at_a_time() {
        assert_eq!(copy_to_issue(2, &[], None), Ok(1));
        assert_eq!(copy_to_issue(2, &[1], None), Ok(2));
        assert_eq!(copy_to_issue(2, &[1, 2], None), Err("every copy is out"));
        assert_eq!(copy_to_issue(2, &[1], Some(1)), Err("that copy is out"));
        assert_eq!(copy_to_issue(2, &[1], Some(3)), Err("no such copy"));
        assert_eq!(copy_to_issue(2, &[1], Some(2)), Ok(2));
    }
}
