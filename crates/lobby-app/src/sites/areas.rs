//! Part of `sites`; shares its imports.

#[allow(unused_imports)]
use super::*;
use lobby_domain::sites::AreaKind;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicAreaView {
    pub id: i64,
    pub site_id: i64,
    pub building_id: Option<i64>,
    pub floor_id: Option<i64>,
    pub name: String,
    pub kind: AreaKind,
    pub archived: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PublicAreaInput {
    pub site_id: i64,
    pub building_id: Option<i64>,
    pub floor_id: Option<i64>,
    pub name: String,
    pub kind: AreaKind,
    pub archived: Option<bool>,
}

impl From<store::PublicAreaRow> for PublicAreaView {
    fn from(a: store::PublicAreaRow) -> Self {
        Self {
            id: a.id,
            site_id: a.site_id,
            building_id: a.building_id,
            floor_id: a.floor_id,
            name: a.name,
            kind: a.kind,
            archived: a.archived != 0,
        }
    }
}

pub async fn public_areas(
    app: &App,
    actor: &Actor,
    site_id: i64,
) -> AppResult<Vec<PublicAreaView>> {
    actor.authorize(Action::SitesRead, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::public_areas(&mut c, site_id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

pub(super) async fn check_area(
    c: &mut Conn,
    input: &PublicAreaInput,
) -> AppResult<(String, AreaKind)> {
    let name = required_text("name", &input.name, 60)?;
    if let Some(b) = input.building_id {
        store::building(c, b)
            .await?
            .filter(|b| b.site_id == input.site_id)
            .ok_or_else(|| AppError::invalid("building_id", "no such building at this site"))?;
    }
    if let Some(f) = input.floor_id {
        store::floor(c, f)
            .await?
            .filter(|f| f.site_id == input.site_id)
            .ok_or_else(|| AppError::invalid("floor_id", "no such floor at this site"))?;
    }
    Ok((name, input.kind))
}

pub async fn create_public_area(
    app: &App,
    actor: &Actor,
    input: &PublicAreaInput,
) -> AppResult<PublicAreaView> {
    actor.authorize(Action::SitesManage, input.site_id)?;
    let a = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                crate::scope::site_row(w, input.site_id).await?;
                let (name, kind) = check_area(w, input).await?;
                let id = store::insert_public_area(
                    w,
                    input.site_id,
                    input.building_id,
                    input.floor_id,
                    &name,
                    kind,
                    now,
                )
                .await
                .map_err(dup_as(
                    "name",
                    "this site already has a public area of that name",
                ))?;
                w.audit(
                    Some(input.site_id),
                    "create",
                    "public_area",
                    Some(id),
                    serde_json::json!({"name": name, "kind": kind}),
                )
                .await?;
                let a = store::public_area(w, id)
                    .await?
                    .ok_or(AppError::NotFound("public area"))?;
                Ok(a)
            })
        })
        .await?;
    Ok(a.into())
}

pub async fn update_public_area(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &PublicAreaInput,
) -> AppResult<PublicAreaView> {
    let a = app
        .write(actor, |w| {
            Box::pin(async move {
                let old = store::public_area(w, id)
                    .await?
                    .ok_or(AppError::NotFound("public area"))?;
                actor.authorize(Action::SitesManage, old.site_id)?;
                if input.site_id != old.site_id {
                    return Err(AppError::invalid(
                        "site_id",
                        "a public area cannot move to another site",
                    ));
                }
                let (name, kind) = check_area(w, input).await?;
                let archived = input.archived.unwrap_or(old.archived != 0);
                store::update_public_area(
                    w,
                    id,
                    input.building_id,
                    input.floor_id,
                    &name,
                    kind,
                    archived,
                )
                .await
                .map_err(dup_as(
                    "name",
                    "this site already has a public area of that name",
                ))?;
                w.audit(
                    Some(old.site_id),
                    "update",
                    "public_area",
                    Some(id),
                    serde_json::json!({"name": name, "kind": kind, "archived": archived}),
                )
                .await?;
                let a = store::public_area(w, id)
                    .await?
                    .ok_or(AppError::NotFound("public area"))?;
                Ok(a)
            })
        })
        .await?;
    Ok(a.into())
}

// ---- the vacant-unit report (空置单元资料) ----
