//! The blog schema of the design brief, declared with the derives; shared by
//! `tests/derive.rs` (model and DDL) and `tests/derive_postgres.rs` (applied to a
//! live server). Each test binary uses part of it.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use pgarchitect::{PgEnum, Schema, Table};

/// Lifecycle of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PgEnum)]
pub enum UserStatus {
    Active,
    Inactive,
    Suspended,
    Deleted,
}

/// What a user may do.
///
/// Checked by the API on every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PgEnum)]
#[pg_enum(name = "user_role", rename_all = "lowercase")]
pub enum Role {
    Admin,
    Moderator,
    #[pg_enum(rename = "user")]
    Member,
    Guest,
}

/// Core user accounts
/// and authentication data.
#[derive(Table)]
#[table(
    name = "users",
    check(expr = "email = lower(email)", name = "users_email_lowercase"),
    index(columns(created_at), order = "desc"),
    index(columns(metadata), method = "gin"),
    index(expression = "lower(username)", name = "idx_users_username_lower", unique, predicate = "deleted_at IS NULL")
)]
pub struct User {
    #[column(primary_key, identity)]
    id: i64,
    /// Public-facing unique identifier, use this in APIs.
    #[column(unique, default = "gen_random_uuid()")]
    uuid: uuid::Uuid,
    #[column(varchar = 255, unique)]
    email: String,
    #[column(sql_type = "varchar(50)", unique)]
    username: String,
    #[column(sql_type = "varchar(100)")]
    first_name: Option<String>,
    #[column(default_text = "active")]
    status: UserStatus,
    #[column(default = "'user'")]
    role: Role,
    #[column(default = "0", check = "login_count >= 0")]
    login_count: i32,
    /// Flexible JSON storage for user preferences and settings.
    #[column(default = "'{}'")]
    metadata: serde_json::Value,
    #[column(default = "now()")]
    created_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
    /// Not stored: any type is fine on a skipped field.
    #[column(skip)]
    #[allow(dead_code)]
    session: std::collections::HashMap<String, String>,
}

/// Blog posts.
#[derive(Table)]
#[table(name = "posts", unique(columns(author_id, slug), name = "posts_author_slug_key"))]
pub struct Post {
    #[column(primary_key, identity = "by_default")]
    id: i64,
    #[column(references = User, on_delete = "cascade", index)]
    author_id: i64,
    #[column(references = User, on_delete = "set_null", on_update = "cascade", deferrable = "initially_deferred")]
    editor_id: Option<i64>,
    #[column(varchar = 200)]
    slug: String,
    title: String,
    #[column(name = "kind", default_text = "it's a post")]
    r#type: String,
    #[column(check = "price >= 0")]
    price: rust_decimal::Decimal,
    quantity: i32,
    #[column(generated = "price * quantity")]
    total: rust_decimal::Decimal,
    tags_cache: Vec<String>,
    published_at: Option<DateTime<Utc>>,
}

#[derive(Table)]
#[table(name = "tags")]
pub struct Tag {
    #[column(primary_key)]
    id: i32,
    #[column(varchar = 40, unique, index(method = "gin", opclass = "gin_trgm_ops", name = "idx_tags_slug_trgm"))]
    slug: String,
}

/// Which tags a post has.
#[derive(Table)]
#[table(name = "post_tags", primary_key(post_id, tag_id))]
pub struct PostTag {
    #[column(references = Post, on_delete = "cascade")]
    post_id: i64,
    #[column(references = Tag, on_delete = "restrict", index)]
    tag_id: i32,
}

/// Votes on a tag of a post: a foreign key to a composite key.
#[derive(Table)]
#[table(
    schema = "app",
    comment = "Tag votes",
    foreign_key(columns(post_id, tag_id), references = PostTag, on_delete = "cascade", name = "tag_votes_post_tag_fkey"),
    index(
        columns(voter_id, created_at),
        order = "desc",
        nulls = "last",
        include(weight),
        name = "idx_tag_votes_voter",
        comment = "Votes of one user, newest first"
    ),
    unique(columns(voter_id, post_id, tag_id), nulls_not_distinct)
)]
pub struct TagVote {
    #[column(primary_key, identity)]
    id: i64,
    post_id: i64,
    /// NULL while the tag is being re-assigned.
    tag_id: Option<i32>,
    #[column(references = User, references_column = "id")]
    voter_id: i64,
    weight: i16,
    created_at: DateTime<Utc>,
}

/// A tree: a self-referencing foreign key.
#[derive(Table)]
pub struct Category {
    #[column(primary_key)]
    id: i32,
    #[column(references = Self, on_delete = "set_null")]
    parent_id: Option<i32>,
}

/// Sessions of a user, visible only to that user.
#[derive(Table)]
#[table(
    name = "sessions",
    volume = "50M rows/year",
    retention = "90 days",
    allow(rule = "missing-foreign-key", reason = "device ids come from the device registry service"),
    timestamps,
    soft_delete,
    audited,
    row_level_security = "forced",
    isolate(
        column = user_id,
        setting = "app.user_id",
        name = "sessions_own",
        command = "select",
        roles("app_user"),
        comment = "Users see their own sessions"
    ),
    isolate(column = user_id, setting = "app.user_id", name = "sessions_insert_own", command = "insert", restrictive)
)]
pub struct Session {
    #[column(primary_key, identity)]
    id: i64,
    #[column(references = User, on_delete = "cascade", index)]
    user_id: i64,
    device_id: i64,
    #[column(
        personal_data,
        protection = "sha256 of the address",
        allow(rule = "generic-column-name", reason = "the hash is the value")
    )]
    ip_hash: String,
}

pub fn schema() -> Schema {
    Schema::builder()
        .table::<User>()
        .table::<Post>()
        .table::<Tag>()
        .table::<PostTag>()
        .table::<TagVote>()
        .table::<Category>()
        .table::<Session>()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}
