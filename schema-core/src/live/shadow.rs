//! A scratch database for [`super::normalize`], created on demand and dropped after.

use std::sync::atomic::{AtomicUsize, Ordering};

use postgres::{Client, Config, NoTls};

use super::LiveError;

/// An empty database created for normalising declarations (a "shadow database"),
/// dropped (`WITH (FORCE)`) when this value is dropped.
///
/// The connection role needs `CREATEDB`. Connections are made without TLS; on a
/// server that requires TLS, create the scratch database yourself and pass its
/// client to [`super::normalize`].
pub struct ShadowDatabase {
    admin: Client,
    name: String,
    client: Option<Client>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl ShadowDatabase {
    /// Creates `pgarchitect_shadow_{pid}_{n}` on the server of `config` (whose
    /// database is only used to run `CREATE DATABASE`) and connects to it.
    pub fn create(config: &Config) -> Result<Self, LiveError> {
        let mut admin = config.connect(NoTls)?;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "pgarchitect_shadow_{}_{}_{nanos:x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        admin.batch_execute(&format!("CREATE DATABASE \"{name}\" TEMPLATE template0"))?;
        let mut shadow_config = config.clone();
        shadow_config.dbname(&name);
        match shadow_config.connect(NoTls) {
            Ok(client) => Ok(Self { admin, name, client: Some(client) }),
            Err(e) => {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\""));
                Err(e.into())
            }
        }
    }

    /// The connection to the scratch database.
    pub fn client(&mut self) -> &mut Client {
        self.client.as_mut().expect("connected until dropped")
    }

    /// The scratch database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ShadowDatabase {
    fn drop(&mut self) {
        drop(self.client.take());
        let _ = self.admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
    }
}
