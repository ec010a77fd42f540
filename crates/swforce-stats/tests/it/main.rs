//! Integration tests of the statistics over the full published files.

mod properties;
mod published;
mod quality;
