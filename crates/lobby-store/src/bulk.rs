//! Many rows at once, for the data generator (`lobby generate`) and a
//! go-live import's opening balances: multi-row
//! `INSERT … VALUES (…), (…)` statements with bound values, sized under the
//! engines' limit on bound parameters. Rows carry their own ids so that
//! related rows (a ticket and its events) go in together.

use crate::{Conn, Dialect, Result, StoreError, Tx};

/// One bound value.
#[derive(Debug, Clone)]
pub enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::OptInt(v)
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_string())
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::OptText(v)
    }
}

/// Rows bound for one table, in the order of `columns`.
#[derive(Debug)]
pub struct Rows {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    values: Vec<Val>,
}

impl Rows {
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Rows {
            table,
            columns,
            values: Vec::new(),
        }
    }

    /// Adds a row; its length must match the columns.
    pub fn push(&mut self, row: Vec<Val>) -> Result<()> {
        if row.len() != self.columns.len() {
            return Err(StoreError::Config(format!(
                "a row for {} has {} values for {} columns",
                self.table,
                row.len(),
                self.columns.len()
            )));
        }
        self.values.extend(row);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.values.len() / self.columns.len().max(1)
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Writes the rows (in statements of at most ~30,000 bound values: SQLite
    /// allows 32,766, PostgreSQL 65,535) and empties the buffer. SQLite gets
    /// plain `?` marks: it looks each `$N` name up among those seen before,
    /// which makes a long statement quadratic to parse.
    pub async fn flush(&mut self, tx: &mut Tx) -> Result<()> {
        let dialect = tx.dialect();
        self.flush_on(tx, dialect).await
    }

    /// [`Rows::flush`] on a connection (a use case's transaction) of
    /// `dialect`.
    pub async fn flush_on(&mut self, c: &mut Conn, dialect: Dialect) -> Result<()> {
        let width = self.columns.len();
        if width == 0 || self.values.is_empty() {
            return Ok(());
        }
        let per_statement = (30_000 / width).max(1);
        let cols = self.columns.join(", ");
        let values = std::mem::take(&mut self.values);
        for chunk in values.chunks(per_statement * width) {
            let rows = chunk.len() / width;
            let mut sql = String::with_capacity(40 + cols.len() + chunk.len() * 6);
            sql.push_str("INSERT INTO ");
            sql.push_str(self.table);
            sql.push_str(" (");
            sql.push_str(&cols);
            sql.push_str(") VALUES ");
            let mut n = 0;
            for r in 0..rows {
                if r > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for k in 0..width {
                    if k > 0 {
                        sql.push_str(", ");
                    }
                    if dialect == Dialect::Sqlite {
                        sql.push('?');
                    } else {
                        n += 1;
                        sql.push('$');
                        sql.push_str(&n.to_string());
                    }
                }
                sql.push(')');
            }
            let mut q = sqlx::query(&sql);
            for v in chunk {
                q = match v {
                    Val::Int(i) => q.bind(*i),
                    Val::OptInt(i) => q.bind(*i),
                    Val::Text(s) => q.bind(s.as_str()),
                    Val::OptText(s) => q.bind(s.as_deref()),
                };
            }
            q.execute(&mut *c).await?;
        }
        Ok(())
    }
}

/// The largest id in `table` (0 when empty): generated rows number on from it.
pub async fn max_id(c: &mut Conn, table: &'static str) -> Result<i64> {
    Ok(
        sqlx::query_scalar::<_, i64>(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"))
            .fetch_one(c)
            .await?,
    )
}

/// After rows were inserted with explicit ids, moves PostgreSQL's identity
/// sequence past them (SQLite picks max(id) + 1 by itself).
pub async fn sync_identity(c: &mut Conn, dialect: Dialect, table: &'static str) -> Result<()> {
    if dialect == Dialect::Postgres {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
        ))
        .execute(c)
        .await?;
    }
    Ok(())
}

/// Refreshes the planner's statistics after a bulk load.
pub async fn analyze(c: &mut Conn) -> Result<()> {
    sqlx::query("ANALYZE").execute(c).await?;
    Ok(())
}
