//! Draws the demo catalog's covers into a folder, to look at them while changing the art:
//! `cargo run -p cinecloud-core --example draw_covers -- /tmp/covers`.

use anyhow::Context;
use cinecloud_core::catalog::MovieInput;

fn main() -> anyhow::Result<()> {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "covers".into()));
    std::fs::create_dir_all(&out)?;
    let year = cinecloud_core::catalog::current_year();
    for (i, form) in cinecloud_core::catalog::seed::demo_catalog().into_iter().enumerate() {
        let input = MovieInput::from_form(&form, year).with_context(|| format!("demo movie {:?}", form.title))?;
        let art = cinecloud_core::covers::generate(&input.title, input.year, &input.genres);
        art.to_rgb8().save(out.join(format!("{i:02}.png")))?;
    }
    println!("wrote covers to {}", out.display());
    Ok(())
}
