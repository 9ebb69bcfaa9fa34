//! Row-level security, roles and privileges.

use super::QualifiedName;
use crate::ident::Literal;
use crate::types::SqlType;

/// Row-level security state of a table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RowLevelSecurity {
    /// `ENABLE ROW LEVEL SECURITY`: policies apply to everyone but the owner and superusers.
    pub enabled: bool,
    /// `FORCE ROW LEVEL SECURITY`: policies apply to the table owner too.
    pub forced: bool,
}

/// The command a policy applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyCommand {
    /// `FOR ALL`.
    #[default]
    All,
    /// `FOR SELECT`.
    Select,
    /// `FOR INSERT`.
    Insert,
    /// `FOR UPDATE`.
    Update,
    /// `FOR DELETE`.
    Delete,
}

impl PolicyCommand {
    /// The SQL keyword.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::All => "ALL",
            Self::Select => "SELECT",
            Self::Insert => "INSERT",
            Self::Update => "UPDATE",
            Self::Delete => "DELETE",
        }
    }

    /// Parses a command name (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.to_ascii_lowercase().as_str() {
            "all" => Self::All,
            "select" => Self::Select,
            "insert" => Self::Insert,
            "update" => Self::Update,
            "delete" => Self::Delete,
            _ => return None,
        })
    }
}

/// `CREATE POLICY`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Policy {
    /// Policy name (unique per table).
    pub name: String,
    /// Command.
    pub command: PolicyCommand,
    /// `PERMISSIVE` (policies combine with OR) or `RESTRICTIVE` (AND).
    pub permissive: bool,
    /// Roles it applies to; empty means `PUBLIC`.
    pub roles: Vec<String>,
    /// `USING (...)`: which existing rows are visible / affected.
    pub using: Option<String>,
    /// `WITH CHECK (...)`: which new rows are allowed.
    pub with_check: Option<String>,
    /// `COMMENT ON POLICY`.
    pub comment: Option<String>,
}

impl Policy {
    /// A permissive policy for all commands and roles, with no expressions yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            command: PolicyCommand::All,
            permissive: true,
            roles: Vec::new(),
            using: None,
            with_check: None,
            comment: None,
        }
    }

    /// Sets the command.
    pub fn command(mut self, command: PolicyCommand) -> Self {
        self.command = command;
        self
    }

    /// Applies it to one command only, dropping the clause that command does not
    /// take (`INSERT` has no `USING`; `SELECT` and `DELETE` have no `WITH CHECK`).
    pub fn for_command(mut self, command: PolicyCommand) -> Self {
        self.command = command;
        match command {
            PolicyCommand::Insert => self.using = None,
            PolicyCommand::Select | PolicyCommand::Delete => self.with_check = None,
            PolicyCommand::All | PolicyCommand::Update => {}
        }
        self
    }

    /// Makes it `RESTRICTIVE`.
    pub fn restrictive(mut self) -> Self {
        self.permissive = false;
        self
    }

    /// Restricts it to roles.
    pub fn roles<S: Into<String>>(mut self, roles: impl IntoIterator<Item = S>) -> Self {
        self.roles.extend(roles.into_iter().map(Into::into));
        self
    }

    /// Sets `USING`.
    pub fn using(mut self, expr: impl Into<String>) -> Self {
        self.using = Some(expr.into());
        self
    }

    /// Sets `WITH CHECK`.
    pub fn with_check(mut self, expr: impl Into<String>) -> Self {
        self.with_check = Some(expr.into());
        self
    }

    /// Sets the comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Rows whose `column` equals the session setting `setting` (`app.user_id`,
    /// `app.tenant_id`), for every command, in both `USING` and `WITH CHECK`.
    /// When the setting is missing, empty or not a valid value, no row matches and
    /// no error is raised (see [`session_setting_equals`]).
    pub fn isolate_by_setting(name: impl Into<String>, column: &str, ty: &SqlType, setting: &str) -> Self {
        let expr = session_setting_equals(column, ty, setting);
        Self::new(name).using(expr.clone()).with_check(expr)
    }
}

/// A boolean SQL expression: `column` equals the session setting `setting`.
///
/// It never raises: `current_setting(name, true)` gives NULL for a missing setting,
/// for integer and uuid columns the text is cast only when it has the right shape,
/// and other columns are compared as text, so an empty value (after `RESET`), a
/// malformed or out-of-range one denies instead of aborting the query. NULL compares as unknown, and RLS treats
/// unknown as false: the row is hidden.
///
/// ```
/// use pgarchitect_core::{SqlType, model::session_setting_equals};
/// let e = session_setting_equals("user_id", &SqlType::BigInt, "app.user_id");
/// assert!(e.contains("current_setting('app.user_id', true)"));
/// ```
pub fn session_setting_equals(column: &str, ty: &SqlType, setting: &str) -> String {
    let col = crate::ident::Ident(column);
    let value = format!("current_setting({}, true)", Literal(setting));
    match ty.storage() {
        // A missing setting is NULL and an empty or malformed one fails the pattern:
        // both give NULL. Casting to bigint (not the column's type) keeps an
        // out-of-range number from raising; int4 = int8 still uses the index.
        SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => {
            format!("{col} = CASE WHEN {value} ~ '^-?[0-9]{{1,18}}$' THEN {value}::bigint END")
        }
        SqlType::Uuid => format!(
            "{col} = CASE WHEN {value} ~* '^[0-9a-f]{{8}}-?([0-9a-f]{{4}}-?){{3}}[0-9a-f]{{12}}$' THEN {value}::uuid END"
        ),
        // Compared as text: a cast to varchar(n) would truncate `acme-evil` to `acme`.
        SqlType::Text | SqlType::Varchar(_) | SqlType::Char(_) => format!("{col} = NULLIF({value}, '')"),
        // Any other type compares through its text form, so no value can fail a cast.
        _ => format!("{col}::text = NULLIF({value}, '')"),
    }
}

