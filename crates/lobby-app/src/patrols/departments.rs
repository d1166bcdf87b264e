//! Where a patrol finding goes: each check item's category decides the
//! department of its work order (clean → cleaning, safety → security,
//! engineering → engineering, other → customer service), and a site may
//! send a category elsewhere (its greenery to the greening vendor).

use super::*;

/// One category and the department its findings go to at a site.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryDepartment {
    pub category: Category,
    pub department: Department,
    /// Where it goes unless the site says otherwise.
    pub default_department: Department,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CategoryDepartmentInput {
    pub category: Category,
    pub department: Department,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CategoryDepartmentsInput {
    /// The categories to send elsewhere than the default (the rest go by
    /// it); each category once.
    pub items: Vec<CategoryDepartmentInput>,
}

/// The department of a finding of `category` at the site (its own map,
/// read in the caller's transaction, else the default).
pub(crate) async fn department_of(
    c: &mut Conn,
    site_id: i64,
    category: Category,
) -> AppResult<Department> {
    Ok(store::category_departments(c, site_id)
        .await?
        .into_iter()
        .find(|(c, _)| *c == category)
        .map_or_else(|| category.department(), |(_, d)| d))
}

/// Every category with the department its findings go to at the site.
pub async fn category_departments(
    app: &App,
    actor: &Actor,
    site_id: i64,
) -> AppResult<Vec<CategoryDepartment>> {
    actor.authorize(Can::PatrolsRead, site_id)?;
    let mut c = app.db.read().await?;
    let own = store::category_departments(&mut c, site_id).await?;
    Ok(Category::ALL
        .iter()
        .map(|&category| CategoryDepartment {
            category,
            department: own
                .iter()
                .find(|(c, _)| *c == category)
                .map_or_else(|| category.department(), |(_, d)| *d),
            default_department: category.department(),
        })
        .collect())
}

/// The supervisor sets where the site's findings go, by category (audited);
/// a category left out goes by the default.
pub async fn set_category_departments(
    app: &App,
    actor: &Actor,
    site_id: i64,
    input: &CategoryDepartmentsInput,
) -> AppResult<Vec<CategoryDepartment>> {
    actor.authorize(Can::PatrolsManage, site_id)?;
    let mut map: Vec<(Category, Department)> = Vec::new();
    for (i, x) in input.items.iter().enumerate() {
        if map.iter().any(|(c, _)| *c == x.category) {
            return Err(AppError::invalid(
                &format!("items[{i}].category"),
                "each category once",
            ));
        }
        if x.department != x.category.department() {
            map.push((x.category, x.department));
        }
    }
    let map = &map;
    app.write(actor, |w| {
        Box::pin(async move {
            crate::scope::site_row(w, site_id).await?;
            store::set_category_departments(w, site_id, map).await?;
            w.audit(
                Some(site_id),
                "update",
                "patrol_category_departments",
                Some(site_id),
                serde_json::json!({"map": map.iter().map(|(c, d)| (c.as_str(), d.as_str())).collect::<Vec<_>>()}),
            )
            .await
        })
    })
    .await?;
    category_departments(app, actor, site_id).await
}
