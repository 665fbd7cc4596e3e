//! `servsim catalog [gpus|models]`: lists the built-in GPUs and models with their figures
//! and sources.

use clap::{Args, ValueEnum};

use super::{CliError, write_stdout};
use crate::report::{self, CatalogSelection, render_catalog};

#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Which list (default: both).
    #[arg(value_enum)]
    which: Option<Which>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Table)]
    format: CatalogFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Which {
    Gpus,
    Models,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CatalogFormat {
    Table,
    Json,
    Markdown,
}

pub fn catalog_command(args: CatalogArgs) -> Result<(), CliError> {
    let which = CatalogSelection {
        gpus: !matches!(args.which, Some(Which::Models)),
        models: !matches!(args.which, Some(Which::Gpus)),
    };
    let format = match args.format {
        CatalogFormat::Table => report::CatalogFormat::Table,
        CatalogFormat::Json => report::CatalogFormat::Json,
        CatalogFormat::Markdown => report::CatalogFormat::Markdown,
    };
    write_stdout(&render_catalog(which, format))
}