/// `CREATE ROLE`, emitted idempotently (roles are cluster-wide).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Role {
    /// Role name.
    pub name: String,
    /// `LOGIN` (an application user) or `NOLOGIN` (a group of privileges).
    pub login: bool,
    /// Roles this one is a member of (`GRANT parent TO name`).
    pub member_of: Vec<String>,
    /// `COMMENT ON ROLE`.
    pub comment: Option<String>,
}

impl Role {
    /// A `NOLOGIN` group role.
    pub fn group(name: impl Into<String>) -> Self {
        Self { name: name.into(), login: false, member_of: Vec::new(), comment: None }
    }

    /// A `LOGIN` role (its password is set outside the schema).
    pub fn login(name: impl Into<String>) -> Self {
        Self { login: true, ..Self::group(name) }
    }

    /// Makes it a member of `parent`.
    pub fn member_of(mut self, parent: impl Into<String>) -> Self {
        self.member_of.push(parent.into());
        self
    }

    /// Sets the comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}

/// A privilege.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Privilege {
    /// `SELECT`.
    Select,
    /// `INSERT`.
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
    /// `TRUNCATE`.
    Truncate,
    /// `REFERENCES`.
    References,
    /// `TRIGGER`.
    Trigger,
    /// `USAGE` (schemas, sequences, types).
    Usage,
    /// `EXECUTE` (functions).
    Execute,
    /// `ALL PRIVILEGES`.
    All,
}

impl Privilege {
    /// The SQL keyword.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::Select => "SELECT",
            Self::Insert => "INSERT",
            Self::Update => "UPDATE",
            Self::Delete => "DELETE",
            Self::Truncate => "TRUNCATE",
            Self::References => "REFERENCES",
            Self::Trigger => "TRIGGER",
            Self::Usage => "USAGE",
            Self::Execute => "EXECUTE",
            Self::All => "ALL PRIVILEGES",
        }
    }
}

/// What a grant is on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrantTarget {
    /// One table or view; with `columns`, only those columns.
    Table {
        /// The table.
        table: QualifiedName,
        /// Column-level grant when not empty.
        columns: Vec<String>,
    },
    /// `ALL TABLES IN SCHEMA`.
    AllTablesInSchema(String),
    /// `ALL SEQUENCES IN SCHEMA`.
    AllSequencesInSchema(String),
    /// `ALL FUNCTIONS IN SCHEMA`.
    AllFunctionsInSchema(String),
    /// `SCHEMA` (for `USAGE` / `CREATE`).
    Schema(String),
}

/// `GRANT privileges ON target TO roles`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Grant {
    /// Privileges.
    pub privileges: Vec<Privilege>,
    /// Target.
    pub target: GrantTarget,
    /// Grantees.
    pub roles: Vec<String>,
}

impl Grant {
    /// A grant.
    pub fn new<R: Into<String>>(privileges: impl IntoIterator<Item = Privilege>, target: GrantTarget, roles: impl IntoIterator<Item = R>) -> Self {
        Self { privileges: privileges.into_iter().collect(), target, roles: roles.into_iter().map(Into::into).collect() }
    }
}

/// The kind of object `ALTER DEFAULT PRIVILEGES` covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DefaultObjects {
    /// `TABLES` (and views).
    Tables,
    /// `SEQUENCES`.
    Sequences,
    /// `FUNCTIONS`.
    Functions,
}

impl DefaultObjects {
    /// The SQL keyword.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::Tables => "TABLES",
            Self::Sequences => "SEQUENCES",
            Self::Functions => "FUNCTIONS",
        }
    }
}

/// `ALTER DEFAULT PRIVILEGES [FOR ROLE owner] IN SCHEMA schema GRANT ... ON objects TO roles`:
/// objects created later by `owner` (the applying role when `None`) get the privileges too.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct DefaultPrivileges {
    /// The creating role whose future objects are covered.
    pub for_role: Option<String>,
    /// Schema.
    pub schema: String,
    /// Object kind.
    pub objects: DefaultObjects,
    /// Privileges.
    pub privileges: Vec<Privilege>,
    /// Grantees.
    pub roles: Vec<String>,
}

impl DefaultPrivileges {
    /// Default privileges in `schema`.
    pub fn new<R: Into<String>>(schema: impl Into<String>, objects: DefaultObjects, privileges: impl IntoIterator<Item = Privilege>, roles: impl IntoIterator<Item = R>) -> Self {
        Self { for_role: None, schema: schema.into(), objects, privileges: privileges.into_iter().collect(), roles: roles.into_iter().map(Into::into).collect() }
    }
}
